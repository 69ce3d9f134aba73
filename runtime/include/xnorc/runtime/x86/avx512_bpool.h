// Binary max-pool on packed bits for AVX-512: 8 channel words per vector (masked for the
// tail), AND/OR over the window's valid taps. Same contract as xn_bmaxpool (generic/bpool.h).
#ifndef XNORC_RUNTIME_X86_AVX512_BPOOL_H
#define XNORC_RUNTIME_X86_AVX512_BPOOL_H

#include "common.h"

#include <immintrin.h>

#ifndef XN_AVX512_TARGET
#define XN_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))
#endif

XN_AVX512_TARGET inline void xn_avx512_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x,
                                                const uint64_t *min_mask, uint64_t *y, int part = 0,
                                                int parts = 1) {
  const int64_t cw = xn_bit_words(p->c);
  int64_t row_lo, row_hi; // output rows of all n * out_h
  xn_part_range(p->n * p->out_h, part, parts, &row_lo, &row_hi);
  for (int64_t row = row_lo; row < row_hi; ++row) {
    const int64_t n = row / p->out_h, oh = row % p->out_h;
    const uint64_t *xn = x + n * p->in_h * p->in_w * cw;
    {
      const int64_t iy0 = oh * p->stride_h - p->pad_top;
      int64_t ky_lo, ky_hi;
      xn_tap_range(iy0, p->dil_h, p->kh, 0, p->in_h, &ky_lo, &ky_hi);
      for (int64_t ow = 0; ow < p->out_w; ++ow) {
        const int64_t ix0 = ow * p->stride_w - p->pad_left;
        int64_t kx_lo, kx_hi;
        xn_tap_range(ix0, p->dil_w, p->kw, 0, p->in_w, &kx_lo, &kx_hi);
        uint64_t *yp = y + ((n * p->out_h + oh) * p->out_w + ow) * cw;
        for (int64_t j = 0; j < cw; j += 8) {
          const __mmask8 k = cw - j >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (cw - j)) - 1);
          __m512i all = _mm512_set1_epi64(-1), any = _mm512_setzero_si512();
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const uint64_t *xr = xn + (iy0 + ky * p->dil_h) * p->in_w * cw + j;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              const __m512i v = _mm512_maskz_loadu_epi64(k, xr + (ix0 + kx * p->dil_w) * cw);
              all = _mm512_and_si512(all, v);
              any = _mm512_or_si512(any, v);
            }
          }
          const __m512i mn =
              min_mask ? _mm512_maskz_loadu_epi64(k, min_mask + j) : _mm512_setzero_si512();
          // (all & ~mn) | (any & mn): a bitwise select.
          __m512i r = _mm512_ternarylogic_epi64(mn, any, all, 0xCA);
          if (j + 8 >= cw && p->c % 64 != 0) {
            // Clear the tail bits of the last channel word.
            const int64_t last = cw - 1 - j;
            const __m512i tail =
                _mm512_mask_set1_epi64(_mm512_set1_epi64(-1), (__mmask8)(1u << last),
                                       (long long)xn_bit_word_mask(p->c, cw - 1));
            r = _mm512_and_si512(r, tail);
          }
          _mm512_mask_storeu_epi64(yp + j, k, r);
        }
      }
    }
  }
}

#endif // XNORC_RUNTIME_X86_AVX512_BPOOL_H
