#!/usr/bin/env bash
# Sets up, builds and runs every test suite through ctest: lit (importer,
# passes, emitted code, diagnostics), kernel unit tests, ONNX's own node tests
# and PyTorch-made models. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test || exit 1
scripts/build.sh || exit 1
build=${XNORC_BUILD_DIR:-build}
log=$build/ctest.log
ctest --test-dir "$build" --output-on-failure -j 2 2>&1 | tee "$log"
# Per-suite details (the suites print their own summaries) ...
grep -hE "^(node tests|pytorch e2e|integer inputs|  (Passed|Failed|Unsupported|Expectedly Failed))" \
  "$build"/Testing/Temporary/LastTest.log 2>/dev/null | sort -u || true
# ... and the line CI reads.
summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log" | tail -1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$summary")
if [ -z "$summary" ]; then echo "0 passed, 1 failed"; exit 1; fi
echo "$((total - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
