#!/usr/bin/env bash
# The main job: set up, build xnorc, compile the bundled Fashion-MNIST model to
# C++, build the generated code with a plain C++17 compiler, run it on 8 test
# images and print what it predicts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh demo
scripts/build.sh
build=${XNORC_BUILD_DIR:-build}
model=examples/fashion_mnist/model.onnx
out=$build/demo
rm -rf "$out"
echo
echo "== xnorc $model -o $out --name fashion_cnn --emit-main"
"$build/bin/xnorc" "$model" -o "$out" --name fashion_cnn --emit-main
echo "== c++ -std=c++17 -O2 $out/*.cpp -o $out/fashion_cnn"
c++ -std=c++17 -O2 "$out"/*.cpp -o "$out/fashion_cnn"
echo "== $out/fashion_cnn examples/fashion_mnist/samples.npy -o $out/result"
"$out/fashion_cnn" examples/fashion_mnist/samples.npy -o "$out/result"
echo
/usr/bin/python3 examples/fashion_mnist/show_predictions.py "$out/result/output0.npy"
printf '\nmodel.onnx: %s bytes; generated %s: %s bytes of source\n' \
  "$(stat -c %s "$model")" "$out/fashion_cnn.cpp" "$(stat -c %s "$out/fashion_cnn.cpp")"
