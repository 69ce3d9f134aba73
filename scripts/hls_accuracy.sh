#!/bin/sh
# Fashion-MNIST XNOR, BWN and QONNX models through the HLS target's C simulation on all
# 10,000 test images (the ctest suite fashion-accuracy-hls runs the first 300), against
# PyTorch's predictions. Usage: scripts/hls_accuracy.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
exec /usr/bin/python3 "$root/test/accuracy/run_accuracy.py" --xnorc "$build/bin/xnorc" \
  --cxx "${CXX:-c++}" --work "${TMPDIR:-/tmp}/xnorc-hls-accuracy" --targets hls
