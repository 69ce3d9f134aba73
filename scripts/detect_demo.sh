#!/usr/bin/env bash
# Object detection demo (docs/Detection.md): builds xnorc, installs it into a prefix inside
# the build directory, builds examples/detection against it (find_package(xnorc) +
# xnorc_add_model() compile the binarized detector into the app), runs the app on a test
# image of the synthetic shapes data and writes that image with the boxes and labels drawn.
#   scripts/detect_demo.sh [IMAGE.ppm]      (default: examples/detection/demo.ppm)
set -euo pipefail
cd "$(dirname "$0")/.."
image=${1:-examples/detection/demo.ppm}
scripts/setup.sh build
scripts/build.sh
build=${XNORC_BUILD_DIR:-build}
prefix=$PWD/$build/detect-prefix
out=$build/detect-demo
cmake --install "$build" --prefix "$prefix" >/dev/null
echo "== examples/detection built against $prefix (xnorc_add_model: detector_binary.onnx, target generic)"
cmake -S examples/detection -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$out"
echo
echo "== $out/detect $image -o $out/detections.ppm --stats"
"$out/detect" "$image" -o "$out/detections.ppm" --stats
