"""Writes the malformed-model corpus that test/Errors/malformed/*.test feed to xnorc.

usage: make_malformed.py OUTDIR

Each case is a small .onnx built with onnx.helper and saved without the ONNX
checker (they are broken on purpose), named after what is wrong with it; the
.test files hold the one-line diagnostic each must produce. ext/ holds models
with external data (ONNX's external_data_helper for the good one, hand-set
entries for the escapes and mismatches) and the numpy reference of the good one.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx import external_data_helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
I64_MAX = 2**63 - 1
I64_MIN = -(2**63)


def vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def model_of(nodes, inputs, outputs, inits=(), opset=13, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return m


def write(path, model_or_bytes):
    data = model_or_bytes if isinstance(model_or_bytes, bytes) else model_or_bytes.SerializeToString()
    with open(path, "wb") as f:
        f.write(data)


def save(name, nodes, inputs, outputs, inits=(), opset=13):
    write(os.path.join(OUT, name + ".onnx"), model_of(nodes, inputs, outputs, inits, opset))


def relu(x="x", y="y", name="r"):
    return helper.make_node("Relu", [x], [y], name=name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def floats(name, shape, seed=0):
    return numpy_helper.from_array(
        np.random.RandomState(seed).randn(*shape).astype(np.float32), name)


def bare_tensor(name, dims, data_type=TensorProto.FLOAT):
    """A TensorProto with dims and no data (the cases only look at its header)."""
    t = TensorProto()
    t.name = name
    t.data_type = data_type
    t.dims.extend(dims)
    return t


# --- Damaged files -----------------------------------------------------------
conv_w = floats("w", (4, 3, 3, 3))
valid = model_of([helper.make_node("Conv", ["x", "w"], ["c"], name="conv0", pads=[1, 1, 1, 1]),
                  relu("c", "y", "relu0")],
                 [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])], [conv_w])
write(os.path.join(OUT, "valid.onnx"), valid)
raw = valid.SerializeToString()
# Cut inside the weight's raw data, and a length prefix that claims more than the file.
write(os.path.join(OUT, "truncated-in-weight.onnx"), raw[: len(raw) * 2 // 3])
write(os.path.join(OUT, "bad-wire-type.onnx"), b"\x0f" + raw[1:])
m = onnx.ModelProto()
m.ir_version = 8
m.opset_import.add().version = 13
write(os.path.join(OUT, "no-graph.onnx"), m)

# --- Opsets ------------------------------------------------------------------
no_default = model_of([relu()], [vi("x", [2])], [vi("y", [2])])
del no_default.opset_import[:]
no_default.opset_import.add(domain="com.example", version=1)
write(os.path.join(OUT, "no-default-opset.onnx"), no_default)
save("opset-zero", [relu()], [vi("x", [2])], [vi("y", [2])], opset=0)
save("opset-negative", [relu()], [vi("x", [2])], [vi("y", [2])], opset=-5)
save("opset-huge", [relu()], [vi("x", [2])], [vi("y", [2])], opset=2**40)

# --- Initializers: dims, sizes, data -----------------------------------------
def init_case(name, tensor, use="w"):
    save(name, [helper.make_node("Add", ["x", use], ["y"], name="add0")],
         [vi("x", [4])], [vi("y", [4])], [tensor])

init_case("init-negative-dim", bare_tensor("w", [-1, 4]))
init_case("init-overflow-dims", bare_tensor("w", [2**31 - 1] * 3))
init_case("init-too-many-bytes", bare_tensor("w", [65536, 65536]))
init_case("init-dim-over-limit", bare_tensor("w", [1, 3000000000]))
init_case("init-rank-over-limit", bare_tensor("w", [1] * 20))
short = bare_tensor("w", [4])
short.float_data.extend([1.0, 2.0, 3.0])
init_case("init-too-few-floats", short)
odd = bare_tensor("w", [2])
odd.raw_data = b"\x00" * 7
init_case("init-partial-raw", odd)
short_raw = bare_tensor("w", [4])
short_raw.raw_data = b"\x00" * 8
init_case("init-short-raw", short_raw)
init_case("init-float16", bare_tensor("w", [4], TensorProto.FLOAT16))
save("init-duplicate", [helper.make_node("Add", ["x", "w"], ["y"], name="add0")],
     [vi("x", [4])], [vi("y", [4])], [floats("w", (4,)), floats("w", (4,), 1)])

# --- Graph inputs and outputs --------------------------------------------------
save("input-negative-dim", [relu()], [vi("x", [2, -3])], [vi("y", [2, 3])])
save("input-dim-over-limit", [relu()], [vi("x", [1, 2**40])], [vi("y", [1, 2**40])])
save("input-rank-over-limit", [relu()], [vi("x", [1] * 100)], [vi("y", [1] * 100)])
save("input-too-many-bytes", [relu()], [vi("x", [1 << 20, 1 << 20])], [vi("y", [1 << 20, 1 << 20])])
seq_in = helper.make_value_info(
    "x", helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2])))
save("input-not-tensor", [relu()], [seq_in], [vi("y", [2])])
save("input-no-shape", [relu()], [helper.make_tensor_value_info("x", TensorProto.FLOAT, None)],
     [vi("y", [2])])
save("input-duplicate", [relu()], [vi("x", [2]), vi("x", [2])], [vi("y", [2])])
save("output-dangling", [relu()], [vi("x", [2])], [vi("y", [2]), vi("nowhere", [2])])
save("output-integer", [relu()], [vi("x", [2])], [vi("y", [2]), vi("k", [2], TensorProto.INT64)],
     [ints("k", [1, 2])])

# --- Graph structure ---------------------------------------------------------
save("self-loop", [helper.make_node("Add", ["x", "a"], ["a"], name="loop_add"), relu("a")],
     [vi("x", [3])], [vi("y", [3])])
save("duplicate-output", [relu("x", "y", "first"), helper.make_node("Neg", ["x"], ["y"], name="second")],
     [vi("x", [3])], [vi("y", [3])])
save("output-shadows-input", [helper.make_node("Neg", ["x"], ["x"], name="shadow"), relu()],
     [vi("x", [3])], [vi("y", [3])])
save("missing-required-input",
     [helper.make_node("Conv", ["x", ""], ["y"], name="conv_no_w")],
     [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 4])])
save("empty-op-type", [helper.make_node("", ["x"], ["y"], name="blank")],
     [vi("x", [2])], [vi("y", [2])])
save("too-many-nodes", [relu("x", "a", "r1"), relu("a", "b", "r2"), relu("b", "y", "r3")],
     [vi("x", [2])], [vi("y", [2])])

# --- Attributes: wrong types and bad values ------------------------------------
save("attr-float-strides",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_fs", strides=[1.5, 1.5])],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 6, 6])], [conv_w])
save("attr-string-axis", [helper.make_node("Softmax", ["x"], ["y"], name="sm", axis="last")],
     [vi("x", [2, 3])], [vi("y", [2, 3])])
save("attr-constant-float-value",
     [helper.make_node("Constant", [], ["c"], name="const0", value=1.5),
      helper.make_node("Add", ["x", "c"], ["y"], name="add0")],
     [vi("x", [2])], [vi("y", [2])])
save("conv-zero-stride-same",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_s0", strides=[0, 1], auto_pad="SAME_UPPER")],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])], [conv_w])
save("conv-negative-pads",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_np", pads=[-1, 0, 0, 0])],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 5, 6])], [conv_w])
save("conv-huge-pads",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_hp", pads=[I64_MAX, 0, I64_MAX, 0])],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 6, 6])], [conv_w])
save("conv-huge-dilation",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_hd", dilations=[2**62, 1])],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 6, 6])], [conv_w])
save("conv-huge-group",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_hg", group=2**62)],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 6, 6])], [conv_w])
save("conv-zero-group",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="conv_g0", group=0)],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 6, 6])], [conv_w])
save("pool-zero-kernel",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool_k0", kernel_shape=[0, 2])],
     [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 4, 3])])
save("pool-kernel-rank",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool_kr", kernel_shape=[2])],
     [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 2, 2])])
save("pool-huge-stride-ceil",
     [helper.make_node("MaxPool", ["x"], ["y"], name="pool_hs", kernel_shape=[2, 2],
                       strides=[I64_MAX, 1], ceil_mode=1)],
     [vi("x", [1, 1, 4, 4])], [vi("y", [1, 1, 1, 3])])

# --- Shape arithmetic -----------------------------------------------------------
save("reshape-overflow", [helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
     [vi("x", [2, 3])], [vi("y", [6])], [ints("s", [2**62, 4, 1])])
save("reshape-two-minus-one", [helper.make_node("Reshape", ["x", "s"], ["y"], name="rs")],
     [vi("x", [2, 3])], [vi("y", [6])], [ints("s", [-1, -1])])
save("pad-huge", [helper.make_node("Pad", ["x", "p"], ["y"], name="pad_h")],
     [vi("x", [2, 2])], [vi("y", [2, 2])], [ints("p", [0, 2**40, 0, 2**40])])
save("pad-overflow", [helper.make_node("Pad", ["x", "p"], ["y"], name="pad_o")],
     [vi("x", [2, 2])], [vi("y", [2, 2])], [ints("p", [0, I64_MAX, 0, I64_MAX])])
save("slice-min-step", [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="sl")],
     [vi("x", [4, 4])], [vi("y", [1, 4])],
     [ints("st", [3]), ints("en", [I64_MIN]), ints("ax", [0]), ints("sp", [I64_MIN])])
save("slice-zero-step", [helper.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="sl")],
     [vi("x", [4, 4])], [vi("y", [1, 4])],
     [ints("st", [0]), ints("en", [4]), ints("ax", [0]), ints("sp", [0])])
save("constant-of-shape-huge",
     [helper.make_node("ConstantOfShape", ["s"], ["c"], name="cos"),
      helper.make_node("Add", ["x", "c"], ["y"], name="add0")],
     [vi("x", [1])], [vi("y", [1])], [ints("s", [1 << 20, 1 << 20])])
save("constant-of-shape-negative",
     [helper.make_node("ConstantOfShape", ["s"], ["c"], name="cos"),
      helper.make_node("Add", ["x", "c"], ["y"], name="add0")],
     [vi("x", [1])], [vi("y", [1])], [ints("s", [-4])])
save("int-div-overflow",
     [helper.make_node("Div", ["a", "b"], ["q"], name="div0"),
      helper.make_node("Reshape", ["x", "q"], ["y"], name="rs")],
     [vi("x", [1])], [vi("y", [1])], [ints("a", [I64_MIN]), ints("b", [-1])])
save("int-mul-overflow",
     [helper.make_node("Mul", ["a", "a"], ["q"], name="mul0"),
      helper.make_node("Reshape", ["x", "q"], ["y"], name="rs")],
     [vi("x", [1])], [vi("y", [1])], [ints("a", [2**62])])
save("broadcast-too-large", [helper.make_node("Add", ["a", "b"], ["y"], name="bcast")],
     [vi("a", [65536, 1]), vi("b", [1, 65536])], [vi("y", [65536, 65536])])
save("gather-index-range", [helper.make_node("Gather", ["x", "i"], ["y"], name="ga", axis=1)],
     [vi("x", [2, 3])], [vi("y", [2])], [ints("i", 5)])
save("transpose-bad-perm", [helper.make_node("Transpose", ["x"], ["y"], name="tp", perm=[0, 0])],
     [vi("x", [2, 3])], [vi("y", [3, 2])])


# --- External data -----------------------------------------------------------
EXT = os.path.join(OUT, "ext")


def ext_model():
    rng = np.random.RandomState(3)
    w = rng.randn(16, 8).astype(np.float32)
    b = rng.randn(8).astype(np.float32)
    m = model_of([helper.make_node("Gemm", ["x", "w", "b"], ["g"], name="fc"),
                  relu("g", "y", "act")],
                 [vi("x", [2, 16])], [vi("y", [2, 8])],
                 [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    return m, w, b


def ext_dir(name):
    d = os.path.join(EXT, name)
    os.makedirs(d, exist_ok=True)
    return d


os.makedirs(EXT, exist_ok=True)
good, w, b = ext_model()
write(os.path.join(EXT, "inline.onnx"), good)
# The reference: numpy, from the same weights.
x = np.random.RandomState(4).randn(2, 16).astype(np.float32)
os.makedirs(os.path.join(EXT, "expected"), exist_ok=True)
np.save(os.path.join(EXT, "in.npy"), x)
np.save(os.path.join(EXT, "expected", "output0.npy"),
        np.maximum(x.astype(np.float64) @ w + b, 0).astype(np.float32))
onnx.save_model(good, os.path.join(ext_dir("good"), "model.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="weights.bin", size_threshold=0)
GOOD_BIN = os.path.join(EXT, "good", "weights.bin")
# The layout external_data_helper chose, so the broken cases differ in one entry only.
stored = onnx.load(os.path.join(EXT, "good", "model.onnx"), load_external_data=False)
entries = {t.name: {e.key: e.value for e in t.external_data} for t in stored.graph.initializer}


def ext_case(name, w_entries, files=(), mutate=None):
    """good's model with w's external_data replaced by w_entries (a list of pairs)."""
    d = ext_dir(name)
    m = onnx.ModelProto()
    m.CopyFrom(stored)
    for t in m.graph.initializer:
        if t.name == "w":
            del t.external_data[:]
            for k, v in w_entries:
                e = t.external_data.add()
                e.key, e.value = k, str(v)
            if mutate:
                mutate(t)
        elif t.name == "b":
            # b stays valid: copy its bytes beside the model.
            del t.external_data[:]
            for k, v in (("location", "b.bin"), ("offset", 0), ("length", 32)):
                e = t.external_data.add()
                e.key, e.value = k, str(v)
    with open(os.path.join(d, "b.bin"), "wb") as f:
        f.write(b.tobytes())
    for fname, content in files:
        path = os.path.join(d, fname)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(content, bytes):
            with open(path, "wb") as f:
                f.write(content)
    write(os.path.join(d, "model.onnx"), m)
    return d


wloc = entries["w"]
wbytes = w.tobytes()
# A symbolic link inside the folder to a file inside it is fine.
d = ext_case("symlink-inside", [("location", "link.bin"), ("offset", 0), ("length", 512)],
             files=[("data/w.bin", wbytes)])
os.symlink("data/w.bin", os.path.join(d, "link.bin"))
ext_case("absolute", [("location", os.path.abspath(GOOD_BIN)), ("offset", wloc.get("offset", 0)),
                      ("length", 512)])
ext_case("dotdot", [("location", "../good/weights.bin"), ("offset", wloc.get("offset", 0)),
                    ("length", 512)])
ext_case("dotdot-inner", [("location", "sub/../../good/weights.bin"), ("length", 512)])
d = ext_case("symlink-escape", [("location", "weights.bin"), ("offset", wloc.get("offset", 0)),
                                ("length", 512)])
os.symlink(os.path.join("..", "good", "weights.bin"), os.path.join(d, "weights.bin"))
ext_case("missing-file", [("location", "nothere.bin"), ("length", 512)])
ext_case("past-end", [("location", "w.bin"), ("offset", 256), ("length", 512)],
         files=[("w.bin", wbytes)])
ext_case("length-mismatch", [("location", "w.bin"), ("offset", 0), ("length", 500)],
         files=[("w.bin", wbytes)])
ext_case("no-length-extra-bytes", [("location", "w.bin")], files=[("w.bin", wbytes + b"\0" * 4)])
ext_case("negative-offset", [("location", "w.bin"), ("offset", -4), ("length", 512)],
         files=[("w.bin", wbytes)])
ext_case("no-location", [("offset", 0), ("length", 512)], files=[("w.bin", wbytes)])
ext_case("directory", [("location", "data"), ("length", 512)], files=[("data/w.bin", wbytes)])
ext_case("location-twice", [("location", "w.bin"), ("location", "w.bin"), ("length", 512)],
         files=[("w.bin", wbytes)])
ext_case("offset-twice", [("location", "w.bin"), ("offset", 0), ("offset", 0), ("length", 512)],
         files=[("w.bin", wbytes)])
ext_case("nul-location", [("location", "w.bin\0.txt"), ("length", 512)], files=[("w.bin", wbytes)])


def huge_double(t):
    # 2^60 + 1 doubles: the f32 tensor the IR would hold fits a raised byte limit, the
    # 8-byte elements to read overflow 64 bits.
    t.data_type = TensorProto.DOUBLE
    del t.dims[:]
    t.dims.append(2**60 + 1)


ext_case("huge-double", [("location", "w.bin"), ("length", 512)], files=[("w.bin", wbytes)],
         mutate=huge_double)
# A lone TensorProto file (an xnorc-run input) has no folder its data could be in.
lone = numpy_helper.from_array(w, "w")
lone.ClearField("raw_data")
lone.data_location = TensorProto.EXTERNAL
for k, v in (("location", "w.bin"), ("length", "512")):
    e = lone.external_data.add()
    e.key, e.value = k, v
write(os.path.join(EXT, "lone-external.pb"), lone.SerializeToString())
ext_case("also-raw-data", [("location", "w.bin"), ("length", 512)], files=[("w.bin", wbytes)],
         mutate=lambda t: setattr(t, "raw_data", wbytes))


# --- ONNX text nested past the parser's bound ----------------------------------
def write_text(name, text):
    with open(os.path.join(OUT, name + ".onnxtext"), "w") as f:
        f.write(text)


HEADER = '<\n  ir_version: 8,\n  opset_import: ["" : 13]\n>\n'
DEPTH = 100000
write_text("deep-parens", HEADER + "g (float[2] x) => (float[2] y)\n{\n  y = Relu " +
           "(" * DEPTH + "x" + ")" * DEPTH + "\n}\n")


def nested_graphs(depth):
    """A node whose graph attribute holds a node whose graph attribute ... depth deep."""
    body = ("y = Foo <body = b (float[2] x) => (float[2] y) { " * depth + "y = Relu (x)" +
            " }> (x)" * depth)
    return HEADER + "g (float[2] x) => (float[2] y)\n{\n  " + body + "\n}\n"


# ONNX's parser recurses per nested graph: 20000 levels overflowed the stack.
write_text("deep-graphs", nested_graphs(20000))
# Nested, but within the bound: parsed, then refused for what it is.
write_text("nested-graphs", nested_graphs(3))

# The same in binary protobuf: If nodes nested in each other's then_branch.
def nested_ifs(depth):
    leaf = g = helper.make_graph([relu("x", "y", "leaf")], "leaf", [], [vi("y", [2])])
    for i in range(depth):
        n = helper.make_node("If", ["c"], ["y"], name="if%d" % i, then_branch=g, else_branch=leaf)
        g = helper.make_graph([n], "level%d" % i, [], [vi("y", [2])])
    return g.node[0]


cond = numpy_helper.from_array(np.array(True), "c")
save("deep-subgraphs", [nested_ifs(200)], [vi("x", [2])], [vi("y", [2])], [cond])
save("nested-subgraphs", [nested_ifs(3)], [vi("x", [2])], [vi("y", [2])], [cond])
