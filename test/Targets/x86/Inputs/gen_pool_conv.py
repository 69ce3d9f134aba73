"""Writes a float CNN (ONNX) whose average pools feed 1x1 convs, for the fused average pool +
1x1 conv layer (fuse-avg-pool-conv, x86/pool_conv.h):

    python3 gen_pool_conv.py OUT.onnx

x [1,40,30,26] -> avg-pool 2x2/2 -> conv 1x1 +bias, Relu, 20 channels         -> output 0
              -> avg-pool 3x3/2 pad 1, count_include_pad, ceil_mode -> conv 1x1, 33 channels
                 (counts of 9, 6 and 4 at the borders: divided and multiplied) -> output 1
              -> avg-pool 3x2 stride 1 -> conv 1x1 +bias, 16 channels      -> output 2
              -> avg-pool 2x2/2 -> conv 1x1 -> BatchNorm (folded into the conv: Bi-Real-18's
                 downsampling shortcut), 48 channels                        -> output 3
              -> avg-pool 2x2/2 read by a conv *and* a Sigmoid (not fused)  -> outputs 4, 5
              -> avg-pool 2x3, strides (2, 3): a W stride the x86 vector pools do not take
                 (pooled by the generic rows) -> conv 1x1, 8 channels        -> output 6
x2 [2,16,14,14] (two images) -> avg-pool 2x2/2 -> conv 1x1 +bias, 24 channels -> output 7
Weights, biases and BatchNorm statistics are seeded random numbers.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from seeded_consts import SeededConsts


def main():
    const, nodes = SeededConsts(23), []

    def pool(x, y, k, s, p=(0, 0, 0, 0), ceil=0, incl=0):
        nodes.append(helper.make_node("AveragePool", [x], [y], kernel_shape=list(k),
                                      strides=list(s), pads=list(p), ceil_mode=ceil,
                                      count_include_pad=incl))

    def conv(x, y, cin, cout, bias=True):
        ins = [x, const(y + "_w", (cout, cin, 1, 1))]
        if bias:
            ins.append(const(y + "_b", (cout,)))
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=[1, 1]))

    pool("x", "p0", (2, 2), (2, 2))
    conv("p0", "c0", 40, 20)
    nodes.append(helper.make_node("Relu", ["c0"], ["y0"]))
    pool("x", "p1", (3, 3), (2, 2), (1, 1, 1, 1), ceil=1, incl=1)
    conv("p1", "y1", 40, 33, bias=False)
    pool("x", "p2", (3, 2), (1, 1))
    conv("p2", "y2", 40, 16)
    pool("x", "p3", (2, 2), (2, 2))
    conv("p3", "c3", 40, 48, bias=False)
    rng = np.random.default_rng(5)
    bn = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in (
        ("bn_s", rng.uniform(0.5, 1.5, 48)), ("bn_b", rng.uniform(-0.5, 0.5, 48)),
        ("bn_m", rng.uniform(-0.2, 0.2, 48)), ("bn_v", rng.uniform(0.5, 2.0, 48)))]
    nodes.append(helper.make_node("BatchNormalization", ["c3", "bn_s", "bn_b", "bn_m", "bn_v"],
                                  ["y3"]))
    pool("x", "p4", (2, 2), (2, 2))
    conv("p4", "y4", 40, 12)
    nodes.append(helper.make_node("Sigmoid", ["p4"], ["y5"]))
    pool("x", "p6", (2, 3), (2, 3))
    conv("p6", "y6", 40, 8, bias=False)
    pool("x2", "p7", (2, 2), (2, 2))
    conv("p7", "y7", 16, 24)
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "pool_conv",
        [helper.make_tensor_value_info("x", f, [1, 40, 30, 26]),
         helper.make_tensor_value_info("x2", f, [2, 16, 14, 14])],
        [helper.make_tensor_value_info(n, f, shape) for n, shape in
         (("y0", [1, 20, 15, 13]), ("y1", [1, 33, 16, 14]), ("y2", [1, 16, 28, 25]),
          ("y3", [1, 48, 15, 13]), ("y4", [1, 12, 15, 13]), ("y5", [1, 40, 15, 13]),
          ("y6", [1, 8, 15, 8]), ("y7", [2, 24, 7, 7]))],
        const.inits + bn)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
