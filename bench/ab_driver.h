// What the layer-level A/B drivers share (bench/stem_ab.sh, bench/glue_ab.sh): their command
// line (ISA and call count, a skip where the CPU lacks the ISA) and the alternating timing.
#ifndef XNORC_BENCH_AB_DRIVER_H
#define XNORC_BENCH_AB_DRIVER_H

#include <algorithm>
#include <chrono>
#include <random>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

struct xn_ab_args {
  bool avx512;
  int calls;
};

// argv: avx512|avx2 CALLS. Returns -1 to go on (*a set), or the exit code: 2 for a bad command
// line, 0 (after saying so) where this CPU lacks the ISA (AVX2 with FMA if avx2_fma).
inline int xn_ab_parse(int argc, char **argv, bool avx2_fma, xn_ab_args *a) {
  if (argc != 3 || (strcmp(argv[1], "avx512") != 0 && strcmp(argv[1], "avx2") != 0) ||
      atoi(argv[2]) < 1) {
    fprintf(stderr, "usage: %s avx512|avx2 CALLS\n", argv[0]);
    return 2;
  }
  a->avx512 = strcmp(argv[1], "avx512") == 0;
  a->calls = atoi(argv[2]);
  if (a->avx512 ? !__builtin_cpu_supports("avx512f")
                : !__builtin_cpu_supports("avx2") || (avx2_fma && !__builtin_cpu_supports("fma"))) {
    printf("skipped: this CPU lacks %s\n", argv[1]);
    return 0;
  }
  return -1;
}

// Each of vs filled with uniform random numbers in [-1, 1) from rng, in order.
template <class... V> inline void xn_ab_fill(std::mt19937 &rng, V &...vs) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (std::vector<float> *v : {&vs...})
    for (float &x : *v)
      x = u(rng);
}

inline double xn_ab_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

struct xn_ab_times {
  double a, b, ratio; // medians: A's and B's seconds per call, the per-call B / A
};

// a() and b() called alternately, `calls` times each after 5 warm-up calls.
template <class A, class B> inline xn_ab_times xn_ab_alternate(int calls, A a, B b) {
  std::vector<double> ta, tb, ratio;
  for (int i = -5; i < calls; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    a();
    const auto t1 = std::chrono::steady_clock::now();
    b();
    const auto t2 = std::chrono::steady_clock::now();
    if (i < 0)
      continue;
    ta.push_back(std::chrono::duration<double>(t1 - t0).count());
    tb.push_back(std::chrono::duration<double>(t2 - t1).count());
    ratio.push_back(tb.back() / ta.back());
  }
  return {xn_ab_median(ta), xn_ab_median(tb), xn_ab_median(ratio)};
}

#endif
