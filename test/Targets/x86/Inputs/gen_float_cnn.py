"""Writes a small float CNN (ONNX) exercising every x86 float-conv path and the Gemm.

    python3 gen_float_cnn.py OUT.onnx

x [1,3,37,45] -> conv 7x7/2 pad 3 +bias, Relu (the stem: stride-2 loads)
  -> conv 3x3/1 pad 1, 17 channels (channel tail), Sigmoid (stored-row activation)
  -> conv 1x1/1 (one long row: H*W pixels)
  -> conv 11x11/4 pad 2 (gathers)  and  conv 1x5/1 dilation 2, pads (1, 2, 0, 2)
  -> Flatten -> Gemm (transB = 1, bias) as the classifier
Weights are seeded random numbers.
"""
import sys

import onnx
from onnx import TensorProto, helper
from seeded_consts import SeededConsts


def main():
    const, nodes = SeededConsts(11), []

    def conv(x, y, cin, cout, k, s, p, d=(1, 1), bias=True):
        ins = [x, const(y + "_w", (cout, cin, k[0], k[1]))]
        if bias:
            ins.append(const(y + "_b", (cout,)))
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=list(k), strides=list(s),
                                      pads=list(p), dilations=list(d)))

    conv("x", "c1", 3, 64, (7, 7), (2, 2), (3, 3, 3, 3))          # -> 64 x 19 x 23
    nodes.append(helper.make_node("Relu", ["c1"], ["r1"]))
    conv("r1", "c2", 64, 17, (3, 3), (1, 1), (1, 1, 1, 1), bias=False)  # -> 17 x 19 x 23
    nodes.append(helper.make_node("Sigmoid", ["c2"], ["s2"]))
    conv("s2", "c3", 17, 65, (1, 1), (1, 1), (0, 0, 0, 0))        # -> 65 x 19 x 23
    conv("c3", "c4", 65, 9, (11, 11), (4, 4), (2, 2, 2, 2))       # -> 9 x 4 x 5
    conv("c4", "c5", 9, 5, (1, 5), (1, 1), (1, 2, 0, 2), d=(1, 2))  # -> 5 x 5 x 1
    nodes.append(helper.make_node("Flatten", ["c5"], ["f"], axis=1))
    nodes.append(helper.make_node("Gemm", ["f", const("fc_w", (10, 25)), const("fc_b", (10,))],
                                  ["y"], transB=1))
    graph = helper.make_graph(
        nodes, "float_cnn", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 37, 45])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10]),
         helper.make_tensor_value_info("c3", TensorProto.FLOAT, [1, 65, 19, 23])], const.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
