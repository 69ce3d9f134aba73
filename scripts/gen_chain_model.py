#!/usr/bin/python3
"""Writes an N-op ONNX graph for compile-time scaling measurements.

    /usr/bin/python3 scripts/gen_chain_model.py N OUT.onnx [--width W]

The graph is a chain of Relu and Add on a small float tensor [1, W]:

    x -> relu -> add(., skip) -> relu -> add(., skip) -> ...

`skip` moves forward every 8 steps, so values have several users and the graph
branches (a value feeds both the next relu and an add further down), and every
16th step also forks a side relu whose result joins the chain one step later
(two users of the same value, an add of two branches). Exactly N nodes; tensors
are tiny, so the compile time measured is the compiler's, not the emitter's
constant writing. Used by bench/compile_time.sh and test/IR/large-graph.test.
"""
import argparse

import onnx
from onnx import TensorProto, helper


def build(n, width):
    nodes = []
    prev = skip = "x"

    def emit(op, inputs):
        name = f"{op.lower()}_{len(nodes)}"
        nodes.append(helper.make_node(op, inputs, [name], name=name))
        return name

    step = 0
    while len(nodes) < n:
        if step % 16 == 15 and len(nodes) + 3 <= n:
            side = emit("Relu", [prev])
            main = emit("Relu", [prev])
            prev = emit("Add", [side, main])
        else:
            prev = emit("Relu", [prev])
            if len(nodes) < n:
                prev = emit("Add", [prev, skip])
        if step % 8 == 7:
            skip = prev
        step += 1
    graph = helper.make_graph(
        nodes, "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, width])],
        [helper.make_tensor_value_info(prev, TensorProto.FLOAT, [1, width])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of ops")
    ap.add_argument("out", help="output .onnx file")
    ap.add_argument("--width", type=int, default=8, help="tensor width (default 8)")
    args = ap.parse_args()
    model = build(args.n, args.width)
    onnx.checker.check_model(model)
    onnx.save(model, args.out)


if __name__ == "__main__":
    main()
