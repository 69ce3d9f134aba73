#!/usr/bin/env bash
# Sets up, builds and runs every test suite through ctest: lit (importer,
# passes, emitted code, diagnostics), kernel unit tests, ONNX's own node tests
# and PyTorch-made models, for the generic target and, where this machine can run
# them (natively or under qemu-user), every other target. Prints the count per
# target, then ends with "N passed, N failed" (ctest's count of suites).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1
scripts/build.sh || exit 1
build=${XNORC_BUILD_DIR:-build}
log=$build/ctest.log
ctest --test-dir "$build" --output-on-failure -j 2 2>&1 | tee "$log"
# Per-target counts (each suite prints its own; ctest counts suites) ...
/usr/bin/python3 scripts/test_summary.py "$build"/Testing/Temporary/LastTest.log || true
# ... and the line CI reads.
summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$summary")
if [ -z "$summary" ]; then echo "0 passed, 1 failed"; exit 1; fi
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
