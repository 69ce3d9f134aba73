#!/usr/bin/env bash
# The test suites under sanitizers (the full sweep; the test suite runs a CI-sized subset):
#
#   scripts/sanitize.sh [address|thread] [CTEST_REGEX]
#
# address (default): builds build-asan/ (XNORC_SANITIZE=address,undefined: xnorc, the tools,
#   the kernel unit tests), and every program the execution tests generate is built with
#   the same sanitizers (XNORC_TEST_CXXFLAGS); runs ctest (all suites, or those matching
#   CTEST_REGEX). Any report fails the run (-fno-sanitize-recover, halt_on_error).
#   XNORC_SANITIZE_CXXFLAGS is appended to those flags (e.g. -O1, ASan's recommended
#   level: the ARM suites' time is mostly the sanitized cross compiler's, at -O2).
# thread: the generated code's thread team under TSan: the plain build's xnorc, programs
#   built with -fsanitize=thread, the lit tests that run --threads.
set -uo pipefail
cd "$(dirname "$0")/.."
mode=${1:-address}
regex=${2:-}
scripts/setup.sh test >/dev/null || exit 1
case "$mode" in
address)
  build=${XNORC_ASAN_BUILD_DIR:-build-asan}
  # Sanitized compilers and programs run several times slower than the plain build: every
  # test's TIMEOUT and the harness's command timeouts are multiplied (test/CMakeLists.txt).
  export XNORC_TEST_TIMEOUT_SCALE=${XNORC_TEST_TIMEOUT_SCALE:-4}
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DXNORC_SANITIZE=address,undefined \
    -DXNORC_TEST_TIMEOUT_SCALE="$XNORC_TEST_TIMEOUT_SCALE" >/dev/null || exit 1
  cmake --build "$build" || exit 1
  export XNORC_TEST_CXXFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -g ${XNORC_SANITIZE_CXXFLAGS:-}"
  export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  ctest --test-dir "$build" --output-on-failure -j 2 ${regex:+-R "$regex"}
  ;;
thread)
  scripts/build.sh || exit 1
  build=${XNORC_BUILD_DIR:-build}
  export XNORC_TEST_CXXFLAGS="-fsanitize=thread -g"
  export XNORC_TEST_TIMEOUT_SCALE=${XNORC_TEST_TIMEOUT_SCALE:-4}
  export TSAN_OPTIONS=halt_on_error=1
  /usr/bin/python3 /usr/lib/llvm-14/build/utils/lit/lit.py -sv "$build/test" \
    --filter "${regex:-threads}"
  ;;
*)
  echo "usage: scripts/sanitize.sh [address|thread] [CTEST_REGEX]" >&2
  exit 2
  ;;
esac
