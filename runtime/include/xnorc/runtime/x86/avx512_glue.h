// Float "glue" kernels for AVX-512 (F): MaxPool, AveragePool, depthwise Conv (1-D/2-D, W
// stride 1 or 2) and threshold (float -> packed bits). Same signatures as the generic
// kernels, and bit-identical results:
//
// - Pools vectorise along the output row: 16 consecutive output pixels per zmm. Every tap
//   (kernel row, then kernel column, the generic order) loads the 16 inputs it touches
//   (stride 2: two loads compressed by vpermt2ps) masked to the taps inside the input, and
//   updates only those lanes, so padded taps are skipped exactly as the generic loop skips
//   them. Max: vmaxps(v, m) is (v > m ? v : m), the generic comparison, so NaN inputs never
//   win and signed zeros resolve the same way. Average: masked adds in the generic order,
//   then the same divisor (counted per lane) and an IEEE division. Depthwise conv: the
//   average's tiles with each tap's weight multiplied in (vmulps, then a masked vaddps: two
//   roundings, as the generic kernel), from the bias on.
// - Threshold: per block of 16 pixels and 64 channels, one compare per channel gives a
//   16-bit pixel mask, which masked ORs of the channel's bit into two vectors of 8 words
//   (one word per pixel) transpose into the channel-packed layout.
//
// Other shapes (3-D, dilated, W stride > 2) fall back to the generic kernels.
// Per-function target attributes: builds without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_GLUE_H
#define XNORC_RUNTIME_X86_AVX512_GLUE_H

#include "avx512_policy.h"
#include "glue_common.h"

#include <immintrin.h>

#define XN_AVX512G_TARGET __attribute__((target("avx512f")))

XN_AVX512G_TARGET inline void xn_avx512_threshold_v(const xn_threshold_params *p, const float *x,
                                                    const float *tau, const float *dir, uint64_t *y,
                                                    int64_t s_lo, int64_t s_hi, int64_t j_lo,
                                                    int64_t j_hi) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  const __m512i idx0 = _mm512_setr_epi64(0, cw, 2 * cw, 3 * cw, 4 * cw, 5 * cw, 6 * cw, 7 * cw);
  const __m512i idx1 = _mm512_add_epi64(idx0, _mm512_set1_epi64(8 * cw));
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t s0 = s_lo; s0 < s_hi; s0 += 16) {
      const int64_t lanes = s_n - s0 < 16 ? s_n - s0 : 16;
      __mmask16 lm;
      xn_avx512_glue::lanes(lm, 0, lanes, 0);
      for (int64_t j = j_lo; j < j_hi; ++j) {
        const int64_t c_end = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
        __m512i w0 = _mm512_setzero_si512(), w1 = _mm512_setzero_si512();
        __m512i bit = _mm512_set1_epi64(1);
        for (int64_t cc = 0; cc < c_end; ++cc) {
          const int64_t c = 64 * j + cc;
          const __m512 v = _mm512_maskz_loadu_ps(lm, xn + c * s_n + s0);
          const __m512 t = _mm512_set1_ps(tau ? tau[c] : 0.0f);
          // Bit 1 (-1) where the comparison fails; unordered (NaN) fails too.
          const __mmask16 k = (dir ? dir[c] > 0.0f : true)
                                  ? _mm512_mask_cmp_ps_mask(lm, v, t, _CMP_NGE_UQ)
                                  : _mm512_mask_cmp_ps_mask(lm, v, t, _CMP_NLE_UQ);
          w0 = _mm512_mask_or_epi64(w0, static_cast<__mmask8>(k), w0, bit);
          w1 = _mm512_mask_or_epi64(w1, static_cast<__mmask8>(k >> 8), w1, bit);
          bit = _mm512_add_epi64(bit, bit);
        }
        uint64_t *dst = yn + s0 * cw + j;
        if (cw == 1) {
          _mm512_mask_storeu_epi64(dst, static_cast<__mmask8>(lm), w0);
          _mm512_mask_storeu_epi64(dst + 8, static_cast<__mmask8>(lm >> 8), w1);
        } else {
          _mm512_mask_i64scatter_epi64(dst, static_cast<__mmask8>(lm), idx0, w0, 8);
          _mm512_mask_i64scatter_epi64(dst, static_cast<__mmask8>(lm >> 8), idx1, w1, 8);
        }
      }
    }
  }
}

// xn_avx512_pools, xn_avx512_maxpool, xn_avx512_avgpool, xn_avx512_threshold.
XN_X86_GLUE_KERNELS(avx512, xn_avx512_glue, __attribute__((target("avx512f"))))

#endif // XNORC_RUNTIME_X86_AVX512_GLUE_H
