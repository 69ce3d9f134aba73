// Binary max-pool on packed bits for AVX2: 4 channel words per vector, scalar tail words,
// AND/OR over the window's valid taps. Same contract as xn_bmaxpool (generic/bpool.h).
#ifndef XNORC_RUNTIME_X86_AVX2_BPOOL_H
#define XNORC_RUNTIME_X86_AVX2_BPOOL_H

#include "common.h"

#include <immintrin.h>

#ifndef XN_AVX2_TARGET
#define XN_AVX2_TARGET __attribute__((target("avx2,popcnt")))
#endif

XN_AVX2_TARGET inline void xn_avx2_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x,
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
        int64_t j = 0;
        for (; j + 4 <= cw; j += 4) {
          __m256i all = _mm256_set1_epi64x(-1), any = _mm256_setzero_si256();
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const uint64_t *xr = xn + (iy0 + ky * p->dil_h) * p->in_w * cw + j;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              const __m256i v =
                  _mm256_loadu_si256((const __m256i *)(xr + (ix0 + kx * p->dil_w) * cw));
              all = _mm256_and_si256(all, v);
              any = _mm256_or_si256(any, v);
            }
          }
          const __m256i mn = min_mask ? _mm256_loadu_si256((const __m256i *)(min_mask + j))
                                      : _mm256_setzero_si256();
          __m256i r = _mm256_or_si256(_mm256_andnot_si256(mn, all), _mm256_and_si256(any, mn));
          if (j + 4 == cw && p->c % 64 != 0)
            r = _mm256_and_si256(
                r, _mm256_setr_epi64x(-1, -1, -1, (long long)xn_bit_word_mask(p->c, cw - 1)));
          _mm256_storeu_si256((__m256i *)(yp + j), r);
        }
        for (; j < cw; ++j) {
          uint64_t all = ~(uint64_t)0, any = 0;
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const uint64_t *xr = xn + (iy0 + ky * p->dil_h) * p->in_w * cw + j;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              const uint64_t v = xr[(ix0 + kx * p->dil_w) * cw];
              all &= v;
              any |= v;
            }
          }
          const uint64_t mn = min_mask ? min_mask[j] : 0;
          yp[j] = ((all & ~mn) | (any & mn)) & xn_bit_word_mask(p->c, j);
        }
      }
    }
  }
}

#endif // XNORC_RUNTIME_X86_AVX2_BPOOL_H
