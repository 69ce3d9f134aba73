// The AVX-512 vector policy: x86/avx2_policy.h's members (documented there) on 16 lanes.
#ifndef XNORC_RUNTIME_X86_AVX512_POLICY_H
#define XNORC_RUNTIME_X86_AVX512_POLICY_H

#include "float_common.h"

#include <immintrin.h>

// Float lanes with mask registers, for the vector pools (x86/glue_common.h) and the masked
// loads of the pixels-across-lanes conv (x86/px_float.h); x86/avx2_policy.h's xn_avx2_glue
// documents the members.
#define XN_AVX512_GLUE_FN __attribute__((target("avx512f"))) static inline
struct xn_avx512_glue {
  typedef __m512 vec;
  typedef __mmask16 mask;
  typedef __m512i index;
  static constexpr int L = 16;
  XN_AVX512_GLUE_FN void lanes(mask &m, int64_t lo, int64_t hi, int base) {
    lo = lo - base < 0 ? 0 : lo - base > 16 ? 16 : lo - base;
    hi = hi - base < 0 ? 0 : hi - base > 16 ? 16 : hi - base;
    m = hi <= lo ? 0 : static_cast<__mmask16>(((1u << hi) - 1) & ~((1u << lo) - 1));
  }
  XN_AVX512_GLUE_FN void set1(vec &v, float f) { v = _mm512_set1_ps(f); }
  template <int S>
  XN_AVX512_GLUE_FN void load(vec &v, const float *src, const mask &l0, const mask &l1) {
    if (S == 1) {
      v = _mm512_maskz_loadu_ps(l0, src);
      return;
    }
    const __m512i even =
        _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    v = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(l0, src), even,
                               _mm512_maskz_loadu_ps(l1, src + 16));
  }
  XN_AVX512_GLUE_FN void gather(vec &v, const float *src, const index &ix, const mask &k) {
    v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, ix, src, 4);
  }
  XN_AVX512_GLUE_FN void strided(index &ix, int64_t stride) {
    ix = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                            _mm512_set1_epi32(static_cast<int>(stride)));
  }
  XN_AVX512_GLUE_FN void max_in(vec &m, const vec &v, const mask &k) {
    m = _mm512_mask_max_ps(m, k, v, m);
  }
  XN_AVX512_GLUE_FN void add_in(vec &sum, const vec &v, const mask &k) {
    sum = _mm512_mask_add_ps(sum, k, sum, v);
  }
  // sum += v * w in the lanes of k, rounded twice (the masked add is a builtin: never
  // contracted into an FMA, which the generic kernels do not do).
  XN_AVX512_GLUE_FN void mul_add_in(vec &sum, const vec &v, const vec &w, const mask &k) {
    sum = _mm512_mask_add_ps(sum, k, sum, _mm512_mul_ps(v, w));
  }
  XN_AVX512_GLUE_FN void count_in(vec &c, const mask &k) {
    c = _mm512_mask_add_ps(c, k, c, _mm512_set1_ps(1.0f));
  }
  // inv = 1 / count, count = rows * cols (0 where count is 0); true if every lane of count is 0
  // or a power of two, where sum * inv rounds as sum / count does (both are the exact quotient,
  // rounded once).
  XN_AVX512_GLUE_FN bool exact_inverse(vec &inv, const vec &rows, const vec &cols) {
    const __m512 count = _mm512_mul_ps(rows, cols);
    const __mmask16 nz = _mm512_cmp_ps_mask(count, _mm512_setzero_ps(), _CMP_GT_OQ);
    inv = _mm512_maskz_div_ps(nz, _mm512_set1_ps(1.0f), count);
    return _mm512_test_epi32_mask(_mm512_castps_si512(count), _mm512_set1_epi32(0x7fffff)) == 0;
  }
  XN_AVX512_GLUE_FN void scale(vec &out, const vec &sum, const vec &inv) {
    out = _mm512_mul_ps(sum, inv);
  }
  XN_AVX512_GLUE_FN void average(vec &out, const vec &sum, const vec &rows, const vec &cols) {
    const __m512 count = _mm512_mul_ps(rows, cols);
    const __mmask16 nz = _mm512_cmp_ps_mask(count, _mm512_setzero_ps(), _CMP_GT_OQ);
    out = _mm512_maskz_div_ps(nz, sum, count);
  }
  XN_AVX512_GLUE_FN void store(float *p, const mask &k, const vec &v) {
    _mm512_mask_storeu_ps(p, k, v);
  }
  // Whole vectors, for the elementwise layers (x86/glue_common.h).
  XN_AVX512_GLUE_FN void loadu(vec &v, const float *p) { v = _mm512_loadu_ps(p); }
  XN_AVX512_GLUE_FN void storeu(float *p, const vec &v) { _mm512_storeu_ps(p, v); }
  // IEEE operations, each rounded once: masked forms (builtins, all lanes), which the compiler
  // never contracts into an FMA (a mul feeding an add: BatchNorm's x * scale + shift).
  XN_AVX512_GLUE_FN void add(vec &v, const vec &a, const vec &b) {
    v = _mm512_maskz_add_ps((__mmask16)0xffff, a, b);
  }
  XN_AVX512_GLUE_FN void sub(vec &v, const vec &a, const vec &b) {
    v = _mm512_maskz_sub_ps((__mmask16)0xffff, a, b);
  }
  XN_AVX512_GLUE_FN void mul(vec &v, const vec &a, const vec &b) {
    v = _mm512_maskz_mul_ps((__mmask16)0xffff, a, b);
  }
  XN_AVX512_GLUE_FN void div(vec &v, const vec &a, const vec &b) {
    v = _mm512_maskz_div_ps((__mmask16)0xffff, a, b);
  }
  // vmaxps(0, v) is 0 > v ? 0 : v: the generic relu (-0 and NaN kept).
  XN_AVX512_GLUE_FN void relu(vec &v, const vec &a) {
    v = _mm512_maskz_max_ps((__mmask16)0xffff, _mm512_setzero_ps(), a);
  }
};

#define XN_AVX512_POLICY_FN __attribute__((target("avx512f,fma"))) static inline

struct xn_avx512_f32 {
  typedef __m512 vec;
  typedef xn_avx512_glue masked;
  static constexpr int L = 16;

  XN_AVX512_POLICY_FN void zero(vec &v) { v = _mm512_setzero_ps(); }
  XN_AVX512_POLICY_FN void load(vec &v, const float *p) { v = _mm512_loadu_ps(p); }
  XN_AVX512_POLICY_FN void broadcast(vec &v, const float *p) { v = _mm512_set1_ps(*p); }
  XN_AVX512_POLICY_FN void fma(vec &acc, const vec &a, const vec &b) {
    acc = _mm512_fmadd_ps(a, b, acc);
  }
  XN_AVX512_POLICY_FN void store_aligned(float *p, const vec &v) { _mm512_store_ps(p, v); }
  XN_AVX512_POLICY_FN void set1(vec &v, float f) { v = _mm512_set1_ps(f); }
  XN_AVX512_POLICY_FN void relu(vec &v) {
    v = _mm512_maskz_max_ps((__mmask16)0xffff, _mm512_setzero_ps(), v); // NaN stays NaN
  }
  // m = max(v, m): a NaN v leaves m, of +0 and -0 m stays (the max-pool's comparison).
  XN_AVX512_POLICY_FN void max(vec &m, const vec &v) {
    m = _mm512_maskz_max_ps((__mmask16)0xffff, v, m); // (maskz: see stage below)
  }
  // Always a masked store (all 16 lanes when n >= 16).
  XN_AVX512_POLICY_FN void store_n(float *p, const vec &v, int64_t n) {
    _mm512_mask_storeu_ps(p, n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1), v);
  }

  // Two bytes of signs (x86 is little-endian): a mask blend of +1 and -1.
  XN_AVX512_POLICY_FN void signs(vec &v, const unsigned char *p) {
    uint16_t s;
    memcpy(&s, p, sizeof s);
    v = _mm512_mask_blend_ps((__mmask16)s, _mm512_set1_ps(1.0f), _mm512_set1_ps(-1.0f));
  }

  // Steps 1 and 2 transpose the 4x4 blocks within 128-bit lanes: lane j of u[k] then holds
  // pixels 0-3 of channel 4j + k, lane j of u[4 + k] pixels 4-7; step 3 pairs them (channels
  // k and 4 + k in one vector, 8 + k and 12 + k in another). Intrinsics whose pass-through
  // operand is undefined are avoided, as in x86/avx512_bconv.h: g++ 12 reports
  // -Wmaybe-uninitialized inside them.
  template <int P> XN_AVX512_POLICY_FN void stage(const vec *acc, float *rows, int64_t stride) {
    const __mmask16 all = 0xffff;
    __m512 v[8], u[8];
    XN_UNROLL(16)
    for (int i = 0; i < 8; ++i)
      v[i] = i < P ? acc[i] : _mm512_setzero_ps();
    XN_UNROLL(16)
    for (int h = 0; h < 8; h += 4) {
      const __m512 t0 = _mm512_maskz_unpacklo_ps(all, v[h + 0], v[h + 1]);
      const __m512 t1 = _mm512_maskz_unpackhi_ps(all, v[h + 0], v[h + 1]);
      const __m512 t2 = _mm512_maskz_unpacklo_ps(all, v[h + 2], v[h + 3]);
      const __m512 t3 = _mm512_maskz_unpackhi_ps(all, v[h + 2], v[h + 3]);
      u[h + 0] = _mm512_shuffle_ps(t0, t2, 0x44);
      u[h + 1] = _mm512_shuffle_ps(t0, t2, 0xEE);
      u[h + 2] = _mm512_shuffle_ps(t1, t3, 0x44);
      u[h + 3] = _mm512_shuffle_ps(t1, t3, 0xEE);
    }
    const __m512i lo = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
    XN_UNROLL(16)
    for (int k = 0; k < 4; ++k) {
      const __m512 a = _mm512_permutex2var_ps(u[k], lo, u[4 + k]);
      const __m512 b = _mm512_permutex2var_ps(u[k], hi, u[4 + k]);
      // Masked stores of the low and the high 8 lanes: no extracts (port 5) needed.
      _mm512_mask_storeu_ps(rows + k * stride, 0x00ff, a);
      _mm512_mask_storeu_ps(rows + (4 + k) * stride - 8, 0xff00, a);
      _mm512_mask_storeu_ps(rows + (8 + k) * stride, 0x00ff, b);
      _mm512_mask_storeu_ps(rows + (12 + k) * stride - 8, 0xff00, b);
    }
  }
};

// Channel words for the binary max-pool walk (generic/bpool.h): 8 per vector, masked for
// the tail.
#define XN_AVX512_WORDS_FN __attribute__((target("avx512f"))) static inline
struct xn_avx512_u64 {
  typedef __m512i vec;
  static constexpr int W = 8, MASKED = 1;
  XN_AVX512_WORDS_FN __mmask8 mask(int64_t nw) {
    return nw >= 8 ? (__mmask8)0xff : (__mmask8)((1u << nw) - 1);
  }
  XN_AVX512_WORDS_FN void ones(vec &v) { v = _mm512_set1_epi64(-1); }
  XN_AVX512_WORDS_FN void zero(vec &v) { v = _mm512_setzero_si512(); }
  XN_AVX512_WORDS_FN void load(vec &v, const uint64_t *p, int64_t nw) {
    v = _mm512_maskz_loadu_epi64(mask(nw), p);
  }
  XN_AVX512_WORDS_FN void and_or(vec &all, vec &any, const vec &v) {
    all = _mm512_and_si512(all, v);
    any = _mm512_or_si512(any, v);
  }
  // (all & ~mn) | (any & mn): a bitwise select.
  XN_AVX512_WORDS_FN void select(vec &r, const vec &mn, const vec &any, const vec &all) {
    r = _mm512_ternarylogic_epi64(mn, any, all, 0xCA);
  }
  XN_AVX512_WORDS_FN void store(uint64_t *p, const vec &v, int64_t nw) {
    _mm512_mask_storeu_epi64(p, mask(nw), v);
  }
};

#endif // XNORC_RUNTIME_X86_AVX512_POLICY_H
