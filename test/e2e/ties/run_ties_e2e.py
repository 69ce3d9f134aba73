#!/usr/bin/env python3
"""Fidelity at ties: BatchNorm thresholds decided as the training framework decides them.

Models whose binary layers give exact integers (±1 inputs and weights) and whose
BatchNorms have integer means put many BN outputs within an ulp of 0, where the
sign is decided by the framework's float rounding (docs/XnorMath.md, "BatchNorm
arithmetic"). Each model here is checked bit for bit on its binary outputs:

  tie_cnn       PyTorch: Sign -> BinConv(64) -> BN -> Sign [out0] -> BinConv -> MaxPool
                -> BN -> Sign -> BinConv(32) -> BN -> Sign [out1] -> Linear [out2];
                integer running means, var + eps ~ 1, gamma < 0 on a third of the
                channels, gamma = 0 on one. Expected: PyTorch itself.
  bireal_rsign  PyTorch: a Bi-Real block (x + BN(BinConv(Sign(x))), float shortcut), an
                RSign (sign(x - b)), BinConv -> BN -> RPReLU (shift, PReLU, shift) ->
                RSign [out0]; BN(BinConv) -> Sign [out1]. The residual's own sign is
                kept off ties (see below). Expected: PyTorch.
  bn_values     one BatchNorm over about a million tie-heavy values (every plane has a
                vector tail): xnorc-run must equal torch bit for bit, NCHW and
                channels-last alike. Interpreter only: a float BatchNorm left in compiled
                code runs xnorc's kernel (scale and shift folded in double).
  tie_onnx      onnx.helper, no producer_name (auto -> onnx): the tie_cnn structure.
                Expected: numpy in ONNX's formula order; with --bn-arith=tensorflow, numpy
                in TensorFlow's FusedBatchNorm order.

PyTorch's Sign(0) is 0; binary networks (and xnorc) take +1, so the PyTorch models
binarize with x >= 0 -> +1 (the exported node is still Sign). What a model's BN
computes is PyTorch's own kernel (torch 1.13, CPU); no formula of xnorc's is reused.

A Bi-Real shortcut adds a float tensor to the BatchNorm output, and xnorc folds that
BatchNorm into the binary layer's epilogue (scale and shift rounded once each): the sum
is within an ulp of PyTorch's, not bit-identical, so the RSign after it gets a shift
that no value comes within 5e-4 of (checked). The thresholds that decide at ties are
those that only read BatchNorm (and RPReLU / RSign) results.

Each model: xnorc-run (no passes: the reference interpreter) and the program compiled
for --target (g++ -O2), on a batch of random inputs; prints, per output, how many values
differ from the expectation, and fails on any difference (--measure only prints: to
compare builds, e.g. one without --bn-arith). A target whose instructions this CPU lacks
is skipped (exit 77).
"""

from __future__ import annotations

import argparse
import os
import sys
import zlib
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import harness  # noqa: E402

torch.set_num_threads(2)
BATCH = 4
EPS = 1e-5
SEED_SALT = os.environ.get("XNORC_E2E_SEED", "0")


class SignPlus(torch.autograd.Function):
    """sign with sign(0) = +1, exported as ONNX Sign."""

    @staticmethod
    def forward(ctx, x):
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def symbolic(g, x):
        return g.op("Sign", x)


def sign(x):
    return SignPlus.apply(x)


def pm1_conv(cin, cout, rng):
    conv = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(np.where(rng.rand(cout, cin, 3, 3) < 0.5, -1.0, 1.0)))
    return conv


def tie_params(c, rng, n_range=6):
    """Integer means, var + eps ~ 1, gamma < 0 on a third, gamma = 0 on channel 0."""
    gamma = rng.uniform(0.3, 2.0, c).astype(np.float32)
    gamma[rng.rand(c) < 1 / 3] *= -1
    gamma[0] = 0.0
    beta = np.where(rng.rand(c) < 0.5, 0.0, rng.randint(-2, 3, c) * 0.5).astype(np.float32)
    mean = rng.randint(-n_range, n_range + 1, c).astype(np.float32)
    var = np.where(rng.rand(c) < 0.5, 1.0 - EPS, rng.uniform(0.3, 3.0, c)).astype(np.float32)
    return gamma, beta, mean, var


def set_bn(bn, params):
    with torch.no_grad():
        for p, v in zip((bn.weight, bn.bias, bn.running_mean, bn.running_var), params):
            p.copy_(torch.from_numpy(v))


class TieCnn(nn.Module):
    def __init__(self, rng):
        super().__init__()
        self.c1, self.bn1 = pm1_conv(8, 64, rng), nn.BatchNorm2d(64, eps=EPS)
        self.c2, self.bn2 = pm1_conv(64, 64, rng), nn.BatchNorm2d(64, eps=EPS)
        self.c3, self.bn3 = pm1_conv(64, 32, rng), nn.BatchNorm2d(32, eps=EPS)
        self.fc = nn.Linear(32 * 8 * 8, 10)
        for bn in (self.bn1, self.bn2, self.bn3):
            set_bn(bn, tie_params(bn.num_features, rng))

    def forward(self, x):
        s1 = sign(self.bn1(self.c1(sign(x))))
        h = sign(self.bn2(nn.functional.max_pool2d(self.c2(s1), 2)))
        s3 = sign(self.bn3(self.c3(h)))
        return s1, s3, self.fc(torch.flatten(s3, 1))


class BiRealRSign(nn.Module):
    def __init__(self, rng):
        super().__init__()
        # Dyadic stem weights and inputs: its sums are exact in any order, and an odd
        # multiple of 1/1024 as bias keeps every value at least 1/1024 off 0.
        self.stem = nn.Conv2d(8, 64, 3, padding=1)
        with torch.no_grad():
            self.stem.weight.copy_(torch.tensor(rng.randint(-32, 33, (64, 8, 3, 3)) / 64.0))
            self.stem.bias.copy_(torch.tensor((2 * rng.randint(-64, 64, 64) + 1) / 1024.0))
        self.c1, self.bn1 = pm1_conv(64, 64, rng), nn.BatchNorm2d(64, eps=EPS)
        self.c2, self.bn2 = pm1_conv(64, 64, rng), nn.BatchNorm2d(64, eps=EPS)
        self.rsign1 = nn.Parameter(torch.zeros(1, 64, 1, 1))
        # RPReLU (ReActNet): x - g, PReLU, + z; then RSign: sign(. - b). Dyadic values, so
        # that the BatchNorm's outputs near ties stay exact through them.
        q = lambda *s: torch.tensor(rng.randint(-4, 5, s) * 0.25, dtype=torch.float32)
        self.g, self.z, self.b = q(1, 64, 1, 1), q(1, 64, 1, 1), q(1, 64, 1, 1)
        self.prelu = nn.PReLU(64)
        with torch.no_grad():
            self.prelu.weight.copy_(torch.tensor(rng.choice([0.25, 0.5, 0.125], 64)))
        set_bn(self.bn1, tie_params(64, rng))
        set_bn(self.bn2, tie_params(64, rng))

    def shortcut(self, x):
        h = self.stem(x)
        c1 = self.c1(sign(h))
        return c1, self.bn1(c1) + h

    def calibrate(self, x):
        """RSign shifts in the widest gap of the residual's values (see the docstring)."""
        _, r = self.shortcut(x)
        r = r.detach().numpy()
        with torch.no_grad():
            for c in range(64):
                v = np.sort(r[:, c].ravel())
                gaps = np.diff(v)
                i = int(np.argmax(np.where(np.abs((v[1:] + v[:-1]) / 2) < 4, gaps, 0)))
                self.rsign1[0, c] = float((v[i] + v[i + 1]) / 2)
        # The float stem's sign is decided off ties too (xnorc sums in another order).
        stem = float(self.stem(x).abs().min())
        return min(stem, float(np.min(np.abs(r - self.rsign1.detach().numpy()))))

    def forward(self, x):
        c1, r = self.shortcut(x)
        s = sign(r - self.rsign1)
        y = self.prelu(self.bn2(self.c2(s)) - self.g) + self.z
        return sign(y - self.b), sign(self.bn1(c1))


# ---- the ONNX-built model and its numpy references --------------------------------


def bn_onnx(x, g, b, m, v):
    """ONNX's formula in its order, each step rounded to float32."""
    s = np.sqrt(v + np.float32(EPS))
    sh = (1, -1, 1, 1)
    return (((x - m.reshape(sh)) / s.reshape(sh)) * g.reshape(sh)) + b.reshape(sh)


def bn_tensorflow(x, g, b, m, v):
    """TensorFlow FusedBatchNorm (inference): ((x - mean) * (rsqrt(var + eps) * gamma)) + beta."""
    sf = (np.float32(1) / np.sqrt(v + np.float32(EPS))) * g
    sh = (1, -1, 1, 1)
    return ((x - m.reshape(sh)) * sf.reshape(sh)) + b.reshape(sh)


def pm1(x):
    return np.where(x >= 0, 1.0, -1.0).astype(np.float32)


def conv_int(x, w):
    """Exact integer conv of ±1 values (3x3, pad 1), as float32."""
    out = nn.functional.conv2d(torch.tensor(x, dtype=torch.float64),
                               torch.tensor(w, dtype=torch.float64), padding=1)
    return out.numpy().astype(np.float32)


def tie_onnx_model(rng):
    w1 = np.where(rng.rand(64, 8, 3, 3) < 0.5, -1.0, 1.0).astype(np.float32)
    w2 = np.where(rng.rand(64, 64, 3, 3) < 0.5, -1.0, 1.0).astype(np.float32)
    w3 = np.where(rng.rand(32, 64, 3, 3) < 0.5, -1.0, 1.0).astype(np.float32)
    bns = [tie_params(64, rng), tie_params(64, rng), tie_params(32, rng)]
    inits = [numpy_helper.from_array(w, n) for w, n in ((w1, "w1"), (w2, "w2"), (w3, "w3"))]
    for i, p in enumerate(bns):
        inits += [numpy_helper.from_array(a, f"{k}{i}") for a, k in zip(p, "gbmv")]
    def bn(i, x, y):
        return helper.make_node("BatchNormalization", [x, f"g{i}", f"b{i}", f"m{i}", f"v{i}"],
                                [y], epsilon=EPS, name=f"bn{i}")
    nodes = [
        helper.make_node("Sign", ["x"], ["sx"]),
        helper.make_node("Conv", ["sx", "w1"], ["c1"], pads=[1, 1, 1, 1], name="c1"),
        bn(0, "c1", "n1"), helper.make_node("Sign", ["n1"], ["s1"]),
        helper.make_node("Conv", ["s1", "w2"], ["c2"], pads=[1, 1, 1, 1], name="c2"),
        helper.make_node("MaxPool", ["c2"], ["p2"], kernel_shape=[2, 2], strides=[2, 2]),
        bn(1, "p2", "n2"), helper.make_node("Sign", ["n2"], ["s2"]),
        helper.make_node("Conv", ["s2", "w3"], ["c3"], pads=[1, 1, 1, 1], name="c3"),
        bn(2, "c3", "n3"), helper.make_node("Sign", ["n3"], ["s3"]),
    ]
    graph = helper.make_graph(
        nodes, "tie_onnx", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [BATCH, 8, 16, 16])],
        [helper.make_tensor_value_info("s1", TensorProto.FLOAT, [BATCH, 64, 16, 16]),
         helper.make_tensor_value_info("s3", TensorProto.FLOAT, [BATCH, 32, 8, 8])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])

    def reference(x, bn_fn):
        n1 = bn_fn(conv_int(pm1(x), w1), *bns[0])
        s1 = pm1(n1)
        c2 = torch.tensor(conv_int(s1, w2))
        p2 = nn.functional.max_pool2d(c2, 2).numpy()
        s2 = pm1(bn_fn(p2, *bns[1]))
        s3 = pm1(bn_fn(conv_int(s2, w3), *bns[2]))
        return [s1, s3], int(np.sum(n1 == 0))

    return model, reference


# ------------------------------------------------------------------------------------


def run_outputs(args, name, path, x, expected, binary_outs, flags, work):
    """[(step, ok, message)], and the total number of differing output values."""
    steps, total = [], 0
    xin = work / "x.npy"
    np.save(xin, x)
    runs = []
    res = harness.run_interpreter(args.xnorc_run, path, [xin], work / "interp", flags)
    runs.append(("interpreter", res, work / "interp"))
    gen = work / "gen"
    res = harness.compile_model(args.xnorc, path, gen, name=name, target=args.target,
                                extra_flags=flags)
    if res.ok:
        note = [ln for ln in res.stderr.splitlines() if "BatchNorm follows" in ln]
        steps.append(("note", bool(note) or bool(flags), note[0] if note else "(explicit flag)"))
        exe = work / "prog"
        bres = harness.build_program(args.cxx, gen, exe, strict=True)
        if bres.ok:
            bres = harness.run_program(exe, [xin], work / "prog_out")
        runs.append((args.target, bres, work / "prog_out"))
    else:
        runs.append((args.target, res, None))
    for tag, res, outdir in runs:
        if not res.ok:
            steps.append((tag, False, res.error))
            continue
        for i, exp in enumerate(expected):
            got = np.load(outdir / f"output{i}.npy")
            if i in binary_outs:
                bad = int(np.sum(got != exp)) if got.shape == exp.shape else exp.size
            else:
                close = np.isclose(got, exp, rtol=1e-4, atol=1e-4 * float(np.max(np.abs(exp))))
                bad = int(np.sum(~close))
            total += bad
            steps.append((f"{tag} output{i}", bad == 0, f"{bad} of {exp.size} differ"))
    return steps, total


def check_bn_values(args, work):
    """One BatchNorm, about a million tie-heavy values: xnorc-run (pytorch) vs torch."""
    rng = np.random.RandomState(zlib.crc32(f"bn_values:{SEED_SALT}".encode()))
    mdir = harness.fresh_dir(work / "bn_values")
    shape = (4, 64, 61, 67)  # 61 * 67 is no multiple of a vector: tails in every plane
    bn = nn.BatchNorm2d(64, eps=EPS).eval()
    set_bn(bn, tie_params(64, rng, n_range=20))
    x = (rng.randint(-30, 31, shape) * rng.choice([1, 0.5, 0.25], shape)
         + (rng.rand(*shape) < 0.2) * rng.randn(*shape)).astype(np.float32)
    with torch.no_grad():
        y = bn(torch.from_numpy(x)).numpy()
        y_cl = bn(torch.from_numpy(x).contiguous(memory_format=torch.channels_last)).contiguous()
    path = mdir / "bn_values.onnx"
    torch.onnx.export(bn, torch.from_numpy(x), str(path), opset_version=13, input_names=["x"])
    np.save(mdir / "x.npy", x)
    res = harness.run_interpreter(args.xnorc_run, path, [mdir / "x.npy"], mdir / "out")
    if not res.ok:
        return [("bn_values", [("interpreter", False, res.error)], -1)]
    got = np.load(mdir / "out" / "output0.npy")
    bad = int(np.sum(got.view(np.int32) != y.view(np.int32)))
    same_cl = bool(np.array_equal(y.view(np.int32), y_cl.numpy().view(np.int32)))
    steps = [("interpreter", bad == 0, f"{bad} of {y.size} differ in bits"),
             ("channels-last torch", same_cl, "identical" if same_cl else "differs")]
    return [(f"bn_values (pytorch, {int(np.sum(y == 0))} outputs exactly 0)", steps, bad)]


def check_model(args, name, work):
    rng = np.random.RandomState(zlib.crc32(f"{name}:{SEED_SALT}".encode()))
    torch.manual_seed(rng.randint(2**31))
    mdir = harness.fresh_dir(work / name)
    path = mdir / f"{name}.onnx"
    x = (rng.randint(1, 9, (BATCH, 8, 16, 16)) / 8.0 *
         np.where(rng.rand(BATCH, 8, 16, 16) < 0.5, -1, 1)).astype(np.float32)
    results = []
    if name == "tie_onnx":
        model, reference = tie_onnx_model(rng)
        onnx.save(model, path)
        for arith, bn_fn, flags in (("onnx", bn_onnx, []),
                                    ("tensorflow", bn_tensorflow, ["--bn-arith=tensorflow"])):
            if flags and args.measure:
                continue  # a build without --bn-arith has nothing to compare here
            expected, zeros = reference(x, bn_fn)
            steps, total = run_outputs(args, name, path, x, expected, {0, 1}, flags,
                                       harness.fresh_dir(mdir / arith))
            results.append((f"{name} ({arith}, {zeros} BN outputs exactly 0)", steps, total))
        return results
    net = (TieCnn if name == "tie_cnn" else BiRealRSign)(rng).eval()
    steps = []
    with torch.no_grad():
        if hasattr(net, "calibrate"):
            margin = net.calibrate(torch.from_numpy(x))
            steps.append(("float margin", margin > 5e-4,
                          f"min |stem|, |residual - shift| = {margin:.3g}"))
        outs = [o.numpy() for o in net(torch.from_numpy(x))]
        bn1 = net.bn1(net.c1(sign(torch.from_numpy(x)) if name == "tie_cnn"
                             else sign(net.stem(torch.from_numpy(x)))))
        zeros = int(torch.sum(bn1 == 0))
    # PRESERVE: in EVAL mode the exporter folds a BatchNorm that follows a Conv into the
    # conv's weights (computed by PyTorch in float), and the ONNX model no longer holds
    # the BatchNorm whose rounding decides the ties.
    torch.onnx.export(net, torch.from_numpy(x), str(path), opset_version=13, input_names=["x"],
                      output_names=[f"out{i}" for i in range(len(outs))],
                      do_constant_folding=False, training=torch.onnx.TrainingMode.PRESERVE)
    binary = {0, 1}
    more, total = run_outputs(args, name, path, x, outs, binary, [], mdir)
    results.append((f"{name} (pytorch, {zeros} BN outputs exactly 0)", steps + more, total))
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--xnorc-run", required=True)
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--target", default="generic")
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--measure", action="store_true",
                    help="print the differing counts only; never fail (compare builds)")
    ap.add_argument("--skip-bn-values", action="store_true",
                    help="leave out the interpreter-only million-value BatchNorm check")
    args = ap.parse_args()
    args.xnorc = harness.resolve_tool(args.xnorc)
    args.xnorc_run = harness.resolve_tool(args.xnorc_run)
    args.cxx = harness.resolve_tool(args.cxx)
    missing = harness.missing_cpu_flags(args.target)
    if missing:
        print(f"SKIPPED: target {args.target}: this CPU lacks {', '.join(missing)}")
        return 77
    work = harness.fresh_dir(args.work)
    passed = failed = 0
    names = ("tie_cnn", "bireal_rsign", "tie_onnx") + (() if args.skip_bn_values else ("bn_values",))
    for name in names:
        try:
            results = check_bn_values(args, work) if name == "bn_values" else check_model(
                args, name, work)
        except Exception as exc:  # a broken generator must not hide the other models
            results = [(name, [("harness", False, f"{type(exc).__name__}: {exc}")], -1)]
        for title, steps, total in results:
            bad = [f"{s}: {m}" for s, ok, m in steps if not ok]
            ok = not bad or args.measure
            passed += ok
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL':6} {title}: {total} differing values; "
                  + "; ".join(f"{s}: {m}" for s, _, m in steps))
    print(f"ties e2e ({args.target}): {passed + failed} checks, {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
