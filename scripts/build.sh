#!/usr/bin/env bash
# Configures and builds xnorc into ${XNORC_BUILD_DIR:-build}.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${XNORC_BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build"
