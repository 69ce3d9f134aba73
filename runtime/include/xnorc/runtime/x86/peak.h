// The ceilings of the x86 kernels (common/peak.h), measured with the kernels' own policies:
// the binary conv's xor_pop (and fold, where its accumulators are narrow) and the float
// convs' fma, so a ceiling is the rate of exactly the instructions a layer's kernel runs.
// Independent accumulators (8 binary, 12 float; unrolled, so they are registers) keep the
// loops throughput-bound; the empty asm makes the broadcast operand opaque, so nothing is
// hoisted out of the loop.
#ifndef XNORC_RUNTIME_X86_PEAK_H
#define XNORC_RUNTIME_X86_PEAK_H

#include "../common/peak.h"
#include "../common/unroll.h"

#include <stdint.h>

template <class B> inline int64_t xn_x86_peak_xnor(long long iters) {
  typename B::acc a[8];
  typename B::wvec w[8], x;
  for (int i = 0; i < 8; ++i) {
    B::zero_acc(a[i]);
    B::bcast_value(w[i], 0x0123456789abcdefULL * static_cast<uint64_t>(i + 1));
  }
  B::bcast_value(x, 0x5555aaaa3333ccccULL);
  int64_t counts[B::L];
  int64_t total = 0;
  if constexpr (B::FOLD > 0) {
    typename B::sum s[8];
    for (int i = 0; i < 8; ++i)
      B::zero_sum(s[i]);
    for (long long n = 0; n < iters; ++n) {
      XN_UNROLL(16)
      for (int i = 0; i < 8; ++i)
        B::xor_pop(a[i], x, w[i]);
      __asm__ volatile("" : "+v"(x));
      if ((n + 1) % B::FOLD == 0) {
        XN_UNROLL(16)
        for (int i = 0; i < 8; ++i)
          B::fold(s[i], a[i]);
      }
    }
    for (int i = 0; i < 8; ++i) {
      B::fold(s[i], a[i]);
      B::store(counts, s[i]);
      total += counts[0];
    }
  } else {
    for (long long n = 0; n < iters; ++n) {
      XN_UNROLL(16)
      for (int i = 0; i < 8; ++i)
        B::xor_pop(a[i], x, w[i]);
      __asm__ volatile("" : "+v"(x));
    }
    for (int i = 0; i < 8; ++i) {
      B::store(counts, a[i]);
      total += counts[0];
    }
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
#define XN_X86_PEAK_CEILINGS(Isa, BinaryIsa, FloatPolicy, BinaryTarget, FloatTarget)               \
  BinaryTarget __attribute__((flatten)) inline int64_t xn_##Isa##_peak_xnor(long long iters) {     \
    return xn_x86_peak_xnor<BinaryIsa>(iters);                                                     \
  }                                                                                                \
  FloatTarget __attribute__((flatten)) inline float xn_##Isa##_peak_fma(long long iters) {         \
    return xn_x86_peak_fma<FloatPolicy>(iters);                                                    \
  }                                                                                                \
  inline void xn_peak_ceilings(double *binary_macs_per_s, double *float_macs_per_s) {              \
    volatile int64_t bits_sink = 0;                                                                \
    volatile float float_sink = 0;                                                                 \
    *binary_macs_per_s =                                                                           \
        xn_peak_rate([&](long long n) { bits_sink = bits_sink + xn_##Isa##_peak_xnor(n); },        \
                     8.0 * 64 * BinaryIsa::L);                                                     \
    *float_macs_per_s =                                                                            \
        xn_peak_rate([&](long long n) { float_sink = float_sink + xn_##Isa##_peak_fma(n); },       \
                     12.0 * FloatPolicy::L);                                                       \
  }

#endif // XNORC_RUNTIME_X86_PEAK_H
