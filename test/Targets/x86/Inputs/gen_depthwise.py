"""Writes a float CNN (ONNX) of depthwise and grouped convs, for the x86 depthwise conv
(x86/glue_common.h, xn_<isa>_dwconv):

    python3 gen_depthwise.py OUT.onnx

x [1,24,40,37] (planes of 1,480 floats: split by rows on several threads)
  -> depthwise 3x3/2 pad 1 +bias, Relu (QuickNet's blur pool, fused activation) -> output 0
  -> depthwise 1x7/1 pads (0,3,0,3), no bias                                    -> output 1
  -> depthwise 3x3, channel multiplier 2 (48 outputs): the generic conv         -> output 2
  -> grouped 3x3, 12 groups of 2 channels: the generic conv                     -> output 3
x1 [1,16,9,11] (small planes: split by planes) -> depthwise 5x5/1 pad 2 +bias   -> output 4
Weights and biases are seeded random numbers.
"""
import sys

import onnx
from onnx import TensorProto, helper
from seeded_consts import SeededConsts


def main():
    const, nodes = SeededConsts(11), []

    def conv(x, y, cin, cout, group, k, s, p, bias):
        ins = [x, const(y + "_w", (cout, cin // group) + tuple(k))]
        if bias:
            ins.append(const(y + "_b", (cout,)))
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=list(k), strides=list(s),
                                      pads=list(p), group=group))

    conv("x", "blur", 24, 24, 24, (3, 3), (2, 2), (1, 1, 1, 1), True)
    nodes.append(helper.make_node("Relu", ["blur"], ["y0"]))
    conv("x", "y1", 24, 24, 24, (1, 7), (1, 1), (0, 3, 0, 3), False)
    conv("x", "y2", 24, 48, 24, (3, 3), (1, 1), (1, 1, 1, 1), True)
    conv("x", "y3", 24, 24, 12, (3, 3), (1, 1), (1, 1, 1, 1), True)
    conv("x1", "y4", 16, 16, 16, (5, 5), (1, 1), (2, 2, 2, 2), True)
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "depthwise",
        [helper.make_tensor_value_info("x", f, [1, 24, 40, 37]),
         helper.make_tensor_value_info("x1", f, [1, 16, 9, 11])],
        [helper.make_tensor_value_info("y0", f, [1, 24, 20, 19]),
         helper.make_tensor_value_info("y1", f, [1, 24, 40, 37]),
         helper.make_tensor_value_info("y2", f, [1, 48, 40, 37]),
         helper.make_tensor_value_info("y3", f, [1, 24, 40, 37]),
         helper.make_tensor_value_info("y4", f, [1, 16, 9, 11])], const.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
