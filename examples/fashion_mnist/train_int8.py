#!/usr/bin/python3
"""Train a Fashion-MNIST network with 8-bit first and last layers and binary middle layers,
and export it as a QDQ ONNX model (issue 16).

Usage: train_int8.py [--epochs 2] [--out DIR] [--train-limit N] [--node node]

  QuantizeLinear(image) u8                                             1x28x28
  Conv 1->16 3x3 pad 1 (8-bit: i8 weights per channel, i32 bias) -> Relu
    -> QuantizeLinear u8                                               16x28x28
  DequantizeLinear -> MaxPool 2 -> BN -> Sign                          16x14x14
  BinConv 16->32 3x3 pad 1 (+-1 weights) -> MaxPool 2 -> BN -> Sign    32x7x7
  BinConv 32->64 3x3 pad 1 (+-2^-5 weights, float bias) -> Relu -> Flatten
    -> QuantizeLinear u8                                               3136
  Gemm 3136->10 (8-bit: i8 weights per channel, i32 bias) -> QuantizeLinear i8
    -> DequantizeLinear -> logits                                      10

Training runs in float with moving-average min/max observers on every 8-bit tensor for all
epochs but the last, which trains with fake quantization (torch.ao.quantization.FakeQuantize,
straight-through gradient) with the observers' scales frozen. The activations' sign is the
SignActivation of examples/models/binary_layers.py (straight-through gradient). The
binary weights are +-1 in conv2 (the BatchNorm after it absorbs any scale) and +-2^-5 in
conv3 (CONV3_ALPHA): with a power of two, conv3's sums are exact in float, so ONNX Runtime's
float conv and xnorc's alpha * popcount compute the same value and its relu + quantize decide
identically in both.

The ONNX graph is written with onnx.helper (torch.onnx.export does not write an int32
bias quantized with x_scale * w_scale, the form ONNX Runtime and xnorc run as an integer
layer). ONNX Runtime runs it with QLinearConv / QGemm, integer arithmetic, which PyTorch's
fake quantization only approximates (float sums of dequantized values, multiplication by
1/scale instead of division): the reference for xnorc is therefore ONNX Runtime on the
exported model (test/ort/run_model.js, one thread), run on all 10,000 test images here,
and PyTorch's own predictions are stored and compared with it.

Writes into DIR (default: this directory):
  int8_model.onnx         opset 13, input "image" [1,1,28,28], output "logits" [1,10]
  int8_ort_ref.npz        ONNX Runtime's logits [10000,10] (float32) and predictions
  int8_expected_logits.npy ONNX Runtime's logits for samples.npy (the first 8 test images)
  int8_torch_preds.npy    PyTorch's (fake-quantized) predictions on the 10,000 images
  int8_torch_accuracy.txt PyTorch's and ONNX Runtime's test accuracy, their difference
Needs node and onnxruntime-node (`npm ci` at the repository root, or NODE_PATH).
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.ao.quantization import (FakeQuantize, MovingAverageMinMaxObserver,
                                   MovingAveragePerChannelMinMaxObserver, disable_fake_quant,
                                   disable_observer, enable_fake_quant)

import training

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from binary_layers import SignActivation  # noqa: E402

SEED = 0
NUM_SAMPLES = 8
# conv3's weights are +-CONV3_ALPHA: a power of two, so that every partial sum of +-alpha
# products is exact in float (ONNX Runtime's float conv equals xnorc's alpha * popcount
# result); small, so that the classifier sees inputs of order 1 (relu(d) up to 288 made
# Adam's steps on the classifier far too large).
CONV3_ALPHA = 2.0**-5


def act_fq(dtype=torch.quint8):
    """Per-tensor affine fake quantization of an activation (u8, or i8 for the logits)."""
    lo, hi = (0, 255) if dtype == torch.quint8 else (-128, 127)
    return FakeQuantize(observer=MovingAverageMinMaxObserver, quant_min=lo, quant_max=hi,
                        dtype=dtype, qscheme=torch.per_tensor_affine)


def weight_fq():
    """Per-output-channel symmetric i8 weights (zero point 0), axis 0."""
    return FakeQuantize(observer=MovingAveragePerChannelMinMaxObserver, quant_min=-127,
                        quant_max=127, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                        ch_axis=0)


def bias_scale(x_fq, w_fq):
    """x_scale * w_scale[m] rounded to float32 once, as ONNX Runtime's quantizer makes it."""
    return (x_fq.scale.float() * w_fq.scale.float()).float()


def quantize_bias(b, scale):
    """Fake-quantizes a bias to int32 units of scale, with a straight-through gradient."""
    q = torch.clamp(torch.round(b / scale), -2**31, 2**31 - 1)
    return b + (q * scale - b).detach()


def sign_weight(w):
    """+-1 weights (sign(0) = +1), straight-through gradient clipped at |w| <= 1."""
    b = torch.where(w >= 0, torch.ones_like(w), -torch.ones_like(w))
    return b.detach() + (w - w.detach()) * (w.abs() <= 1).to(w.dtype)


class Int8XnorNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.in_fq = act_fq()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.w1_fq = weight_fq()
        self.out1_fq = act_fq()
        self.bn2 = nn.BatchNorm2d(16)
        self.sign2 = SignActivation()
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(32)
        self.sign3 = SignActivation()
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc_in_fq = act_fq()
        self.fc = nn.Linear(64 * 7 * 7, 10)
        self.wfc_fq = weight_fq()
        self.out_fq = act_fq(torch.qint8)

    def forward(self, x):
        x = self.in_fq(x)
        w1 = self.w1_fq(self.conv1.weight)
        b1 = quantize_bias(self.conv1.bias, bias_scale(self.in_fq, self.w1_fq))
        x = self.out1_fq(F.relu(F.conv2d(x, w1, b1, padding=1)))             # 16x28x28 u8
        x = self.sign2(self.bn2(F.max_pool2d(x, 2)))                          # 16x14x14 +-1
        x = self.sign3(self.bn3(F.max_pool2d(
            F.conv2d(x, sign_weight(self.conv2.weight), padding=1), 2)))      # 32x7x7 +-1
        x = F.relu(F.conv2d(x, sign_weight(self.conv3.weight) * CONV3_ALPHA, self.conv3.bias,
                            padding=1))
        x = self.fc_in_fq(torch.flatten(x, 1))                                # 3136 u8
        wf = self.wfc_fq(self.fc.weight)
        bf = quantize_bias(self.fc.bias, bias_scale(self.fc_in_fq, self.wfc_fq))
        return self.out_fq(F.linear(x, wf, bf))                              # 10 i8


# --------------------------------------------------------------------------
# QDQ export
# --------------------------------------------------------------------------

class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def node(self, op, inputs, output, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def qparams(self, name, fq):
        """(scale, zero point) initializers of a per-tensor FakeQuantize."""
        dtype = np.uint8 if fq.dtype == torch.quint8 else np.int8
        return (self.const(name + "_scale", np.array(fq.scale.item(), np.float32)),
                self.const(name + "_zp", np.array(int(fq.zero_point.item()), dtype)))

    def quantize(self, x, name, fq):
        s, zp = self.qparams(name, fq)
        q = self.node("QuantizeLinear", [x, s, zp], name + "_q")
        return self.node("DequantizeLinear", [q, s, zp], name + "_dq")

    def qweights(self, name, w, fq, x_fq, bias):
        """Dequantized i8 weights (per channel, axis 0) and i32 bias (scale x_s * w_s)."""
        scale = fq.scale.float()
        wq = torch.clamp(torch.round(w / scale.view(-1, *[1] * (w.dim() - 1))), -127, 127)
        m = w.shape[0]
        wv = self.node("DequantizeLinear", [
            self.const(name + "_wq", wq.numpy().astype(np.int8)),
            self.const(name + "_wscale", scale.numpy().astype(np.float32)),
            self.const(name + "_wzp", np.zeros(m, np.int8))], name + "_w", axis=0)
        bs = bias_scale(x_fq, fq)
        bq = torch.clamp(torch.round(bias / bs), -2**31, 2**31 - 1)
        bv = self.node("DequantizeLinear", [
            self.const(name + "_bq", bq.numpy().astype(np.int32)),
            self.const(name + "_bscale", bs.numpy().astype(np.float32)),
            self.const(name + "_bzp", np.zeros(m, np.int32))], name + "_b", axis=0)
        return wv, bv

    def batchnorm(self, x, name, bn):
        ins = [x] + [self.const(f"{name}_{k}", v.detach().numpy().astype(np.float32))
                     for k, v in (("gamma", bn.weight), ("beta", bn.bias),
                                  ("mean", bn.running_mean), ("var", bn.running_var))]
        return self.node("BatchNormalization", ins, name, epsilon=bn.eps)


def export_qdq(model, path):
    model.eval()
    g = Graph()
    with torch.no_grad():
        x = g.quantize("image", "input", model.in_fq)
        w1, b1 = g.qweights("conv1", model.conv1.weight, model.w1_fq, model.in_fq,
                            model.conv1.bias)
        x = g.node("Conv", [x, w1, b1], "conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        x = g.quantize(g.node("Relu", [x], "relu1"), "act1", model.out1_fq)
        x = g.node("MaxPool", [x], "pool1", kernel_shape=[2, 2], strides=[2, 2])
        x = g.node("Sign", [g.batchnorm(x, "bn2", model.bn2)], "sign2")
        w2 = sign_weight(model.conv2.weight).numpy().astype(np.float32)
        x = g.node("Conv", [x, g.const("conv2_w", w2)], "conv2", kernel_shape=[3, 3],
                   pads=[1, 1, 1, 1])
        x = g.node("MaxPool", [x], "pool2", kernel_shape=[2, 2], strides=[2, 2])
        x = g.node("Sign", [g.batchnorm(x, "bn3", model.bn3)], "sign3")
        w3 = (sign_weight(model.conv3.weight) * CONV3_ALPHA).numpy().astype(np.float32)
        x = g.node("Conv", [x, g.const("conv3_w", w3),
                            g.const("conv3_b", model.conv3.bias.numpy().astype(np.float32))],
                   "conv3", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
        x = g.node("Flatten", [g.node("Relu", [x], "relu3")], "flatten", axis=1)
        x = g.quantize(x, "fc_in", model.fc_in_fq)
        wf, bf = g.qweights("fc", model.fc.weight, model.wfc_fq, model.fc_in_fq, model.fc.bias)
        x = g.node("Gemm", [x, wf, bf], "fc", transB=1)
        s, zp = g.qparams("logits", model.out_fq)
        q = g.node("QuantizeLinear", [x, s, zp], "logits_q")
        g.nodes.append(helper.make_node("DequantizeLinear", [q, s, zp], ["logits"],
                                        name="logits_dq"))
    graph = helper.make_graph(
        g.nodes, "fashion_int8_xnor",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], g.inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                          producer_name="xnorc-examples-train_int8")
    onnx.checker.check_model(m)
    onnx.save(m, path)


def run_ort(node, onnx_path, images):
    """ONNX Runtime's logits for images [k,1,28,28] (test/ort/run_model.js, one thread)."""
    with tempfile.TemporaryDirectory() as tmp:
        inp = os.path.join(tmp, "images.npy")
        np.save(inp, np.ascontiguousarray(images, dtype=np.float32))
        subprocess.run([node, os.path.join(ROOT, "test", "ort", "run_model.js"), onnx_path, inp,
                        "-o", tmp], check=True)
        return np.load(os.path.join(tmp, "output0.npy")).reshape(len(images), -1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--out", default=HERE, help="output directory (default: %(default)s)")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--train-limit", type=int, default=0,
                    help="train on only the first N training images (smoke tests)")
    ap.add_argument("--node", default="node")
    args = ap.parse_args()

    x_train, y_train, x_test, y_test = training.fashion_setup(SEED, args.train_limit)

    model = Int8XnorNet()
    # All epochs but the last train in float while the observers track the ranges (fake
    # quantization from the start clips the logits at the observers' first, tiny ranges,
    # where the straight-through gradient is 0); the last epoch trains quantized with the
    # scales frozen, so the exported scales are the ones the weights were tuned for.
    t = 0.0
    if args.epochs > 1:
        model.apply(disable_fake_quant)
        t = training.train(model, x_train, y_train, args.epochs - 1, args.batch_size, args.lr,
                           SEED)
    model.apply(enable_fake_quant)
    model.apply(disable_observer)
    t += training.train(model, x_train, y_train, 1, args.batch_size, args.lr / 3, SEED + 1)

    os.makedirs(args.out, exist_ok=True)
    p = os.path.join(args.out, "int8")
    onnx_path = p + "_model.onnx"
    export_qdq(model, onnx_path)

    model.eval()
    with torch.no_grad():
        torch_logits = torch.cat([model(x_test[i:i + 1000]) for i in range(0, len(x_test), 1000)])
    torch_preds = torch_logits.argmax(1).numpy()
    ort_logits = run_ort(args.node, onnx_path, x_test.numpy())
    ort_preds = ort_logits.argmax(1)
    y = y_test.numpy()
    acc_t, acc_o = (torch_preds == y).mean(), (ort_preds == y).mean()
    n_pred = int((torch_preds != ort_preds).sum())
    n_logit = int((np.abs(torch_logits.numpy() - ort_logits) > 0).any(1).sum())
    print(f"training time: {t:.1f} s ({args.epochs} epoch(s))")
    print(f"PyTorch (fake quantization) accuracy {acc_t * 100:.2f}%, ONNX Runtime {acc_o * 100:.2f}%;"
          f" predictions differ on {n_pred} images, logits on {n_logit}")

    np.savez_compressed(p + "_ort_ref.npz", logits=ort_logits.astype(np.float32),
                        preds=ort_preds.astype(np.uint8))
    np.save(p + "_expected_logits.npy", ort_logits[:NUM_SAMPLES].astype(np.float32))
    np.save(p + "_torch_preds.npy", torch_preds.astype(np.uint8))
    with open(p + "_torch_accuracy.txt", "w", encoding="utf-8") as f:
        f.write(f"accuracy {acc_t:.4f}\n")
        f.write(f"correct {int((torch_preds == y).sum())} of {len(y)}\n")
        f.write(f"ort_accuracy {acc_o:.4f}\n")
        f.write(f"ort_correct {int((ort_preds == y).sum())} of {len(y)}\n")
        f.write(f"torch_ort_differing_predictions {n_pred}\n")
        f.write(f"torch_ort_differing_logit_rows {n_logit}\n")
        f.write(f"epochs {args.epochs}\n")
        f.write(f"training_seconds {t:.1f}\n")
        f.write(f"torch {torch.__version__}\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes), {p}_ort_ref.npz, "
          f"{p}_expected_logits.npy, {p}_torch_preds.npy, {p}_torch_accuracy.txt")


if __name__ == "__main__":
    main()
