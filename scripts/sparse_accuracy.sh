#!/bin/sh
# The ternary and pruned Fashion-MNIST models (examples/fashion_mnist/train_sparse.py)
# compiled for generic, avx2 and avx512 on all 10,000 test images, and for the ARM targets
# under qemu-user on the first 2,000, against PyTorch's predictions (the ctest suite
# fashion-accuracy-sparse runs the first 1,000 on x86).
# Usage: scripts/sparse_accuracy.sh [BUILD_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work="${TMPDIR:-/tmp}/xnorc-sparse-accuracy"
models=ternary,pruned50,pruned75,pruned90
/usr/bin/python3 "$root/test/accuracy/run_accuracy.py" --xnorc "$build/bin/xnorc" \
  --cxx "${CXX:-c++}" --work "$work/x86" --targets generic,avx2,avx512 --models "$models" \
  --xnorc-arg=--target-opt=sparse=on
for arch in aarch64 armv7; do
  target=neon
  [ "$arch" = armv7 ] && target=neon-armv7
  /usr/bin/python3 "$root/test/accuracy/run_accuracy.py" --xnorc "$build/bin/xnorc" \
    --cxx "$root/test/neon/cxx-$arch-qemu.sh" --work "$work/$arch" --targets "$target" \
    --limit 2000 --models "$models"
done
