#!/usr/bin/python3
"""Train a small XNOR-Net or BWN on Fashion-MNIST and export it to ONNX.

Usage: train_xnor.py [--epochs 2] [--arch xnor|bwn] [--out DIR] [--train-limit N]

Architectures (both keep the first conv and the classifier in float):

  xnor  Conv 1->16 3x3 (float) -> BN -> ReLU -> MaxPool 2            16x14x14
        BN -> Sign -> BinConv 16->32 3x3 pad 1 -> MaxPool 2         32x7x7
        BN -> Sign -> BinConv 32->64 3x3 pad 1                      64x7x7
        BN -> ReLU -> Flatten -> Linear 3136->10 (float)
        i.e. the XNOR-Net paper's block order BN -> BinActiv -> BinConv -> Pool,
        binary weights AND binary activations in the two middle convs.
  bwn   Conv 1->16 3x3 (float) -> BN -> ReLU -> MaxPool 2
        BinConv 16->32 3x3 pad 1 -> BN -> ReLU -> MaxPool 2
        BinConv 32->64 3x3 pad 1 -> BN -> ReLU
        Flatten -> Linear 3136->10 (float)
        binary weights (sign(W) * mean|W| per output channel), float activations.

Binary layers come from examples/models/binary_layers.py: the activation sign
exports as ONNX Sign with a straight-through gradient; binary weights export
unfolded as Sign(W) * ReduceMean(Abs(W)) (xnorc folds that into +-alpha).

Writes into DIR (default: this directory), with P = the arch name:
  P_model.onnx           opset 13, input "image" [1,1,28,28], output "logits" [1,10]
  P_expected_logits.npy  PyTorch's logits for samples.npy (the first 8 test images)
  P_torch_preds.npy      PyTorch's predicted class for all 10,000 test images (uint8)
  P_torch_accuracy.txt   PyTorch's test accuracy and a few facts about the run
  P_torch_ref.npz        what test/accuracy/run_accuracy.py needs to judge ties
                         without PyTorch: preds with sign(0)=+1 (xnorc's
                         convention), per-image top-2 logit margin, per-image
                         min |x| over all Sign inputs and whether one was exactly 0
and for --arch xnor also
  xnor_qonnx.onnx        the same network rewritten in QONNX style: activation
                         Sign -> BipolarQuant(x, 1.0), weight Sign*ReduceMean(Abs)
                         chain -> BipolarQuant(W, alpha[M,1,1,1]), domain
                         qonnx.custom_op.general

Training: fixed seed, Adam with a one-cycle learning rate (max 3e-3), batch 128,
2 threads. samples.npy is not rewritten (train_float_cnn.py owns it).
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

import training

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "models"))
from binary_layers import BinaryConv2d, SignActivation  # noqa: E402

SEED = 0
NUM_SAMPLES = 8
QONNX_DOMAIN = "qonnx.custom_op.general"


class XnorNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.bn2 = nn.BatchNorm2d(16)
        self.sign2 = SignActivation()
        self.conv2 = BinaryConv2d(16, 32, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(32)
        self.sign3 = SignActivation()
        self.conv3 = BinaryConv2d(32, 64, 3, padding=1, bias=False)
        self.bn4 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)          # 16x14x14 float
        x = F.max_pool2d(self.conv2(self.sign2(self.bn2(x))), 2)      # 32x7x7
        x = self.conv3(self.sign3(self.bn3(x)))                       # 64x7x7
        x = F.relu(self.bn4(x))
        return self.fc(torch.flatten(x, 1))


class BwnNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = BinaryConv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = BinaryConv2d(32, 64, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(64 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)          # 16x14x14
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)          # 32x7x7
        x = F.relu(self.bn3(self.conv3(x)))                           # 64x7x7
        return self.fc(torch.flatten(x, 1))


ARCHS = {"xnor": XnorNet, "bwn": BwnNet}


class SignProbe:
    """Forward hooks on every SignActivation: per-image min |input|, whether an
    input was exactly 0, and (when sign_zero_one) output 0 replaced by +1."""

    def __init__(self, model, sign_zero_one):
        self.sign_zero_one = sign_zero_one
        self.handles = [m.register_forward_hook(self.hook)
                        for m in model.modules() if isinstance(m, SignActivation)]
        self.reset(0)

    def reset(self, n):
        self.min_abs = torch.full((n,), float("inf"))
        self.has_zero = torch.zeros(n, dtype=torch.bool)

    def hook(self, module, inputs, output):
        x = inputs[0].detach()
        a = x.abs().flatten(1).min(1).values
        self.min_abs = torch.minimum(self.min_abs, a)
        self.has_zero |= a == 0
        if self.sign_zero_one:
            return torch.where(x == 0, torch.ones_like(output), output)
        return None

    def remove(self):
        for h in self.handles:
            h.remove()


def predict(model, x, sign_zero_one=False, batch=1000):
    """Logits for x (eval mode) plus the per-image Sign-input statistics."""
    model.eval()
    probe = SignProbe(model, sign_zero_one)
    logits, min_abs, has_zero = [], [], []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            xb = x[i:i + batch]
            probe.reset(len(xb))
            logits.append(model(xb))
            min_abs.append(probe.min_abs)
            has_zero.append(probe.has_zero)
    probe.remove()
    return torch.cat(logits).numpy(), torch.cat(min_abs).numpy(), torch.cat(has_zero).numpy()


def top2_margin(logits):
    s = np.sort(logits, axis=1)
    return (s[:, -1] - s[:, -2]).astype(np.float32)


# --------------------------------------------------------------------------
# QONNX rewrite
# --------------------------------------------------------------------------

def to_qonnx(model):
    """Rewrite an exported XNOR model in QONNX style (BipolarQuant)."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    def const_value(name):
        if name in inits:
            return numpy_helper.to_array(inits[name])
        n = producer.get(name)
        if n is not None and n.op_type == "Constant":
            return numpy_helper.to_array(n.attribute[0].t)
        return None

    new_inits = [numpy_helper.from_array(np.array(1.0, dtype=np.float32), "bipolar_scale_one")]
    drop, replace = set(), {}
    n_act = n_wt = 0
    for node in g.node:
        if node.op_type != "Sign":
            continue
        w = const_value(node.input[0])
        if w is None:  # activation sign
            replace[id(node)] = helper.make_node(
                "BipolarQuant", [node.input[0], "bipolar_scale_one"], list(node.output),
                name=node.name.replace("Sign", "BipolarQuant") or f"bipolar_act_{n_act}",
                domain=QONNX_DOMAIN)
            n_act += 1
            continue
        # weight chain: Mul(Sign(W), ReduceMean(Abs(W))) in either operand order
        users = consumers.get(node.output[0], [])
        if len(users) != 1 or users[0].op_type != "Mul":
            raise SystemExit(f"qonnx rewrite: unexpected use of weight Sign {node.name}")
        mul = users[0]
        other = [i for i in mul.input if i != node.output[0]][0]
        rmean = producer[other]
        absn = producer[rmean.input[0]]
        assert rmean.op_type == "ReduceMean" and absn.op_type == "Abs", (rmean.op_type, absn.op_type)
        dims = tuple(range(1, w.ndim))
        alpha = np.abs(w).mean(axis=dims, keepdims=True).astype(np.float32)  # [M,1,1,1]
        alpha_name = node.input[0] + "_alpha"
        new_inits.append(numpy_helper.from_array(alpha, alpha_name))
        replace[id(mul)] = helper.make_node(
            "BipolarQuant", [node.input[0], alpha_name], list(mul.output),
            name=f"bipolar_weight_{n_wt}", domain=QONNX_DOMAIN)
        drop.update({id(node), id(rmean), id(absn)})
        n_wt += 1
    nodes = [replace.get(id(n), n) for n in g.node if id(n) not in drop]
    del g.node[:]
    g.node.extend(nodes)
    g.initializer.extend(new_inits)
    # drop Constant nodes nobody uses any more (e.g. ReduceMean axes in newer opsets)
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [n for n in g.node if n.op_type != "Constant" or n.output[0] in used]
    del g.node[:]
    g.node.extend(keep)
    model.opset_import.append(helper.make_opsetid(QONNX_DOMAIN, 1))
    return model, n_act, n_wt


def export_with_reference(model, x_test, y_test, p, epochs, train_time):
    """Exports model to P_model.onnx and writes PyTorch's reference files next to it
    (P_expected_logits.npy, P_torch_preds.npy, P_torch_ref.npz, P_torch_accuracy.txt: what
    test/accuracy/run_accuracy.py reads); returns the ONNX path."""
    y = y_test.numpy()
    logits, min_abs, has_zero = predict(model, x_test)
    logits1, _, _ = predict(model, x_test, sign_zero_one=True)
    preds, preds1 = logits.argmax(1), logits1.argmax(1)
    acc, acc1 = (preds == y).mean(), (preds1 == y).mean()
    zero_w = sum(int((m.weight == 0).sum()) for m in model.modules() if isinstance(m, BinaryConv2d))
    print(f"training time: {train_time:.1f} s ({epochs} epoch(s), "
          f"{torch.get_num_threads()} threads)")
    print(f"test accuracy: {acc * 100:.2f}% ({len(y)} images); with sign(0)=+1: {acc1 * 100:.2f}%")
    print(f"images with an exactly-0 Sign input: {int(has_zero.sum())}; "
          f"predictions changed by sign(0)=+1: {int((preds != preds1).sum())}; "
          f"exactly-0 binary weights: {zero_w}")

    os.makedirs(os.path.dirname(p) or ".", exist_ok=True)
    samples = x_test[:NUM_SAMPLES].contiguous()
    model.eval()
    with torch.no_grad():
        expected = model(samples).numpy().astype(np.float32)
    onnx_path = p + "_model.onnx"
    torch.onnx.export(model, samples[:1], onnx_path, input_names=["image"],
                      output_names=["logits"], opset_version=13, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(onnx_path))
    np.save(p + "_expected_logits.npy", expected)
    np.save(p + "_torch_preds.npy", preds.astype(np.uint8))
    np.savez_compressed(p + "_torch_ref.npz", preds_sign_zero_one=preds1.astype(np.uint8),
                        top2_margin=top2_margin(logits), sign_input_min_abs=min_abs.astype(np.float32),
                        sign_input_zero=has_zero)
    with open(p + "_torch_accuracy.txt", "w", encoding="utf-8") as f:
        f.write(f"accuracy {acc:.4f}\n")
        f.write(f"correct {int((preds == y).sum())} of {len(y)}\n")
        f.write(f"accuracy_sign_zero_one {acc1:.4f}\n")
        f.write(f"images_with_zero_sign_input {int(has_zero.sum())}\n")
        f.write(f"epochs {epochs}\n")
        f.write(f"training_seconds {train_time:.1f}\n")
        f.write(f"torch {torch.__version__}\n")
    return onnx_path


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--arch", choices=sorted(ARCHS), default="xnor")
    ap.add_argument("--out", default=HERE, help="output directory (default: %(default)s)")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--train-limit", type=int, default=0,
                    help="train on only the first N training images (smoke tests)")
    args = ap.parse_args()

    x_train, y_train, x_test, y_test = training.fashion_setup(SEED, args.train_limit)

    model = ARCHS[args.arch]()
    nparams = sum(p.numel() for p in model.parameters())
    nbin = sum(m.weight.numel() for m in model.modules() if isinstance(m, BinaryConv2d))
    print(f"{args.arch}: {nparams} parameters, {nbin} of them binary weights")

    train_time = training.train(model, x_train, y_train, args.epochs, args.batch_size, args.lr,
                                SEED)

    p = os.path.join(args.out, args.arch)
    onnx_path = export_with_reference(model, x_test, y_test, p, args.epochs, train_time)
    written = [onnx_path]
    if args.arch == "xnor":
        q, n_act, n_wt = to_qonnx(onnx.load(onnx_path))
        onnx.checker.check_model(q)
        qpath = os.path.join(args.out, "xnor_qonnx.onnx")
        onnx.save(q, qpath)
        print(f"qonnx: {n_act} activation and {n_wt} weight BipolarQuant nodes")
        written.append(qpath)
    for w in written:
        print(f"wrote {w} ({os.path.getsize(w)} bytes)")
    print(f"wrote {p}_expected_logits.npy, {p}_torch_preds.npy, {p}_torch_ref.npz, "
          f"{p}_torch_accuracy.txt")


if __name__ == "__main__":
    main()
