// The driver of bench/stem_ab.sh: A's and B's stem called alternately, CALLS times each after 5
// warm-up calls, on the same random input and weights; prints both medians, the median of the
// per-call B/A ratios and whether the outputs are bit-identical.
#include "stem_shape.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

void xn_stem_a(bool avx512, const float *x, const float *w, const float *bias, float *y);
void xn_stem_b(bool avx512, const float *x, const float *w, const float *bias, float *y);

static double seconds(void (*f)(bool, const float *, const float *, const float *, float *),
                      bool avx512, const std::vector<float> &x, const std::vector<float> &w,
                      const std::vector<float> &b, std::vector<float> &y) {
  const auto t0 = std::chrono::steady_clock::now();
  f(avx512, x.data(), w.data(), b.data(), y.data());
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "avx512") != 0 && strcmp(argv[1], "avx2") != 0) ||
      atoi(argv[2]) < 1) {
    fprintf(stderr, "usage: %s avx512|avx2 CALLS\n", argv[0]);
    return 2;
  }
  const bool avx512 = strcmp(argv[1], "avx512") == 0;
  if (avx512 ? !__builtin_cpu_supports("avx512f")
             : !__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) {
    printf("skipped: this CPU lacks %s\n", argv[1]);
    return 0;
  }
  const int calls = atoi(argv[2]);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(XN_STEM_IN), w(XN_STEM_W), b(64), ya(XN_STEM_OUT), yb(XN_STEM_OUT);
  for (float &v : x)
    v = u(rng);
  for (float &v : w)
    v = u(rng);
  for (float &v : b)
    v = u(rng);
  std::vector<double> ta, tb, ratio;
  for (int i = -5; i < calls; ++i) {
    const double a = seconds(xn_stem_a, avx512, x, w, b, ya);
    const double bt = seconds(xn_stem_b, avx512, x, w, b, yb);
    if (i < 0)
      continue;
    ta.push_back(a);
    tb.push_back(bt);
    ratio.push_back(bt / a);
  }
  const double ma = median(ta), mb = median(tb);
  printf("stem %s: A %.1f us (%.3g MAC/s), B %.1f us (%.3g MAC/s), B/A %.3f (median of %d "
         "alternating calls), outputs %s\n",
         argv[1], ma * 1e6, XN_STEM_MACS / ma, mb * 1e6, XN_STEM_MACS / mb, median(ratio), calls,
         memcmp(ya.data(), yb.data(), ya.size() * sizeof(float)) == 0 ? "bit-identical"
                                                                      : "DIFFERENT");
  return 0;
}
