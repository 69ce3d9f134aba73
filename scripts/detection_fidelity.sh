#!/usr/bin/env bash
# The detector's fidelity on the whole synthetic test set (500 images; ctest's
# detection-fidelity checks the first 100): the detection app built for each x86 target
# against the compiled binary and float detectors gives PyTorch's detections and mAP
# (test/detection/run_detection.py). With --arm also the generic target on an ARMv6 + VFP
# (ARM1176) CPU, neon-armv7 and neon under qemu-user, all 500 images (a cross build and
# about a minute of qemu per model and target).
#   scripts/detection_fidelity.sh [--arm]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${XNORC_BUILD_DIR:-build}
work=$build/detection-fidelity
py=/usr/bin/python3
$py test/detection/run_detection.py --xnorc "$build/bin/xnorc" --work "$work/x86" \
  --targets generic,avx2,avx512
if [ "${1:-}" = --arm ]; then
  $py test/detection/run_detection.py --xnorc "$build/bin/xnorc" --work "$work/armv6" \
    --cxx test/neon/cxx-armv6-qemu.sh --targets generic
  $py test/detection/run_detection.py --xnorc "$build/bin/xnorc" --work "$work/armv7" \
    --cxx test/neon/cxx-armv7-qemu.sh --targets neon-armv7
  $py test/detection/run_detection.py --xnorc "$build/bin/xnorc" --work "$work/aarch64" \
    --cxx test/neon/cxx-aarch64-qemu.sh --targets neon
fi
