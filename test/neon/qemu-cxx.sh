#!/bin/sh
# A "C++ compiler" for scripts that build a program and then run it on this (x86) host,
# e.g. test/accuracy/run_accuracy.py --cxx: cross-compiles with the ARM cross compiler
# (static) into OUT.bin and writes OUT as a shell script that runs OUT.bin under qemu-user.
#
#   qemu-cxx.sh aarch64|armv7 [compiler args...] -o OUT
# The wrappers cxx-aarch64-qemu.sh / cxx-armv7-qemu.sh fix the first argument.
set -e
arch=$1
shift
case $arch in
aarch64) cxx=aarch64-linux-gnu-g++ flags="" qemu="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
armv7) cxx=arm-linux-gnueabihf-g++ flags="-mfpu=neon -mfloat-abi=hard -Wno-psabi"
       qemu="qemu-arm -L /usr/arm-linux-gnueabihf" ;;
*) echo "qemu-cxx.sh: unknown arch '$arch' (aarch64 or armv7)" >&2; exit 2 ;;
esac
out=
prev=
for a in "$@"; do
  [ "$prev" = "-o" ] && out=$a
  prev=$a
done
if [ -z "$out" ]; then
  exec $cxx $flags "$@"
fi
# Same arguments with OUT replaced by OUT.bin.
n=$#
i=0
prev=
for a in "$@"; do
  i=$((i + 1))
  if [ "$prev" = "-o" ]; then set -- "$@" "$out.bin"; else set -- "$@" "$a"; fi
  prev=$a
done
shift $n
$cxx $flags -static "$@"
abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out").bin"
printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$qemu" "$abs" > "$out"
chmod +x "$out"
