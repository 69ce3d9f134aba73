#!/usr/bin/env bash
# Long coverage-guided fuzzing of every input format xnorc parses (tools/fuzz), with
# libFuzzer, ASan and UBSan (clang):
#
#   scripts/fuzz.sh [RUNS_PER_TARGET (default 10000000)] [TARGET...]
#     TARGET: onnx onnxtext xir npy (default: all)
#
# Builds build-fuzz/ (XNORC_FUZZ_BUILD_DIR), seeds each target with the repository's models
# (tools/fuzz/make_seed_corpus.py) and the regression inputs (test/fuzz/regressions/), runs it
# for RUNS executions, keeps the grown corpus in build-fuzz/corpus/<target> for the next run,
# and writes findings to build-fuzz/findings/<target>/ (crash-*, leak-*, timeout-*, oom-*; and
# slow-unit-*, counted apart). Ends with one line per target: executions, corpus size,
# findings, slow units. A finding fails the script; copy it into
# test/fuzz/regressions/<target>/ with the fix so the smoke run replays it.
#
# A second run of the same target on another core shares its corpus (libFuzzer re-reads the
# corpus folder); give it its own log with XNORC_FUZZ_TAG (build-fuzz/fuzz-<target>-<tag>.log).
#
# libFuzzer's timeouts are wall-clock: never pause a run (SIGSTOP). In the background, lower
# the run's autogroup too (echo 19 > /proc/PID/autogroup): with autogroup scheduling a niced
# process started with setsid still takes half of a shared core.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10000000}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(onnx onnxtext xir npy)
build=${XNORC_FUZZ_BUILD_DIR:-build-fuzz}
scripts/setup.sh test >/dev/null || exit 1
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DBUILD_TESTING=OFF \
    -DXNORC_FUZZ=ON -DXNORC_SANITIZE=address,undefined >/dev/null || exit 1
fi
cmake --build "$build" --target $(printf 'xnorc-fuzz-%s ' "${targets[@]}") || exit 1
/usr/bin/python3 tools/fuzz/make_seed_corpus.py "$build/seeds" --max-bytes 65536 >/dev/null || exit 1
status=0
summary=()
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t findings=$build/findings/$t
  mkdir -p "$corpus" "$findings"
  dict=()
  [ -f tools/fuzz/$t.dict ] && dict=(-dict=tools/fuzz/$t.dict)
  seeds=("$build/seeds/$t")
  [ -d test/fuzz/regressions/$t ] && seeds+=(test/fuzz/regressions/$t)
  log=$build/fuzz-$t${XNORC_FUZZ_TAG:+-$XNORC_FUZZ_TAG}.log
  start=$(date +%s)
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "$build/bin/xnorc-fuzz-$t" -runs="$runs" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$findings/" "${dict[@]}" "$corpus" "${seeds[@]}" \
    >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  # A slow unit (over libFuzzer's -report_slow_units, 10 s of wall-clock time) is reported
  # apart: on a machine busy with other work it is usually the load, not the input; replay it.
  nfind=$(find "$findings" -type f ! -name 'slow-unit-*' | wc -l)
  nslow=$(find "$findings" -type f -name 'slow-unit-*' | wc -l)
  summary+=("$t: ${execs:-?} executions in $(( $(date +%s) - start )) s, corpus $(ls "$corpus" | wc -l) inputs, $nfind findings, $nslow slow units (exit $rc, log $log)")
  [ "$rc" -ne 0 ] || [ "$nfind" -ne 0 ] && status=1
done
printf '%s\n' "${summary[@]}"
exit $status
