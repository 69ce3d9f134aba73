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
   --target=generic``, builds the generated C++ with ``--cxx`` under
   ``-Wall -Wextra -Werror``, runs it and compares again.

Tests with non-float32 graph inputs/outputs, and tests xnorc rejects with an
error mentioning "unsupported", are skipped with the reason.  Everything else
that goes wrong is a failure.  Exit status is 1 if any test failed.

Usage:
  /usr/bin/python3 test/onnx-node/run_node_tests.py --xnorc build/bin/xnorc \\
      --xnorc-run build/bin/xnorc-run --cxx g++ --work /tmp/node-work \\
      [--filter REGEX] [--jobs N] [--no-compile] [--verbose]
"""

from __future__ import annotations

import argparse
import concurrent.futures
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

# Spellings of op names in test directory names that the generic rules
# (lower-case, snake_case) do not produce.
NAME_ALIASES = {"BatchNormalization": ["batchnorm"]}


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


def value_type_problem(value: onnx.ValueInfoProto, role: str) -> str | None:
    """Why a graph input/output is outside xnorc's float32-only contract."""
    kind = value.type.WhichOneof("value")
    if kind != "tensor_type":
        return f"{role} '{value.name}' has {(kind or 'no').removesuffix('_type')} type"
    elem = value.type.tensor_type.elem_type
    if elem != onnx.TensorProto.FLOAT:
        return f"{role} dtype {onnx.TensorProto.DataType.Name(elem).lower()}"
    return None


def dtype_skip_reason(model: onnx.ModelProto) -> str | None:
    initializers = {t.name for t in model.graph.initializer}
    inputs = [v for v in model.graph.input if v.name not in initializers]
    for value, role in [(v, "input") for v in inputs] + [(v, "output") for v in model.graph.output]:
        problem = value_type_problem(value, role)
        if problem:
            return problem
    return None


# --------------------------------------------------------------------------
# Test data
# --------------------------------------------------------------------------

@dataclass
class DataSet:
    index: int
    inputs: list[Path]  # .npy files written under the work dir
    expected: list[np.ndarray]


def load_pb(path: Path) -> np.ndarray:
    tensor = onnx.TensorProto()
    tensor.ParseFromString(path.read_bytes())
    return numpy_helper.to_array(tensor)


def numbered(directory: Path, prefix: str) -> list[Path]:
    files = directory.glob(f"{prefix}_*.pb")
    return sorted(files, key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def prepare_data_sets(test: NodeTest, workdir: Path) -> list[DataSet]:
    """Convert every test_data_set_N's inputs to .npy; load expected outputs."""
    sets = []
    set_dirs = sorted(test.path.glob("test_data_set_*"), key=lambda p: int(p.name.rsplit("_", 1)[1]))
    for set_dir in set_dirs:
        index = int(set_dir.name.rsplit("_", 1)[1])
        npy_dir = harness.fresh_dir(workdir / f"data_set_{index}")
        inputs = []
        for k, pb in enumerate(numbered(set_dir, "input")):
            npy = npy_dir / f"input{k}.npy"
            np.save(npy, load_pb(pb))
            inputs.append(npy)
        expected = [load_pb(pb) for pb in numbered(set_dir, "output")]
        sets.append(DataSet(index, inputs, expected))
    return sets


# --------------------------------------------------------------------------
# Running one test
# --------------------------------------------------------------------------

@dataclass
class TestResult:
    name: str
    status: str  # PASS, SKIP or FAIL
    interp_ok: bool = False
    generic_ok: bool = False
    problems: list[str] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)  # full tool output, for --verbose

    def line(self, compiled: bool) -> str:
        if self.status == "PASS":
            return f"PASS {'interp+generic' if compiled else 'interp'} {self.name}"
        return f"{self.status} {self.name}: {'; '.join(self.problems)}"


class Unsupported(Exception):
    """xnorc rejected the model as unsupported: the test is skipped."""


def note_failure(result: TestResult, stage: str, cmd: harness.CmdResult) -> None:
    if cmd.unsupported:
        raise Unsupported(cmd.detail)
    result.problems.append(f"{stage}: {cmd.error}")
    if (cmd.stderr + cmd.stdout).strip():
        result.logs.append(f"--- {stage} output ---\n{cmd.stderr}{cmd.stdout}")


def run_interpreter_stage(args, test: NodeTest, sets: list[DataSet], workdir: Path,
                          result: TestResult) -> bool:
    model = test.path / "model.onnx"
    for ds in sets:
        outdir = workdir / f"interp_{ds.index}"
        cmd = harness.run_interpreter(args.xnorc_run, model, ds.inputs, outdir)
        if not cmd.ok:
            note_failure(result, f"interp set {ds.index}", cmd)
            return False
        ok, msg = harness.check_outputs(outdir, ds.expected, args.rtol, args.atol)
        if not ok:
            result.problems.append(f"interp set {ds.index}: {msg}")
            return False
    return True


def run_generic_stage(args, test: NodeTest, sets: list[DataSet], workdir: Path,
                      result: TestResult) -> bool:
    gendir, exe = workdir / "gen", workdir / "prog"
    cmd = harness.compile_model(args.xnorc, test.path / "model.onnx", gendir,
                                name=harness.c_identifier(test.name))
    if not cmd.ok:
        note_failure(result, "xnorc", cmd)
        return False
    cmd = harness.build_program(args.cxx, gendir, exe, strict=True)
    if not cmd.ok:
        note_failure(result, "build", cmd)
        return False
    for ds in sets:
        outdir = workdir / f"out_{ds.index}"
        cmd = harness.run_program(exe, ds.inputs, outdir)
        if not cmd.ok:
            note_failure(result, f"generic set {ds.index}", cmd)
            return False
        ok, msg = harness.check_outputs(outdir, ds.expected, args.rtol, args.atol)
        if not ok:
            result.problems.append(f"generic set {ds.index}: {msg}")
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
        sets = prepare_data_sets(test, workdir)
        if not sets:
            result.status = "FAIL"
            result.problems.append("no test_data_set_* directories")
            return result
        result.interp_ok = run_interpreter_stage(args, test, sets, workdir, result)
        if not args.no_compile:
            result.generic_ok = run_generic_stage(args, test, sets, workdir, result)
    except Unsupported as exc:
        return TestResult(test.name, "SKIP", problems=[str(exc)])
    except Exception as exc:  # a harness-level error must not hide other tests
        result.problems.append(f"harness error: {type(exc).__name__}: {exc}")
    passed = result.interp_ok and (args.no_compile or result.generic_ok)
    result.status = "PASS" if passed and not result.problems else "FAIL"
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
    parser.add_argument("--no-compile", action="store_true", help="interpreter only")
    parser.add_argument("--rtol", type=float, default=harness.DEFAULT_RTOL)
    parser.add_argument("--atol", type=float, default=harness.DEFAULT_ATOL)
    parser.add_argument("--data", type=Path, default=NODE_TEST_ROOT, help="node test root")
    parser.add_argument("--verbose", "-v", action="store_true", help="print tool output of failures")
    args = parser.parse_args(argv)
    args.xnorc_run = harness.resolve_tool(args.xnorc_run)
    if not args.no_compile:
        args.xnorc = harness.resolve_tool(args.xnorc)
        args.cxx = harness.resolve_tool(args.cxx)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    name_filter = re.compile(args.filter) if args.filter else None
    tests = discover(args.data, harness.load_supported_ops(), name_filter)
    compiled = not args.no_compile
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for result in pool.map(lambda t: run_test(args, t), tests):
            print(result.line(compiled), flush=True)
            if args.verbose and result.status == "FAIL":
                for log in result.logs:
                    print("    " + log.rstrip().replace("\n", "\n    "))
            results.append(result)
    ran = [r for r in results if r.status != "SKIP"]
    failed = sum(r.status == "FAIL" for r in results)
    print(f"node tests: {len(ran)} ran, {sum(r.interp_ok for r in ran)} passed (interpreter), "
          f"{sum(r.generic_ok for r in ran)} passed (generic), "
          f"{len(results) - len(ran)} skipped, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
