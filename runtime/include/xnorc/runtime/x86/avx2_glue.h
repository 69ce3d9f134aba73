// Float "glue" kernels for AVX2: MaxPool, AveragePool (1-D/2-D, W stride 1 or 2) and
// threshold (float -> packed bits), bit-identical to the generic kernels. The AVX2
// counterpart of x86/avx512_glue.h (see there): 8 output pixels per ymm, lane masks as
// vectors (vmaskmovps loads never touch masked-out lanes), and masked updates as blends.
// Other shapes fall back to the generic kernels. Per-function target attributes: builds
// without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX2_GLUE_H
#define XNORC_RUNTIME_X86_AVX2_GLUE_H

#include "avx2_policy.h"
#include "glue_common.h"

#include <immintrin.h>

#define XN_AVX2G_TARGET __attribute__((target("avx2")))

XN_AVX2G_TARGET inline void xn_avx2_threshold_v(const xn_threshold_params *p, const float *x,
                                                const float *tau, const float *dir, uint64_t *y,
                                                int64_t s_lo, int64_t s_hi, int64_t j_lo,
                                                int64_t j_hi) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t s0 = s_lo; s0 < s_hi; s0 += 8) {
      const int64_t lanes = s_n - s0 < 8 ? s_n - s0 : 8;
      __m256i lm;
      xn_avx2_glue::lanes(lm, 0, lanes, 0);
      for (int64_t j = j_lo; j < j_hi; ++j) {
        const int64_t c_end = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
        __m256i w0 = _mm256_setzero_si256(), w1 = _mm256_setzero_si256();
        __m256i bit = _mm256_set1_epi64x(1);
        for (int64_t cc = 0; cc < c_end; ++cc) {
          const int64_t c = 64 * j + cc;
          const __m256 v = _mm256_maskload_ps(xn + c * s_n + s0, lm);
          const __m256 t = _mm256_set1_ps(tau ? tau[c] : 0.0f);
          // All-ones (-1) where the comparison fails; unordered (NaN) fails too.
          const __m256 f = (dir ? dir[c] > 0.0f : true) ? _mm256_cmp_ps(v, t, _CMP_NGE_UQ)
                                                        : _mm256_cmp_ps(v, t, _CMP_NLE_UQ);
          const __m256i k = _mm256_and_si256(_mm256_castps_si256(f), lm);
          w0 = _mm256_or_si256(
              w0, _mm256_and_si256(bit, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(k))));
          w1 = _mm256_or_si256(
              w1, _mm256_and_si256(bit, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(k, 1))));
          bit = _mm256_add_epi64(bit, bit);
        }
        uint64_t w[8];
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(w), w0);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(w + 4), w1);
        uint64_t *dst = yn + s0 * cw + j;
        for (int64_t i = 0; i < lanes; ++i)
          dst[i * cw] = w[i];
      }
    }
  }
}

// xn_avx2_pools, xn_avx2_maxpool, xn_avx2_avgpool, xn_avx2_threshold.
XN_X86_GLUE_KERNELS(avx2, xn_avx2_glue, __attribute__((target("avx2"))))

#endif // XNORC_RUNTIME_X86_AVX2_GLUE_H
