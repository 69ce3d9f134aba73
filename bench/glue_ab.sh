#!/bin/bash
# The float glue layers that Bi-Real-18 and QuickNet run between their convs (x86 average pool
# 2x2/2 on Bi-Real's three shortcut shapes, threshold on its four residual-stream shapes, the 3x3/2
# depthwise conv on QuickNet's three blur-pool shapes; xn_<isa>_avgpool, xn_<isa>_threshold,
# xn_<isa>_dwconv) of two runtime include trees in one program, called alternately: a
# layer-level A/B of a runtime change that the host's drift cannot bias (the whole-model one is
# bench/interleaved_ab.sh).
#
#   bench/glue_ab.sh A_INCLUDE_DIR B_INCLUDE_DIR [avx512|avx2] [CALLS] [WORKDIR]
#
# Each *_INCLUDE_DIR holds xnorc/runtime/... (runtime/include of a checkout, e.g. a
# `git worktree` of an older commit, or a copy with an edit). Prints, per shape, both medians,
# the median per-call B/A (< 1: B is faster) and whether the outputs are bit-identical. Pin it
# (taskset -c 0) for stable numbers.
set -euo pipefail
[ $# -ge 2 ] || { sed -n 2,14p "$0"; exit 2; }
A=$1 B=$2 ISA=${3:-avx512} CALLS=${4:-400}
D=${5:-$(mktemp -d)}
S=$(cd "$(dirname "$0")/glue_ab" && pwd)
CXX=${CXX:-c++}
mkdir -p "$D"
$CXX -std=c++17 -O2 -c -I"$A" -DXN_AB_NS=xn_side_a -DXN_AB_POOL=xn_pool_a \
  -DXN_AB_THRESH=xn_thresh_a -DXN_AB_DW=xn_dw_a "$S/glue_side.cpp" -o "$D/a.o"
$CXX -std=c++17 -O2 -c -I"$B" -DXN_AB_NS=xn_side_b -DXN_AB_POOL=xn_pool_b \
  -DXN_AB_THRESH=xn_thresh_b -DXN_AB_DW=xn_dw_b "$S/glue_side.cpp" -o "$D/b.o"
$CXX -std=c++17 -O2 "$S/glue_ab_main.cpp" "$D/a.o" "$D/b.o" -o "$D/glue_ab"
"$D/glue_ab" "$ISA" "$CALLS"
