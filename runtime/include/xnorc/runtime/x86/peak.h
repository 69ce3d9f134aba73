// The ceilings of the x86 kernels (common/peak.h), measured with the kernels' own policies:
// the binary conv's weight format (common/oc_bconv_walk.h: an activation word's load_x and
// word_pop against 8 blocks' weights, and the fold where its accumulators are narrow) and the
// float convs' fma, so a ceiling is the rate of exactly the instructions a layer's kernel
// runs. Independent accumulators (8 binary, 12 float; unrolled, so they are registers) keep
// the loops throughput-bound; the empty asm makes the activation word's address (binary) and
// the multiplicand (float) opaque, so nothing is hoisted out of the loop.
#ifndef XNORC_RUNTIME_X86_PEAK_H
#define XNORC_RUNTIME_X86_PEAK_H

#include "../common/peak.h"
#include "../common/unroll.h"

#include <stdint.h>

template <class B> inline int64_t xn_x86_peak_xnor(long long iters) {
  typename B::acc a[8];
  typename B::word w[8];
  alignas(64) uint64_t words[8][B::STEP]; // one input word's weights, in the format's layout
  for (int i = 0; i < 8; ++i) {
    for (int k = 0; k < B::STEP; ++k)
      words[i][k] = 0x0123456789abcdefULL * static_cast<uint64_t>(i + 1) + static_cast<uint64_t>(k);
    B::zero_acc(a[i]);
    B::load_word(w[i], words[i]);
  }
  uint64_t x_word = 0x5555aaaa3333ccccULL;
  [[maybe_unused]] typename B::sum s[8]; // FOLD > 0 only
  if constexpr (B::FOLD > 0)
    for (int i = 0; i < 8; ++i)
      B::zero_sum(s[i]);
  // One activation word loaded (and, where the format splits it, split) per 8 word_pops, as
  // in a register tile of 8 blocks.
  for (long long n = 0; n < iters; ++n) {
    const uint64_t *xp = &x_word;
    __asm__ volatile("" : "+r"(xp));
    typename B::xvec x;
    B::load_x(x, xp);
    XN_UNROLL(16)
    for (int i = 0; i < 8; ++i)
      B::word_pop(a[i], x, w[i]);
    if constexpr (B::FOLD > 0)
      if ((n + 1) % B::FOLD == 0) {
        XN_UNROLL(16)
        for (int i = 0; i < 8; ++i)
          B::fold(s[i], a[i]);
      }
  }
  int64_t counts[B::L];
  int64_t total = 0;
  for (int i = 0; i < 8; ++i) {
    if constexpr (B::FOLD > 0) {
      B::fold(s[i], a[i]);
      B::store(counts, s[i]);
    } else {
      B::store(counts, a[i]);
    }
    total += counts[0];
  }
  return total;
}

template <class F> inline float xn_x86_peak_fma(long long iters) {
  typename F::vec a[12], x, y;
  F::set1(x, 1.0001f);
  F::set1(y, 0.9999f);
  for (int i = 0; i < 12; ++i)
    F::set1(a[i], static_cast<float>(i));
  for (long long n = 0; n < iters; ++n) {
    XN_UNROLL(16)
    for (int i = 0; i < 12; ++i)
      F::fma(a[i], x, y);
    __asm__ volatile("" : "+v"(x));
  }
  alignas(64) float lanes[F::L];
  float total = 0;
  for (int i = 0; i < 12; ++i) {
    F::store_aligned(lanes, a[i]);
    total += lanes[0];
  }
  return total;
}

// xn_peak_ceilings() of one ISA: the loops compiled for it (flatten inlines the policies).
#define XN_X86_PEAK_CEILINGS(Isa, BinaryFmt, FloatPolicy, BinaryTarget, FloatTarget)               \
  BinaryTarget __attribute__((flatten)) inline int64_t xn_##Isa##_peak_xnor(long long iters) {     \
    return xn_x86_peak_xnor<BinaryFmt>(iters);                                                     \
  }                                                                                                \
  FloatTarget __attribute__((flatten)) inline float xn_##Isa##_peak_fma(long long iters) {         \
    return xn_x86_peak_fma<FloatPolicy>(iters);                                                    \
  }                                                                                                \
  inline void xn_peak_ceilings(double *binary_macs_per_s, double *float_macs_per_s) {              \
    volatile int64_t bits_sink = 0;                                                                \
    volatile float float_sink = 0;                                                                 \
    *binary_macs_per_s =                                                                           \
        xn_peak_rate([&](long long n) { bits_sink = bits_sink + xn_##Isa##_peak_xnor(n); },        \
                     8.0 * 64 * BinaryFmt::L);                                                     \
    *float_macs_per_s =                                                                            \
        xn_peak_rate([&](long long n) { float_sink = float_sink + xn_##Isa##_peak_fma(n); },       \
                     12.0 * FloatPolicy::L);                                                       \
  }

#endif // XNORC_RUNTIME_X86_PEAK_H
