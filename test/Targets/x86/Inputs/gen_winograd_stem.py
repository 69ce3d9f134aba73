"""Writes a float CNN (ONNX) of stems for the AVX-512 Winograd conv + max-pool
(x86/avx512_winograd_stem.h), each conv feeding one max-pool:

    python3 gen_winograd_stem.py OUT.onnx

x  [2,3,67,53] -> conv 7x7/2 pad 3 +bias, 64 channels -> BatchNormalization -> Relu
                  -> max-pool 3x3/2 pad 1 (ResNet's stem on odd sizes, batch 2)   -> output 0
x1 [1,1,41,90] -> conv 8x8/2 pads (3,3,4,4), no bias, 128 channels
                  -> max-pool 2x2/2 (one input channel, two groups of 64)        -> output 1
x2 [1,4,30,31] -> conv 5x6/2 pads (2,1,2,3) +bias, 64 channels
                  -> max-pool 3x3/1 pad 1 (phase kernels of 3 taps)               -> output 2
x  -> conv 7x7/2 pad 3, 96 channels -> max-pool 3x3/2 pad 1: not whole groups of 64, the
      direct conv + max-pool                                                     -> output 3
x1 -> conv 3x3/1 pad 1, 64 channels -> max-pool 2x2/2: stride 1, the direct one -> output 4
Weights and biases are seeded random numbers.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from seeded_consts import SeededConsts


def main():
    const, nodes = SeededConsts(27), []

    def conv(x, y, cin, cout, k, p, s=(2, 2), bias=True):
        ins = [x, const(y + "_w", (cout, cin) + tuple(k))]
        if bias:
            ins.append(const(y + "_b", (cout,)))
        nodes.append(helper.make_node("Conv", ins, [y], kernel_shape=list(k), strides=list(s),
                                      pads=list(p)))

    def pool(x, y, k, s, p):
        nodes.append(helper.make_node("MaxPool", [x], [y], kernel_shape=list(k), strides=list(s),
                                      pads=list(p)))

    conv("x", "c0", 3, 64, (7, 7), (3, 3, 3, 3))
    rng = np.random.default_rng(5)
    bn = []
    for name, v in (("scale", rng.uniform(0.5, 1.5, 64)), ("bias", rng.normal(0, 0.3, 64)),
                    ("mean", rng.normal(0, 0.3, 64)), ("var", rng.uniform(0.5, 2.0, 64))):
        const.inits.append(numpy_helper.from_array(v.astype(np.float32), "bn_" + name))
        bn.append("bn_" + name)
    nodes.append(helper.make_node("BatchNormalization", ["c0"] + bn, ["b0"]))
    nodes.append(helper.make_node("Relu", ["b0"], ["r0"]))
    pool("r0", "p0", (3, 3), (2, 2), (1, 1, 1, 1))
    conv("x1", "c1", 1, 128, (8, 8), (3, 3, 4, 4), bias=False)
    pool("c1", "p1", (2, 2), (2, 2), (0, 0, 0, 0))
    conv("x2", "c2", 4, 64, (5, 6), (2, 1, 2, 3))
    pool("c2", "p2", (3, 3), (1, 1), (1, 1, 1, 1))
    conv("x", "c3", 3, 96, (7, 7), (3, 3, 3, 3))
    pool("c3", "p3", (3, 3), (2, 2), (1, 1, 1, 1))
    conv("x1", "c4", 1, 64, (3, 3), (1, 1, 1, 1), s=(1, 1))
    pool("c4", "p4", (2, 2), (2, 2), (0, 0, 0, 0))
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "winograd_stem",
        [helper.make_tensor_value_info("x", f, [2, 3, 67, 53]),
         helper.make_tensor_value_info("x1", f, [1, 1, 41, 90]),
         helper.make_tensor_value_info("x2", f, [1, 4, 30, 31])],
        [helper.make_tensor_value_info(n, f, shape) for n, shape in
         (("p0", [2, 64, 17, 14]), ("p1", [1, 128, 10, 22]), ("p2", [1, 64, 15, 15]),
          ("p3", [2, 96, 17, 14]), ("p4", [1, 64, 20, 45]))],
        const.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[1])


if __name__ == "__main__":
    main()
