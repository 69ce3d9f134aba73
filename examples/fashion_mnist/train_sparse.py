#!/usr/bin/python3
"""Train pruned and ternary-weight Fashion-MNIST models and export them to ONNX.

Usage: train_sparse.py [--variant pruned|ternary|all] [--epochs 1] [--finetune-epochs 1]
                       [--finetune-limit N] [--out DIR] [--train-limit N]

Variants (the training loop is training.py's; the reference files are train_xnor.py's):

  pruned   the float CNN of train_float_cnn.py, trained, then magnitude-pruned with
           torch.nn.utils.prune (L1, unstructured, per layer) to 50, 75 and 90 % zero
           weights in conv2, conv3 and the classifier (conv1's 144 weights stay), each
           level fine-tuned from the trained dense model with its pruning mask held.
           Writes pruned50_*, pruned75_*, pruned90_*.
  ternary  the XNOR net of train_xnor.py (float stem and classifier, binary activations)
           with ternary weights in its two middle convs, TWN-style: per output channel
           delta = 0.7 * mean|W|, weights |W| <= delta become 0, the rest sign(W) * alpha
           with alpha = mean |W| over |W| > delta; a straight-through gradient. After
           training the convs hold exactly {-alpha, 0, +alpha} (what is exported, and
           what PyTorch's reference predictions are computed with): xnorc runs them as
           sign and mask bit planes. Writes ternary_*.

Every model P writes P_model.onnx, P_expected_logits.npy, P_torch_preds.npy,
P_torch_accuracy.txt and P_torch_ref.npz (train_xnor.export_with_reference), which
test/accuracy/run_accuracy.py reads.
"""

import argparse
import copy
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune

import fashion_data
import training
from train_float_cnn import FashionCNN
from train_xnor import XnorNet, export_with_reference

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 0
PRUNE_LEVELS = (50, 75, 90)


def ternary_weight(w):
    """TWN: sign(W) * alpha where |W| > delta, else 0, per output channel (delta = 0.7 *
    mean|W|, alpha = mean |W| over |W| > delta)."""
    dims = tuple(range(1, w.dim()))
    delta = 0.7 * w.abs().mean(dim=dims, keepdim=True)
    keep = (w.abs() > delta).to(w.dtype)
    alpha = (w.abs() * keep).sum(dim=dims, keepdim=True) / keep.sum(dim=dims,
                                                                 keepdim=True).clamp(min=1)
    return torch.sign(w) * keep * alpha


class TernaryConv2d(nn.Conv2d):
    def forward(self, x):
        w = self.weight
        w = w + (ternary_weight(w) - w).detach()  # straight-through gradient
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def freeze(self):
        """Stores the ternary weights themselves and becomes a plain conv, so the export
        holds {-alpha, 0, +alpha} constants (not the ops that make them)."""
        with torch.no_grad():
            self.weight.copy_(ternary_weight(self.weight))
        self.__class__ = nn.Conv2d


class TernaryNet(XnorNet):
    def __init__(self):
        super().__init__()
        self.conv2 = TernaryConv2d(16, 32, 3, padding=1, bias=False)
        self.conv3 = TernaryConv2d(32, 64, 3, padding=1, bias=False)


def zero_share(model, names):
    ws = [getattr(model, n).weight.detach() for n in names]
    return sum(int((w == 0).sum()) for w in ws) / sum(w.numel() for w in ws)


def run_ternary(args, data):
    x_train, y_train, x_test, y_test = data
    torch.manual_seed(SEED)
    model = TernaryNet()
    t = training.train(model, x_train, y_train, args.epochs, 128, 3e-3, SEED)
    for m in (model.conv2, model.conv3):
        m.freeze()
    print(f"ternary: {zero_share(model, ('conv2', 'conv3')) * 100:.1f}% zero weights in conv2, "
          "conv3")
    return [export_with_reference(model, x_test, y_test, os.path.join(args.out, "ternary"),
                                  args.epochs, t)]


def run_pruned(args, data):
    x_train, y_train, x_test, y_test = data
    pruned_layers = ("conv2", "conv3", "fc")
    torch.manual_seed(SEED)
    dense = FashionCNN()
    t_dense = training.train(dense, x_train, y_train, args.epochs, 64, 3e-3, SEED)
    written = []
    for level in PRUNE_LEVELS:
        model = copy.deepcopy(dense)
        for name in pruned_layers:
            prune.l1_unstructured(getattr(model, name), "weight", amount=level / 100)
        n = args.finetune_limit or len(x_train)
        t = training.train(model, x_train[:n], y_train[:n], args.finetune_epochs, 64, 1e-3,
                           SEED + level)
        for name in pruned_layers:
            prune.remove(getattr(model, name), "weight")  # the zeros become the weights
        print(f"pruned{level}: {zero_share(model, pruned_layers) * 100:.1f}% zero weights in "
              f"{', '.join(pruned_layers)}")
        written.append(export_with_reference(model, x_test, y_test,
                                             os.path.join(args.out, f"pruned{level}"),
                                             args.epochs + args.finetune_epochs, t_dense + t))
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", choices=("pruned", "ternary", "all"), default="all")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--finetune-epochs", type=int, default=1)
    ap.add_argument("--out", default=HERE, help="output directory (default: %(default)s)")
    ap.add_argument("--finetune-limit", type=int, default=0,
                    help="fine-tune the pruned models on the first N training images only")
    ap.add_argument("--train-limit", type=int, default=0,
                    help="train on only the first N training images (smoke tests)")
    args = ap.parse_args()

    torch.set_num_threads(2)
    np.random.seed(SEED)
    x_train, y_train = (torch.from_numpy(a) for a in fashion_data.load("train"))
    if args.train_limit:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]
    x_test, y_test = (torch.from_numpy(a) for a in fashion_data.load("test"))
    data = (x_train, y_train, x_test, y_test)
    written = []
    if args.variant in ("ternary", "all"):
        written += run_ternary(args, data)
    if args.variant in ("pruned", "all"):
        written += run_pruned(args, data)
    for w in written:
        print(f"wrote {w} ({os.path.getsize(w)} bytes) and its reference files")


if __name__ == "__main__":
    main()
