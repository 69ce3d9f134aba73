#!/bin/sh
# A "C++ compiler" for scripts that build a program and then run it on this (x86) host,
# e.g. test/accuracy/run_accuracy.py --cxx: cross-compiles with the ARM cross compiler
# (static) into OUT.bin and writes OUT as a shell script that runs OUT.bin under qemu-user.
#
#   qemu-cxx.sh aarch64|aarch64-dotprod|armv7|armv6 [compiler args...] -o OUT
# The wrappers cxx-aarch64-qemu.sh / cxx-aarch64-dotprod-qemu.sh / cxx-armv7-qemu.sh /
# cxx-armv6-qemu.sh fix the first argument. aarch64-dotprod builds for the ARMv8.2 dot
# product (--target=neon-dotprod) and runs on qemu's "max" CPU, which has it. armv6 is a Pi Zero-class CPU (ARM1176: ARMv6 + VFP, no NEON): Debian's armel
# toolchain, whose libraries are ARMv5T, run by qemu as an arm1176 (an ARMv7-only
# instruction traps).
set -e
arch=$1
shift
case $arch in
aarch64) cxx=aarch64-linux-gnu-g++ flags="" qemu="qemu-aarch64 -L /usr/aarch64-linux-gnu" ;;
aarch64-dotprod) cxx=aarch64-linux-gnu-g++ flags="-march=armv8.2-a+dotprod"
       qemu="qemu-aarch64 -cpu max -L /usr/aarch64-linux-gnu" ;;
armv7) cxx=arm-linux-gnueabihf-g++ flags="-mfpu=neon -mfloat-abi=hard -Wno-psabi"
       qemu="qemu-arm -L /usr/arm-linux-gnueabihf" ;;
armv6) cxx=arm-linux-gnueabi-g++ flags="-march=armv6 -mfpu=vfp -mfloat-abi=softfp -marm -Wno-psabi"
       qemu="qemu-arm -cpu arm1176 -L /usr/arm-linux-gnueabi" ;;
*) echo "qemu-cxx.sh: unknown arch '$arch' (aarch64, aarch64-dotprod, armv7 or armv6)" >&2; exit 2 ;;
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
# Static, so qemu needs no library path, except with sanitizers (scripts/sanitize.sh passes
# -fsanitize=... in the arguments): ASan's runtime cannot be linked statically, and qemu's -L
# finds the cross toolchain's shared libasan / libubsan.
# LeakSanitizer stops the world with ptrace, which qemu-user does not emulate (every
# sanitized program would end in "LeakSanitizer has encountered a fatal error"): leaks are
# checked where the same code runs natively (the x86 suites; generated code never allocates).
link=-static
lsan=
case " $* " in *" -fsanitize="*)
  link=
  lsan='ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" '
  # armel's libasan calls 64-bit atomics that ARMv6 does not have: libatomic emulates them.
  [ "$arch" = armv6 ] && link=-latomic ;;
esac
$cxx $flags $link "$@"
abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out").bin"
printf '#!/bin/sh\n%sexec %s "%s" "$@"\n' "$lsan" "$qemu" "$abs" > "$out"
chmod +x "$out"
