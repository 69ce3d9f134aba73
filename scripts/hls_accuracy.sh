#!/bin/sh
# Fashion-MNIST XNOR, BWN and QONNX models through the HLS target's C simulation on all
# 10,000 test images (the ctest suite fashion-accuracy-hls runs the first 300), against
# PyTorch's predictions. --dataflow builds the dataflow C-simulation mode (every layer a
# process, FIFOs of the computed depths) instead of the sequential one.
# Usage: scripts/hls_accuracy.sh [--dataflow] [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
mode=sequential
if [ "${1:-}" = "--dataflow" ]; then
  mode=dataflow
  shift
fi
build=${1:-$root/build}
work="${TMPDIR:-/tmp}/xnorc-hls-accuracy-$mode"
cxx="${CXX:-c++}"
if [ "$mode" = dataflow ]; then
  # run_accuracy.py takes one compiler path: a wrapper adds the mode's define.
  mkdir -p "$work"
  printf '#!/bin/sh\nexec %s -DXNORC_HLS_CSIM_DATAFLOW "$@"\n' "$cxx" > "$work/cxx-dataflow.sh"
  chmod +x "$work/cxx-dataflow.sh"
  cxx="$work/cxx-dataflow.sh"
fi
echo "hls C simulation, $mode mode"
exec /usr/bin/python3 "$root/test/accuracy/run_accuracy.py" --xnorc "$build/bin/xnorc" \
  --cxx "$cxx" --work "$work/run" --targets hls
