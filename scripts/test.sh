#!/usr/bin/env bash
# Sets up, builds and runs every test suite through ctest: lit (importer,
# passes, emitted code, diagnostics), kernel unit tests, ONNX's own node tests
# and PyTorch-made models, for the generic target and, where this machine can run
# them (natively or under qemu-user), every other target. Prints the count per
# target, then ends with "N passed, N failed, N skipped" (ctest's suites; a suite that
# skips, e.g. on a CPU without the target's instructions, counts as skipped, not passed).
set -uo pipefail
cd "$(dirname "$0")/.."
# A run that stops before ctest still ends with the line CI reads, and says why.
stop() { echo "test.sh: $1"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
scripts/setup.sh test || stop "scripts/setup.sh test failed (see above)"
scripts/build.sh || stop "scripts/build.sh failed (see above)"
build=${XNORC_BUILD_DIR:-build}
log=$build/ctest.log
rm -f "$build"/Testing/Temporary/LastTest.log
ctest --test-dir "$build" --output-on-failure -j 2 2>&1 | tee "$log"
ctest_status=${PIPESTATUS[0]}
# Per-target counts (each suite prints its own; ctest counts suites), then the line CI reads.
[ -f "$build"/Testing/Temporary/LastTest.log ] || stop "ctest wrote no log (exit $ctest_status)"
/usr/bin/python3 scripts/test_summary.py "$build"/Testing/Temporary/LastTest.log "$log"
summary_status=$?
# Either verdict failing fails the run (the summary already said why).
[ "$summary_status" -eq 0 ] && [ "$ctest_status" -eq 0 ]
