// Float "glue" kernels for AVX2: MaxPool, AveragePool, depthwise Conv (1-D/2-D, W stride 1
// or 2) and threshold (float -> packed bits), bit-identical to the generic kernels. The AVX2
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

// The threshold of G groups of 8 pixels from xs (all valid, or G == 1 with `lanes` valid, lm
// their mask) for the channels of one output word: one compare per channel and group gives an
// 8-pixel mask byte (vmovmskps); then each group's 64 bytes are transposed into its 8 pixel
// words: shifting every byte left by 7 - i puts pixel i's bit on top, where vpmovmskb
// collects it from 32 channels at once. Four groups read two whole cache lines of a channel
// plane per visit of the 64 planes. (Each channel used to OR its bit into the pixels' 64-bit
// lanes, 8 pixels per visit: 12 operations per channel and 8 pixels against 3 now, and half
// the time on Bi-Real-18's 56x56x64 thresholds: docs/Benchmarks.md, session 17.)
template <int G>
XN_AVX2G_TARGET __attribute__((always_inline)) inline void
xn_avx2_threshold_word(const float *xs, int64_t s_n, const float *tau, const float *dir, int64_t c0,
                       int64_t c_end, const __m256i &lm, int lanes, uint64_t *dst, int64_t cw) {
  alignas(32) uint8_t m[G][64];
  for (int64_t cc = 0; cc < c_end; ++cc) {
    const int64_t c = c0 + cc;
    const float *src = xs + cc * s_n;
    const __m256 t = _mm256_set1_ps(tau ? tau[c] : 0.0f);
    const bool ge = dir ? dir[c] > 0.0f : true;
    XN_UNROLL(4)
    for (int g = 0; g < G; ++g) {
      const __m256 v = lanes == 8 ? _mm256_loadu_ps(src + 8 * g) : _mm256_maskload_ps(src, lm);
      // Set (-1) where the comparison fails; unordered (NaN) fails too. Lanes past `lanes`
      // hold garbage bits: their pixels are never stored.
      const __m256 f = ge ? _mm256_cmp_ps(v, t, _CMP_NGE_UQ) : _mm256_cmp_ps(v, t, _CMP_NLE_UQ);
      m[g][cc] = static_cast<uint8_t>(_mm256_movemask_ps(f));
    }
  }
  XN_UNROLL(4)
  for (int g = 0; g < G; ++g) {
    for (int64_t cc = c_end; cc < 64; ++cc)
      m[g][cc] = 0;
    const __m256i lo = _mm256_load_si256(reinterpret_cast<const __m256i *>(m[g]));
    const __m256i hi = _mm256_load_si256(reinterpret_cast<const __m256i *>(m[g] + 32));
    for (int i = 0; i < lanes; ++i) {
      const __m128i sh = _mm_cvtsi32_si128(7 - i);
      const uint32_t a = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_sll_epi16(lo, sh)));
      const uint32_t b = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_sll_epi16(hi, sh)));
      dst[(8 * g + i) * cw] = static_cast<uint64_t>(b) << 32 | a;
    }
  }
}

XN_AVX2G_TARGET inline void xn_avx2_threshold_v(const xn_threshold_params *p, const float *x,
                                                const float *tau, const float *dir, uint64_t *y,
                                                int64_t s_lo, int64_t s_hi, int64_t j_lo,
                                                int64_t j_hi) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    // s_hi is a multiple of 8 or s_n: groups of 32 pixels, then of 8, the last one partial.
    for (int64_t s0 = s_lo; s0 < s_hi;) {
      const int64_t left = s_hi - s0;
      const int g = left >= 32 ? 4 : 1;
      const int lanes = left < 8 ? static_cast<int>(left) : 8;
      __m256i lm;
      xn_avx2_glue::lanes(lm, 0, lanes, 0);
      for (int64_t j = j_lo; j < j_hi; ++j) {
        const int64_t c_end = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
        const float *xs = xn + 64 * j * s_n + s0;
        uint64_t *dst = yn + s0 * cw + j;
        if (g == 4)
          xn_avx2_threshold_word<4>(xs, s_n, tau, dir, 64 * j, c_end, lm, 8, dst, cw);
        else
          xn_avx2_threshold_word<1>(xs, s_n, tau, dir, 64 * j, c_end, lm, lanes, dst, cw);
      }
      s0 += 8 * g;
    }
  }
}

// xn_avx2_pools, xn_avx2_maxpool, xn_avx2_avgpool, xn_avx2_threshold.
XN_X86_GLUE_KERNELS(avx2, xn_avx2_glue, __attribute__((target("avx2"))))

#endif // XNORC_RUNTIME_X86_AVX2_GLUE_H
