// xn_avx512_conv_max_pool_winograd: the Winograd stem (x86/winograd_stem.h) on 16-lane vectors.
// GEMM block: 6 tiles x 4 vectors of 16 channels (24 accumulators, 4 weight vectors, one
// broadcast); a chunk's last block of at most 4 tiles as 4. The polyphase split's 6-way
// deinterleave: per output vector three vpermt2ps over pairs of the 6 input vectors, merged by
// lane masks.
#ifndef XNORC_RUNTIME_X86_AVX512_WINOGRAD_STEM_H
#define XNORC_RUNTIME_X86_AVX512_WINOGRAD_STEM_H

#include "avx512_conv_pool.h"
#include "winograd_stem.h"

#include <immintrin.h>

// The deinterleave's permutes: output k, lane l is element 6 l + k of 96, which the pair pr
// of input vectors holds (elements [32 pr, 32 pr + 32)) where mask[k][pr] has lane l.
struct xn_avx512_wino_perm {
  alignas(64) int32_t idx[6][3][16];
  uint16_t mask[6][3];
};
constexpr xn_avx512_wino_perm xn_avx512_wino_perm_make() {
  xn_avx512_wino_perm t = {};
  for (int k = 0; k < 6; ++k)
    for (int pr = 0; pr < 3; ++pr)
      for (int l = 0; l < 16; ++l) {
        const int e = 6 * l + k - 32 * pr;
        if (e >= 0 && e < 32) {
          t.idx[k][pr][l] = e;
          t.mask[k][pr] = (uint16_t)(t.mask[k][pr] | (1u << l));
        }
      }
  return t;
}
inline constexpr xn_avx512_wino_perm xn_avx512_wino_perm_table = xn_avx512_wino_perm_make();

#define XN_AVX512_WINO_FN __attribute__((target("avx512f,fma"))) static inline
// x86/avx512_policy.h's float vectors (zero, load, store_aligned, store_n, set1, fma) and:
struct xn_avx512_wino : xn_avx512_f32 {
  static constexpr int TB = 6, OCV = 4, TAIL_A = 4, TAIL_B = 6;
  XN_AVX512_WINO_FN void storeu(float *p, const vec &v) { _mm512_storeu_ps(p, v); }
  XN_AVX512_WINO_FN void add(vec &s, const vec &a) { s = _mm512_add_ps(s, a); }
  XN_AVX512_WINO_FN void sub(vec &s, const vec &a) { s = _mm512_sub_ps(s, a); }
  XN_AVX512_WINO_FN void mul(vec &s, const vec &a, float f) {
    s = _mm512_mul_ps(a, _mm512_set1_ps(f));
  }
  XN_AVX512_WINO_FN void fmadd(vec &acc, const vec &a, float f) {
    acc = _mm512_fmadd_ps(a, _mm512_set1_ps(f), acc);
  }
  // m = vmaxps(m, v), of equal values v (maskz: gcc 12 warns of _mm512_max_ps's undefined
  // pass-through otherwise); xn_avx512_f32::max keeps m.
  XN_AVX512_WINO_FN void larger(vec &m, const vec &v) {
    m = _mm512_maskz_max_ps((__mmask16)0xffff, m, v);
  }
  // Whether the magnitudes of p[0 .. 16) are below limit (a NaN is not).
  XN_AVX512_WINO_FN bool below(const float *p, float limit) {
    const vec v = _mm512_loadu_ps(p);
    const __m512 a = _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(0x7fffffff)));
    return _mm512_cmp_ps_mask(a, _mm512_set1_ps(limit), _CMP_LT_OQ) == (__mmask16)0xffff;
  }
  // out[k], lane l = row[6 l + k], l < 16.
  XN_AVX512_WINO_FN void deinterleave6(const float *row, vec out[6]) {
    vec v[6];
#pragma GCC unroll 6
    for (int k = 0; k < 6; ++k)
      v[k] = _mm512_loadu_ps(row + 16 * k);
#pragma GCC unroll 6
    for (int k = 0; k < 6; ++k) {
      out[k] = _mm512_setzero_ps();
#pragma GCC unroll 3
      for (int pr = 0; pr < 3; ++pr)
        out[k] = _mm512_mask_mov_ps(
            out[k], xn_avx512_wino_perm_table.mask[k][pr],
            _mm512_permutex2var_ps(
                v[2 * pr], _mm512_load_si512(xn_avx512_wino_perm_table.idx[k][pr]), v[2 * pr + 1]));
    }
  }
};

XN_X86_WINO_STEM_KERNEL(avx512, xn_avx512_wino, __attribute__((target("avx512f,fma"))))

#endif // XNORC_RUNTIME_X86_AVX512_WINOGRAD_STEM_H
