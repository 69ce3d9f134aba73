#!/usr/bin/env bash
# Installs what xnorc needs from Debian's packages, idempotently (already
# installed packages are skipped, so a second run takes a second).
#   scripts/setup.sh build   compiler toolchain and libraries
#   scripts/setup.sh demo    build + numpy for the demo's readable output
#   scripts/setup.sh test    build + everything the test suites use
set -euo pipefail

build_pkgs=(cmake ninja-build g++ clang llvm-14-dev llvm-14-tools libonnx-dev libprotobuf-dev
            protobuf-compiler libfmt-dev libzstd-dev libgtest-dev)
demo_pkgs=(python3-numpy)
test_pkgs=(python3-numpy python3-onnx python3-torch python3-torchvision libonnx-testdata
           dataset-fashion-mnist
           g++-aarch64-linux-gnu g++-arm-linux-gnueabihf g++-arm-linux-gnueabi qemu-user)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  demo) want=("${build_pkgs[@]}" "${demo_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|demo|test" >&2; exit 2 ;;
esac

# ONNX Runtime comes from npm: a bare Debian needs Debian's nodejs and npm; a machine that
# already has node and npm (e.g. from another Node.js distribution) keeps its own.
if [ "${1:-build}" = test ] && ! { command -v node && command -v npm; } >/dev/null; then
  want+=(nodejs npm)
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: all ${#want[@]} packages present"

# ONNX Runtime for the oracle tests, from npm (its CUDA download is skipped: offline-safe).
if [ "${1:-build}" = test ] && [ ! -d "$(dirname "$0")/../node_modules/onnxruntime-node" ]; then
  echo "setup: npm ci (onnxruntime-node)"
  (cd "$(dirname "$0")/.." && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund >/dev/null)
fi
