"""Generates the benchmark architectures with random weights at ImageNet shapes.

    /usr/bin/python3 examples/models/make_benchmark_models.py OUTDIR [--only NAME] [--size S]

Writes OUTDIR/<name>.onnx (input [1, 3, S, S], S = 224 by default; for all but the AlexNets,
whose classifier expects 224, any multiple of 32 makes the same layers at a smaller
resolution) for:
  bireal18        Bi-Real Net 18: float 7x7 stem, 16 binary 3x3 convs each with a
                  real-valued shortcut, float 1x1 downsamples, float classifier
  bireal18_int8   the same network with an 8-bit stem conv (+ its folded BatchNorm and
                  ReLU) and an 8-bit classifier as ONNX QDQ (QuantizeLinear /
                  DequantizeLinear around them: u8 activations, i8 weights per output
                  channel, i32 bias), scales calibrated on the benchmark's random input;
                  the rest float as in bireal18 (whose ONNX Runtime baseline stays resnet18)
  bireal18_pruned25, bireal18_pruned50
                  bireal18 with 25 % / 50 % of each residual stream's channels (a stage's
                  stem or downsample output and its 4 block outputs, tied by the adds)
                  structurally pruned: every layer reading the stream (the binary convs,
                  the 1x1 downsample convs, the classifier) has zero weights on them, so
                  xnorc's prune-channels removes them from the whole stream
  xnor_resnet18   ResNet-18 with XNOR blocks (BN -> Sign -> BinConv), float shortcuts
  xnor_alexnet    the XNOR-Net paper's AlexNet: float conv1 and last FC, binary
                  convs and FCs in the paper's BN -> BinActiv -> BinConv -> Pool order
  quicknet        Larq Zoo's QuickNet (sota, v1.0): float stem (3x3/2 conv, 3x3/2
                  depthwise, 1x1), 4 sections of 4 binary 3x3 blocks (one padding, ReLU,
                  BN, + input), transitions of ReLU, 2x2/1 max-pool, 3x3/2 blur-pool
                  depthwise and float 1x1 conv, float classifier
  quicknet_large  QuickNet-Large: the same with 6, 8, 12, 6 blocks per section
  reactnet_a      ReActNet-A: MobileNet-v1-shaped, 13 blocks of a binary 3x3 (depthwise
                  position) and a binary 1x1 (pointwise) conv, RSign (per-channel shift,
                  Sign) and RPReLU, average-pool shortcuts, channel doubling by two 1x1s
  real2binary     Real-to-Binary Net: ResNet-18 layout of 16 binary 3x3 convs, each
                  BN -> Sign -> BinConv -> BN, scaled per channel by a gate computed
                  from its real-valued input (avg-pool, FC, ReLU, FC, sigmoid), PReLU,
                  + shortcut
  resnet18        float ResNet-18 (torchvision), the float baseline
  alexnet         float AlexNet (torchvision)
  <name>_float    for quicknet, quicknet_large, reactnet_a and real2binary: the float twin
                  for ONNX Runtime (same shapes, float weights and activations: no Sign)
Nothing is downloaded: weights are random (seeded), BatchNorm statistics are
random but sane, so the networks are for speed and size, not accuracy.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from binary_layers import BinaryConv2d, BinaryLinear, SignActivation  # noqa: E402


class BiRealBlock(nn.Module):
    """x' = BN(BinConv3x3(Sign(x))) + shortcut(x), one binary conv per block."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.sign = SignActivation()
        self.conv = BinaryConv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride), nn.Conv2d(cin, cout, 1, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.bn(self.conv(self.sign(x))) + self.shortcut(x)


class BiReal18(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                                  nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            for i in range(4):  # 4 binary convs per stage: 16 in all
                blocks.append(BiRealBlock(cin, cout, stride if i == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


class XnorBasicBlock(nn.Module):
    """ResNet basic block with XNOR convs: (BN -> Sign -> BinConv) x 2 + shortcut."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(nn.BatchNorm2d(cin), SignActivation(),
                                  BinaryConv2d(cin, cout, 3, stride, 1, bias=False),
                                  nn.BatchNorm2d(cout), SignActivation(),
                                  BinaryConv2d(cout, cout, 3, 1, 1, bias=False))
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        return self.body(x) + self.shortcut(x)


class XnorResNet18(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                                  nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            blocks += [XnorBasicBlock(cin, cout, stride), XnorBasicBlock(cout, cout, 1)]
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.BatchNorm2d(512), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                  nn.Flatten(), nn.Linear(512, classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


def xnor_stage(cin, cout, k, pad, pool):
    layers = [nn.BatchNorm2d(cin), SignActivation(), BinaryConv2d(cin, cout, k, 1, pad, bias=False)]
    if pool:
        layers.append(nn.MaxPool2d(3, 2))
    return layers


class XnorAlexNet(nn.Module):
    """Figure/Table of the XNOR-Net paper: binary conv2..5 and fc6..7."""

    def __init__(self, classes=1000):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 96, 11, 4, 2), nn.BatchNorm2d(96), nn.ReLU(), nn.MaxPool2d(3, 2),
            *xnor_stage(96, 256, 5, 2, True), *xnor_stage(256, 384, 3, 1, False),
            *xnor_stage(384, 384, 3, 1, False), *xnor_stage(384, 256, 3, 1, True))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.BatchNorm1d(256 * 6 * 6), SignActivation(),
            BinaryLinear(256 * 6 * 6, 4096, bias=False), nn.BatchNorm1d(4096), SignActivation(),
            BinaryLinear(4096, 4096, bias=False), nn.BatchNorm1d(4096), nn.ReLU(),
            nn.Linear(4096, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


def conv2d(binary, cin, cout, k, stride=1, pad=0):
    """A binary conv (Sign weights, XNOR-Net scaling) or, in a float twin, a float one."""
    return (BinaryConv2d if binary else nn.Conv2d)(cin, cout, k, stride, pad, bias=False)


def sign(binary):
    return SignActivation() if binary else nn.Identity()


class OnePad(nn.Module):
    """Larq's pad_values=1: binary convs pad their (Sign) input with +1 (zeros in a float
    twin, where the input is real)."""

    def __init__(self, binary, pad=1):
        super().__init__()
        self.pad, self.value = pad, 1.0 if binary else 0.0

    def forward(self, x):
        return F.pad(x, [self.pad] * 4, value=self.value)


class QuickNetBlock(nn.Module):
    """residual_block: x + BN(ReLU(BinConv3x3(Sign(x)))), the conv padded with ones."""

    def __init__(self, c, binary):
        super().__init__()
        self.body = nn.Sequential(sign(binary), OnePad(binary), conv2d(binary, c, c, 3),
                                  nn.ReLU(), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.body(x)


def blur_pool(c):
    """The fixed 3x3/2 depthwise blur ([1, 2, 1] outer itself, normalised) of QuickNet's
    transition blocks."""
    conv = nn.Conv2d(c, c, 3, 2, 1, groups=c, bias=False)
    k = torch.tensor([1.0, 2.0, 1.0])
    conv.weight.data = (torch.outer(k, k) / 16).expand(c, 1, 3, 3).clone()
    return conv


class QuickNet(nn.Module):
    def __init__(self, blocks=(4, 4, 4, 4), binary=True, classes=1000):
        super().__init__()
        filters = (64, 128, 256, 512)
        layers = [nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                  nn.Conv2d(16, 16, 3, 2, 1, groups=16, bias=False),
                  nn.BatchNorm2d(16, affine=False), nn.Conv2d(16, 64, 1, bias=False),
                  nn.BatchNorm2d(64)]
        c = 64
        for n, f in zip(blocks, filters):
            for _ in range(n):
                if f != c:  # transition_block
                    layers += [nn.ReLU(), nn.MaxPool2d(2, 1), blur_pool(c),
                               nn.Conv2d(c, f, 1, bias=False), nn.BatchNorm2d(f)]
                    c = f
                layers.append(QuickNetBlock(c, binary))
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(c, classes))

    def forward(self, x):
        return self.head(self.features(x))


class RSign(nn.Module):
    """ReActNet's RSign: Sign(x - beta) with a learned per-channel shift beta (a float twin
    keeps the shift and drops the Sign)."""

    def __init__(self, c, binary):
        super().__init__()
        self.beta = nn.Parameter(torch.randn(1, c, 1, 1) * 0.1)
        self.sign = sign(binary)

    def forward(self, x):
        return self.sign(x - self.beta)


class RPReLU(nn.Module):
    """ReActNet's RPReLU: PReLU(x - gamma) + zeta, per channel."""

    def __init__(self, c):
        super().__init__()
        self.gamma = nn.Parameter(torch.randn(1, c, 1, 1) * 0.1)
        self.zeta = nn.Parameter(torch.randn(1, c, 1, 1) * 0.1)
        self.prelu = nn.PReLU(c, 0.25)

    def forward(self, x):
        return self.prelu(x - self.gamma) + self.zeta


class ReActBlock(nn.Module):
    """A MobileNet-v1 block made binary: 3x3 (stride s; shortcut through a 2x2 average pool
    when s = 2), then 1x1 (two 1x1s side by side, each with the same shortcut, when the
    channels double)."""

    def __init__(self, cin, cout, stride, binary):
        super().__init__()
        self.stride = stride
        self.s3 = RSign(cin, binary)
        self.c3 = conv2d(binary, cin, cin, 3, stride, 1)
        self.b3 = nn.BatchNorm2d(cin)
        self.a3 = RPReLU(cin)
        self.pool = nn.AvgPool2d(2, 2) if stride == 2 else nn.Identity()
        self.s1 = RSign(cin, binary)
        self.c1 = nn.ModuleList([conv2d(binary, cin, cin, 1) for _ in range(cout // cin)])
        self.b1 = nn.ModuleList([nn.BatchNorm2d(cin) for _ in range(cout // cin)])
        self.a1 = RPReLU(cout)

    def forward(self, x):
        y = self.a3(self.b3(self.c3(self.s3(x))) + self.pool(x))
        s = self.s1(y)
        return self.a1(torch.cat([b(c(s)) + y for c, b in zip(self.c1, self.b1)], 1))


class ReActNetA(nn.Module):
    def __init__(self, binary=True, classes=1000):
        super().__init__()
        stages = [(32, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
                  (256, 512, 2)] + [(512, 512, 1)] * 5 + [(512, 1024, 2), (1024, 1024, 1)]
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32))
        self.blocks = nn.Sequential(*[ReActBlock(i, o, s, binary) for i, o, s in stages])
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


class R2BBlock(nn.Module):
    """Real-to-Binary: x' = PReLU(BN(BinConv3x3(Sign(BN(x)))) * gate(x)) + shortcut(x), the
    gate a per-channel scale in (0, 1) computed from the real-valued input."""

    def __init__(self, cin, cout, stride, binary):
        super().__init__()
        self.body = nn.Sequential(nn.BatchNorm2d(cin), sign(binary),
                                  conv2d(binary, cin, cout, 3, stride, 1), nn.BatchNorm2d(cout))
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, cin // 8),
                                  nn.ReLU(), nn.Linear(cin // 8, cout), nn.Sigmoid())
        self.act = nn.PReLU(cout, 0.25)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.AvgPool2d(2, stride), nn.Conv2d(cin, cout, 1, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        g = self.gate(x)
        return self.act(self.body(x) * g.view(g.shape[0], -1, 1, 1)) + self.shortcut(x)


class RealToBinary(nn.Module):
    def __init__(self, binary=True, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64),
                                  nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            for i in range(4):  # 2 basic blocks of 2 convs per stage, each with a shortcut
                blocks.append(R2BBlock(cin, cout, stride if i == 0 else 1, binary))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, classes))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


class QdqRewriter:
    """Puts QuantizeLinear / DequantizeLinear around a float Conv or Gemm of an exported graph."""

    def __init__(self, model):
        self.graph = model.graph
        self.inits = {i.name: i for i in self.graph.initializer}
        self.count = 0

    def name(self, base):
        self.count += 1
        return "qdq_%s_%d" % (base, self.count)

    def const(self, array, base):
        n = self.name(base)
        self.graph.initializer.append(numpy_helper.from_array(array, n))
        return n

    def qdq(self, x, scale, zp):
        """Nodes x -> Q (u8) -> DQ; returns them and the dequantized name."""
        s, z = self.const(np.array(scale, np.float32), "s"), self.const(np.array(zp, np.uint8), "zp")
        q, dq = self.name("q"), self.name("dq")
        return [helper.make_node("QuantizeLinear", [x, s, z], [q]),
                helper.make_node("DequantizeLinear", [q, s, z], [dq])], dq

    def weights(self, node, x_scale):
        """Node's float weights (i8, per output channel) and bias (i32) as DequantizeLinear."""
        w = numpy_helper.to_array(self.inits[node.input[1]])
        ws = (np.abs(w.reshape(w.shape[0], -1)).max(axis=1) / 127).astype(np.float32)
        ws = np.maximum(ws, np.float32(1e-8))
        wq = np.clip(np.round(w / ws.reshape((-1,) + (1,) * (w.ndim - 1))), -127, 127)
        out = [helper.make_node(
            "DequantizeLinear", [self.const(wq.astype(np.int8), "w"), self.const(ws, "ws"),
                                 self.const(np.zeros(len(ws), np.int8), "wzp")],
            [self.name("wdq")], axis=0)]
        node.input[1] = out[-1].output[0]
        if len(node.input) > 2:
            bs = (np.float32(x_scale) * ws).astype(np.float32)
            b = numpy_helper.to_array(self.inits[node.input[2]])
            bq = np.round(b / bs).astype(np.int32)
            out.append(helper.make_node(
                "DequantizeLinear", [self.const(bq, "b"), self.const(bs, "bs"),
                                     self.const(np.zeros(len(bs), np.int32), "bzp")],
                [self.name("bdq")], axis=0))
            node.input[2] = out[-1].output[0]
        return out

    def layer(self, i, j, x_range, y_range):
        """DQ -> node i (... -> node j) -> Q -> DQ, activations in u8 over the given real ranges."""
        node, last = self.graph.node[i], self.graph.node[j]
        x_scale, x_zp = u8_params(*x_range)
        before, node.input[0] = self.qdq(node.input[0], x_scale, x_zp)
        before += self.weights(node, x_scale)
        y = last.output[0]
        last.output[0] = self.name("f")
        after, dq = self.qdq(last.output[0], *u8_params(*y_range))
        after[-1].output[0] = y
        nodes = list(self.graph.node)
        nodes = nodes[:i] + before + nodes[i:j + 1] + after + nodes[j + 1:]
        del self.graph.node[:]
        self.graph.node.extend(nodes)


def u8_params(lo, hi):
    """u8 scale and zero point covering [lo, hi] (and 0)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-6) / 255
    return scale, int(np.clip(round(-lo / scale), 0, 255))


def bireal18_int8(path, model, x):
    """Rewrites the exported bireal18 at path: 8-bit stem and classifier (QDQ)."""
    ranges = {}

    def hook(name):
        def record(_, inp, out):
            ranges[name] = (float(inp[0].min()), float(inp[0].max()), float(out.min()),
                            float(out.max()))
        return record

    hooks = [model.stem[2].register_forward_hook(hook("stem")),
             model.head[2].register_forward_hook(hook("head"))]
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    m = onnx.load(path)
    r = QdqRewriter(m)
    # The classifier first: the stem's new nodes would move its index.
    gemm = max(i for i, n in enumerate(m.graph.node) if n.op_type == "Gemm")
    r.layer(gemm, gemm, ranges["head"][:2], ranges["head"][2:])
    ops = [n.op_type for n in m.graph.node]
    stem = ops.index("Conv")
    relu = next(i for i, n in enumerate(m.graph.node)
                if n.op_type == "Relu" and n.input[0] == m.graph.node[stem].output[0])
    r.layer(stem, relu, (float(x.min()), float(x.max())), ranges["stem"][2:])
    onnx.checker.check_model(m)
    onnx.save(m, path)


def prune_bireal_streams(model, fraction):
    """Zeroes every reader's weights on `fraction` of each residual stream's channels (a
    deterministic choice per stage), as structured pruning of Bi-Real-18 would: the binary
    convs get a mask after the sign (their exported weights are ternary), the float 1x1
    downsamples and the classifier zero input channels."""
    rng = np.random.default_rng(14)

    def dead_of(channels):
        return torch.from_numpy(rng.permutation(channels)[:int(channels * fraction)])

    dead = dead_of(model.stem[0].out_channels)  # the channels of the stream being read
    with torch.no_grad():
        for block in model.blocks:
            block.conv.weight_mask = torch.ones(1, block.conv.in_channels, 1, 1)
            block.conv.weight_mask[:, dead] = 0
            if not isinstance(block.shortcut, nn.Identity):  # a new stream starts
                block.shortcut[1].weight[:, dead] = 0
                dead = dead_of(block.conv.out_channels)
        model.head[2].weight[:, dead] = 0


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            if m.affine:
                m.weight.data = torch.rand(n, generator=gen) + 0.5
                m.bias.data = torch.randn(n, generator=gen) * 0.1
            m.running_mean.data = torch.randn(n, generator=gen) * 0.1
            m.running_var.data = torch.rand(n, generator=gen) + 0.5


MODELS = {
    "bireal18": BiReal18,
    "bireal18_int8": BiReal18,
    "bireal18_pruned25": BiReal18,
    "bireal18_pruned50": BiReal18,
    "xnor_resnet18": XnorResNet18,
    "xnor_alexnet": XnorAlexNet,
    "quicknet": QuickNet,
    "quicknet_float": lambda: QuickNet(binary=False),
    "quicknet_large": lambda: QuickNet((6, 8, 12, 6)),
    "quicknet_large_float": lambda: QuickNet((6, 8, 12, 6), binary=False),
    "reactnet_a": ReActNetA,
    "reactnet_a_float": lambda: ReActNetA(binary=False),
    "real2binary": RealToBinary,
    "real2binary_float": lambda: RealToBinary(binary=False),
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "alexnet": lambda: torchvision.models.alexnet(weights=None),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--only", choices=sorted(MODELS))
    ap.add_argument("--size", type=int, default=224, help="input height and width (default 224)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(args.outdir, exist_ok=True)
    for name, make in MODELS.items():
        if args.only and name != args.only:
            continue
        torch.manual_seed(0)
        gen = torch.Generator().manual_seed(1)
        model = make()
        randomize_batchnorm(model, gen)
        if name.startswith("bireal18_pruned"):
            prune_bireal_streams(model, int(name[len("bireal18_pruned"):]) / 100)
        model.eval()
        path = os.path.join(args.outdir, name + ".onnx")
        x = torch.randn(1, 3, args.size, args.size)
        torch.onnx.export(model, x, path, opset_version=13, input_names=["image"],
                          output_names=["logits"], do_constant_folding=True)
        if name == "bireal18_int8":
            # Calibrated on the benchmark's input (bench/model_bench.py: make_input).
            x = torch.from_numpy(np.random.default_rng(0).standard_normal(
                (1, 3, args.size, args.size)).astype(np.float32))
            bireal18_int8(path, model, x)
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
