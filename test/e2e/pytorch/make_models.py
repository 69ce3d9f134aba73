#!/usr/bin/python3
"""Build small PyTorch CNNs and export them to ONNX with reference outputs.

The ONNX node tests check each operator in isolation; these models check
what a real exporter produces: BatchNorm folded into Conv (and BN that
survives after a non-conv op), the Shape/Gather/Unsqueeze/Concat/Reshape
chain emitted by ``x.view(x.size(0), -1)``, Clip from Hardtanh/ReLU6,
Gemm from Linear, opset-dependent encodings (opset 9 attributes vs. opset
13+ constant inputs), a dynamic batch axis, and several ops chained so
layout and broadcasting bugs show up.  Expected outputs come from PyTorch in
eval mode.

For every model this writes ``OUTDIR/<model>/``:
  model.onnx       the exported model
  input0.npy ...   float32 inputs; a batch of 4 where the model's batch is 1,
                   so xnorc's "run k times and concatenate" path is exercised
  expected0.npy .. PyTorch's outputs for those inputs
  flags.txt        extra xnorc flags (e.g. --batch=4 for the dynamic model)

torch 1.13 exports F.pad at opset >= 11 with its pads computed by an unfolded
Constant/ConstantOfShape/Concat/Reshape/Slice/Transpose/Cast chain.
``fold_constant_chains`` evaluates such all-constant chains into Constant
nodes (as onnx-simplifier would), so Pad-with-constant-pads-input is tested
without requiring ops outside the supported list.  The ``pad_raw`` model
skips that folding (ModelSpec.fold_constants=False): xnorc itself must fold
the raw chain, and if it cannot that is a failure, not a skip.

A few models deliberately use ops xnorc may not support yet (Slice on a
run-time tensor, ReduceMax from torch.amax); each is a separate model so a
failure stays isolated.  Exported models using ops outside
test/onnx-node/supported_ops.txt only get a warning on stderr (xnorc's
support grows faster than that list); the runner reports what xnorc says.

Usage: /usr/bin/python3 test/e2e/pytorch/make_models.py OUTDIR
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import harness  # noqa: E402

EXPORT_BATCH = 1  # batch the static models are exported with
DATA_BATCH = 4  # batch of the generated inputs


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def randomize_stats(module: nn.Module, gen: torch.Generator) -> None:
    """Give every BatchNorm non-trivial affine params and running stats, and
    every PReLU distinct per-channel slopes (defaults would hide bugs)."""
    for m in module.modules():
        if isinstance(m, nn.PReLU):
            with torch.no_grad():
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 0.5)
        elif isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            with torch.no_grad():
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.2)
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.3)
                m.running_var.copy_(torch.rand(c, generator=gen) + 0.5)


class ResidualBlock(nn.Module):
    """conv-bn-relu-conv-bn + (projected) shortcut, then BN after the add."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.post_bn = nn.BatchNorm2d(cout)  # follows an Add: survives export

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(self.post_bn(y + self.shortcut(x)))


class SmallResNet(nn.Module):
    """The 'realistic' CNN: 3x32x32 -> 10-way softmax."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.blocks = nn.Sequential(ResidualBlock(16, 16, 1), ResidualBlock(16, 32, 2), ResidualBlock(32, 32, 1))
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.blocks(self.pool(self.stem(x)))
        x = self.gap(x).view(x.size(0), -1)
        return F.softmax(self.fc(self.dropout(x)), dim=1)


class ConvZoo(nn.Module):
    """Conv variants (groups, depthwise, dilation, stride 2, padding) and activations."""

    def __init__(self):
        super().__init__()
        self.grouped = nn.Conv2d(4, 8, 3, padding=1, groups=2)
        self.depthwise = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.dilated = nn.Conv2d(8, 8, 3, padding=2, dilation=2)
        self.strided = nn.Conv2d(16, 12, 3, stride=2, padding=1)
        self.asym = nn.Conv2d(12, 6, (3, 1), stride=(1, 2), padding=(1, 0))
        self.leaky = nn.LeakyReLU(0.1)
        self.prelu = nn.PReLU(8)  # per-channel slopes
        self.hardtanh = nn.Hardtanh(-0.5, 0.5)
        self.relu6 = nn.ReLU6()
        self.fc = nn.Linear(6 * 5 * 5, 7)

    def forward(self, x):
        a = self.leaky(self.grouped(x))
        b = self.prelu(self.depthwise(a))
        c = torch.sigmoid(self.dilated(b)) + torch.tanh(b)
        d = self.relu6(self.strided(torch.cat([c, self.hardtanh(a)], dim=1)))
        e = self.asym(d)
        return self.fc(e.reshape(e.size(0), -1))


class PoolZoo(nn.Module):
    """MaxPool/AvgPool variants, global pools, BN after a pool."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.maxpool_pad = nn.MaxPool2d(3, stride=2, padding=1)
        self.maxpool_ceil = nn.MaxPool2d(3, stride=2, dilation=2, ceil_mode=True)
        self.avg_incl = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=True)
        self.avg_excl = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True)
        self.avg_ceil = nn.AvgPool2d(2, stride=2, ceil_mode=True)
        self.bn = nn.BatchNorm2d(6)  # after a pool: survives export
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.gmp = nn.AdaptiveMaxPool2d(1)
        self.fc = nn.Linear(6 * 5, 5)

    def forward(self, x):
        x = self.conv(x)  # 17x17
        p1 = self.maxpool_pad(x)  # 9x9
        p2 = self.maxpool_ceil(x)  # 7x7
        p3 = self.avg_incl(x)  # 9x9
        p4 = self.avg_excl(x)  # 9x9
        p5 = self.avg_ceil(p4)  # 5x5 (ceil over an odd size)
        p1 = self.bn(p1)
        feats = [self.gap(p1), self.gmp(p2), self.gap(p3), self.gmp(p4), self.gap(p5)]
        y = torch.cat(feats, dim=1)
        return self.fc(torch.flatten(y, 1))


class Elementwise(nn.Module):
    """sign/abs/neg, broadcasting arithmetic, F.pad, permute+matmul, mean, dropout."""

    def __init__(self, gen: torch.Generator):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.channel_scale = nn.Parameter(torch.randn(4, 1, 1, generator=gen))
        self.row = nn.Parameter(torch.randn(8, generator=gen))
        self.proj = nn.Parameter(torch.randn(11, 5, generator=gen) * 0.3)
        self.dropout = nn.Dropout(0.5)

    def forward(self, x):
        y = self.conv(x)  # N,4,8,8
        s = torch.sign(y) * torch.abs(y) - (-y) * 0.25  # Sign, Abs, Neg, scalar broadcast
        t = s * self.channel_scale + self.row  # [C,1,1] and [W] broadcasting
        u = t / (torch.abs(self.row) + 1.0) - (0.5 * y) / (y.abs() + 1.0)  # Div, broadcast & not
        v = F.pad(u, (1, 2, 0, 1), mode="constant", value=0.75)  # N,4,9,11 (Pad, pads as input)
        w = self.dropout(v).permute(0, 2, 1, 3)  # N,9,4,11
        z = torch.matmul(w, self.proj)  # N,9,4,5
        return z.mean(dim=(1, 3), keepdim=False)  # N,4


class AttentionHead(nn.Module):
    """Reshape with x.size(0), batched MatMul, Softmax on the last axis."""

    def __init__(self):
        super().__init__()
        self.q = nn.Conv2d(3, 8, 1)
        self.k = nn.Conv2d(3, 8, 1)
        self.v = nn.Conv2d(3, 8, 1)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        n = x.size(0)
        q = self.q(x).reshape(n, 8, -1).permute(0, 2, 1)  # N,HW,8
        k = self.k(x).reshape(n, 8, -1)  # N,8,HW
        v = self.v(x).reshape(n, 8, -1).permute(0, 2, 1)  # N,HW,8
        att = torch.softmax(torch.matmul(q, k) / 8 ** 0.5, dim=-1)  # N,HW,HW
        ctx = torch.matmul(att, v).mean(dim=1)  # N,8
        return torch.tanh(self.out(ctx))


class LegacyNet(nn.Module):
    """Exported at opset 9: Clip/Pad/Unsqueeze carry attributes, not inputs."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 5, padding=2)
        self.bn1 = nn.BatchNorm2d(8)  # folded into conv1 by the exporter
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.drop = nn.Dropout(0.2)
        self.fc1 = nn.Linear(16 * 3 * 3, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(F.relu6(self.bn1(self.conv1(x))))  # 14x14 -> 7x7
        x = F.pad(x, (1, 1, 1, 1), value=-1.0)  # 9x9
        x = self.pool(F.leaky_relu(self.conv2(x), 0.05))  # 7x7 -> 3x3 (floor)
        x = x.view(x.size(0), -1)
        x = self.drop(torch.sigmoid(self.fc1(x)))
        return F.softmax(self.fc2(x), dim=1)


class ModernNet(nn.Module):
    """Exported at opset 17."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.prelu = nn.PReLU()  # single shared slope
        self.fc = nn.Linear(8, 6)

    def forward(self, x):
        y = self.prelu(self.bn(self.conv(x)))
        y = F.hardtanh(self.pool(y), -1.0, 2.0)
        y = y.mean(dim=(-2, -1))  # ReduceMean with negative axes
        return F.softmax(self.fc(y), dim=-1)


class DynamicBatchNet(nn.Module):
    """Exported with a dynamic batch axis; xnorc fixes it with --batch=4."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 6, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.bn = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6 * 6 * 6, 4)

    def forward(self, x):
        y = self.bn(self.pool(F.relu(self.conv(x))))
        return self.fc(y.view(y.size(0), -1))


class PadRaw(nn.Module):
    """F.pad at opset 13, exported as is: pads computed by a constant chain."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        y = F.pad(self.conv(x), (1, 2, 0, 1), mode="constant", value=0.5)
        return torch.relu(y) - 0.25 * y


class SliceChannels(nn.Module):
    """x[:, 1:3] on a run-time tensor (Slice kernel, not a shape computation)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 5, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return torch.sigmoid(y[:, 1:3]) * y[:, 3:5]


class AmaxPool(nn.Module):
    """torch.amax over the spatial axes with keepdim (exports ReduceMax)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)

    def forward(self, x):
        y = self.conv(x)
        return y - torch.amax(y, dim=(2, 3), keepdim=True)


class TwoInputs(nn.Module):
    """Two graph inputs and two graph outputs."""

    def __init__(self):
        super().__init__()
        self.conv_a = nn.Conv2d(3, 4, 3, padding=1)
        self.conv_b = nn.Conv2d(3, 4, 1)
        self.fc = nn.Linear(8, 3)

    def forward(self, a, b):
        fa, fb = self.conv_a(a), self.conv_b(b)
        mixed = F.relu(fa - fb) * torch.sigmoid(fb)
        pooled = torch.cat([F.adaptive_avg_pool2d(mixed, 1), F.adaptive_max_pool2d(fa + fb, 1)], dim=1)
        return self.fc(torch.flatten(pooled, 1)), mixed.abs().mean(dim=1, keepdim=True)


# --------------------------------------------------------------------------
# Specs and export
# --------------------------------------------------------------------------

@dataclass
class ModelSpec:
    name: str
    build: Callable[[torch.Generator], nn.Module]
    input_shapes: list[tuple[int, ...]]  # per-sample shapes (without batch)
    opset: int = 13
    dynamic_batch: bool = False
    all_compilers: bool = False  # build with every C++ compiler, not just --cxx
    flags: list[str] = field(default_factory=list)
    fold_constants: bool = True  # apply fold_constant_chains to the export


MODELS = [
    ModelSpec("small_resnet", lambda g: SmallResNet(), [(3, 32, 32)], all_compilers=True),
    ModelSpec("conv_zoo", lambda g: ConvZoo(), [(4, 10, 18)]),
    ModelSpec("pool_zoo", lambda g: PoolZoo(), [(3, 17, 17)]),
    ModelSpec("elementwise", Elementwise, [(3, 10, 10)]),
    ModelSpec("attention_head", lambda g: AttentionHead(), [(3, 4, 5)]),
    ModelSpec("legacy_opset9", lambda g: LegacyNet(), [(1, 14, 14)], opset=9),
    ModelSpec("modern_opset17", lambda g: ModernNet(), [(3, 12, 12)], opset=17),
    ModelSpec("dynamic_batch", lambda g: DynamicBatchNet(), [(2, 12, 12)], dynamic_batch=True,
              flags=[f"--batch={DATA_BATCH}"]),
    ModelSpec("two_inputs", lambda g: TwoInputs(), [(3, 6, 6), (3, 6, 6)]),
    # Raw exporter output: ConstantOfShape/Slice/Cast/... chain for the pads.
    ModelSpec("pad_raw", lambda g: PadRaw(), [(3, 8, 8)], fold_constants=False),
    ModelSpec("slice_channels", lambda g: SliceChannels(), [(3, 6, 7)]),
    ModelSpec("amax", lambda g: AmaxPool(), [(3, 7, 6)]),
]


def build_model(spec: ModelSpec, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    model = spec.build(gen)
    randomize_stats(model, gen)
    return model.eval()


def export(spec: ModelSpec, model: nn.Module, path: Path) -> None:
    batch = DATA_BATCH if spec.dynamic_batch else EXPORT_BATCH
    dummy = tuple(torch.randn(batch, *s) for s in spec.input_shapes)
    in_names = [f"input{i}" for i in range(len(spec.input_shapes))]
    with torch.no_grad():
        sample = model(*dummy)
    n_out = len(sample) if isinstance(sample, tuple) else 1
    out_names = [f"output{i}" for i in range(n_out)]
    dynamic = {n: {0: "batch"} for n in in_names + out_names} if spec.dynamic_batch else None
    with warnings.catch_warnings():  # the exporter is chatty about shape inference
        warnings.simplefilter("ignore")
        torch.onnx.export(model, dummy, str(path), opset_version=spec.opset, input_names=in_names,
                          output_names=out_names, dynamic_axes=dynamic, do_constant_folding=True)


# Ops that fold_constant_chains can evaluate when all their inputs are constant.
FOLDERS: dict[str, Callable] = {
    "ConstantOfShape": lambda node, shape, value=None: np.full(
        shape.astype(np.int64), 0.0 if value is None else value.reshape(-1)[0],
        dtype=np.float32 if value is None else value.dtype),
    "Concat": lambda node, *xs: np.concatenate(xs, axis=attr(node, "axis")),
    "Reshape": lambda node, x, shape: x.reshape([d if d != 0 else x.shape[i] for i, d in enumerate(shape)]),
    "Slice": lambda node, x, starts, ends, axes=None, steps=None: x[slice_index(x, starts, ends, axes, steps)],
    "Transpose": lambda node, x: np.transpose(x, attr(node, "perm")),
    "Cast": lambda node, x: x.astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[attr(node, "to")]),
}


def attr(node: onnx.NodeProto, name: str):
    return next(onnx.helper.get_attribute_value(a) for a in node.attribute if a.name == name)


def slice_index(x, starts, ends, axes, steps) -> tuple:
    axes = range(len(starts)) if axes is None else [int(a) % x.ndim for a in axes]
    steps = [1] * len(starts) if steps is None else steps
    index = [slice(None)] * x.ndim
    for a, b, e, s in zip(axes, starts, ends, steps):
        index[a] = slice(int(b), int(e), int(s))
    return tuple(index)


def fold_constant_chains(model: onnx.ModelProto) -> None:
    """Replace FOLDERS nodes whose inputs are all constant by Constant nodes."""
    consts = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    nodes = []
    for node in model.graph.node:
        if node.op_type == "Constant":
            consts[node.output[0]] = numpy_helper.to_array(attr(node, "value"))
        elif node.op_type in FOLDERS and all(i in consts or i == "" for i in node.input):
            args = [consts[i] if i else None for i in node.input]
            value = np.asarray(FOLDERS[node.op_type](node, *args))
            consts[node.output[0]] = value
            node = onnx.helper.make_node("Constant", [], [node.output[0]],
                                         value=numpy_helper.from_array(value, node.output[0]))
        nodes.append(node)
    used = {i for n in nodes for i in n.input} | {o.name for o in model.graph.output}
    live = [n for n in nodes if n.op_type != "Constant" or n.output[0] in used]
    del model.graph.node[:]
    model.graph.node.extend(live)


def check_ops(path: Path, supported: set[str]) -> None:
    """Validate the model; warn (only) about ops not in supported_ops.txt."""
    model = onnx.load(str(path))
    onnx.checker.check_model(model, full_check=True)
    extra = sorted({n.op_type for n in model.graph.node} - supported)
    if extra:
        print(f"warning: {path}: uses ops not in supported_ops.txt: {', '.join(extra)}",
              file=sys.stderr)


def write_model(spec: ModelSpec, seed: int, outdir: Path, supported: set[str]) -> Path:
    model_dir = outdir / spec.name
    model_dir.mkdir(parents=True, exist_ok=True)
    model = build_model(spec, seed)
    export(spec, model, model_dir / "model.onnx")
    if spec.fold_constants:
        onnx_model = onnx.load(str(model_dir / "model.onnx"))
        fold_constant_chains(onnx_model)
        onnx.save(onnx_model, str(model_dir / "model.onnx"))
    check_ops(model_dir / "model.onnx", supported)
    rng = np.random.default_rng(seed)
    inputs = [rng.standard_normal((DATA_BATCH, *s)).astype(np.float32) for s in spec.input_shapes]
    with torch.no_grad():
        outputs = model(*(torch.from_numpy(a) for a in inputs))
    outputs = outputs if isinstance(outputs, tuple) else (outputs,)
    for i, a in enumerate(inputs):
        np.save(model_dir / f"input{i}.npy", a)
    for i, o in enumerate(outputs):
        np.save(model_dir / f"expected{i}.npy", o.numpy().astype(np.float32))
    (model_dir / "flags.txt").write_text(" ".join(spec.flags) + ("\n" if spec.flags else ""))
    return model_dir


def make_all(outdir: Path) -> list[tuple[ModelSpec, Path]]:
    """Export every model in MODELS under outdir; return (spec, model dir) pairs."""
    torch.set_num_threads(2)
    supported = harness.load_supported_ops()
    return [(spec, write_model(spec, 1000 + i, outdir, supported)) for i, spec in enumerate(MODELS)]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    for spec, model_dir in make_all(Path(argv[1])):
        ops = sorted({n.op_type for n in onnx.load(str(model_dir / "model.onnx")).graph.node})
        print(f"{spec.name} (opset {spec.opset}): {' '.join(ops)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
