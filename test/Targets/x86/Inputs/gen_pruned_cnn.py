"""Writes a float CNN (ONNX) whose convs are pruned around the x86 sparse break-evens
(compiler/Analysis/SparseBreakEven.cpp: AVX2 convs 85 %, AVX-512 95 %, unit column stride).

    python3 gen_pruned_cnn.py OUT.onnx

x [1,8,16,21] -> conv s96: 3x3/1 pad 1, 8 -> 12, 96 % zero weights, bias, Relu
  -> conv s90: 3x3/1 pad 1, 12 -> 8, 90 % zero weights (rows of 21: a masked vector)
  -> conv t96: 3x3 stride 2 pad 1, 8 -> 8, 96 % zero weights (strided: stays dense)
Zero positions and values are seeded random numbers; every count is exact.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(5)
    inits, nodes = [], []

    def conv(x, y, cin, cout, zero_pct, stride, bias):
        w = rng.standard_normal((cout, cin, 3, 3)).astype(np.float32) * 0.3
        flat = w.reshape(-1)
        flat[rng.permutation(flat.size)[:flat.size * zero_pct // 100]] = 0.0
        inits.append(numpy_helper.from_array(w, y + "_w"))
        ins = [x, y + "_w"]
        if bias:
            inits.append(numpy_helper.from_array(
                rng.standard_normal(cout).astype(np.float32), y + "_b"))
            ins.append(y + "_b")
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=[3, 3],
                                      strides=[stride, stride], pads=[1, 1, 1, 1]))

    conv("x", "s96", 8, 12, 96, 1, True)
    nodes.append(helper.make_node("Relu", ["s96"], ["r"]))
    conv("r", "s90", 12, 8, 90, 1, False)
    conv("s90", "t96", 8, 8, 96, 2, True)
    graph = helper.make_graph(
        nodes, "pruned_cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 16, 21])],
        [helper.make_tensor_value_info("t96", TensorProto.FLOAT, [1, 8, 8, 11])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
