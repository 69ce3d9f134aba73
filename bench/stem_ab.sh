#!/bin/bash
# The fused stem layer (x86 conv 7x7/2 + max-pool 3x3/2, Bi-Real-18's and ResNet-18's shapes,
# xn_<isa>_conv_max_pool) of two runtime include trees in one program, called alternately: a
# layer-level A/B of a runtime change that the host's drift cannot bias (the whole-model one is
# bench/interleaved_ab.sh).
#
#   bench/stem_ab.sh A_INCLUDE_DIR B_INCLUDE_DIR [avx512|avx2] [CALLS] [WORKDIR]
#
# Each *_INCLUDE_DIR holds xnorc/runtime/... (runtime/include of a checkout, or a copy with an
# edit); A_CXXFLAGS / B_CXXFLAGS, if set, are added to that side's compile (e.g. -DSOME_KNOB=1;
# -DXN_AB_WINOGRAD: that side runs the ISA's Winograd stem, x86/<isa>_winograd_stem.h, whose
# outputs differ from the direct kernel's by rounding: the largest difference is printed).
# Prints both medians, their MAC/s (118 M MACs per call), the median per-call B/A (< 1: B is
# faster) and whether the outputs are bit-identical. Pin it (taskset -c 0) for stable numbers.
set -euo pipefail
[ $# -ge 2 ] || { sed -n 2,12p "$0"; exit 2; }
A=$1 B=$2 ISA=${3:-avx512} CALLS=${4:-300}
D=${5:-$(mktemp -d)}
S=$(cd "$(dirname "$0")/stem_ab" && pwd)
CXX=${CXX:-c++}
mkdir -p "$D"
# shellcheck disable=SC2086 # the flag strings are word lists
$CXX -std=c++17 -O2 -c -I"$A" -I"$S" -DXN_AB_NS=xn_side_a -DXN_AB_FN=xn_stem_a ${A_CXXFLAGS:-} \
  "$S/stem_side.cpp" -o "$D/a.o"
# shellcheck disable=SC2086
$CXX -std=c++17 -O2 -c -I"$B" -I"$S" -DXN_AB_NS=xn_side_b -DXN_AB_FN=xn_stem_b ${B_CXXFLAGS:-} \
  "$S/stem_side.cpp" -o "$D/b.o"
$CXX -std=c++17 -O2 -I"$S" "$S/stem_ab_main.cpp" "$D/a.o" "$D/b.o" -o "$D/stem_ab"
"$D/stem_ab" "$ISA" "$CALLS"
