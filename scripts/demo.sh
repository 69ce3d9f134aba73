#!/usr/bin/env bash
# The main job: set up, build xnorc, compile the bundled XNOR-Net (trained on
# Fashion-MNIST: binary weights and activations between a float first and last
# layer) to C++, build the generated code with a plain C++17 compiler, run it on
# 8 test images and print what it predicts and how big the model became.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh demo
scripts/build.sh
build=${XNORC_BUILD_DIR:-build}
model=examples/fashion_mnist/xnor_model.onnx
out=$build/demo
rm -rf "$out"
echo
echo "== xnorc $model -o $out --name fashion_xnor --emit-main"
"$build/bin/xnorc" "$model" -o "$out" --name fashion_xnor --emit-main
echo "== c++ -std=c++17 -O2 $out/*.cpp -o $out/fashion_xnor"
c++ -std=c++17 -O2 "$out"/*.cpp -o "$out/fashion_xnor"
echo "== $out/fashion_xnor examples/fashion_mnist/samples.npy -o $out/result"
"$out/fashion_xnor" examples/fashion_mnist/samples.npy -o "$out/result"
echo
/usr/bin/python3 examples/fashion_mnist/show_predictions.py "$out/result/output0.npy" \
  examples/fashion_mnist/xnor_expected_logits.npy
echo
echo "== model size (xnorc --report): float ONNX weights vs the generated code's constants"
"$build/bin/xnorc" "$model" --report --quiet | tail -n 3
