// The ceilings of the portable kernels (common/peak.h): 64-bit xor + xn_popcount64 and
// scalar float multiply-adds, as the generic target's kernels do them (a NEON build takes
// these too until NEON has loops of its own; pass --ceilings for other numbers).
#ifndef XNORC_RUNTIME_GENERIC_PEAK_H
#define XNORC_RUNTIME_GENERIC_PEAK_H

#include "../common/peak.h"
#include "../common/unroll.h"
#include "xn_common.h"

// Four xor + popcount chains of 64 bits per iteration. x is made opaque every iteration
// (an empty asm, or a volatile read without GNU C), so the compiler can neither hoist the
// popcounts out of the loop nor fold them.
inline uint64_t xn_generic_peak_xnor(long long iters) {
  uint64_t acc[4] = {0, 0, 0, 0};
  const uint64_t w[4] = {0x0123456789abcdefULL, 0x5555aaaa3333ccccULL, 0xf0f0f0f00f0f0f0fULL, 7};
  uint64_t x = 0x5a5a5a5aa5a5a5a5ULL;
  for (long long n = 0; n < iters; ++n) {
    XN_UNROLL(16)
    for (int i = 0; i < 4; ++i)
      acc[i] += static_cast<uint64_t>(xn_popcount64(x ^ w[i]));
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+r"(x));
#else
    x = *static_cast<volatile uint64_t *>(&x);
#endif
  }
  return acc[0] + acc[1] + acc[2] + acc[3];
}

// Eight independent multiply-add chains per iteration: each is a recurrence in float
// arithmetic, which the compiler may not reassociate, so it is computed as written.
inline float xn_generic_peak_fma(long long iters) {
  float acc[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  float x = 1.0001f;
  const float y = 0.9999f;
  for (long long n = 0; n < iters; ++n) {
    XN_UNROLL(16)
    for (int i = 0; i < 8; ++i)
      acc[i] = acc[i] * x + y;
  }
  return acc[0] + acc[1] + acc[2] + acc[3] + acc[4] + acc[5] + acc[6] + acc[7];
}

inline void xn_peak_ceilings(double *binary_macs_per_s, double *float_macs_per_s) {
  volatile uint64_t bits_sink = 0;
  volatile float float_sink = 0;
  *binary_macs_per_s =
      xn_peak_rate([&](long long n) { bits_sink = bits_sink + xn_generic_peak_xnor(n); }, 4 * 64);
  *float_macs_per_s =
      xn_peak_rate([&](long long n) { float_sink = float_sink + xn_generic_peak_fma(n); }, 8);
}

#endif // XNORC_RUNTIME_GENERIC_PEAK_H
