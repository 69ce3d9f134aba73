// xn_avx2_conv_max_pool_winograd: the Winograd stem (x86/winograd_stem.h) on 8-lane vectors.
// GEMM block: 2 tiles x 4 vectors of 8 channels (8 accumulators, 4 weight vectors and a
// broadcast in the 16 registers; 3 tiles spilled: 0.96x the stem's time with 2, or with 4
// tiles x 2 vectors, on an Intel Xeon), twice per 64 channels; an odd chunk's last tile
// alone. The polyphase split's 6-way
// deinterleave: one gather per output vector (the split is a few percent of the layer).
#ifndef XNORC_RUNTIME_X86_AVX2_WINOGRAD_STEM_H
#define XNORC_RUNTIME_X86_AVX2_WINOGRAD_STEM_H

#include "avx2_conv_pool.h"
#include "winograd_stem.h"

#include <immintrin.h>

#define XN_AVX2_WINO_FN __attribute__((target("avx2,fma"))) static inline
// x86/avx2_policy.h's float vectors (zero, load, store_aligned, store_n, set1, fma) and:
struct xn_avx2_wino : xn_avx2_f32 {
  static constexpr int TB = 2, OCV = 4, TAIL_A = 1, TAIL_B = 2;
  XN_AVX2_WINO_FN void storeu(float *p, const vec &v) { _mm256_storeu_ps(p, v); }
  XN_AVX2_WINO_FN void add(vec &s, const vec &a) { s = _mm256_add_ps(s, a); }
  XN_AVX2_WINO_FN void sub(vec &s, const vec &a) { s = _mm256_sub_ps(s, a); }
  XN_AVX2_WINO_FN void mul(vec &s, const vec &a, float f) {
    s = _mm256_mul_ps(a, _mm256_set1_ps(f));
  }
  XN_AVX2_WINO_FN void fmadd(vec &acc, const vec &a, float f) {
    acc = _mm256_fmadd_ps(a, _mm256_set1_ps(f), acc);
  }
  // m = vmaxps(m, v), of equal values v (xn_avx2_f32::max keeps m).
  XN_AVX2_WINO_FN void larger(vec &m, const vec &v) { m = _mm256_max_ps(m, v); }
  // Whether the magnitudes of p[0 .. 8) are below limit (a NaN is not).
  XN_AVX2_WINO_FN bool below(const float *p, float limit) {
    const __m256 a =
        _mm256_and_ps(_mm256_loadu_ps(p), _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
    return _mm256_movemask_ps(_mm256_cmp_ps(a, _mm256_set1_ps(limit), _CMP_LT_OQ)) == 0xff;
  }
  // out[k], lane l = row[6 l + k], l < 8.
  XN_AVX2_WINO_FN void deinterleave6(const float *row, vec out[6]) {
    const __m256i idx = _mm256_setr_epi32(0, 6, 12, 18, 24, 30, 36, 42);
#pragma GCC unroll 6
    for (int k = 0; k < 6; ++k)
      out[k] = _mm256_i32gather_ps(row + k, idx, 4);
  }
};

XN_X86_WINO_STEM_KERNEL(avx2, xn_avx2_wino, __attribute__((target("avx2,fma"))))

#endif // XNORC_RUNTIME_X86_AVX2_WINOGRAD_STEM_H
