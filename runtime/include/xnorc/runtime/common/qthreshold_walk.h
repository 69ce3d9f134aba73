// The SIMD qthreshold kernels (x86/qthreshold.h: AVX2, AVX-512; neon/qthreshold.h):
// generic/qthreshold.h's xn_qthreshold, bit for bit, on byte vectors of L pixels. One walk; an
// ISA brings its byte-lane policy.
//
// Arithmetic. The generic kernel's bit is 1 (-1) where q < t (dir >= 0) or q > t (dir < 0),
// with q in u8 or i8 and t any int32. Shifting u8 to i8 (s = q ^ 0x80 = q - 128, and t - 128)
// keeps the order, so every channel becomes one signed byte compare: bit = (T > s) ^ flip,
// with (xn_qthreshold_bound, in int64 so no t overflows):
//   dir >= 0:  q < t  <=>  t > s               T = t,      flip = 0   (t in [-127, 127])
//   dir <  0:  q > t  <=>  !(t + 1 > s)        T = t + 1,  flip = 1   (t in [-128, 126])
// and a t past the byte range makes the channel constant: never -1 is T = -128, flip = 0
// (nothing is below -128), always -1 is T = -128, flip = 1.
//
// Walk. Per word of 64 channels (their bounds computed once), image and block of L pixels:
// 8 byte accumulators, accumulator g collecting channels 8g .. 8g + 7 of every pixel as bits
// 0 .. 7 of the pixel's byte (one compare per channel and L pixels); then the 8 x L byte
// matrix is transposed into L words by three rounds of interleaves (bytes, 16-bit, 32-bit
// pairs: x86's unpacklo/hi, NEON's zip, which work within 128-bit lanes), which leaves
// pixels 2k, 2k + 1 of each 128-bit lane in accumulator k; xn_qthreshold_walk stores each
// word at its pixel. Channels past c are never compared, so tail bits are 0; each word is
// written whole, as the generic kernel's zeroing and ORs leave it.
//
// Policy V (byte lanes): vb, L (pixels a vector, a multiple of 16); zero(v); load(v, p, n,
// bias): n <= L bytes from p, xor bias, lanes past n anything; set1(v, int8_t);
// minus_bit(acc, s, T, flip, bit): acc |= bit in the lanes where (T > s) != flip, T and bit
// broadcast; zip8 / zip16 / zip32(lo, hi, a, b): interleave a and b's 8 / 16 /
// 32-bit elements, low / high halves of each 128-bit lane; store(w, v): 16 L / 128 words.
#ifndef XNORC_RUNTIME_COMMON_QTHRESHOLD_WALK_H
#define XNORC_RUNTIME_COMMON_QTHRESHOLD_WALK_H

#include "../generic/qthreshold.h"
#include "parts.h"
#include "unroll.h"

#include <string.h>

// Channel bound (T, flip) of a threshold t and direction dir on qtype activations (above).
inline void xn_qthreshold_bound(int32_t t, int32_t dir, int32_t qtype, int8_t *T, bool *flip) {
  const int64_t s = (int64_t)t - (qtype == XN_QTYPE_U8 ? 128 : 0);
  const int64_t b = dir >= 0 ? s : s + 1; // -1 where b > s (dir >= 0) or where !(b > s)
  *flip = dir < 0;
  if (b <= -128 || b > 127) {
    // dir >= 0: b <= -128 never, b > 127 always; dir < 0: the reverse.
    *T = -128;
    *flip = (b > 127) == (dir >= 0);
  } else {
    *T = (int8_t)b;
  }
}

// n < L bytes at p into a buffer of L, for policies without a masked byte load.
template <int L>
inline const uint8_t *xn_qthreshold_tail(uint8_t (&buf)[L], const void *p, int64_t n) {
  memset(buf, 0, L);
  memcpy(buf, p, (size_t)n);
  return buf;
}

// Pixels [s_lo, s_hi) of every image (s_lo a multiple of V::L).
template <class V>
inline void xn_qthreshold_walk(const xn_qthreshold_params *p, const void *x, const int32_t *thresh,
                               const int32_t *dir, uint64_t *y, int64_t s_lo, int64_t s_hi) {
  typedef typename V::vb vb;
  const int64_t cw = xn_bit_words(p->c), s_n = p->spatial;
  const int bias = p->qtype == XN_QTYPE_U8 ? 0x80 : 0;
  const uint8_t *xb = static_cast<const uint8_t *>(x);
  for (int64_t j = 0; j < cw; ++j) {
    const int64_t c_n = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
    int8_t T[64];
    bool flip[64];
    for (int64_t k = 0; k < c_n; ++k)
      xn_qthreshold_bound(thresh[64 * j + k], dir[64 * j + k], p->qtype, &T[k], &flip[k]);
    for (int64_t n = 0; n < p->n; ++n) {
      const uint8_t *xn = xb + (n * p->c + 64 * j) * s_n;
      uint64_t *yn = y + n * s_n * cw + j;
      for (int64_t s0 = s_lo; s0 < s_hi; s0 += V::L) {
        const int64_t lanes = s_hi - s0 < V::L ? s_hi - s0 : V::L;
        vb acc[8];
        XN_UNROLL(8)
        for (int g = 0; g < 8; ++g) {
          V::zero(acc[g]);
          for (int64_t k = 0; k < 8 && 8 * g + k < c_n; ++k) {
            const int64_t ch = 8 * g + k;
            vb s, t, bit;
            V::load(s, xn + ch * s_n + s0, lanes, bias);
            V::set1(t, T[ch]);
            V::set1(bit, (int8_t)(1 << k));
            V::minus_bit(acc[g], s, t, flip[ch], bit);
          }
        }
        vb b[8], q[8];
        XN_UNROLL(4)
        for (int i = 0; i < 4; ++i)
          V::zip8(b[2 * i], b[2 * i + 1], acc[2 * i], acc[2 * i + 1]);
        // q[4 h + 2 m + e]: channel bytes 4h .. 4h + 3 of pixels 4 (2 m + e) .. + 3.
        XN_UNROLL(2)
        for (int h = 0; h < 2; ++h)
          XN_UNROLL(2)
        for (int m = 0; m < 2; ++m)
          V::zip16(q[4 * h + 2 * m], q[4 * h + 2 * m + 1], b[4 * h + m], b[4 * h + 2 + m]);
        // acc[2 r + e]: pixels 4 r + 2 e, + 1 of each 128-bit lane.
        XN_UNROLL(4)
        for (int r = 0; r < 4; ++r)
          V::zip32(acc[2 * r], acc[2 * r + 1], q[r], q[4 + r]);
        uint64_t w[V::L];
        constexpr int per = V::L / 8; // words a vector
        XN_UNROLL(8)
        for (int k = 0; k < 8; ++k)
          V::store(w + k * per, acc[k]);
        uint64_t *dst = yn + s0 * cw;
        for (int64_t i = 0; i < lanes; ++i)
          dst[i * cw] = w[((i & 15) >> 1) * per + (i >> 4) * 2 + (i & 1)];
      }
    }
  }
}

// xn_<isa>_qthreshold: xn_qthreshold's contract; with --threads, part `part` of `parts` of the
// pixels, in whole vectors. Fewer than 16 pixels (rank-2 tensors, small maps) stay on the
// generic kernel, not split: most of a vector would be idle. (A macro: the target attribute
// cannot be a template parameter.)
#define XN_QTHRESHOLD_ENTRY_POINT(isa, V, ATTR)                                                    \
  ATTR __attribute__((flatten)) inline void xn_##isa##_qthreshold(                                 \
      const xn_qthreshold_params *p, const void *x, const int32_t *thresh, const int32_t *dir,     \
      uint64_t *y, int part = 0, int parts = 1) {                                                  \
    if (p->spatial < 16) {                                                                         \
      if (part == 0)                                                                               \
        xn_qthreshold(p, x, thresh, dir, y);                                                       \
      return;                                                                                      \
    }                                                                                              \
    int64_t s_lo, s_hi;                                                                            \
    xn_part_range_aligned(p->spatial, V::L, part, parts, &s_lo, &s_hi);                            \
    xn_qthreshold_walk<V>(p, x, thresh, dir, y, s_lo, s_hi);                                       \
  }

#endif // XNORC_RUNTIME_COMMON_QTHRESHOLD_WALK_H
