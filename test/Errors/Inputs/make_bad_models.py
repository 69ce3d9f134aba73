"""Writes the malformed or unsupported ONNX models the Errors/ tests feed to xnorc.

usage: make_bad_models.py OUTDIR

Every model is built with onnx.helper and saved without running the ONNX
checker (several are deliberately invalid). Node names are set so the tests
can check that diagnostics name the node.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)


def vi(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def save(name, nodes, inputs, outputs, inits=(), opset=13, ir_version=8):
    graph = helper.make_graph(nodes, name.replace("-", "_"), inputs, outputs,
                              initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = ir_version
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


# A valid model (the tests truncate it), with a weight large enough that a
# truncated copy cuts through it.
w = numpy_helper.from_array(np.linspace(-1, 1, 4 * 3 * 3 * 3).astype(np.float32).reshape(4, 3, 3, 3), "w")
save("valid",
     [helper.make_node("Conv", ["x", "w"], ["c"], name="conv0", pads=[1, 1, 1, 1]),
      helper.make_node("Relu", ["c"], ["y"], name="relu0")],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 8, 8])], [w])

# Random bytes that are not a protobuf message (fixed seed: deterministic).
with open(os.path.join(OUT, "random.onnx"), "wb") as f:
    f.write(bytes(np.random.RandomState(7).randint(0, 256, 512, dtype=np.uint8)))

# Unsupported operators, named and unnamed.
save("lstm",
     [helper.make_node("LSTM", ["x", "W", "R"], ["y"], name="the_lstm", hidden_size=2)],
     [vi("x", [1, 1, 2]), vi("W", [1, 8, 2]), vi("R", [1, 8, 2])], [vi("y", [1, 1, 1, 2])])
save("unnamed-unsupported",
     [helper.make_node("Relu", ["x"], ["r"], name="ok_relu"),
      helper.make_node("HardSwish", ["r"], ["hs_out"])],
     [vi("x", [4])], [vi("hs_out", [4])], opset=14)

# A node input that nothing produces (a missing initializer).
save("missing-init",
     [helper.make_node("Mul", ["x", "scale"], ["y"], name="scale_mul")],
     [vi("x", [2, 2])], [vi("y", [2, 2])])

# Shapes that do not fit together.
save("add-mismatch",
     [helper.make_node("Add", ["a", "b"], ["y"], name="bad_add")],
     [vi("a", [2, 3]), vi("b", [4, 5])], [vi("y", [2, 3])])
save("conv-channels",
     [helper.make_node("Conv", ["x", "w"], ["y"], name="bad_conv")],
     [vi("x", [1, 3, 8, 8])], [vi("y", [1, 4, 6, 6])],
     [numpy_helper.from_array(np.ones((4, 2, 3, 3), np.float32), "w")])

# Two nodes feeding each other.
save("cycle",
     [helper.make_node("Relu", ["x_plus"], ["a"], name="cyc_relu"),
      helper.make_node("Add", ["a", "x"], ["x_plus"], name="cyc_add"),
      helper.make_node("Neg", ["a"], ["y"], name="out_neg")],
     [vi("x", [3])], [vi("y", [3])])

# Unsupported element types.
s = helper.make_tensor("names", TensorProto.STRING, [2], [b"a", b"b"])
save("string-init",
     [helper.make_node("Identity", ["names"], ["n"], name="id"),
      helper.make_node("Relu", ["x"], ["y"], name="r")],
     [vi("x", [2])], [vi("y", [2])], [s])
c = helper.make_tensor("cplx", TensorProto.COMPLEX64, [1], [complex(1.0, 2.0)])
save("complex-init",
     [helper.make_node("Relu", ["x"], ["y"], name="r")],
     [vi("x", [2])], [vi("y", [2])], [c])
save("int8-input",
     [helper.make_node("Cast", ["q"], ["f"], name="deq", to=TensorProto.FLOAT),
      helper.make_node("Relu", ["f"], ["y"], name="r")],
     [vi("q", [4], TensorProto.INT8)], [vi("y", [4])])

# An opset newer than xnorc reads.
save("opset18",
     [helper.make_node("Relu", ["x"], ["y"], name="r")],
     [vi("x", [2])], [vi("y", [2])], opset=18)
