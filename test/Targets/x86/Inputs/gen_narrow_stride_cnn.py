"""Writes a float CNN (ONNX) of strided convs with few output channels (QuickNet's stem shape).

    python3 gen_narrow_stride_cnn.py OUT.onnx

x [1,3,37,45] -> conv 3x3/2 pad 1, 16 channels +bias, Relu (QuickNet's stem: 3>16)
  -> conv 3x3/2 pad 1, 7 channels, no bias (a channel tail below one vector)
  -> conv 3x3/2 pad (1, 0, 0, 1), 32 channels (more than one oc block)
  -> conv 3x3/3, 5 channels (W stride 3: gathers)
Weights are seeded random numbers; outputs: the 3>16 conv's Relu map and the last conv.
"""
import sys

import onnx
from onnx import TensorProto, helper
from seeded_consts import SeededConsts


def main():
    const, nodes = SeededConsts(23), []

    def conv(x, y, cin, cout, k, s, p, bias=True):
        ins = [x, const(y + "_w", (cout, cin, k, k))]
        if bias:
            ins.append(const(y + "_b", (cout,)))
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=[k, k], strides=[s, s],
                                      pads=list(p)))

    conv("x", "c1", 3, 16, 3, 2, (1, 1, 1, 1))                 # -> 16 x 19 x 23
    nodes.append(helper.make_node("Relu", ["c1"], ["r1"]))
    conv("r1", "c2", 16, 7, 3, 2, (1, 1, 1, 1), bias=False)   # -> 7 x 10 x 12
    conv("c2", "c3", 7, 32, 3, 2, (1, 0, 0, 1))                # -> 32 x 5 x 6
    conv("c3", "c4", 32, 5, 3, 3, (0, 0, 0, 0))                # -> 5 x 1 x 2
    graph = helper.make_graph(
        nodes, "narrow_stride_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 37, 45])],
        [helper.make_tensor_value_info("r1", TensorProto.FLOAT, [1, 16, 19, 23]),
         helper.make_tensor_value_info("c4", TensorProto.FLOAT, [1, 5, 1, 2])], const.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
