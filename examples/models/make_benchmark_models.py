"""Generates the benchmark architectures with random weights at ImageNet shapes.

    /usr/bin/python3 examples/models/make_benchmark_models.py OUTDIR [--only NAME]

Writes OUTDIR/<name>.onnx for:
  bireal18        Bi-Real Net 18: float 7x7 stem, 16 binary 3x3 convs each with a
                  real-valued shortcut, float 1x1 downsamples, float classifier
  xnor_resnet18   ResNet-18 with XNOR blocks (BN -> Sign -> BinConv), float shortcuts
  xnor_alexnet    the XNOR-Net paper's AlexNet: float conv1 and last FC, binary
                  convs and FCs in the paper's BN -> BinActiv -> BinConv -> Pool order
  resnet18        float ResNet-18 (torchvision), the float baseline
  alexnet         float AlexNet (torchvision)
Nothing is downloaded: weights are random (seeded), BatchNorm statistics are
random but sane, so the networks are for speed and size, not accuracy.
"""
import argparse
import os
import sys

import torch
import torch.nn as nn
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


def randomize_batchnorm(model, gen):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.weight.data = torch.rand(n, generator=gen) + 0.5
            m.bias.data = torch.randn(n, generator=gen) * 0.1
            m.running_mean.data = torch.randn(n, generator=gen) * 0.1
            m.running_var.data = torch.rand(n, generator=gen) + 0.5


MODELS = {
    "bireal18": BiReal18,
    "xnor_resnet18": XnorResNet18,
    "xnor_alexnet": XnorAlexNet,
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "alexnet": lambda: torchvision.models.alexnet(weights=None),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir")
    ap.add_argument("--only", choices=sorted(MODELS))
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
        model.eval()
        path = os.path.join(args.outdir, name + ".onnx")
        torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13,
                          input_names=["image"], output_names=["logits"], do_constant_folding=True)
        print(f"{path}: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
