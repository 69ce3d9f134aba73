// Float -> packed bits (xn_threshold) for ARM NEON, 4 pixels per q-register.
//
// x is NCHW float, the output [n][spatial][cw]: a channel's 4 consecutive pixels load as
// one vector, vcgeq_f32 / vcleq_f32 against the channel's threshold gives an all-ones lane
// where the bit is 0 (+1), and vsriq_n_u32(mask, acc, 1) shifts the accumulator right by
// one while inserting the mask's top bit as bit 31: after 32 channels, bit k of lane i is
// "channel k of pixel i compares true". One inversion then gives the packed bits, so a
// NaN (every comparison false) is -1, as in the generic kernel. 3 instructions per 4
// values (load, compare, insert). Pixels past the last multiple of 4 take the generic loop.
// Same contract as xn_threshold (generic/bitpack.h), bit for bit.
#ifndef XNORC_RUNTIME_NEON_BITPACK_H
#define XNORC_RUNTIME_NEON_BITPACK_H

#include "common.h"

// Channels [c0, c0 + cnt) (cnt <= 32) of pixels s .. s + 3 as the low cnt bits of 4 lanes.
inline uint32x4_t xn_neon_threshold_bits32(const float *xs, int64_t s_n, int64_t c0, int64_t cnt,
                                           const float *tau, const float *dir) {
  uint32x4_t acc = vdupq_n_u32(0);
  for (int64_t k = 0; k < cnt; ++k) {
    const int64_t c = c0 + k;
    const float32x4_t v = vld1q_f32(xs + c * s_n);
    const float32x4_t t = vdupq_n_f32(tau ? tau[c] : 0.0f);
    const uint32x4_t ok = (dir == NULL || dir[c] > 0.0f) ? vcgeq_f32(v, t) : vcleq_f32(v, t);
    acc = vsriq_n_u32(ok, acc, 1);
  }
  // Bit 31 - (cnt - 1 - k) holds channel k: invert (bit 1 = -1) and align to bit 0.
  acc = vmvnq_u32(acc);
  return cnt == 32 ? acc : vshlq_u32(acc, vdupq_n_s32((int32_t)(cnt - 32)));
}

inline void xn_neon_threshold(const xn_threshold_params *p, const float *x, const float *tau,
                              const float *dir, uint64_t *y) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  const int64_t s_vec = s_n & ~(int64_t)3;
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t s = 0; s < s_vec; s += 4) {
      for (int64_t j = 0; j < cw; ++j) {
        const int64_t c0 = j * 64;
        const int64_t rem = p->c - c0 < 64 ? p->c - c0 : 64;
        alignas(16) uint32_t lo[4], hi[4] = {0, 0, 0, 0};
        vst1q_u32(lo, xn_neon_threshold_bits32(xn + s, s_n, c0, rem < 32 ? rem : 32, tau, dir));
        if (rem > 32)
          vst1q_u32(hi, xn_neon_threshold_bits32(xn + s, s_n, c0 + 32, rem - 32, tau, dir));
        for (int i = 0; i < 4; ++i)
          yn[(s + i) * cw + j] = (uint64_t)lo[i] | ((uint64_t)hi[i] << 32);
      }
    }
    // Remaining pixels: the generic loop.
    for (int64_t s = s_vec; s < s_n; ++s) {
      uint64_t *ys = yn + s * cw;
      for (int64_t j = 0; j < cw; ++j)
        ys[j] = 0;
      for (int64_t c = 0; c < p->c; ++c) {
        const float v = xn[c * s_n + s];
        const float t = tau ? tau[c] : 0.0f;
        const bool ge = dir ? dir[c] > 0.0f : true;
        const bool bit = ge ? !(v >= t) : !(v <= t);
        ys[c / 64] |= (uint64_t)bit << (c % 64);
      }
    }
  }
}

#endif // XNORC_RUNTIME_NEON_BITPACK_H
