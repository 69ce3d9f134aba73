"""Writes a model whose every name is hostile, its input and its expected outputs.

usage: make_hostile_model.py OUTDIR

OUTDIR/hostile.onnx    the model (opset 13): a float conv path and a binary one (Sign
                       activations, +-1 weights, BatchNorm + Sign -> threshold), two outputs;
OUTDIR/in0.npy         a random input [1,2,6,6] (no exact zeros, so Sign never sees 0);
OUTDIR/expected/output<i>.npy   the outputs, computed here with numpy from the same weights
                       (float64, then float32): an oracle independent of xnorc.

Every name a model carries is attacked: node, initializer, graph input and output,
intermediate value and graph names, doc strings, producer and metadata. The names
hold `*/`, `/*`, `//`, newlines, backslash-newline, a trailing backslash, quotes, the
`??/` trigraph, C++ keywords, reserved identifiers (`__x`, `_X`), names that are only
digits, empty node names, non-ASCII and invalid UTF-8 bytes, a 10,000-character name,
and names that collide once made identifiers (`a.b`, `a-b`, `a b`, `a_b`, `a__b`).
Each injection attempt defines a macro or variable called INJECTED_<something>, so a
test can check that no such line reaches generated code (CHECK-NOT: INJECTED at the
start of a line) and that the code builds warning-free. The weights are chosen so the
binary path's thresholds never sit on an integer (no rounding decides a sign).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# The hostile names. Each is used once in the graph (ONNX names must be unique).
X = 'in"put\n#define INJECTED_INPUT 1\n'
W1 = "b1\nint INJECTED_W1 = 1;"
B1 = "bias */ #define INJECTED_BIAS 1 /*"
CONV1 = "conv */ \n #define INJECTED_CONV 1"
C1 = "c1 ??/\n#define INJECTED_TRIGRAPH 1"
R1 = "int"
BN_S, BN_B, BN_M, BN_V = "__reserved", "_Reserved", "123", "w" * 10000
BN1 = "class"
OUT0 = "out0 */ #define INJECTED_OUT0 1 /* \\"
S0 = "a.b"
W2 = "a-b"
C2 = "a b"
BN2_S, BN2_B, BN2_M, BN2_V = "a_b", "a__b", "a//b\\\n#define INJECTED_SPLICE 1", "0"
BN2 = "??="
S2 = "\\"
F = "\u00e9\u4e2d\u6587 /* */"
WG, BG = "c.d", "c-d"  # one identifier, two constants
AG = "7"
G = "??/"
OUT1 = 'y"\n*/ #define INJECTED_OUT1 1 // ??/'
P0 = "p0 ??="
A0 = "shift \xff\xfe is not UTF-8"  # the two characters become raw bytes below

EPS = 1e-5


def conv2d(x, w, b, pad):
    """NCHW cross-correlation, stride 1, in float64."""
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    y = np.zeros((n, o, oh, ow))
    for i in range(kh):
        for j in range(kw):
            y += np.einsum("ncij,oc->noij", xp[:, :, i:i + oh, j:j + ow], w[:, :, i, j])
    return y + (0 if b is None else b.reshape(1, -1, 1, 1))


def batchnorm(x, s, b, m, v):
    r = lambda a: a.reshape(1, -1, 1, 1)
    return (x - r(m)) / np.sqrt(r(v) + EPS) * r(s) + r(b)


def main():
    out = sys.argv[1]
    # --binary-only: the binary path alone (output1), for targets that stream binary layers
    # only (the HLS target has no float conv, pool or broadcast add).
    if sys.argv[2:] not in ([], ["--binary-only"]):
        sys.exit("usage: make_hostile_model.py OUTDIR [--binary-only]")
    binary_only = sys.argv[2:] == ["--binary-only"]
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    rng = np.random.RandomState(12)
    f32 = lambda a: np.asarray(a, dtype=np.float32)

    x = f32(rng.randn(1, 2, 6, 6))
    x[x == 0] = 0.5
    w1 = f32(rng.randn(4, 2, 3, 3) * 0.5)
    b1 = f32(rng.randn(4) * 0.1)
    bn_s, bn_b = f32(rng.uniform(0.5, 1.5, 4)), f32(rng.randn(4) * 0.1)
    bn_m, bn_v = f32(rng.randn(4) * 0.1), f32(rng.uniform(0.5, 2.0, 4))
    w2 = f32(rng.choice([-1.0, 1.0], size=(8, 2, 3, 3)))
    # BatchNorm then Sign: the sign is that of gamma * (y - mean) for an integer sum y;
    # a mean half-way between integers keeps every decision away from the threshold.
    bn2_s = f32(rng.choice([-1.0, 1.0], 8) * rng.uniform(0.5, 2.0, 8))
    bn2_b = f32(np.zeros(8))
    bn2_m = f32(rng.randint(-4, 5, 8) + 0.5)
    bn2_v = f32(rng.uniform(0.5, 2.0, 8))
    wg = f32(rng.randn(3, 8 * 4 * 4) * 0.1)
    bg = f32(rng.randn(3) * 0.1)
    ag = f32(rng.randn(1, 3))
    a0 = f32(rng.randn(1, 4, 1, 1))

    # numpy reference, float64 from the float32 weights.
    d = lambda a: a.astype(np.float64)
    r1 = np.maximum(conv2d(d(x), d(w1), d(b1), 1), 0)
    p0 = batchnorm(r1, d(bn_s), d(bn_b), d(bn_m), d(bn_v)).mean(axis=(2, 3), keepdims=True)
    out0 = p0 + d(a0)
    c2 = conv2d(np.sign(d(x)), d(w2), None, 0)
    t2 = batchnorm(c2, d(bn2_s), d(bn2_b), d(bn2_m), d(bn2_v))
    assert np.abs(t2).min() > 0.1, "a binary decision sits too close to its threshold"
    out1 = np.sign(t2).reshape(1, -1) @ d(wg).T + d(bg) + d(ag)
    np.save(os.path.join(out, "expected", "output0.npy"), f32(out0))
    np.save(os.path.join(out, "expected", "output1.npy"), f32(out1))
    np.save(os.path.join(out, "in0.npy"), x)

    def init(name, a):
        t = numpy_helper.from_array(a)
        t.name = name
        return t

    inits = [init(W1, w1), init(B1, b1), init(BN_S, bn_s), init(BN_B, bn_b), init(BN_M, bn_m),
             init(BN_V, bn_v), init(W2, w2), init(BN2_S, bn2_s), init(BN2_B, bn2_b),
             init(BN2_M, bn2_m), init(BN2_V, bn2_v), init(WG, wg), init(BG, bg), init(AG, ag),
             init(A0, a0)]
    doc = "*/ #define INJECTED_DOC 1 /*\n#define INJECTED_DOC_LINE 1\n??/"
    nodes = [
        helper.make_node("Conv", [X, W1, B1], [C1], name=CONV1, pads=[1, 1, 1, 1], doc_string=doc),
        helper.make_node("Relu", [C1], [R1], name="??/", doc_string=doc),
        helper.make_node("BatchNormalization", [R1, BN_S, BN_B, BN_M, BN_V], [BN1], name="",
                         epsilon=EPS),
        helper.make_node("GlobalAveragePool", [BN1], [P0], name="__LINE__"),
        helper.make_node("Add", [P0, A0], [OUT0], name=A0),
        helper.make_node("Sign", [X], [S0], name="auto"),
        helper.make_node("Conv", [S0, W2], [C2], name="a.b"),
        helper.make_node("BatchNormalization", [C2, BN2_S, BN2_B, BN2_M, BN2_V], [BN2],
                         name="a-b", epsilon=EPS),
        helper.make_node("Sign", [BN2], [S2], name="0"),
        helper.make_node("Flatten", [S2], [F], name="x" * 10000),
        helper.make_node("Gemm", [F, WG, BG], [G], name="a b", transB=1),
        helper.make_node("Add", [G, AG], [OUT1], name="1"),
    ]
    outputs = [helper.make_tensor_value_info(OUT0, TensorProto.FLOAT, [1, 4, 1, 1]),
               helper.make_tensor_value_info(OUT1, TensorProto.FLOAT, [1, 3])]
    if binary_only:
        # No broadcast add either: ag goes into the Gemm's bias, which writes output1.
        nodes = nodes[5:-1]
        nodes[-1].output[0] = OUT1
        nodes[-1].name = A0  # keeps the name that is not UTF-8
        outputs = outputs[1:]
        used = {i for n in nodes for i in n.input}
        inits = [init(BG, f32(bg + ag[0])) if t.name == BG else t for t in inits
                 if t.name in used]
        os.replace(os.path.join(out, "expected", "output1.npy"),
                   os.path.join(out, "expected", "output0.npy"))
    graph = helper.make_graph(
        nodes, "graph */ #define INJECTED_GRAPH 1\n",
        [helper.make_tensor_value_info(X, TensorProto.FLOAT, [1, 2, 6, 6])], outputs,
        inits, doc_string=doc)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="*/ #define INJECTED_PRODUCER 1", doc_string=doc)
    model.ir_version = 8
    helper.set_model_props(model, {"key */\n#define INJECTED_KEY 1": doc})
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    # A name that is not UTF-8: protobuf's Python API refuses such strings, so patch the
    # serialized bytes (same length, so no length prefix changes).
    bad = A0.encode("utf-8")
    raw = A0.replace("\xff\xfe", "!!").encode("ascii")
    assert len(raw) < len(bad)
    data = data.replace(bad, raw.replace(b"!!", b"\xff\xfe") + b"." * (len(bad) - len(raw)))
    with open(os.path.join(out, "hostile.onnx"), "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
