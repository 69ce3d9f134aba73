#!/usr/bin/env bash
# Configures and builds xnorc into ${XNORC_BUILD_DIR:-build}.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${XNORC_BUILD_DIR:-build}
# Configure on every run, not only the first: tools found at configure time (the cross
# compilers, qemu, node) may have been installed since (scripts/demo.sh configures before
# scripts/setup.sh test installs them), and CMake searches again for what it did not find.
if [ -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build"
