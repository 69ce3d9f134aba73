#!/usr/bin/python3
"""Run ONNX's backend node tests through xnorc's interpreter and compiler.

ONNX ships one tiny model per operator variant (``data/node/<test>/``) with
reference inputs and outputs computed by ONNX's own reference implementation.
They pin down operator semantics -- attribute defaults, auto_pad rules,
ceil_mode, negative axes, broadcasting -- independently of any exporter, so
they are the ground truth for xnorc's per-op behaviour.

A test is selected when every node of its model uses an op listed in
``supported_ops.txt``.  Tests whose name refers to a listed op but whose model
needs other ops are reported as skipped ("uses op X").  For every selected
test and every ``test_data_set_N`` the runner

1. runs the reference interpreter ``xnorc-run`` and compares its outputs with
   the expected ones, then
2. (unless --no-compile) compiles the model with ``xnorc --emit-main
   --target=TARGET`` (``--target``, default generic), builds the generated
   C++ with ``--cxx`` under ``-Wall -Wextra -Werror``, runs it and compares
   again.

The same tests check every other target: ``--target=avx512 --no-interpreter``
natively, ``--target=neon --cxx test/neon/cxx-aarch64-qemu.sh
--no-interpreter`` cross-compiled and run under qemu-user (the wrapper makes
the program a script that starts qemu).  A target whose instructions this
CPU lacks is skipped as a whole (exit 77, the reason printed).

xnorc compiles for static shapes: integer operands such as Reshape's shape,
Unsqueeze's axes, Pad's pads or Gather's indices must be compile-time
constants, as they are (initializers) in real deployments.  The node tests
pass them as graph inputs instead, so for every int32/int64 (and int8/uint8: the
quantization tests' data and zero points) graph input whose
value is in the test data set the runner writes a modified model into the
work dir with that input moved into graph.initializer (one model per distinct
set of values, so data sets with different integer values each get their
own) and runs that.  Such tests say so on their PASS line and are counted in
the summary.

Tests with other non-float32 graph inputs (bool, uint8, int8, ...), with any
non-float32 graph output, and tests xnorc rejects with an error mentioning
"unsupported", are skipped with the reason -- but only if ``expected_skips.txt``
(``--expected-skips``) lists the test with a regex its reason matches. An unlisted
skip fails ("unexpected skip"), and so does a listed test in this run's selection
(``--filter``) that no longer skips ("stale entry"). Everything else that goes wrong
(including "must be a compile-time constant" or "is supported only ...") is a
failure.  Exit status is 1 if any test failed or if no test ran.

With ``--target-kernels-only`` (for the other targets, with --no-interpreter) a test is
built and run only if its TARGET code pastes other runtime kernels than its generic code
(``// ---- xnorc runtime: <header> ----`` sections, compared per model): code made of
the generic kernels alone is the generic program but for the target's name, intrinsics
header and CPU check, and onnx-node-tests runs it on the same data. Such tests print
``SAME`` and are counted apart ("N not built (generic's kernels only)"), neither passed
nor skipped; a run where every test is SAME does not fail as "no test ran".

The last two lines of the output are the summary, always in this form:
  node tests: R ran, P passed (interpreter), G passed (TARGET), [N not built (generic's
      kernels only), ]S skipped (expected), F failed
  N passed, M failed
where N counts tests that passed on every path run (interpreter unless
--no-interpreter, compiled TARGET code unless --no-compile) and M equals F (failed
tests, unexpected skips and stale entries).

Usage:
  /usr/bin/python3 test/onnx-node/run_node_tests.py --xnorc build/bin/xnorc \\
      --xnorc-run build/bin/xnorc-run --cxx g++ --work /tmp/node-work \\
      [--target generic] [--filter REGEX] [--jobs N] [--no-compile | --no-interpreter]
      [--verbose]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
import harness  # noqa: E402  (shared helpers, test/e2e/harness.py)

NODE_TEST_ROOT = Path("/usr/share/libonnx-testdata/data/node")
EXPECTED_SKIPS = Path(__file__).resolve().parent / "expected_skips.txt"

# Spellings of op names in test directory names that the generic rules
# (lower-case, snake_case) do not produce.
NAME_ALIASES = {"BatchNormalization": ["batchnorm"]}

SKIP_EXIT = 77  # ctest SKIP_RETURN_CODE: the CPU cannot run the target's code


# --------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------

@dataclass
class NodeTest:
    name: str
    path: Path
    model: onnx.ModelProto | None = None
    skip: str | None = None  # set when the test is reported but not run


def snake_case(op: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", op).lower()


def op_name_prefixes(ops: set[str]) -> list[str]:
    """Test-name stems that refer to a listed op, e.g. 'reduce_mean', 'leakyrelu'."""
    prefixes = set()
    for op in ops:
        prefixes.update({op.lower(), snake_case(op), *NAME_ALIASES.get(op, [])})
    return sorted(prefixes)


def names_listed_op(test_name: str, prefixes: list[str]) -> bool:
    stem = test_name.removeprefix("test_")
    return any(stem == p or stem.startswith(p + "_") for p in prefixes)


def model_ops(model: onnx.ModelProto) -> set[str]:
    return {node.op_type for node in model.graph.node}


def discover(root: Path, supported: set[str], name_filter: re.Pattern | None) -> list[NodeTest]:
    """Selected tests, plus 'uses op X' skips for tests named after a listed op."""
    prefixes = op_name_prefixes(supported)
    tests = []
    for path in sorted(p for p in root.iterdir() if (p / "model.onnx").is_file()):
        if name_filter and not name_filter.search(path.name):
            continue
        model = onnx.load(str(path / "model.onnx"))
        extra = sorted(model_ops(model) - supported)
        if not extra:
            tests.append(NodeTest(path.name, path, model))
        elif names_listed_op(path.name, prefixes):
            tests.append(NodeTest(path.name, path, skip="uses op " + ", ".join(extra)))
    return tests


# Graph inputs of these dtypes are bound to their test data as initializers.
BINDABLE_DTYPES = {onnx.TensorProto.INT32, onnx.TensorProto.INT64}
# In models of the quantization ops, int8/uint8 inputs are bound too, and outputs of these
# dtypes and int32 (ConvInteger, MatMulInteger) are compared through an appended
# DequantizeLinear with scale 1 and zero point 0, which is exact (for int32 outputs up to
# 2^24 in magnitude, which prepare_data_sets checks): xnorc's graph inputs and outputs are
# float32.
QUANT_OPS = {"QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger",
             "MatMulInteger"}
EIGHT_BIT_DTYPES = {onnx.TensorProto.INT8: np.int8, onnx.TensorProto.UINT8: np.uint8}
WIDENED_DTYPES = {**EIGHT_BIT_DTYPES, onnx.TensorProto.INT32: np.int32}
# The largest int32 magnitude a float32 holds exactly.
EXACT_INT32 = 1 << 24


def is_quant_model(model: onnx.ModelProto) -> bool:
    return bool(model_ops(model) & QUANT_OPS)


def bindable(model: onnx.ModelProto) -> set[int]:
    return BINDABLE_DTYPES | (set(EIGHT_BIT_DTYPES) if is_quant_model(model) else set())


def dtype_name(elem: int) -> str:
    return onnx.TensorProto.DataType.Name(elem).lower()


def tensor_elem_type(value: onnx.ValueInfoProto) -> int | None:
    if value.type.WhichOneof("value") != "tensor_type":
        return None
    return value.type.tensor_type.elem_type


def value_type_problem(value: onnx.ValueInfoProto, role: str, quant: bool = False) -> str | None:
    """Why a graph input/output is outside xnorc's float32-only contract.

    int32/int64 inputs are not a problem: they are bound as constants.
    """
    kind = value.type.WhichOneof("value")
    if kind != "tensor_type":
        return f"{role} '{value.name}' has {(kind or 'no').removesuffix('_type')} type"
    elem = value.type.tensor_type.elem_type
    if elem == onnx.TensorProto.FLOAT or (role == "input" and elem in BINDABLE_DTYPES):
        return None
    if quant and elem in (WIDENED_DTYPES if role == "output" else EIGHT_BIT_DTYPES):
        return None
    return f"{role} dtype {dtype_name(elem)}"


def runtime_inputs(model: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    """Graph inputs that are not initializers, in order (what input_N.pb feed)."""
    initializers = {t.name for t in model.graph.initializer}
    return [v for v in model.graph.input if v.name not in initializers]


def dtype_skip_reason(model: onnx.ModelProto) -> str | None:
    # Inputs that cannot be bound (bool, uint8, ...) first, then outputs.
    values = [(v, "input") for v in runtime_inputs(model)] + [(v, "output") for v in model.graph.output]
    for value, role in values:
        problem = value_type_problem(value, role, is_quant_model(model))
        if problem:
            return problem
    return None


def widen_outputs(model: onnx.ModelProto) -> onnx.ModelProto | None:
    """A copy of ``model`` whose int8/uint8/int32 outputs pass through DequantizeLinear(y, 1, 0)
    (exact: every 8-bit value is a float32), or None if it has no such output."""
    outs = [o for o in model.graph.output if tensor_elem_type(o) in WIDENED_DTYPES]
    if not outs or not is_quant_model(model):
        return None
    wide = onnx.ModelProto()
    wide.CopyFrom(model)
    for out in wide.graph.output:
        dtype = WIDENED_DTYPES.get(tensor_elem_type(out))
        if dtype is None:
            continue
        q = out.name + "_8bit"
        for node in wide.graph.node:
            node.output[:] = [q if o == out.name else o for o in node.output]
        wide.graph.initializer.append(numpy_helper.from_array(np.array(1, np.float32), q + "_s"))
        wide.graph.initializer.append(numpy_helper.from_array(np.array(0, dtype), q + "_zp"))
        wide.graph.node.append(onnx.helper.make_node("DequantizeLinear",
                                                     [q, q + "_s", q + "_zp"], [out.name]))
        out.type.tensor_type.elem_type = onnx.TensorProto.FLOAT
    wide.ir_version = max(wide.ir_version, 4)
    return wide


def bind_inputs(model: onnx.ModelProto, values: dict[str, np.ndarray]) -> onnx.ModelProto:
    """A copy of ``model`` with the named graph inputs turned into initializers."""
    bound = onnx.ModelProto()
    bound.CopyFrom(widen_outputs(model) or model)
    kept = [v for v in bound.graph.input if v.name not in values]
    del bound.graph.input[:]
    bound.graph.input.extend(kept)
    for name, array in values.items():
        bound.graph.initializer.append(numpy_helper.from_array(array, name))
    # Before IR version 4 every initializer also had to be listed as an input
    # (and was then overridable); 4 makes it a plain constant.
    bound.ir_version = max(bound.ir_version, 4)
    return bound


# --------------------------------------------------------------------------
# Test data
# --------------------------------------------------------------------------

@dataclass
class DataSet:
    index: int
    model: Path  # the test's model.onnx, or a copy with integer inputs bound
    inputs: list[Path]  # .npy files of the remaining (float) inputs, under the work dir
    expected: list[np.ndarray]


class Skip(Exception):
    """The test cannot be run as it is: it is skipped with this reason."""


def load_pb(path: Path) -> np.ndarray:
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(tensor)


def numbered(directory: Path, prefix: str) -> list[Path]:
    files = directory.glob(f"{prefix}_*.pb")
    return sorted(files, key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def load_set_inputs(graph_inputs: list[onnx.ValueInfoProto], set_dir: Path) -> dict[str, np.ndarray]:
    """input_N.pb of one data set, keyed by the graph input each one feeds.

    A tensor naming a graph input feeds that input; otherwise input_N feeds
    the N-th non-initializer graph input.
    """
    names = [v.name for v in graph_inputs]
    values = {}
    for k, pb in enumerate(numbered(set_dir, "input")):
        tensor = onnx.TensorProto()
        tensor.ParseFromString(pb.read_bytes())
        if tensor.name in names:
            name = tensor.name
        elif k < len(names):
            name = names[k]
        else:
            raise ValueError(f"{set_dir.name}/{pb.name}: more input files than graph inputs")
        values[name] = numpy_helper.to_array(tensor)
    return values


def bound_model_path(test: NodeTest, bound: dict[str, np.ndarray], workdir: Path,
                     cache: dict[str, Path]) -> Path:
    """The model with ``bound`` as initializers: one file per distinct value set."""
    digest = hashlib.sha256()
    for name in sorted(bound):
        a = np.ascontiguousarray(bound[name])
        digest.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        digest.update(a.tobytes())
    key = digest.hexdigest()
    if key not in cache:
        path = workdir / f"model_bound{len(cache)}.onnx"
        onnx.save(bind_inputs(test.model, bound), str(path))
        cache[key] = path
    return cache[key]


def prepare_data_sets(test: NodeTest, workdir: Path) -> tuple[list[DataSet], list[str]]:
    """Per test_data_set_N: the model to run, float inputs as .npy, expected outputs.

    int32/int64/int8/uint8 graph inputs are bound into a model copy (see bind_inputs),
    int8/uint8/int32 outputs are dequantized exactly (widen_outputs).
    Also returns the notes on bound inputs, e.g. ["int64: shape"].
    """
    graph_inputs = runtime_inputs(test.model)
    int_inputs = [v for v in graph_inputs if tensor_elem_type(v) in bindable(test.model)]
    sets, cache = [], {}
    set_dirs = sorted(test.path.glob("test_data_set_*"), key=lambda p: int(p.name.rsplit("_", 1)[1]))
    for set_dir in set_dirs:
        index = int(set_dir.name.rsplit("_", 1)[1])
        values = load_set_inputs(graph_inputs, set_dir)
        missing = [v for v in int_inputs if v.name not in values]
        if missing:
            raise Skip(f"input dtype {dtype_name(tensor_elem_type(missing[0]))} without test data "
                       f"to bind as a constant: {', '.join(v.name for v in missing)}")
        bound = {v.name: values[v.name] for v in int_inputs}
        rewrite = bound or widen_outputs(test.model) is not None
        model = bound_model_path(test, bound, workdir, cache) if rewrite else test.path / "model.onnx"
        npy_dir = harness.fresh_dir(workdir / f"data_set_{index}")
        inputs = []
        for v in graph_inputs:
            if v.name in bound or v.name not in values:
                continue
            npy = npy_dir / f"input{len(inputs)}.npy"
            np.save(npy, values[v.name])
            inputs.append(npy)
        expected = [load_pb(pb) for pb in numbered(set_dir, "output")]
        if any(e.dtype == np.int32 and np.abs(e.astype(np.int64)).max(initial=0) > EXACT_INT32
               for e in expected):
            raise Skip("int32 output beyond 2^24: not exact as float32")
        expected = [e.astype(np.float32) if e.dtype in (np.int8, np.uint8, np.int32) else e
                    for e in expected]
        sets.append(DataSet(index, model, inputs, expected))
    by_dtype: dict[str, list[str]] = {}
    for v in int_inputs:
        by_dtype.setdefault(dtype_name(tensor_elem_type(v)), []).append(v.name)
    bound_note = []
    if by_dtype:
        names = [n for v in by_dtype.values() for n in v]
        bound_note = [f"{'/'.join(sorted(by_dtype))} inputs bound as constants: {', '.join(names)}"]
    return sets, bound_note


# --------------------------------------------------------------------------
# Running one test
# --------------------------------------------------------------------------

@dataclass
class TestResult:
    name: str
    status: str  # PASS, SKIP, FAIL, or SAME (--target-kernels-only: generic's kernels)
    interp_ok: bool = False
    compiled_ok: bool = False
    problems: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)  # full tool output, for --verbose
    bound_note: list[str] = field(default_factory=list)  # non-empty if integer inputs were bound
    compiled_runs: int = 0  # data sets the compiled program ran

    def line(self, paths: str) -> str:
        note = f" ({self.bound_note[0]})" if self.bound_note else ""
        if self.status == "PASS":
            return f"PASS {paths} {self.name}{note}"
        if self.status == "SAME":
            return (f"SAME {self.name}{note}: the code pastes the generic code's runtime kernels "
                    "and no others (not built: onnx-node-tests runs them)")
        return f"{self.status} {self.name}{note}: {'; '.join(self.problems)}"


class Unsupported(Exception):
    """xnorc rejected the model as unsupported: the test is skipped."""


def note_failure(result: TestResult, stage: str, cmd: harness.CmdResult) -> None:
    if cmd.unsupported:
        raise Unsupported(cmd.detail)
    result.problems.append(f"{stage}: {cmd.error}")
    if (cmd.stderr + cmd.stdout).strip():
        result.logs.append(f"--- {stage} output ---\n{cmd.stderr}{cmd.stdout}")


# These tests check ONNX's own semantics, so xnorc's one deliberate deviation,
# Sign(0) = +1 for binary networks, is switched back to ONNX's Sign(0) = 0.
ONNX_SEMANTICS = ("--sign-zero=zero",)


def run_interpreter_stage(args, test: NodeTest, sets: list[DataSet], workdir: Path,
                          result: TestResult) -> bool:
    for ds in sets:
        outdir = workdir / f"interp_{ds.index}"
        # With no inputs (e.g. test_constant) this is just ``xnorc-run MODEL -o DIR``.
        cmd = harness.run_interpreter(args.xnorc_run, ds.model, ds.inputs, outdir, ONNX_SEMANTICS)
        if not cmd.ok:
            note_failure(result, f"interp set {ds.index}", cmd)
            return False
        ok, msg = harness.check_outputs(outdir, ds.expected, args.rtol, args.atol)
        if not ok:
            result.problems.append(f"interp set {ds.index}: {msg}")
            return False
    return True


RUNTIME_SECTION = re.compile(r"^// ---- xnorc runtime: (\S+) ----$", re.M)


def runtime_sections(gendir: Path) -> list[str]:
    """The runtime kernel headers xnorc pasted into the code in ``gendir``, in order."""
    return [h for src in sorted(gendir.glob("*.cpp"))
            for h in RUNTIME_SECTION.findall(src.read_text(errors="replace"))]


def same_kernels_as_generic(args, model: Path, gendir: Path, name: str,
                            result: TestResult) -> bool | None:
    """Whether the TARGET code in ``gendir`` pastes exactly the runtime kernels the generic
    code of ``model`` pastes (None after a failure of the generic compile, noted in result).

    Such code calls only generic kernels, which onnx-node-tests already builds and runs on
    this test's data: the rest of the two programs differs only in the target's name, its
    intrinsics header and its CPU check, which every other test of the run exercises.
    """
    generic_dir = gendir.with_name(gendir.name + "_generic")
    cmd = harness.compile_model(args.xnorc, model, generic_dir, name=name,
                                extra_flags=ONNX_SEMANTICS, target="generic")
    if not cmd.ok:
        note_failure(result, "xnorc --target=generic", cmd)
        return None
    return runtime_sections(gendir) == runtime_sections(generic_dir)


def run_compiled_stage(args, test: NodeTest, sets: list[DataSet], workdir: Path,
                      result: TestResult) -> bool:
    programs: dict[Path, Path | None] = {}  # model -> built program (None: generic's kernels)
    for ds in sets:
        if ds.model not in programs:
            j = len(programs)
            suffix = f" (model {ds.model.name})" if ds.model.name != "model.onnx" else ""
            gendir, exe = workdir / f"gen{j}", workdir / f"prog{j}"
            # One name for every test with --object-cache: programs of the same shapes then
            # have the same main and header, compiled once.
            name = "node" if args.object_cache else harness.c_identifier(test.name)
            cmd = harness.compile_model(args.xnorc, ds.model, gendir, name=name,
                                        extra_flags=ONNX_SEMANTICS, target=args.target)
            if not cmd.ok:
                note_failure(result, "xnorc" + suffix, cmd)
                return False
            if args.target_kernels_only:
                same = same_kernels_as_generic(args, ds.model, gendir, name, result)
                if same is None:
                    return False
                if same:
                    programs[ds.model] = None
                    continue
            cmd = harness.build_program(args.cxx, gendir, exe, strict=True,
                                        object_cache=args.object_cache)
            if not cmd.ok:
                note_failure(result, "build" + suffix, cmd)
                return False
            programs[ds.model] = exe
        if programs[ds.model] is None:
            continue
        result.compiled_runs += 1
        outdir = workdir / f"out_{ds.index}"
        cmd = harness.run_program(programs[ds.model], ds.inputs, outdir)
        if not cmd.ok:
            note_failure(result, f"{args.target} set {ds.index}", cmd)
            return False
        ok, msg = harness.check_outputs(outdir, ds.expected, args.rtol, args.atol)
        if not ok:
            result.problems.append(f"{args.target} set {ds.index}: {msg}")
            return False
    return True


def run_test(args, test: NodeTest) -> TestResult:
    result = TestResult(test.name, "SKIP")
    reason = test.skip or dtype_skip_reason(test.model)
    if reason:
        result.problems.append(reason)
        return result
    try:
        workdir = harness.fresh_dir(args.work / test.name)
        sets, result.bound_note = prepare_data_sets(test, workdir)
        if not sets:
            result.status = "FAIL"
            result.problems.append("no test_data_set_* directories")
            return result
        if not args.no_interpreter:
            result.interp_ok = run_interpreter_stage(args, test, sets, workdir, result)
        if not args.no_compile:
            result.compiled_ok = run_compiled_stage(args, test, sets, workdir, result)
    except (Unsupported, Skip) as exc:
        return TestResult(test.name, "SKIP", problems=[str(exc)])
    except Exception as exc:  # a harness-level error must not hide other tests
        result.problems.append(f"harness error: {type(exc).__name__}: {exc}")
    passed = ((args.no_interpreter or result.interp_ok)
              and (args.no_compile or result.compiled_ok))
    result.status = "PASS" if passed and not result.problems else "FAIL"
    if result.status == "PASS" and args.target_kernels_only and not result.compiled_runs:
        result.status = "SAME"
    return result


# --------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xnorc", required=True, help="path to the xnorc compiler")
    parser.add_argument("--xnorc-run", required=True, help="path to the xnorc-run interpreter")
    parser.add_argument("--cxx", default="g++", help="C++ compiler for generated code")
    parser.add_argument("--work", required=True, type=Path, help="scratch directory")
    parser.add_argument("--filter", help="only tests whose name matches this regex (re.search)")
    parser.add_argument("--jobs", type=int, default=2, help="tests run in parallel (default 2)")
    parser.add_argument("--target", default="generic", help="xnorc --target (default generic)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-compile", action="store_true", help="interpreter only")
    mode.add_argument("--no-interpreter", action="store_true", help="compiled code only")
    parser.add_argument("--rtol", type=float, default=harness.DEFAULT_RTOL)
    parser.add_argument("--atol", type=float, default=harness.DEFAULT_ATOL)
    parser.add_argument("--data", type=Path, default=NODE_TEST_ROOT, help="node test root")
    parser.add_argument("--expected-skips", type=Path, default=EXPECTED_SKIPS,
                        help="tests allowed to skip, with their reasons (default: %(default)s)")
    parser.add_argument("--target-kernels-only", action="store_true",
                        help="build and run only the tests whose TARGET code pastes runtime "
                             "kernels other than the generic code's; report the others SAME")
    parser.add_argument("--object-cache", type=Path,
                        help="compile each source once per run into this directory, the "
                             "programs named 'node' (a native --cxx only; see harness.build_program)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print tool output of failures")
    args = parser.parse_args(argv)
    if args.target_kernels_only and (args.target == "generic" or not args.no_interpreter):
        parser.error("--target-kernels-only needs --no-interpreter and a --target other than generic")
    args.xnorc_run = harness.resolve_tool(args.xnorc_run)
    if not args.no_compile:
        args.xnorc = harness.resolve_tool(args.xnorc)
        args.cxx = harness.resolve_tool(args.cxx)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.object_cache:  # per run: a compiler upgraded since the last run compiles anew
        args.object_cache = harness.fresh_dir(args.object_cache.resolve())
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    name_filter = re.compile(args.filter) if args.filter else None
    tests = discover(args.data, harness.load_supported_ops(), name_filter)
    missing = harness.missing_cpu_flags(args.target)
    if missing:
        print(f"SKIPPED: target {args.target}: this CPU lacks {', '.join(missing)}")
        return SKIP_EXIT
    paths = "+".join(p for p, on in (("interp", not args.no_interpreter),
                                     (args.target, not args.no_compile)) if on)
    expected = harness.load_expected_skips(args.expected_skips)

    def judged(test: NodeTest) -> TestResult:
        result = run_test(args, test)
        problem = (harness.unexpected_skip(expected, result.name, "; ".join(result.problems))
                   if result.status == "SKIP" else None)
        if problem:
            result.status, result.problems = "FAIL", [problem]
        return result

    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for result in pool.map(judged, tests):
            print(result.line(paths), flush=True)
            if args.verbose and result.status == "FAIL":
                for log in result.logs:
                    print("    " + log.rstrip().replace("\n", "\n    "))
            results.append(result)
    stale = harness.stale_skips(expected, {r.name: r.status for r in results},
                                lambda name: not name_filter or name_filter.search(name))
    for problem in stale:
        print(f"FAIL {problem}")
    ran = [r for r in results if r.status not in ("SKIP", "SAME")]
    same = sum(r.status == "SAME" for r in results)
    failed = sum(r.status == "FAIL" for r in results) + len(stale)
    passed = sum(r.status == "PASS" for r in results)
    if not ran and not same:
        print(f"FAIL no test ran (filter {args.filter!r}, {len(results)} selected)")
        failed += 1
    bound = [r for r in ran if r.bound_note]
    print(f"integer inputs bound as constants: {len(bound)} tests "
          f"({sum(r.status == 'PASS' for r in bound)} passed, "
          f"{sum(r.status == 'FAIL' for r in bound)} failed)")
    # The last two lines are parsed by CI: keep their form exactly.
    interp = "not run" if args.no_interpreter else sum(r.interp_ok for r in ran)
    print(f"node tests: {len(ran)} ran, {interp} passed (interpreter), "
          f"{sum(r.compiled_ok for r in ran)} passed ({args.target}), "
          + (f"{same} not built (generic's kernels only), " if args.target_kernels_only else "")
          + f"{len(results) - len(ran) - same} skipped (expected, {args.expected_skips.name}), "
          f"{failed} failed")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
