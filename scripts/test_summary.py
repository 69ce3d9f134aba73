#!/usr/bin/python3
"""Per-target test counts from a ctest run, and the closing line CI reads.

Every suite prints its own count ("... P passed, F failed[, S skipped]", or an inner
ctest's "tests passed, F tests failed out of N"); ctest itself only counts suites. This
groups the suites by the target they exercise -- the ctest name's suffix: -aarch64 /
-armv7 run the ARM targets under qemu, -avx2 / -avx512 the x86 targets, anything else the
generic target and the compiler -- and prints, per target, each suite's count and their
sum. It ends with "N passed, N failed, N skipped" over ctest's suites: a suite that
skipped (exit 77, e.g. a CPU without AVX-512) is counted as skipped, never as passed.
The exit status is 1 when a suite failed, the log has no suites, or (given ctest's console
output) the log holds fewer suites than ctest ran -- LastTest.log is rewritten by any
`ctest` run on the same build directory, including one started by a test.

usage: test_summary.py build/Testing/Temporary/LastTest.log [ctest-console.log]
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

GROUPS = [  # (ctest name suffix, heading)
    ("-aarch64", "neon (AArch64, under qemu-aarch64)"),
    ("-armv7", "neon-armv7 (ARMv7, under qemu-arm)"),
    ("-avx512", "avx512"),
    ("-avx2", "avx2"),
    ("", "compiler, generic target, lit (every target)"),
]
COUNT = re.compile(r"(\d+) passed, (\d+) failed")
SKIPPED = re.compile(r"(\d+) skipped")
LIT_PASSED = re.compile(r"^\s+Passed\s*: (\d+)$", re.M)  # lit's summary
LIT_FAILED = re.compile(r"^\s+Failed\s*: (\d+)$", re.M)
GTEST_CASE = re.compile(r"^\w+\.\w+$")  # gtest_discover_tests: one ctest per case
INNER_CTEST = re.compile(r"tests passed, (\d+) tests failed out of (\d+)")


def suites(log: str):
    """Yields (ctest name, status, passed, failed, skipped) per test in the log."""
    for block in re.split(r"^(?=\d+/\d+ Testing: )", log, flags=re.M):
        head = re.match(r"(\d+)/\d+ Testing: (\S+)", block)
        if not head:
            continue
        name = head.group(2)
        # ctest ends a test's block with "Test Passed." / "Test Failed.", or with
        # "Test Pass Reason:" / "Test Fail Reason:" for tests judged by a regex.
        status = ("FAILED" if re.search(r"^Test (Failed|Fail Reason)", block, re.M) else
                  "passed" if re.search(r"^Test Pass(ed\.| Reason)", block, re.M) else
                  "skipped" if re.search(r"Test (Not Run|Skipped)|SKIPPED", block) else
                  "FAILED")
        passed = failed = None
        skipped = 0
        counts = COUNT.findall(block)
        inner = INNER_CTEST.findall(block)
        if counts:  # the suite's own count of checks
            passed, failed = map(int, counts[-1])
            skips = SKIPPED.findall(block)
            skipped = int(skips[-1]) if skips else 0
        elif LIT_PASSED.search(block):
            passed = int(LIT_PASSED.findall(block)[-1])
            failed = int((LIT_FAILED.findall(block) or ["0"])[-1])
        elif inner:  # an inner ctest's count of tests
            failed, total = map(int, inner[-1])
            passed = total - failed
        yield name, status, passed, failed, skipped


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    path = Path(argv[1])
    if not path.is_file():
        print(f"test_summary: {path}: no ctest log", file=sys.stderr)
        return 1
    ran = None  # how many tests ctest says it ran, from its console output
    if len(argv) == 3 and Path(argv[2]).is_file():
        m = INNER_CTEST.findall(Path(argv[2]).read_text(errors="replace"))
        ran = int(m[-1][1]) if m else None
    grouped = defaultdict(list)
    cases = [0, 0, 0]  # gtest cases passed, failed, skipped: reported as one row
    status_count = {"passed": 0, "FAILED": 0, "skipped": 0}
    for row in suites(path.read_text(errors="replace")):
        status_count[row[1]] += 1
        if GTEST_CASE.match(row[0]):
            cases[{"passed": 0, "FAILED": 1, "skipped": 2}[row[1]]] += 1
            continue
        suffix = next(s for s, _ in GROUPS if row[0].endswith(s))
        grouped[suffix].append(row)
    if any(cases):
        grouped[""].append(("kernel unit tests (gtest cases)", "FAILED" if cases[1] else "passed",
                            cases[0], cases[1], cases[2]))
    print("Counts per target (each suite's own count of checks; ctest counts suites):")
    for suffix, heading in GROUPS:
        rows = sorted(grouped.get(suffix, []))
        if not rows:
            continue
        tp = sum(r[2] or 0 for r in rows if r[1] != "skipped")
        tf = sum(r[3] or 0 for r in rows if r[1] != "skipped")
        ts = sum(r[4] for r in rows if r[1] != "skipped")
        skipped_suites = sum(r[1] == "skipped" for r in rows)
        whole = f", {skipped_suites} suites skipped" if skipped_suites else ""
        print(f"  {heading}: {tp} passed, {tf} failed, {ts} skipped{whole}")
        for name, status, passed, failed, skipped in rows:
            count = "" if passed is None else f" ({passed} passed, {failed} failed, {skipped} skipped)"
            print(f"    {name:32} {status}{count}")
    # The line CI reads: ctest's suites (a gtest case is one ctest test).
    total = sum(status_count.values())
    missing = 0
    if not total:
        print(f"test_summary: {path} holds no test results")
    if ran is not None and total < ran:
        missing = ran - total
        print(f"test_summary: ctest ran {ran} tests but {path} holds {total}: "
              f"counting the {missing} missing as failed")
    print(f"{status_count['passed']} passed, {status_count['FAILED'] + missing} failed, "
          f"{status_count['skipped']} skipped")
    return 0 if total and not status_count["FAILED"] and not missing else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
