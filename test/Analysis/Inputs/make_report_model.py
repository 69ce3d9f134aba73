#!/usr/bin/python3
"""Writes the model of report.test: x[1,64,6,6] -> Sign -> Conv(+-alpha weights [3,64,3,3],
pads 1) -> Relu -> GlobalAveragePool -> Flatten -> Gemm([2,3] transB, bias [2]).

usage: make_report_model.py OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(5)
alpha = np.array([0.5, 0.25, 0.75], np.float32).reshape(3, 1, 1, 1)
w1 = (np.where(rng.random((3, 64, 3, 3)) < 0.5, -1, 1) * alpha).astype(np.float32)
w2 = rng.standard_normal((2, 3)).astype(np.float32)
b2 = rng.standard_normal(2).astype(np.float32)
nodes = [
    helper.make_node("Sign", ["x"], ["s"], name="s"),
    helper.make_node("Conv", ["s", "w1"], ["c"], name="c", pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c"], ["r"], name="r"),
    helper.make_node("GlobalAveragePool", ["r"], ["p"], name="p"),
    helper.make_node("Flatten", ["p"], ["f"], name="f"),
    helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="y", transB=1),
]
graph = helper.make_graph(
    nodes, "report", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64, 6, 6])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2"),
     numpy_helper.from_array(b2, "b2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.save(model, sys.argv[1])
