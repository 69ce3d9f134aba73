#!/usr/bin/python3
"""QDQ (QuantizeLinear / DequantizeLinear) models for the ONNX Runtime oracle.

Each model is written with onnx.helper, as ONNX Runtime's own quantization tool
writes them: float input, QuantizeLinear, then per layer DequantizeLinear of
the 8-bit activation and of 8-bit constant weights (per tensor or per output
channel), an int32 bias dequantized with scale x_scale * w_scale and zero point
0, the float layer, an optional Relu, and a QuantizeLinear of the output; a
final DequantizeLinear gives a float output. ONNX Runtime runs such a chain as
an integer layer (QLinearConv, QGemm, QLinearMatMul) and xnorc's quantize-layers
pass makes it qconv / qgemm: run_ort_oracle.py compares them bit for bit.

Scales are chosen from the weights' size so that the 8-bit outputs use most of
their range (saturation included); weights and inputs are random with a fixed
seed.

  /usr/bin/python3 test/ort/make_qdq_models.py OUTDIR   # writes OUTDIR/<name>/model.onnx, input0.npy
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    """Accumulates nodes and initializers of one QDQ graph."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self.count = 0

    def name(self, base: str) -> str:
        self.count += 1
        return f"{base}{self.count}"

    def const(self, array: np.ndarray, base: str) -> str:
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(array, n))
        return n

    def quantize(self, x: str, scale: float, zp: int, signed: bool) -> str:
        dtype = np.int8 if signed else np.uint8
        y = self.name("q")
        self.nodes.append(helper.make_node(
            "QuantizeLinear", [x, self.const(np.array(scale, np.float32), "s"),
                               self.const(np.array(zp, dtype), "zp")], [y]))
        return y

    def dequantize(self, q: str, scale, zp, axis: int | None = None) -> str:
        y = self.name("dq")
        kw = {} if axis is None else {"axis": axis}
        self.nodes.append(helper.make_node(
            "DequantizeLinear", [q, self.const(np.asarray(scale, np.float32), "s"),
                                 self.const(zp, "zp")], [y], **kw))
        return y

    def weights(self, shape: tuple[int, ...], per_channel: bool, axis: int, signed: bool = True):
        """8-bit weights and their dequantize: (float value name, scales)."""
        k = int(np.prod(shape)) // shape[axis]
        if signed:
            w = self.rng.integers(-127, 128, shape).astype(np.int8)
            zp = np.zeros(shape[axis] if per_channel else (), np.int8)
        else:
            w = self.rng.integers(0, 256, shape).astype(np.uint8)
            zp = np.full(shape[axis] if per_channel else (), 128, np.uint8)
        base = 1.0 / (73.0 * np.sqrt(k))  # unit-variance products
        scale = (base * self.rng.uniform(0.5, 1.5, shape[axis] if per_channel else ())).astype(np.float32)
        return self.dequantize(self.const(w, "w"), scale, zp, axis if per_channel else None), scale

    def bias(self, x_scale: float, w_scale: np.ndarray, n: int) -> str:
        """int32 bias in units of x_scale * w_scale (float32 product, as ORT's tool makes it)."""
        b_scale = (np.float32(x_scale) * np.broadcast_to(w_scale, (n,))).astype(np.float32)
        b = self.rng.integers(-3000, 3000, n).astype(np.int32)
        return self.dequantize(self.const(b, "b"), b_scale, np.zeros(n, np.int32), 0)

    def node(self, op: str, inputs: list[str], **attrs) -> str:
        y = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [y], **attrs))
        return y


def layer(b: Builder, x_q: str, x_scale: float, x_zp, op: str, wshape, per_channel: bool,
          relu: bool, signed_out: bool = False, bias: bool = True, signed_w: bool = True,
          **attrs) -> tuple[str, float, object]:
    """DQ -> op (-> Relu) -> Q; returns the quantized output and its scale and zero point."""
    x = b.dequantize(x_q, x_scale, x_zp)
    axis = 1 if op == "MatMul" or (op == "Gemm" and not attrs.get("transB")) else 0
    w, w_scale = b.weights(wshape, per_channel, axis, signed_w)
    inputs = [x, w]
    n = wshape[axis]
    if bias:
        inputs.append(b.bias(x_scale, w_scale, n))
    y = b.node(op, inputs, **attrs)
    if relu:
        y = b.node("Relu", [y])
    # Outputs of about unit variance: +-4 sigma over the signed range, 0..3 sigma for relu.
    if relu:
        scale, zp = 3.0 / 255, (-128 if signed_out else 0)
    else:
        scale, zp = 8.0 / 255, (0 if signed_out else 128)
    zp_arr = np.array(zp, np.int8 if signed_out else np.uint8)
    return b.quantize(y, scale, int(zp), signed_out), scale, zp_arr


def save(b: Builder, out: str, name: str, out_shape: list[int], outdir: Path,
         x: np.ndarray) -> None:
    graph = helper.make_graph(b.nodes, name,
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                             list(x.shape))],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_shape)],
                              b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    d = outdir / name
    d.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(d / "model.onnx"))
    np.save(d / "input0.npy", x)


def conv_model(outdir: Path, rng: np.random.Generator) -> None:
    """Two convs (per-channel and per-tensor weights, padding, stride, relu, a
    group conv) and a Gemm head, u8 activations, i8 weights."""
    b = Builder(rng)
    xs, xzp = 4.0 / 255, np.array(128, np.uint8)
    q = b.quantize("input", xs, 128, False)
    q, s, zp = layer(b, q, xs, xzp, "Conv", (8, 3, 3, 3), True, True, pads=[1, 1, 1, 1])
    q, s, zp = layer(b, q, s, zp, "Conv", (8, 4, 3, 3), False, False, strides=[2, 2],
                     pads=[0, 1, 1, 0], group=2)
    q, s, zp = layer(b, q, s, zp, "Conv", (6, 8, 1, 1), True, True, bias=False)
    x = b.dequantize(q, s, zp)
    flat = b.node("Flatten", [x])
    q2 = b.quantize(flat, s, int(zp), False)
    q2, s2, zp2 = layer(b, q2, s, zp, "Gemm", (10, 6 * 6 * 6), True, False, transB=1)
    out = b.dequantize(q2, s2, zp2)
    x_in = rng.standard_normal((2, 3, 12, 12)).astype(np.float32)
    save(b, out, "qdq_conv", [2, 10], outdir, x_in)


def dense_model(outdir: Path, rng: np.random.Generator) -> None:
    """MatMul and Gemm layers: per-tensor and per-column weights, relu, no bias,
    and uint8 weights with a zero point."""
    b = Builder(rng)
    xs, xzp = 4.0 / 255, np.array(128, np.uint8)
    q = b.quantize("input", xs, 128, False)
    q, s, zp = layer(b, q, xs, xzp, "MatMul", (32, 24), True, True, bias=False)
    q, s, zp = layer(b, q, s, zp, "Gemm", (24, 16), False, False, signed_w=False)
    q, s, zp = layer(b, q, s, zp, "Gemm", (12, 16), True, False, transB=1)
    out = b.dequantize(q, s, zp)
    x_in = rng.standard_normal((5, 32)).astype(np.float32) * 1.5  # some inputs saturate
    save(b, out, "qdq_dense", [5, 12], outdir, x_in)


def conv1d_model(outdir: Path, rng: np.random.Generator) -> None:
    """A dilated, strided 1-D conv whose output rows (298) are longer than the generic
    kernel's accumulator segment (256), int8 activations."""
    b = Builder(rng)
    xs, xzp = 4.0 / 255, np.array(0, np.int8)
    q = b.quantize("input", xs, 0, True)
    q, s, zp = layer(b, q, xs, xzp, "Conv", (8, 4, 5), True, False, signed_out=True,
                     strides=[2], pads=[2, 2], dilations=[2])
    out = b.dequantize(q, s, zp)
    x_in = rng.standard_normal((1, 4, 600)).astype(np.float32)
    save(b, out, "qdq_conv1d", [1, 8, 298], outdir, x_in)


def integer_layer(b: Builder, x_q: str, x_scale: float, x_zp: np.ndarray, op: str, wshape,
                  signed_w: bool, per_channel_zp: bool, via_dequantize: bool, **attrs) -> str:
    """ConvInteger / MatMulInteger with 8-bit constant weights, then back to float as ONNX
    Runtime's dynamic quantization writes it: Cast to float and Mul by x_scale * w_scale (or
    a DequantizeLinear of the int32 result with that scale)."""
    w = (b.rng.integers(-127, 128, wshape).astype(np.int8) if signed_w
         else b.rng.integers(0, 256, wshape).astype(np.uint8))
    n = wshape[0] if op == "ConvInteger" else wshape[1]
    zp_type = np.int8 if signed_w else np.uint8
    zp_base = 3 if signed_w else 128
    w_zp = (b.rng.integers(zp_base - 20, zp_base + 20, n).astype(zp_type) if per_channel_zp
            else np.array(zp_base, zp_type))
    y = b.node(op, [x_q, b.const(w, "w"), b.const(x_zp, "zp"), b.const(w_zp, "zp")], **attrs)
    k = int(np.prod(wshape)) // n
    scale = np.float32(x_scale) * np.float32(1.0 / (73.0 * np.sqrt(k)))
    if via_dequantize:
        return b.dequantize(y, scale, np.array(0, np.int32))
    return b.node("Mul", [b.node("Cast", [y], to=TensorProto.FLOAT),
                          b.const(np.array(scale, np.float32), "s")])


def integer_model(outdir: Path, rng: np.random.Generator) -> None:
    """ConvInteger and MatMulInteger between float layers (ONNX Runtime's dynamic quantization
    pattern, with a QuantizeLinear of fixed scale for its DynamicQuantizeLinear): u8
    activations; i8 and u8 conv weights with a scalar zero point (ORT's ConvInteger has no
    per-channel one), u8 matmul weights with one per column."""
    b = Builder(rng)
    xs, xzp = 4.0 / 255, np.array(128, np.uint8)
    q = b.quantize("input", xs, 128, False)
    y = integer_layer(b, q, xs, xzp, "ConvInteger", (6, 3, 3, 3), True, False, False,
                      pads=[1, 1, 1, 1])
    y = b.node("Relu", [y])
    ys = 3.0 / 255
    q = b.quantize(y, ys, 0, False)
    y = integer_layer(b, q, ys, np.array(0, np.uint8), "ConvInteger", (4, 6, 3, 3), False, False,
                      True, strides=[2, 2])
    flat = b.node("Flatten", [y])
    q = b.quantize(flat, 8.0 / 255, 128, False)
    out = integer_layer(b, q, 8.0 / 255, xzp, "MatMulInteger", (4 * 4 * 4, 10), False, True,
                        False)
    x_in = rng.standard_normal((2, 3, 10, 10)).astype(np.float32)
    save(b, out, "qdq_integer", [2, 10], outdir, x_in)


MODELS = (conv_model, dense_model, conv1d_model, integer_model)


def make_all(outdir: Path) -> list[Path]:
    """Writes every model; returns their directories."""
    rng = np.random.default_rng(16)
    for make in MODELS:
        make(outdir, rng)
    return sorted(p for p in outdir.iterdir() if (p / "model.onnx").is_file())


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for d in make_all(Path(sys.argv[1])):
        print(d)
