#!/bin/sh
# The detection app's errors (examples/detection/detect.cpp): each bad input exits 1 with
# one line "detect: <file>: error: <reason>" and leaves no output image (nor its temporary).
#   app_errors.sh DETECT DEMO.ppm WORKDIR
set -u
detect=$1 demo=$2 work=$3
rm -rf "$work" && mkdir -p "$work" || exit 1
failed=0 passed=0
# expect NAME PATTERN ARGS...: the app must exit 1, print PATTERN on stderr, write no out.ppm.
expect() {
  name=$1 pattern=$2
  shift 2
  rm -f "$work/out.ppm" "$work/out.ppm.tmp"
  "$detect" "$@" -o "$work/out.ppm" >"$work/stdout" 2>"$work/stderr"
  rc=$?
  if [ $rc -eq 1 ] && grep -q -- "$pattern" "$work/stderr" && [ ! -e "$work/out.ppm" ] &&
     [ ! -e "$work/out.ppm.tmp" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: exit $rc, stderr: $(cat "$work/stderr")"
  fi
}
printf 'P3\n64 64\n255\n' >"$work/p3.ppm"
printf 'P6\n64 64\n65535\n' >"$work/deep.ppm"
printf 'P6\n99999 2\n255\n' >"$work/huge.ppm"
printf 'P6\n64 64\n255\nabc' >"$work/short.ppm"
head -c 100 "$demo" >"$work/cut.ppm"
{ printf 'P6\n# a comment\n32 32\n255\n'; head -c 3072 /dev/zero; } >"$work/small.ppm"
expect missing "$work/none.ppm: error: cannot open" "$work/none.ppm"
expect p3 "p3.ppm: error: not a binary PPM (P6) file" "$work/p3.ppm"
expect maxval "deep.ppm: error: PPM maxval 65535 is not supported" "$work/deep.ppm"
expect huge "huge.ppm: error: bad PPM header" "$work/huge.ppm"
expect short "short.ppm: error: truncated PPM" "$work/short.ppm"
expect cut "cut.ppm: error: truncated PPM" "$work/cut.ppm"
expect size "small.ppm: error: image is 32x32, the model takes 64x64" "$work/small.ppm"
expect scale "error: '0' is not a number in 1..16" --scale 0 "$demo"
# An output that cannot be written: the error names it and nothing is left behind.
rm -f "$work/out.ppm"
"$detect" "$demo" -o "$work/no/such/dir/out.ppm" >/dev/null 2>"$work/stderr"
rc=$?
if [ $rc -eq 1 ] && grep -q "no/such/dir/out.ppm: error: cannot create" "$work/stderr"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL unwritable output: exit $rc, stderr: $(cat "$work/stderr")"
fi
echo "detection app errors: $passed passed, $failed failed"
[ $failed -eq 0 ]
