#!/usr/bin/python3
"""QONNX Quant models against an independent numpy evaluation of QONNX's definition.

Two models, written with onnx.helper:

* ``quant_modes``: one Quant per (bit width, signed, narrow, rounding_mode), each on an
  input of its own spread over its levels: exact ties (k + 0.5 steps), values beyond the
  range, random ones; one per-channel scale ([1, C, 1, 1]) among them.
* ``ternary_conv``: issue 14's QONNX 2-bit layer: BipolarQuant(x, 1) into a Conv whose
  weights are Quant(w, s[M,1,1,1], 0, 2, signed, narrow), i.e. {-s, 0, +s} per output
  channel, which xnorc runs as a ternary (sign + mask bit planes) binary layer.

Expected outputs come from ``qonnx_quant`` below (QONNX's definition: x / scale + zeropt,
clamp to the bit width's range, round by the mode, minus zeropt, times scale; float32
steps, the rounding of the float32 quotient done exactly in float64) and a float64 numpy
conv, never from xnorc. Each model runs on the reference interpreter (xnorc-run, after the
default pipeline) and,
compiled, on every requested target the CPU supports; outputs must be equal bit for bit.

  run_qonnx_quant.py --xnorc BIN --xnorc-run BIN --work DIR [--targets generic,avx2,avx512]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import harness  # noqa: E402

QONNX = "qonnx.custom_op.general"


def level_range(bits: int, signed: bool, narrow: bool) -> tuple[int, int]:
    """QONNX's min_int / max_int."""
    if signed:
        return -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - (1 if narrow else 0)


def round_mode(v: np.ndarray, mode: str) -> np.ndarray:
    """QONNX's rounding modes (its documentation's table), exact in float64."""
    v = v.astype(np.float64)
    mode = mode.upper()
    if mode in ("ROUND", "HALF_EVEN"):
        return np.round(v)
    if mode == "CEIL":
        return np.ceil(v)
    if mode == "FLOOR":
        return np.floor(v)
    if mode == "UP":
        return np.sign(v) * np.ceil(np.abs(v))
    if mode in ("DOWN", "ROUND_TO_ZERO"):
        return np.trunc(v)
    if mode == "HALF_UP":
        return np.sign(v) * np.floor(np.abs(v) + 0.5)
    if mode == "HALF_DOWN":
        return np.sign(v) * np.ceil(np.abs(v) - 0.5)
    raise ValueError(mode)


def qonnx_quant(x: np.ndarray, scale: np.ndarray, zeropt: float, bits: int, signed: bool,
                narrow: bool, mode: str) -> np.ndarray:
    y = (x.astype(np.float32) / scale.astype(np.float32)).astype(np.float32) + np.float32(zeropt)
    lo, hi = level_range(bits, signed, narrow)
    y = np.clip(y, lo, hi)
    y = round_mode(y, mode).astype(np.float32)
    return ((y - np.float32(zeropt)) * scale.astype(np.float32)).astype(np.float32)


def quant_node(x: str, s: str, z: str, b: str, y: str, signed: bool, narrow: bool,
               mode: str) -> onnx.NodeProto:
    return helper.make_node("Quant", [x, s, z, b], [y], domain=QONNX, signed=int(signed),
                            narrow=int(narrow), rounding_mode=mode)


def save(graph: onnx.GraphProto, d: Path, inputs: list[np.ndarray],
         expected: list[np.ndarray]) -> tuple[Path, list[Path], list[np.ndarray]]:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid(QONNX, 1)])
    model.ir_version = 8
    d.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(d / "model.onnx"))
    paths = []
    for i, a in enumerate(inputs):
        paths.append(d / f"input{i}.npy")
        np.save(paths[-1], a)
    return d / "model.onnx", paths, expected


# (bits, signed, narrow, rounding_mode): every mode, signed and unsigned, narrow or not.
CONFIGS = [(8, True, False, "ROUND"), (4, True, True, "HALF_UP"), (3, False, False, "FLOOR"),
           (8, False, True, "CEIL"), (2, True, True, "HALF_DOWN"), (5, True, False, "UP"),
           (6, False, False, "DOWN"), (4, True, False, "round_to_zero"), (7, True, True, "half_even"),
           (8, True, True, "ceil"), (6, True, False, "floor")]


def quant_modes(work: Path, rng: np.random.Generator):
    """One input per config, spread over its levels and a few beyond them: half of the
    values exact ties (k + 0.5 steps of a power-of-two scale, so x / scale is exact)."""
    shape = (2, 3, 4, 6)
    step = np.float32(0.25)
    per_channel = np.array([0.3, 0.7, 1.1], np.float32).reshape(1, 3, 1, 1)
    inits = [numpy_helper.from_array(np.array(step, np.float32), "s"),
             numpy_helper.from_array(np.array(0.0, np.float32), "z"),
             numpy_helper.from_array(per_channel, "sc")]
    nodes, ins, outs, xs, expected = [], [], [], [], []
    for i, (bits, signed, narrow, mode) in enumerate(CONFIGS):
        lo, hi = level_range(bits, signed, narrow)
        ties = rng.integers(lo - 3, hi + 3, shape) + 0.5
        wide = rng.uniform(lo - 3, hi + 3, shape)
        x = (np.where(rng.random(shape) < 0.5, ties, wide) * step).astype(np.float32)
        b = f"b{i}"
        inits.append(numpy_helper.from_array(np.array(bits, np.float32), b))
        scale = "sc" if i == 2 else "s"
        nodes.append(quant_node(f"x{i}", scale, "z", b, f"y{i}", signed, narrow, mode))
        ins.append(helper.make_tensor_value_info(f"x{i}", TensorProto.FLOAT, list(shape)))
        outs.append(helper.make_tensor_value_info(f"y{i}", TensorProto.FLOAT, list(shape)))
        xs.append(x)
        expected.append(qonnx_quant(x, per_channel if i == 2 else np.array(step), 0.0, bits,
                                    signed, narrow, mode))
    graph = helper.make_graph(nodes, "quant_modes", ins, outs, inits)
    return save(graph, work / "quant_modes", xs, expected)


def conv2d(x: np.ndarray, w: np.ndarray, pad: int) -> np.ndarray:
    """Float64 NCHW cross-correlation, stride 1: exact for ±1 inputs and {-s, 0, s} weights."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = h + 2 * pad - kh + 1, wd + 2 * pad - kw + 1
    y = np.zeros((n, m, oh, ow))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i:i + oh, j:j + ow]
            y += np.einsum("nchw,mc->nmhw", patch, w[:, :, i, j].astype(np.float64))
    return y


def ternary_conv(work: Path, rng: np.random.Generator):
    x = rng.standard_normal((2, 3, 6, 6)).astype(np.float32)
    x[0, 0, 0, :3] = 0.0  # BipolarQuant maps 0 to +1
    m = 8
    scale = rng.uniform(0.2, 0.6, (m, 1, 1, 1)).astype(np.float32)
    wf = (rng.standard_normal((m, 3, 3, 3)) * 0.5).astype(np.float32) * scale
    inits = [numpy_helper.from_array(np.array(1.0, np.float32), "one"),
             numpy_helper.from_array(np.array(0.0, np.float32), "z"),
             numpy_helper.from_array(np.array(2.0, np.float32), "two"),
             numpy_helper.from_array(scale, "ws"),
             numpy_helper.from_array(wf, "wf")]
    nodes = [helper.make_node("BipolarQuant", ["x", "one"], ["sx"], domain=QONNX),
             quant_node("wf", "ws", "z", "two", "w", True, True, "ROUND"),
             helper.make_node("Conv", ["sx", "w"], ["y"], pads=[1, 1, 1, 1])]
    wt = qonnx_quant(wf, scale, 0.0, 2, True, True, "ROUND")
    assert (wt == 0).any() and set(np.unique(np.sign(wt))) == {-1.0, 0.0, 1.0}
    sx = np.where(x >= 0, 1.0, -1.0)
    expected = [conv2d(sx, wt, 1).astype(np.float32)]
    graph = helper.make_graph(nodes, "ternary_conv",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                             list(x.shape))],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT,
                                                             [2, m, 6, 6])], inits)
    return save(graph, work / "ternary_conv", [x], expected)


def check(name: str, outdir: Path, expected: list[np.ndarray]) -> list[str]:
    errors = []
    for i, want in enumerate(expected):
        got = np.load(outdir / f"output{i}.npy")
        if got.shape != want.shape or not np.array_equal(got, want):
            bad = np.argwhere(got != want) if got.shape == want.shape else []
            where = f" first at {tuple(bad[0])}: {got[tuple(bad[0])]} vs {want[tuple(bad[0])]}" \
                if len(bad) else f" shape {got.shape} vs {want.shape}"
            errors.append(f"{name}: output {i} differs{where}")
    return errors


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--xnorc", required=True)
    ap.add_argument("--xnorc-run", required=True)
    ap.add_argument("--cxx", default="c++")
    ap.add_argument("--work", required=True, type=Path)
    ap.add_argument("--targets", default="generic")
    args = ap.parse_args(argv)
    work = harness.fresh_dir(args.work)
    rng = np.random.default_rng(14)
    models = {"quant_modes": quant_modes(work, rng), "ternary_conv": ternary_conv(work, rng)}
    targets = harness.runnable_targets(args.xnorc, args.targets)
    failures = []
    for name, (model, inputs, expected) in models.items():
        # The default pipeline first, so that the interpreter evaluates the ternary layer the
        # compiler makes (exact) rather than the imported float conv (float32 partial sums).
        res = harness.run_interpreter(args.xnorc_run, model, inputs, work / name / "interp",
                                      ["--passes=default"])
        errs = [f"{name}: interpreter: {res.error}"] if not res.ok else \
            check(name + " (interpreter)", work / name / "interp", expected)
        for t in targets:
            gen = work / name / f"gen-{t}"
            res = harness.compile_model(args.xnorc, model, gen, name=name, target=t)
            exe = gen / "prog"
            if res.ok:
                res = harness.build_program(args.cxx, gen, exe)
            if res.ok:
                res = harness.run_program(exe, inputs, work / name / f"out-{t}")
            errs += [f"{name} ({t}): {res.error}"] if not res.ok else \
                check(f"{name} ({t})", work / name / f"out-{t}", expected)
        print(("FAIL " if errs else "PASS ") + name + " (interpreter" +
              "".join(", " + t for t in targets) + ")")
        failures += errs
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
