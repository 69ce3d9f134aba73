#!/usr/bin/python3
"""Checks the counts that docs/Testing.md states against the code that makes them true.

Timings come from commands (bench/, scripts/) and are not checked here; counts are:
a count in the docs that no test compares with the code goes stale unnoticed (it
did: "66 gtest cases" outlived three new test files). Checked:

* "Total Tests: N" (``ctest -N``) == the number of tests ctest has in --build;
* the kernel unit-test table: per program, its sources (as test/runtime/CMakeLists.txt builds
  it) and number of cases (``TEST``,
  ``TEST_F``, ``TEST_P`` lines in those sources), every gtest program of
  test/runtime/CMakeLists.txt listed, and "N gtest cases" == their sum;
* "For N generated binary networks" == len(MODELS) of run_preservation.py, and
  "N models:" of the binary networks == len(SPECS) of run_binary_e2e.py;
* "lists N tests" / "lists N models" next to each expected-skip list == its entries;
* "diagnostics: N of M checked by a test" and "unreachable (allow-listed): K" == the
  last lines of scripts/diag_coverage.py.

Prints one line per check and ``doc counts: N passed, F failed``; exit 1 on a failure.

usage: check_doc_counts.py --root SRC --build BUILD [--ctest ctest]
"""

from __future__ import annotations

import argparse
import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10}
TEST_MACRO = re.compile(r"^(TEST|TEST_F|TEST_P)\(", re.M)


def number(text: str) -> int:
    return int(text) if text.isdigit() else WORDS[text.lower()]


def list_length(path: Path, name: str) -> int:
    """len() of the module-level list literal NAME in the Python file PATH."""
    for node in ast.parse(path.read_text()).body:
        if (isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets)
                and isinstance(node.value, ast.List)):
            return len(node.value.elts)
    raise SystemExit(f"error: {path}: no list literal {name}")


def expected_skip_entries(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines()
               if line.strip() and not line.strip().startswith("#"))


def ctest_count(ctest: str, build: Path) -> int:
    # `ctest -N` rewrites <build>/Testing/Temporary/LastTest.log, which the ctest run this
    # check is part of is still writing (scripts/test.sh reads it for the counts): list the
    # tests from a copy of the build's CTestTestfile.cmake tree instead (the files name their
    # subdirectories relatively and everything else by absolute path).
    with tempfile.TemporaryDirectory(prefix="doc-counts-") as tmp:
        for f in build.rglob("CTestTestfile.cmake"):
            dest = Path(tmp) / f.relative_to(build)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        out = subprocess.run([ctest, "--test-dir", tmp, "-N"], capture_output=True,
                             text=True, check=False).stdout
    m = re.search(r"^Total Tests: (\d+)$", out, re.M)
    if not m:
        raise SystemExit(f"error: '{ctest} --test-dir {build} -N' printed no 'Total Tests'")
    return int(m.group(1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    ap.add_argument("--build", type=Path, required=True)
    ap.add_argument("--ctest", default="ctest")
    ap.add_argument("--doc", type=Path, help="the Testing doc (default ROOT/docs/Testing.md)")
    args = ap.parse_args(argv)
    root = args.root
    doc_path = args.doc or root / "docs" / "Testing.md"
    doc = doc_path.read_text()
    results: list[tuple[bool, str]] = []

    def check(what: str, stated, actual) -> None:
        ok = stated == actual
        results.append((ok, f"{what}: {doc_path.name} says {stated}, the code has {actual}"))

    def stated(pattern: str, what: str):
        m = re.search(pattern, doc, re.M)
        if not m:
            results.append((False, f"{what}: {doc_path.name} no longer matches /{pattern}/"))
        return m

    if m := stated(r"^Total Tests: (\d+)$", "ctest suites"):
        check("ctest tests (ctest -N)", int(m.group(1)), ctest_count(args.ctest, args.build))

    unit = root / "test" / "runtime"
    rows = re.findall(r"^\| `(xnorc-[\w-]+-test)` \(([^)]*)\) \| (\d+) \|", doc, re.M)
    built = {name: sorted(srcs.split()) for name, srcs in
             re.findall(r"xnorc_kernel_test\((xnorc-[\w-]+-test)\s+([^)]*)\)",
                        (unit / "CMakeLists.txt").read_text())}
    listed = {program for program, _, _ in rows}
    check("gtest programs in the kernel unit-test table", sorted(listed), sorted(built))
    total = 0
    for program, sources, count in rows:
        files = sorted(re.findall(r"`([\w./]+\.cpp)`", sources))
        check(f"{program} sources", files, built.get(program, []))
        cases = sum(len(TEST_MACRO.findall((unit / src).read_text())) for src in files)
        check(f"{program} cases", int(count), cases)
        total += cases
    if m := stated(r"^\| (\d+) gtest cases", "gtest cases"):
        check("gtest cases in all programs", int(m.group(1)), total)

    if m := stated(r"For (\w+) generated binary networks", "preservation models"):
        check("pass-preservation models", number(m.group(1)),
              list_length(root / "test" / "e2e" / "preservation" / "run_preservation.py", "MODELS"))
    if m := stated(r"^(\w+) models: `xnor_cnn`", "binary e2e models"):
        check("binary-e2e models", number(m.group(1)),
              list_length(root / "test" / "e2e" / "binary" / "run_binary_e2e.py", "SPECS"))
    for rel, noun in (("test/onnx-node/expected_skips.txt", "tests"),
                      ("test/ort/expected_skips.txt", "models")):
        if m := stated(rf"`{re.escape(rel)}`[^.]*?\s+lists\s+(\d+)\s+{noun}", rel):
            check(f"{rel} entries", int(m.group(1)), expected_skip_entries(root / rel))

    if m := stated(r"^diagnostics: (\d+) of (\d+) checked by a test$", "diagnostic coverage"):
        out = subprocess.run([sys.executable, str(root / "scripts" / "diag_coverage.py"), "--root",
                              str(root)], capture_output=True, text=True).stdout
        actual = re.search(r"^diagnostics: (\d+) of (\d+)", out, re.M)
        check("diagnostics checked by a test (scripts/diag_coverage.py)", m.groups(),
              actual.groups() if actual else None)
        if a := stated(r"^unreachable \(allow-listed\): (\d+)$", "allow-listed diagnostics"):
            got = re.search(r"^unreachable \(allow-listed\): (\d+)$", out, re.M)
            check("allow-listed diagnostics", a.group(1), got.group(1) if got else None)

    for ok, msg in results:
        print(f"{'PASS' if ok else 'FAIL'} {msg}")
    failed = sum(not ok for ok, _ in results)
    print(f"doc counts: {len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


if __name__ == "__main__":
    sys.exit(main())
