#!/usr/bin/env bash
# Compile time of xnorc against graph size (docs/Benchmarks.md, "Compile time").
#
#   bench/compile_time.sh [--xnorc PATH] [--before PATH] [--sizes "2000 8000 32000"]
#                         [--timeout SECONDS]
#
# Generates chain graphs of Relu/Add (scripts/gen_chain_model.py) with the given op
# counts and times `xnorc MODEL -o TMPDIR --quiet` (default pipeline, generic
# target, C++ written to a temporary directory): wall and CPU (user + sys) time,
# the run with the least CPU time of 3 for runs under 10 s, else one run. On a
# shared machine the CPU time is the steadier number. With --before, an older binary is timed in the same run, for
# a before/after table. A run that exceeds --timeout (default 300 s) is shown as
# "> N s".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
xnorc=$root/build/bin/xnorc
before=
sizes="2000 8000 32000"
limit=300
while [ $# -gt 0 ]; do
  case $1 in
  --xnorc) xnorc=$2; shift 2 ;;
  --before) before=$2; shift 2 ;;
  --sizes) sizes=$2; shift 2 ;;
  --timeout) limit=$2; shift 2 ;;
  *) echo "usage: $0 [--xnorc PATH] [--before PATH] [--sizes \"N ...\"] [--timeout S]" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "WALL CPU" seconds (CPU = user + sys) of one compile of model $2 by binary $1,
# or "> limit".
time_once() {
  if ! /usr/bin/time -f "%e %U %S" -o "$work/time" timeout "$limit" "$1" "$2" -o "$work/out" \
    --quiet; then
    rm -rf "$work/out"
    echo "> $limit"
    return
  fi
  rm -rf "$work/out"
  awk '{printf "%.2f %.2f", $1, $2 + $3}' "$work/time"
}

# Best of 3 (by CPU time) for runs under 10 s; one run otherwise.
time_best() {
  local best t
  best=$(time_once "$1" "$2")
  case $best in ">"*) echo "$best"; return ;; esac
  if awk -v t="${best% *}" 'BEGIN { exit !(t < 10) }'; then
    for _ in 1 2; do
      t=$(time_once "$1" "$2")
      best=$(awk -v a="$best" -v b="$t" 'BEGIN { split(a, x, " "); split(b, y, " ");
                                               print (y[2] < x[2] ? b : a) }')
    done
  fi
  echo "$best" | awk '{printf "%s (%s)", $1, $2}'
}

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p')"
echo "seconds: wall (CPU = user + sys)"
if [ -n "$before" ]; then
  printf "%8s  %16s  %16s\n" ops before after
else
  printf "%8s  %16s\n" ops time
fi
for n in $sizes; do
  model=$work/chain$n.onnx
  /usr/bin/python3 "$root/scripts/gen_chain_model.py" "$n" "$model"
  after=$(time_best "$xnorc" "$model")
  if [ -n "$before" ]; then
    printf "%8s  %16s  %16s\n" "$n" "$(time_best "$before" "$model")" "$after"
  else
    printf "%8s  %16s\n" "$n" "$after"
  fi
done
