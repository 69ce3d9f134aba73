#!/bin/bash
# Two builds of one model in one program, called alternately, call by call: an A/B that the
# host's drift cannot bias (the development VM's speed moves by up to 1.3x for minutes at a
# time; docs/Benchmarks.md, session 22).
#
#   bench/interleaved_ab.sh MODEL.onnx TARGET CALLS "XNORC ARGS A" "XNORC ARGS B" [WORKDIR]
#
# Compiles MODEL twice with xnorc (build/bin/xnorc, or $XNORC) as models `va` and `vb`, links
# both with a driver into one program (c++ -std=c++17 -O2) and runs it: per round an untimed
# call of A, a timed one, then the same for B (the untimed call lets the other model's idle
# --threads workers stop spinning, common/team.h, and wakes this one's), CALLS rounds after 5
# warm-up rounds, on a fixed input. Prints both medians and B/A (< 1: B is faster).
#
# A runtime change (the kernels are embedded in the generated code, each model's in a namespace
# of its own): A_SED, if set, is a sed script applied to A's generated va.cpp, e.g.
#   A_SED='s/PX = 1, PX_WORDS = 1 << 30/PX = 0, PX_WORDS = 1 << 30/' (B as built, A without);
# the run stops if the script changes nothing.
# A compiler change (e.g. a weight packing): XNORC_A, if set, is the xnorc that compiles A
# (B: XNORC or build/bin/xnorc).
set -euo pipefail
[ $# -ge 5 ] || { sed -n 2,12p "$0"; exit 2; }
MODEL=$1 TARGET=$2 CALLS=$3 A=$4 B=$5
D=${6:-$(mktemp -d)}
XNORC=${XNORC:-$(dirname "$0")/../build/bin/xnorc}
mkdir -p "$D"
# shellcheck disable=SC2086 # the option strings are word lists
"${XNORC_A:-$XNORC}" "$MODEL" --target="$TARGET" -o "$D" --name va --quiet $A
# shellcheck disable=SC2086
"$XNORC" "$MODEL" --target="$TARGET" -o "$D" --name vb --quiet $B
if [ -n "${A_SED:-}" ]; then
  cp "$D/va.cpp" "$D/va.orig"
  sed -i "$A_SED" "$D/va.cpp"
  if cmp -s "$D/va.cpp" "$D/va.orig"; then
    echo "A_SED changed nothing in va.cpp" >&2
    exit 2
  fi
  rm "$D/va.orig"
fi
size() { sed -n "s/#define VA_$1_SIZE \([0-9]*\).*/\1/p" "$D/va.h"; }
grep -q '^#define VA_NUM_INPUTS 1$' "$D/va.h" && grep -q '^#define VA_NUM_OUTPUTS 1$' "$D/va.h" || { echo "$MODEL: one input and one output only" >&2; exit 2; }
cat > "$D/main.cpp" <<EOC
#include "va.h"
#include "vb.h"
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>
int main() {
  std::vector<float> in($(size INPUT0)), out($(size OUTPUT0));
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = (float)((i * 2654435761u) % 1000) / 500.0f - 1.0f;
  const size_t bytes = VA_ARENA_BYTES > VB_ARENA_BYTES ? VA_ARENA_BYTES : VB_ARENA_BYTES;
  void *arena = aligned_alloc(64, (bytes + 63) / 64 * 64 + 64);
  const float *ins[] = {in.data()};
  float *outs[] = {out.data()};
  std::vector<double> t[2];
  for (int r = 0; r < $CALLS + 5; ++r)
    for (int v = 0; v < 2; ++v) {
      (void)(v ? vb_run(ins, outs, arena) : va_run(ins, outs, arena));
      const auto t0 = std::chrono::steady_clock::now();
      const int rc = v ? vb_run(ins, outs, arena) : va_run(ins, outs, arena);
      const auto t1 = std::chrono::steady_clock::now();
      if (rc != 0) {
        printf("model %c returned %d\n", 'A' + v, rc);
        return 1;
      }
      if (r >= 5)
        t[v].push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
  for (auto &x : t)
    std::sort(x.begin(), x.end());
  const double a = t[0][t[0].size() / 2], b = t[1][t[1].size() / 2];
  printf("A %.3f ms, B %.3f ms (medians of %d alternating calls), B/A %.3f\n", a, b, $CALLS, b / a);
}
EOC
c++ -std=c++17 -O2 -o "$D/prog" "$D"/*.cpp -lpthread
"$D/prog"
