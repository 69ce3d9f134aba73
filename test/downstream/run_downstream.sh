#!/usr/bin/env bash
# The downstream-install test (test/downstream/CMakeLists.txt, docs/CMake.md):
#   1. cmake --install the xnorc build into WORK/prefix;
#   2. configure a copy of examples/downstream (and of the model it compiles) with only
#      -DCMAKE_PREFIX_PATH=WORK/prefix, build it, run classify on samples.npy, check the classes;
#   3. touch the model: `ninja -n` must plan the xnorc command, the model library and the app,
#      nothing else; after that build nothing is left to do;
#   4. a broken model must fail the build with xnorc's `model.onnx: error: ...` and leave no
#      generated files behind.
# The copies keep the source tree untouched (step 3 and 4 modify the model).
#
# usage: run_downstream.sh CMAKE NINJA XNORC_SOURCE_DIR XNORC_BUILD_DIR WORK_DIR
set -euo pipefail

if [ $# -ne 5 ]; then
  echo "usage: $0 CMAKE NINJA XNORC_SOURCE_DIR XNORC_BUILD_DIR WORK_DIR" >&2
  exit 2
fi
cmake=$1 ninja=$2 src=$3 build=$4 work=$5

fail() {
  echo "downstream: FAIL: $*" >&2
  exit 1
}
# Runs a command with its output in WORK/<log>; on failure shows the log and fails.
logged() {
  local log=$work/$1
  shift
  if ! "$@" > "$log" 2>&1; then
    cat "$log" >&2
    fail "'$*' failed (log: $log)"
  fi
}

# Nothing from the caller's environment may help find the package: only the prefix we pass.
unset CMAKE_PREFIX_PATH xnorc_DIR xnorc_ROOT XNORC_ROOT CMAKE_GENERATOR
PATH=$(dirname "$ninja"):$PATH # the Ninja generator finds ninja on PATH

rm -rf "$work"
mkdir -p "$work/src/fashion_mnist"
prefix=$work/prefix
dsbuild=$work/build
model=$work/src/fashion_mnist/model.onnx
samples=$src/examples/fashion_mnist/samples.npy

# 1. Install.
logged install.log "$cmake" --install "$build" --prefix "$prefix"
[ -x "$prefix/bin/xnorc" ] || fail "no $prefix/bin/xnorc after install"

# 2. Configure, build, run the example against the installed package.
cp -R "$src/examples/downstream" "$work/src/downstream"
cp "$src/examples/fashion_mnist/model.onnx" "$model"
logged configure.log "$cmake" -S "$work/src/downstream" -B "$dsbuild" -G Ninja \
  "-DCMAKE_PREFIX_PATH=$prefix"
xnorc_dir=$(sed -n 's/^xnorc_DIR:PATH=//p' "$dsbuild/CMakeCache.txt")
case $xnorc_dir in
  "$prefix"/*) ;;
  *) fail "find_package(xnorc) found '$xnorc_dir', not the package under $prefix" ;;
esac
logged build.log "$cmake" --build "$dsbuild"
grep -q "xnorc: compiling model.onnx for fashion_model" "$work/build.log" ||
  fail "the build did not run xnorc (build.log)"

logged run.log "$dsbuild/classify" "$samples"
sed -n 's/^image [0-9]*: //p' "$work/run.log" > "$work/predicted.txt"
if ! diff "$src/examples/fashion_mnist/samples_labels.txt" "$work/predicted.txt" > "$work/labels.diff"; then
  cat "$work/run.log" "$work/labels.diff" >&2
  fail "classify's classes differ from samples_labels.txt"
fi

# 3. Rebuild after touching the model.
"$ninja" -C "$dsbuild" -n > "$work/noop.log"
grep -q "no work to do" "$work/noop.log" || { cat "$work/noop.log" >&2; fail "a second build is not a no-op"; }
sleep 1 # so the model is strictly newer than the outputs even on coarse-timestamp file systems
touch "$model"
"$ninja" -C "$dsbuild" -n > "$work/touch-plan.log"
grep '^\[' "$work/touch-plan.log" | sed 's/^\[[0-9]*\/[0-9]*\] //' > "$work/touch-steps.txt"
steps=$(wc -l < "$work/touch-steps.txt")
while IFS= read -r step; do
  case $step in
    "xnorc: compiling model.onnx for fashion_model"*) ;;
    "Building CXX object CMakeFiles/fashion_model.dir/"*) ;;
    "Linking CXX static library libfashion_model.a") ;;
    "Building CXX object CMakeFiles/classify.dir/"*) ;;
    "Linking CXX executable classify") ;;
    *) cat "$work/touch-plan.log" >&2; fail "touching the model also plans: $step" ;;
  esac
done < "$work/touch-steps.txt"
for required in "xnorc: compiling model.onnx" "Linking CXX static library libfashion_model.a" \
                "Linking CXX executable classify"; do
  grep -q "^$required" "$work/touch-steps.txt" ||
    { cat "$work/touch-plan.log" >&2; fail "touching the model does not plan: $required"; }
done
logged rebuild.log "$cmake" --build "$dsbuild"
"$ninja" -C "$dsbuild" -n > "$work/noop2.log"
grep -q "no work to do" "$work/noop2.log" || { cat "$work/noop2.log" >&2; fail "the rebuild left work to do"; }
logged run2.log "$dsbuild/classify" "$samples"
cmp -s "$work/run.log" "$work/run2.log" || fail "the rebuilt classify prints something else"

# 4. A broken model fails the build, naming the model, and leaves no generated files.
printf 'not an onnx model' > "$model"
if "$cmake" --build "$dsbuild" > "$work/bad.log" 2>&1; then
  fail "the build succeeded with a broken model"
fi
grep -q "^$model: error: " "$work/bad.log" ||
  { cat "$work/bad.log" >&2; fail "the build log has no '$model: error: ...' line"; }
for f in "$dsbuild"/fashion_model_xnorc/fashion_cnn.h "$dsbuild"/fashion_model_xnorc/fashion_cnn.cpp; do
  [ ! -e "$f" ] || fail "$f still exists after the failed xnorc run"
done

echo "downstream: installed, configured, built, ran; touch-rebuild: $steps steps (model lib + app only); broken model: build failed naming it, no outputs left"
