// Packing between float tensors and xnorc's binary (b1) layout, plus the bit helpers the
// other binary kernels share.
//
// Layout: a b1 value is +1 (bit 0) or -1 (bit 1), the encoding a float's sign bit gives.
// Bits run along the channel dim in uint64_t words, channel c at bit c % 64 of word c / 64,
// and the channel words are the innermost storage dim: NCHW is stored [N][H][W][CW] with
// CW = ceil(C / 64). Tail bits past the last channel are 0 in every operand, and every
// kernel writes them as 0, so XOR-popcount never counts them.
#ifndef XNORC_RUNTIME_GENERIC_BITPACK_H
#define XNORC_RUNTIME_GENERIC_BITPACK_H

#include "xn_common.h"

inline int64_t xn_bit_words(int64_t channels) { return (channels + 63) / 64; }

// Valid-channel mask of word j of a packed vector of `channels` bits.
inline uint64_t xn_bit_word_mask(int64_t channels, int64_t j) {
  const int64_t rem = channels - j * 64;
  return rem >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << rem) - 1);
}

// Sum of popcount(a[i] ^ b[i]); two accumulators keep two popcounts in flight.
inline int64_t xn_popcount_xor(const uint64_t *a, const uint64_t *b, int64_t n) {
  int64_t s0 = 0, s1 = 0, i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += xn_popcount64(a[i] ^ b[i]);
    s1 += xn_popcount64(a[i + 1] ^ b[i + 1]);
  }
  if (i < n)
    s0 += xn_popcount64(a[i] ^ b[i]);
  return s0 + s1;
}

inline int64_t xn_popcount_words(const uint64_t *a, int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i < n; ++i)
    s += xn_popcount64(a[i]);
  return s;
}

// The float epilogue of a binary layer's output m of element idx, act(scale[m] * d + bias[m]
// + residual[idx]) (scale NULL: 1, bias NULL: 0, residual NULL: none), rounded as every
// kernel rounds it: the product, the sum, the residual's sum, the activation.
inline float xn_binary_epilogue(int32_t act_kind, float act_alpha, float act_beta,
                                const float *scale, const float *bias, const float *residual,
                                int64_t m, int64_t idx, int64_t d) {
  float v = (scale ? scale[m] : 1.0f) * (float)d + (bias ? bias[m] : 0.0f);
  if (residual)
    v += residual[idx];
  return xn_act_apply(act_kind, act_alpha, act_beta, v);
}

#define XN_THRESHOLD_PARAMS(F, A)                                                                  \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, spatial) /* product of the spatial dims (1 for a rank-2 [N, C] tensor) */
XN_DECLARE_PARAMS(xn_threshold_params, XN_THRESHOLD_PARAMS)

// The packing walk the threshold kernels share: element i of [n][c][spatial] (i counted over
// the whole tensor) becomes the bit minus_one(c, i) (1 = -1) of channel c at its pixel in
// [n][spatial][ceil(c/64)], tail bits 0. Channel-outer: x is read contiguously and each channel
// ORs one bit into a word per pixel.
template <class MinusOne>
inline void xn_pack_channels(int64_t n, int64_t c, int64_t spatial, uint64_t *y,
                             MinusOne minus_one) {
  const int64_t cw = xn_bit_words(c);
  for (int64_t b = 0; b < n; ++b) {
    uint64_t *yn = y + b * spatial * cw;
    for (int64_t i = 0; i < spatial * cw; ++i)
      yn[i] = 0;
    for (int64_t ch = 0; ch < c; ++ch) {
      const int64_t base = (b * c + ch) * spatial;
      uint64_t *yc = yn + ch / 64;
      const int shift = (int)(ch % 64);
      for (int64_t s = 0; s < spatial; ++s)
        yc[s * cw] |= (uint64_t)minus_one(ch, base + s) << shift;
    }
  }
}

// x is float [n][c][spatial]. Output bit is 0 (+1) where
// (dir[c] > 0 ? x >= tau[c] : x <= tau[c]), else 1 (-1). tau NULL means all 0 and dir NULL
// means all +1, which together give sign(x) with sign(0) = +1 (XNOR-MATH.md, trap 1).
// Written as "not (comparison)" so a NaN, which fails every comparison, becomes -1.
// Output [n][spatial][ceil(c/64)], tail bits 0.
inline void xn_threshold(const xn_threshold_params *p, const float *x, const float *tau,
                         const float *dir, uint64_t *y) {
  xn_pack_channels(p->n, p->c, p->spatial, y, [=](int64_t c, int64_t i) {
    const float t = tau ? tau[c] : 0.0f;
    return (dir ? dir[c] > 0.0f : true) ? !(x[i] >= t) : !(x[i] <= t);
  });
}

#define XN_UNPACK_PARAMS(F, A)                                                                     \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, spatial)
XN_DECLARE_PARAMS(xn_unpack_params, XN_UNPACK_PARAMS)

// Inverse of the layout: packed [n][spatial][ceil(c/64)] to float [n][c][spatial] of +1/-1.
inline void xn_unpack(const xn_unpack_params *p, const uint64_t *x, float *y) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  for (int64_t n = 0; n < p->n; ++n) {
    const uint64_t *xn = x + n * s_n * cw;
    for (int64_t c = 0; c < p->c; ++c) {
      const uint64_t *xc = xn + c / 64;
      const int shift = (int)(c % 64);
      float *yc = y + (n * p->c + c) * s_n;
      for (int64_t s = 0; s < s_n; ++s)
        yc[s] = ((xc[s * cw] >> shift) & 1) ? -1.0f : 1.0f;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_BITPACK_H
