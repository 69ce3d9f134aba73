"""PyTorch building blocks that export the way binary-network training code does.

`SignActivation` exports as ONNX `Sign` (a custom autograd Function with a
`symbolic`), with a straight-through gradient for training. `BinaryConv2d` and
`BinaryLinear` binarize their weights in forward as sign(W) * mean|W| per output
channel (XNOR-Net section 3.1), which exports unfolded as
Sign(W) * ReduceMean(Abs(W)); xnorc's const-fold turns that into ±alpha weights.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class _Sign(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.sign(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x.abs() <= 1).to(g.dtype)  # straight-through estimator

    @staticmethod
    def symbolic(g, x):
        return g.op("Sign", x)


class SignActivation(nn.Module):
    def forward(self, x):
        return _Sign.apply(x)


def binarize_weight(w):
    dims = tuple(range(1, w.dim()))
    alpha = w.abs().mean(dim=dims, keepdim=True)
    return _Sign.apply(w) * alpha


class BinaryConv2d(nn.Conv2d):
    # 1 / 0 per weight (or broadcast to them, e.g. [1, C, 1, 1] per input channel), multiplied
    # after the sign: structured pruning's mask (None: all 1). The export folds to weights in
    # {-alpha, 0, +alpha}, which xnorc takes as ternary.
    weight_mask = None

    def forward(self, x):
        w = binarize_weight(self.weight)
        if self.weight_mask is not None:
            w = w * self.weight_mask
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)


class BinaryLinear(nn.Linear):
    def forward(self, x):
        return F.linear(x, binarize_weight(self.weight), self.bias)
