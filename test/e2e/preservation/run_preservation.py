#!/usr/bin/env python3
"""Pass preservation: every pass of the default pipeline keeps the meaning.

For each generated binary-network model and for every pass P_i of xnorc's
default pipeline, the reference interpreter is run on the graph after the
prefix P_1..P_{i-1} and after P_1..P_i (``xnorc-run --passes=PREFIX``), on the
same random inputs, and the outputs are compared:

* exactly (np.array_equal) for every pass, and for every binary-path output
  (values in {-1, +1}) whatever the pass;
* within 1e-5 relative for the float outputs of the two passes that
  legitimately change float rounding: ``binarize`` (alpha * d replaces float
  ±alpha arithmetic) and ``fold-batchnorm`` (BatchNorm folded into weights or
  into the epilogue).

The compiled generic program must also equal the fully transformed
interpreter bit for bit.

Models are tie-free: a BatchNorm after a binary conv with output alpha * d has
beta = 0 and mean = alpha * (k + 0.5) for an integer k, so its Sign threshold
sits half-way between two integers of d; inputs are random floats bounded away
from 0.

Usage: run_preservation.py --xnorc BIN --xnorc-run BIN --cxx g++ --work DIR
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import harness  # noqa: E402

SOURCE_ROOT = Path(__file__).resolve().parents[3]
ROUNDING_PASSES = {"binarize", "fold-batchnorm"}
RTOL = 1e-5
QONNX_DOMAIN = "qonnx.custom_op.general"

# Known compiler bugs: (model, check) -> reason. Such a check failing is XFAIL
# (not a failure); passing is XPASS (reported, so the marker can be removed).
EXPECTED_FAILURES: dict[tuple[str, str], str] = {}

# Models whose output is accumulated in float by a binary-weight kernel (float
# input x ±1 weights): the interpreter defines bwconv/bwdense in double from
# the definition, the kernel sums in float in its own order, so the compiled
# check is a float-path check (RTOL), not a bit-exact one.
FLOAT_ACCUMULATING_MODELS = {"bwn"}


def default_pipeline() -> list[str]:
    """The default pipeline, read from passes/PassManager.cpp defaultPipeline()."""
    text = (SOURCE_ROOT / "passes" / "PassManager.cpp").read_text()
    body = re.search(r"defaultPipeline\(\)\s*\{(.*?)\n\}", text, re.S)
    if not body:
        raise SystemExit("error: cannot find defaultPipeline() in passes/PassManager.cpp")
    literal = "".join(re.findall(r'"([^"]*)"', body.group(1)))
    return [p.strip() for p in literal.split(",") if p.strip()]


# --------------------------------------------------------------------------
# Model building
# --------------------------------------------------------------------------

class Builder:
    """Small onnx.helper wrapper producing tie-free binary networks."""

    def __init__(self, name: str, seed: int):
        self.name = name
        self.r = np.random.RandomState(seed)
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.n = 0
        self.qonnx = False

    def fresh(self, base: str) -> str:
        self.n += 1
        return f"{base}{self.n}"

    def const(self, arr, base="k") -> str:
        name = self.fresh(base)
        self.inits.append(numpy_helper.from_array(np.asarray(arr, np.float32), name))
        return name

    def node(self, op, ins, domain=None, **attrs) -> str:
        out = self.fresh(op.lower() + "_")
        self.nodes.append(helper.make_node(op, ins, [out], name=out, domain=domain, **attrs))
        return out

    def input(self, shape) -> str:
        name = f"in{len(self.inputs)}"
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(shape)))
        return name

    def output(self, value: str, shape) -> None:
        self.outputs.append(helper.make_tensor_value_info(value, TensorProto.FLOAT, list(shape)))

    # Layers -----------------------------------------------------------------
    def alphas(self, m):
        return self.r.uniform(0.25, 1.5, m).astype(np.float32)

    def pm_weights(self, shape, alpha):
        signs = np.where(self.r.rand(*shape) < 0.5, -1.0, 1.0)
        return (signs * alpha.reshape((-1,) + (1,) * (len(shape) - 1))).astype(np.float32)

    def float_conv(self, x, cin, cout, k=3, pad=1, stride=1):
        w = self.const(self.r.randn(cout, cin, k, k) * 0.5, "w")
        b = self.const(self.r.randn(cout) * 0.1, "b")
        return self.node("Conv", [x, w, b], kernel_shape=[k, k], pads=[pad] * 4,
                         strides=[stride] * 2)

    def bin_conv(self, x, cin, cout, k=3, pad=1, stride=1, unfolded=False):
        """Conv with ±alpha weights; returns (value, alpha). unfolded: the
        exporter form Sign(W) * ReduceMean(Abs(W)) for const-fold to fold."""
        if unfolded:
            raw = (self.r.randn(cout, cin, k, k) + 0.01).astype(np.float32)
            raw[raw == 0] = 0.5
            w = self.const(raw, "wr")
            mean = self.node("ReduceMean", [self.node("Abs", [w])], axes=[1, 2, 3], keepdims=1)
            wq = self.node("Mul", [self.node("Sign", [w]), mean])
            alpha = np.abs(raw).astype(np.float64).mean(axis=(1, 2, 3)).astype(np.float32)
        else:
            alpha = self.alphas(cout)
            wq = self.const(self.pm_weights((cout, cin, k, k), alpha), "w")
        y = self.node("Conv", [x, wq], kernel_shape=[k, k], pads=[pad] * 4, strides=[stride] * 2)
        return y, alpha

    def bn(self, x, c, alpha=None, n=None, neg=(1,), constant=None):
        """BatchNorm over c channels. With alpha (per channel) and n (the
        accumulator range) the Sign threshold is alpha * (k + 0.5). constant:
        {channel: beta} channels with gamma = 0, i.e. the constant beta."""
        gamma = self.r.uniform(0.5, 2.0, c).astype(np.float32)
        for i in neg:
            if i < c:
                gamma[i] = -gamma[i]
        var = self.r.uniform(0.5, 2.0, c).astype(np.float32)
        if alpha is None:
            mean = self.r.randn(c).astype(np.float32) * 0.3
            beta = self.r.randn(c).astype(np.float32) * 0.3
        else:
            span = max(1, n // 4)
            k = self.r.randint(-span, span + 1, c)
            mean = (alpha * (k + 0.5)).astype(np.float32)
            beta = np.zeros(c, np.float32)
        for i, v in (constant or {}).items():
            gamma[i], beta[i] = 0.0, v
        ins = [x] + [self.const(a, "bn") for a in (gamma, beta, mean, var)]
        return self.node("BatchNormalization", ins, epsilon=1e-5)

    def sign(self, x):
        return self.node("Sign", [x])

    def bipolar(self, x, scale):
        self.qonnx = True
        return self.node("BipolarQuant", [x, self.const(scale, "s")], domain=QONNX_DOMAIN)

    def maxpool(self, x, k=2, stride=2, pad=0, ceil=0):
        return self.node("MaxPool", [x], kernel_shape=[k, k], strides=[stride] * 2, pads=[pad] * 4,
                         ceil_mode=ceil)

    def pad(self, x, value, p=1):
        pads = self.const(np.array([0, 0, p, p, 0, 0, p, p], np.int64), "p")
        self.inits[-1] = numpy_helper.from_array(np.array([0, 0, p, p, 0, 0, p, p], np.int64),
                                                 pads)
        return self.node("Pad", [x, pads, self.const(np.array(value, np.float32), "pv")],
                         mode="constant")

    def model(self) -> onnx.ModelProto:
        graph = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, self.inits)
        opsets = [helper.make_opsetid("", 13)]
        if self.qonnx:
            opsets.append(helper.make_opsetid(QONNX_DOMAIN, 1))
        m = helper.make_model(graph, opset_imports=opsets)
        if not self.qonnx:
            onnx.checker.check_model(m)
        return m


def m_xnor_pool_after():
    """Paper order: BinConv -> MaxPool -> BN -> Sign, 64 -> 65 -> 130, stride 2."""
    b = Builder("xnor_pool_after", 1)
    x = b.input([2, 3, 8, 8])
    h = b.sign(b.bn(b.float_conv(x, 3, 64), 64))
    h, a = b.bin_conv(h, 64, 65, unfolded=True)
    h = b.sign(b.bn(b.maxpool(h), 65, a, 64 * 9, neg=(1, 64)))
    h, a = b.bin_conv(h, 65, 130, stride=2)
    y = b.bn(h, 130, a, 65 * 9, neg=(0, 129))
    b.output(y, [2, 130, 2, 2])
    b.output(b.sign(y), [2, 130, 2, 2])
    return b


def m_xnor_pool_before():
    """BN -> Sign -> MaxPool on ±1 values -> BinConv, then BinConv -> BN -> Sign -> MaxPool."""
    b = Builder("xnor_pool_before", 2)
    x = b.input([1, 3, 10, 10])
    h = b.maxpool(b.sign(b.bn(b.float_conv(x, 3, 63), 63)))
    h, a = b.bin_conv(h, 63, 64, pad=0)
    h = b.maxpool(b.sign(b.bn(h, 64, a, 63 * 9, neg=(5,))), k=3, stride=1, pad=1)
    h, a = b.bin_conv(h, 64, 3, pad=1, stride=2)
    b.output(b.bn(h, 3, a, 64 * 9), [1, 3, 2, 2])
    return b


def m_one_padding():
    """Channels 1 and 3; Pad(+1) before the Sign, Pad(-1) after it."""
    b = Builder("one_padding", 3)
    x = b.input([2, 1, 7, 7])
    h, a = b.bin_conv(b.sign(b.pad(x, 1.0)), 1, 3, pad=0)
    h = b.pad(b.sign(b.bn(h, 3, a, 9, neg=(2,))), -1.0)
    h, a = b.bin_conv(h, 3, 1, pad=0, stride=2)
    y = b.bn(h, 1, a, 27, neg=())
    b.output(y, [2, 1, 4, 4])
    b.output(b.sign(y), [2, 1, 4, 4])
    return b


def m_bireal():
    """Bi-Real block twice: x + BN(BinConv(Sign(x))), 64 channels."""
    b = Builder("bireal", 4)
    x = b.input([1, 64, 5, 5])
    h = x
    for _ in range(2):
        c, a = b.bin_conv(b.sign(h), 64, 64)
        h = b.node("Add", [b.bn(c, 64, a, 64 * 9), h])
    b.output(h, [1, 64, 5, 5])
    return b


def m_bwn():
    """Binary weights, float activations: 3 -> 70 (stride 2) -> 5."""
    b = Builder("bwn", 5)
    x = b.input([2, 3, 9, 9])
    h, _ = b.bin_conv(x, 3, 70, stride=2, unfolded=True)
    h = b.node("Relu", [b.bn(h, 70)])
    h, _ = b.bin_conv(h, 70, 5, k=1, pad=0)
    b.output(h, [2, 5, 5, 5])
    return b


def m_dense():
    """Gemm (transB = 1 with bias, transB = 0) and MatMul on Sign'ed inputs, 130 -> 65 -> 70 -> 10."""
    b = Builder("dense", 6)
    x = b.input([3, 130])
    a = b.alphas(65)
    w = b.const(b.pm_weights((65, 130), a), "w")
    h = b.node("Gemm", [b.sign(x), w, b.const(b.r.randn(65) * 0.1, "c")], transB=1)
    h = b.sign(b.bn(h, 65))
    a = b.alphas(70)
    w = b.const(b.pm_weights((70, 65), a).T.copy(), "w")
    h = b.node("Gemm", [h, w], transB=0)
    h = b.sign(b.bn(h, 70, a, 65, neg=(3, 66)))
    a = b.alphas(10)
    w = b.const(b.pm_weights((10, 70), a).T.copy(), "w")
    y = b.node("MatMul", [h, w])
    b.output(y, [3, 10])
    b.output(h, [3, 70])
    return b


def m_rsign():
    """RSign: sign(x - b) with a learnt per-channel shift, 65 -> 64 -> 1."""
    b = Builder("rsign", 7)
    x = b.input([1, 65, 5, 5])
    shift = b.const(b.r.randn(1, 65, 1, 1) * 0.2, "shift")
    h, a = b.bin_conv(b.sign(b.node("Sub", [x, shift])), 65, 64)
    h = b.bn(h, 64, a, 65 * 9, neg=(0, 7))
    h = b.sign(h)
    h, a = b.bin_conv(h, 64, 1, k=1, pad=0)
    b.output(b.sign(b.bn(h, 1, a, 64, neg=())), [1, 1, 5, 5])
    b.output(h, [1, 1, 5, 5])
    return b


def m_bipolar():
    """QONNX BipolarQuant on weights and activations, with a scale."""
    b = Builder("bipolar", 8)
    x = b.input([2, 3, 6, 6])
    raw = b.const(b.r.randn(65, 3, 3, 3), "wr")
    alpha = b.alphas(65).reshape(65, 1, 1, 1)
    wq = b.bipolar(raw, alpha)
    h = b.node("Conv", [b.bipolar(x, np.array(1.0, np.float32)), wq], kernel_shape=[3, 3],
               pads=[1, 1, 1, 1])
    h = b.bn(h, 65, alpha.ravel(), 27, neg=(2,))
    h = b.bipolar(h, np.array(1.0, np.float32))
    raw2 = b.const(b.r.randn(4, 65, 1, 1), "wr")
    a2 = b.alphas(4).reshape(4, 1, 1, 1)
    y = b.node("Conv", [h, b.bipolar(raw2, a2)], kernel_shape=[1, 1], strides=[2, 2])
    b.output(y, [2, 4, 3, 3])
    return b


def m_cnv():
    """CNV order conv -> BN -> Sign -> MaxPool -> BinConv: a ceil-mode pool, a padded one
    with kernel != stride that is also an output, then Flatten + binary Gemm."""
    b = Builder("cnv", 9)
    x = b.input([2, 3, 11, 11])
    h = b.float_conv(x, 3, 16, pad=0)  # 9x9
    h = b.maxpool(b.sign(b.bn(h, 16)), ceil=1)  # 5x5 (the last window overhangs)
    h, a = b.bin_conv(h, 16, 20, pad=0)  # 3x3
    p = b.maxpool(b.sign(b.bn(h, 20, a, 16 * 9, neg=(1, 18))), k=3, stride=1, pad=1)
    a = b.alphas(10)
    w = b.const(b.pm_weights((10, 180), a), "w")
    y = b.node("Gemm", [b.node("Flatten", [p], axis=1), w], transB=1)
    b.output(y, [2, 10])
    b.output(p, [2, 20, 3, 3])
    return b


def m_pruned():
    """Constant channels for prune-channels (BatchNorm gamma = 0): binary convs without
    padding 16 -> 70 -> bit pool -> 66 -> 8, constants reaching the next conv directly
    and through the pool; the last conv's constants feed a float output and stay."""
    b = Builder("pruned", 10)
    x = b.input([2, 3, 10, 10])
    h = b.sign(b.bn(b.float_conv(x, 3, 16, pad=0), 16))  # 8x8
    h, a = b.bin_conv(h, 16, 70, pad=0)  # 6x6
    h = b.maxpool(b.sign(b.bn(h, 70, a, 16 * 9, constant={3: 0.5, 10: -0.25, 69: 1.0})))
    h, a = b.bin_conv(h, 70, 66, pad=0)  # 1x1
    h = b.sign(b.bn(h, 66, a, 70 * 9, constant={0: -1.0, 65: 0.5}))
    h, a = b.bin_conv(h, 66, 8, k=1, pad=0)
    y = b.bn(h, 8, a, 66, neg=(), constant={2: 0.75})
    b.output(y, [2, 8, 1, 1])
    b.output(b.sign(y), [2, 8, 1, 1])
    return b


def m_dead_float():
    """Float conv -> relu -> conv whose filters are zero on input channels 2 and 5: those
    channels of the first conv are dead (prune-channels removes them)."""
    b = Builder("dead_float", 11)
    x = b.input([1, 3, 6, 6])
    h = b.node("Relu", [b.float_conv(x, 3, 8)])
    w = (b.r.randn(4, 8, 3, 3) * 0.5).astype(np.float32)
    w[:, [2, 5]] = 0.0
    y = b.node("Conv", [h, b.const(w, "w")], kernel_shape=[3, 3], pads=[1] * 4)
    b.output(y, [1, 4, 6, 6])
    return b


def m_bireal_pruned():
    """A residual stream for prune-channels: a float conv -> relu -> max-pool, two Bi-Real
    blocks (ternary weights: 0 on input channels 1, 4, 5, 11), global pool, flatten and a
    Gemm with zero columns there: the 4 channels go from the whole stream."""
    b = Builder("bireal_pruned", 12)
    dead = [1, 4, 5, 11]
    x = b.input([1, 3, 10, 10])
    h = b.maxpool(b.node("Relu", [b.float_conv(x, 3, 16)]))  # 5x5
    for _ in range(2):
        a = b.alphas(16)
        w = b.pm_weights((16, 16, 3, 3), a)
        w[:, dead] = 0.0
        c = b.node("Conv", [b.sign(h), b.const(w, "w")], kernel_shape=[3, 3], pads=[1] * 4)
        h = b.node("Add", [b.bn(c, 16, a, 12 * 9), h])
    g = b.node("Flatten", [b.node("GlobalAveragePool", [h])], axis=1)
    wg = (b.r.randn(10, 16) * 0.5).astype(np.float32)
    wg[:, dead] = 0.0
    y = b.node("Gemm", [g, b.const(wg, "wg"), b.const(b.r.randn(10) * 0.1, "bg")], transB=1)
    b.output(y, [1, 10])
    return b


def m_qdq_sign():
    """8-bit activations read by binary layers (quantized-sign-bits): a u8 tensor signed
    directly (threshold at the zero point, q == zp -> +1), and a per-channel i8 tensor through
    MaxPool -> BN (gamma < 0 on channel 1) -> Sign; scales coarse enough that many q equal zp."""
    b = Builder("qdq_sign", 12)
    x = b.input([2, 3, 8, 8])

    def typed(arr, base):
        name = b.fresh(base)
        b.inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    s, zp = typed(np.array(0.25, np.float32), "s"), typed(np.array(131, np.uint8), "zp")
    q = b.node("QuantizeLinear", [x, s, zp])
    h, a = b.bin_conv(b.sign(b.node("DequantizeLinear", [q, s, zp])), 3, 65)
    y1 = b.bn(h, 65, a, 27, neg=(4,))
    b.output(y1, [2, 65, 8, 8])
    sc = typed(np.array([0.5, 0.125, 0.0625], np.float32), "s")
    zc = typed(np.array([-3, 0, 7], np.int8), "zp")
    q = b.node("QuantizeLinear", [x, sc, zc], axis=1)
    h = b.maxpool(b.node("DequantizeLinear", [q, sc, zc], axis=1))
    h, a = b.bin_conv(b.sign(b.bn(h, 3)), 3, 5)
    b.output(b.bn(h, 5, a, 27, neg=()), [2, 5, 4, 4])
    return b


MODELS = [m_xnor_pool_after, m_xnor_pool_before, m_one_padding, m_bireal, m_bwn, m_dense,
          m_rsign, m_bipolar, m_cnv, m_pruned, m_dead_float, m_qdq_sign, m_bireal_pruned]


def random_inputs(model: onnx.ModelProto, seed: int) -> list[np.ndarray]:
    r = np.random.RandomState(seed)
    out = []
    for vi in model.graph.input:
        shape = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        mag = r.uniform(0.05, 2.0, shape)
        out.append((mag * np.where(r.rand(*shape) < 0.5, -1.0, 1.0)).astype(np.float32))
    return out


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def load_outputs(outdir: Path, expected: int) -> list[np.ndarray] | str:
    """output0.npy ... of a run, or why they are not the model's EXPECTED outputs.

    A run that writes no (or too few, or too many) files fails here: two empty lists
    would otherwise compare equal.
    """
    outs = []
    while (outdir / f"output{len(outs)}.npy").is_file():
        outs.append(np.load(outdir / f"output{len(outs)}.npy"))
    if len(outs) != expected:
        return f"{outdir.name}: wrote {len(outs)} outputs, the model has {expected}"
    return outs


def compare(before, after, allow_rounding: bool) -> tuple[bool, str]:
    if len(before) != len(after):
        return False, f"{len(after)} outputs, expected {len(before)}"
    notes = []
    for i, (e, g) in enumerate(zip(before, after)):
        if e.shape != g.shape:
            return False, f"output{i}: shape {g.shape}, expected {e.shape}"
        binary = bool(np.all(np.abs(e) == 1.0))
        if np.array_equal(e, g):
            continue
        if binary or not allow_rounding:
            bad = int(np.sum(e != g))
            return False, (f"output{i}: {bad}/{e.size} elements differ "
                           f"({'binary' if binary else 'float'}, exact expected), "
                           f"max abs {float(np.max(np.abs(e.astype(np.float64) - g))):.3g}")
        scale = float(np.max(np.abs(e))) or 1.0
        ok = np.allclose(g, e, rtol=RTOL, atol=RTOL * scale)
        rel = harness.max_rel_error(g, e)
        if not ok:
            return False, f"output{i}: beyond 1e-5 relative (max rel {rel:.3g})"
        notes.append(f"output{i} rel {rel:.1e}")
    return True, ", ".join(notes) or "exact"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--xnorc-run", required=True)
    ap.add_argument("--cxx", default="g++")
    ap.add_argument("--work", type=Path, required=True)
    args = ap.parse_args()
    xnorc, xrun = harness.resolve_tool(args.xnorc), harness.resolve_tool(args.xnorc_run)
    cxx = harness.resolve_tool(args.cxx)
    pipeline = default_pipeline()
    listed = harness.run_cmd([xnorc, "--list-passes"], harness.RUN_TIMEOUT)
    known = {ln.split()[0] for ln in listed.stdout.splitlines() if ln.strip()}
    unknown = [p for p in pipeline if p not in known]
    if not listed.ok or unknown:
        print(f"error: pipeline passes not in --list-passes: {unknown} ({listed.error})")
        return 1
    print(f"default pipeline ({len(pipeline)} passes): {','.join(pipeline)}")
    work = harness.fresh_dir(args.work)
    total = passed = 0
    failures = []
    rows = []

    def record(model, check, ok, msg):
        nonlocal total, passed
        total += 1
        reason = EXPECTED_FAILURES.get((model, check))
        if reason and not ok:
            status, msg, ok = "XFAIL", f"{reason}; got: {msg}", True
        elif reason:
            status, msg = "XPASS", f"expected to fail ({reason}) but passed: remove the marker"
        else:
            status = "PASS" if ok else "FAIL"
        passed += ok
        rows.append((model, check, status, msg))
        if not ok:
            failures.append(f"{model} / {check}: {msg}")

    for seed, make in enumerate(MODELS, start=100):
        b = make()
        mdir = harness.fresh_dir(work / b.name)
        mpath = mdir / f"{b.name}.onnx"
        model = b.model()
        onnx.save(model, mpath)
        ins = []
        for i, arr in enumerate(random_inputs(model, seed)):
            p = mdir / f"in{i}.npy"
            np.save(p, arr)
            ins.append(p)
        # Interpreter after each prefix of the pipeline.
        n_outputs = len(model.graph.output)
        results = []
        for i in range(len(pipeline) + 1):
            out = mdir / f"after{i}"
            harness.fresh_dir(out)
            cmd = [xrun, mpath, *ins, "-o", out]
            if i:
                cmd.append("--passes=" + ",".join(pipeline[:i]))
            res = harness.run_cmd(cmd, harness.RUN_TIMEOUT)
            results.append(load_outputs(out, n_outputs) if res.ok else res.error)
        for i, name in enumerate(pipeline, start=1):
            before, after = results[i - 1], results[i]
            check = f"{i:2d} {name}"
            if isinstance(after, str) or isinstance(before, str):
                record(b.name, check, False, after if isinstance(after, str) else before)
                continue
            ok, msg = compare(before, after, name in ROUNDING_PASSES)
            record(b.name, check, ok, msg)
        # Compiled generic program == fully transformed interpreter, bit for bit.
        gen = mdir / "gen"
        res = harness.compile_model(xnorc, mpath, gen, name=b.name, extra_flags=["--quiet"])
        if res.ok:
            res = harness.build_program(cxx, gen, mdir / "prog")
        if res.ok:
            res = harness.run_program(mdir / "prog", ins, mdir / "prog_out")
        if not res.ok:
            record(b.name, "compiled", False, res.error)
        elif isinstance(results[-1], str):
            record(b.name, "compiled", False, results[-1])
        elif isinstance(got := load_outputs(mdir / "prog_out", n_outputs), str):
            record(b.name, "compiled", False, got)
        else:
            ref = results[-1]
            if b.name in FLOAT_ACCUMULATING_MODELS:
                ok, msg = compare(ref, got, True)
                record(b.name, "compiled", ok, "float path: " + msg)
            else:
                same = len(got) == len(ref) and all(
                    g.shape == r.shape and np.array_equal(g, r) for g, r in zip(got, ref))
                record(b.name, "compiled", same,
                       "bit-identical" if same else "compiled program differs from the interpreter")

    w = max(len(r[0]) for r in rows)
    c = max(len(r[1]) for r in rows)
    for model, check, status, msg in rows:
        print(f"{model:<{w}}  {check:<{c}}  {status}  {msg}")
    for f in failures:
        print(f"FAIL: {f}")
    xfail = sum(r[2] == "XFAIL" for r in rows)
    print(f"preservation: {total} checks, {passed} passed, {total - passed} failed"
          + (f" ({xfail} expected failures included in passed)" if xfail else ""))
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main())
