"""Writes a float CNN (ONNX) whose convs feed max-pools, for the fused conv + max-pool layer
(fuse-conv-max-pool, x86/conv_pool.h):

    python3 gen_conv_pool.py OUT.onnx

x [1,3,45,38] -> conv 7x7/2 pad 3 +bias, Relu, 20 channels (a channel tail)
                 -> max-pool 3x3/2 pad 1                    (the ResNet stem)  -> output 0
              -> conv 3x3/1 pad 1, 16 channels -> max-pool 2x3/2 ceil_mode, pads (0,1,1,0)
                 (asymmetric pads, a ceil window in the end padding)        -> output 1
              -> conv 5x5/3, no bias, 33 channels -> max-pool 3x3 stride 1 -> output 2
x1 [1,4,29] (1-D) -> conv k5/2 pad 2, 12 channels -> max-pool k3/2 pad 1  -> output 3
Also a conv read by a max-pool *and* another op (not fused): -> output 4.
x -> conv 3x3/1 pad 1, 24 channels -> max-pool 2x17, strides (2, 3), pads (0,8,1,8): a W
     stride and width the separate x86 vector pool does not take              -> output 5
x2 [1,3,40,36] -> conv 7x7/2 pad 3 +bias, Relu, 32 channels -> max-pool 3x3/2 pad 1: the stem
     on even conv rows of whole channel vectors, whose tiles reduce the pool's W themselves
     (x86/conv_pool.h's xn_x86_conv_pool_by_pairs)                           -> output 6
Weights and biases are seeded random numbers.
"""
import sys

import onnx
from onnx import TensorProto, helper
from seeded_consts import SeededConsts


def main():
    const, nodes = SeededConsts(7), []

    def conv(x, y, cin, cout, k, s, p, bias=True):
        ins = [x, const(y + "_w", (cout, cin) + tuple(k))]
        if bias:
            ins.append(const(y + "_b", (cout,)))
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=list(k), strides=list(s),
                                      pads=list(p)))

    def pool(x, y, k, s, p, ceil=0):
        nodes.append(helper.make_node("MaxPool", [x], [y], kernel_shape=list(k), strides=list(s),
                                      pads=list(p), ceil_mode=ceil))

    conv("x", "c1", 3, 20, (7, 7), (2, 2), (3, 3, 3, 3))
    nodes.append(helper.make_node("Relu", ["c1"], ["r1"]))
    pool("r1", "p1", (3, 3), (2, 2), (1, 1, 1, 1))
    conv("x", "c2", 3, 16, (3, 3), (1, 1), (1, 1, 1, 1))
    pool("c2", "p2", (2, 3), (2, 2), (0, 1, 1, 0), ceil=1)
    conv("x", "c3", 3, 33, (5, 5), (3, 3), (0, 0, 0, 0), bias=False)
    pool("c3", "p3", (3, 3), (1, 1), (0, 0, 0, 0))
    conv("x1", "c4", 4, 12, (5,), (2,), (2, 2))
    pool("c4", "p4", (3,), (2,), (1, 1))
    conv("x", "c5", 3, 8, (3, 3), (2, 2), (1, 1, 1, 1))
    pool("c5", "p5", (3, 3), (2, 2), (1, 1, 1, 1))
    nodes.append(helper.make_node("Sigmoid", ["c5"], ["s5"]))
    nodes.append(helper.make_node("ReduceMean", ["s5"], ["m5"], axes=[2, 3], keepdims=1))
    nodes.append(helper.make_node("Add", ["p5", "m5"], ["y5"]))
    conv("x", "c6", 3, 24, (3, 3), (1, 1), (1, 1, 1, 1))
    pool("c6", "p6", (2, 17), (2, 3), (0, 8, 1, 8))
    conv("x2", "c7", 3, 32, (7, 7), (2, 2), (3, 3, 3, 3))
    nodes.append(helper.make_node("Relu", ["c7"], ["r7"]))
    pool("r7", "p7", (3, 3), (2, 2), (1, 1, 1, 1))
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "conv_pool",
        [helper.make_tensor_value_info("x", f, [1, 3, 45, 38]),
         helper.make_tensor_value_info("x1", f, [1, 4, 29]),
         helper.make_tensor_value_info("x2", f, [1, 3, 40, 36])],
        [helper.make_tensor_value_info(n, f, shape) for n, shape in
         (("p1", [1, 20, 12, 10]), ("p2", [1, 16, 23, 19]), ("p3", [1, 33, 12, 10]),
          ("p4", [1, 12, 8]), ("y5", [1, 8, 12, 10]), ("p6", [1, 24, 23, 13]),
          ("p7", [1, 32, 10, 9]))],
        const.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
