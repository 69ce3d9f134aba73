// The AVX2 + FMA vector policy: the instruction-set half of the x86 kernels written once as
// templates over a policy V (x86/oc_conv.h's and x86/px_float.h's register tiles; see
// docs/Architecture.md, "Runtime: one walk per family, a policy per ISA"). Its twin is
// x86/avx512_policy.h: the same members on 16 lanes.
//
//   V::vec, V::L                       the float vector and its lanes;
//   zero(v), load(v, p), broadcast(v, p), set1(v, f), fma(acc, a, b) (acc += a * b, fused),
//   relu(v) (max(0, v), NaN kept), max(m, v) (the max-pool's max), store_aligned(p, v),
//   store_n(p, v, n) (lanes < n);
//   masked                             the glue policy below: lane masks, masked, stride-2
//                                      and gathered loads (x86/px_float.h);
//   signs(v, p)                        the +-1.0f vector of L sign bits at p (1 = -1);
//   stage<P>(acc, rows, stride)        P <= 8 pixel vectors of L channels, transposed into
//                                      L rows of 8 pixels, stride floats apart.
//
// The members return through references and take vectors by reference: the templates that
// call them are compiled for the baseline ISA until the ISA's entry point (target attribute
// and `flatten`) inlines them, and vectors passed by value there would change the ABI.
#ifndef XNORC_RUNTIME_X86_AVX2_POLICY_H
#define XNORC_RUNTIME_X86_AVX2_POLICY_H

#include "float_common.h"

#include <immintrin.h>

#define XN_AVX2_POLICY_FN __attribute__((target("avx2,fma"))) static inline

// Row s of the table is the 8 weights whose sign bits are s (bit l set: lane l is -1).
struct xn_avx2_sign_table {
  float v[256][8];
};
constexpr xn_avx2_sign_table xn_avx2_make_sign_table() {
  xn_avx2_sign_table t = {};
  for (int s = 0; s < 256; ++s)
    for (int l = 0; l < 8; ++l)
      t.v[s][l] = (s >> l) & 1 ? -1.0f : 1.0f;
  return t;
}
alignas(32) inline constexpr xn_avx2_sign_table xn_avx2_signs = xn_avx2_make_sign_table();

// Float lanes with lane masks, for the vector pools (x86/glue_common.h) and the masked loads
// of the pixels-across-lanes conv (x86/px_float.h): masks are vectors (vmaskmovps loads
// never touch masked-out lanes), masked updates are blends. Target "avx2" without FMA, as
// the glue kernels: no contraction the generic kernels do not do.
#define XN_AVX2_GLUE_FN __attribute__((target("avx2"))) static inline
struct xn_avx2_glue {
  typedef __m256 vec;
  typedef __m256i mask, index;
  static constexpr int L = 8;
  // All-ones in the lanes i of 8 with lo <= base + i < hi.
  XN_AVX2_GLUE_FN void lanes(mask &m, int64_t lo, int64_t hi, int base) {
    const __m256i i =
        _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(base));
    m = _mm256_and_si256(_mm256_cmpgt_epi32(i, _mm256_set1_epi32(static_cast<int>(lo) - 1)),
                         _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(hi)), i));
  }
  XN_AVX2_GLUE_FN void set1(vec &v, float f) { v = _mm256_set1_ps(f); }
  // The 8 taps of a block whose lane 0 reads src (stride S; others 0, never read).
  template <int S>
  XN_AVX2_GLUE_FN void load(vec &v, const float *src, const mask &l0, const mask &l1) {
    if (S == 1) {
      v = _mm256_maskload_ps(src, l0);
      return;
    }
    const __m256 x0 = _mm256_maskload_ps(src, l0);
    const __m256 x1 = _mm256_maskload_ps(src + 8, l1);
    const __m256 e = _mm256_shuffle_ps(x0, x1, 0x88); // x0[0,2] x1[0,2] | x0[4,6] x1[4,6]
    v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8));
  }
  // The lanes of k read from src + ix[i] floats (others 0): a gather.
  XN_AVX2_GLUE_FN void gather(vec &v, const float *src, const index &ix, const mask &k) {
    v = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), src, ix, _mm256_castsi256_ps(k), 4);
  }
  // Lane i's offset i * stride, for gather().
  XN_AVX2_GLUE_FN void strided(index &ix, int64_t stride) {
    ix = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                            _mm256_set1_epi32(static_cast<int>(stride)));
  }
  // vmaxps(v, m) is v > m ? v : m, the generic comparison; only the lanes of k.
  XN_AVX2_GLUE_FN void max_in(vec &m, const vec &v, const mask &k) {
    m = _mm256_blendv_ps(m, _mm256_max_ps(v, m), _mm256_castsi256_ps(k));
  }
  XN_AVX2_GLUE_FN void add_in(vec &sum, const vec &v, const mask &k) {
    sum = _mm256_blendv_ps(sum, _mm256_add_ps(sum, v), _mm256_castsi256_ps(k));
  }
  // sum += v * w in the lanes of k, rounded twice (no FMA in this target).
  XN_AVX2_GLUE_FN void mul_add_in(vec &sum, const vec &v, const vec &w, const mask &k) {
    sum = _mm256_blendv_ps(sum, _mm256_add_ps(sum, _mm256_mul_ps(v, w)), _mm256_castsi256_ps(k));
  }
  XN_AVX2_GLUE_FN void count_in(vec &c, const mask &k) {
    c = _mm256_add_ps(c, _mm256_and_ps(_mm256_set1_ps(1.0f), _mm256_castsi256_ps(k)));
  }
  // inv = 1 / count, count = rows * cols (0 where count is 0); true if every lane of count is 0
  // or a power of two, where sum * inv rounds as sum / count does (both are the exact quotient,
  // rounded once).
  XN_AVX2_GLUE_FN bool exact_inverse(vec &inv, const vec &rows, const vec &cols) {
    const __m256 count = _mm256_mul_ps(rows, cols);
    const __m256 nz = _mm256_cmp_ps(count, _mm256_setzero_ps(), _CMP_GT_OQ);
    inv = _mm256_and_ps(nz, _mm256_div_ps(_mm256_set1_ps(1.0f), count));
    const __m256i bits = _mm256_castps_si256(count);
    return _mm256_testz_si256(bits, _mm256_set1_epi32(0x7fffff)) != 0;
  }
  XN_AVX2_GLUE_FN void scale(vec &out, const vec &sum, const vec &inv) {
    out = _mm256_mul_ps(sum, inv);
  }
  // sum / (rows * cols), 0 where the count is 0.
  XN_AVX2_GLUE_FN void average(vec &out, const vec &sum, const vec &rows, const vec &cols) {
    const __m256 count = _mm256_mul_ps(rows, cols);
    const __m256 nz = _mm256_cmp_ps(count, _mm256_setzero_ps(), _CMP_GT_OQ);
    out = _mm256_and_ps(nz, _mm256_div_ps(sum, count));
  }
  XN_AVX2_GLUE_FN void store(float *p, const mask &k, const vec &v) {
    _mm256_maskstore_ps(p, k, v);
  }
  // Whole vectors, for the elementwise layers (x86/glue_common.h).
  XN_AVX2_GLUE_FN void loadu(vec &v, const float *p) { v = _mm256_loadu_ps(p); }
  XN_AVX2_GLUE_FN void storeu(float *p, const vec &v) { _mm256_storeu_ps(p, v); }
  // IEEE operations, each rounded once (no FMA in this target).
  XN_AVX2_GLUE_FN void add(vec &v, const vec &a, const vec &b) { v = _mm256_add_ps(a, b); }
  XN_AVX2_GLUE_FN void sub(vec &v, const vec &a, const vec &b) { v = _mm256_sub_ps(a, b); }
  XN_AVX2_GLUE_FN void mul(vec &v, const vec &a, const vec &b) { v = _mm256_mul_ps(a, b); }
  XN_AVX2_GLUE_FN void div(vec &v, const vec &a, const vec &b) { v = _mm256_div_ps(a, b); }
  // vmaxps(0, v) is 0 > v ? 0 : v: the generic relu (-0 and NaN kept).
  XN_AVX2_GLUE_FN void relu(vec &v, const vec &a) { v = _mm256_max_ps(_mm256_setzero_ps(), a); }
};

struct xn_avx2_f32 {
  typedef __m256 vec;
  typedef xn_avx2_glue masked; // lane masks, masked and stride-2 loads, gathers
  static constexpr int L = 8;

  XN_AVX2_POLICY_FN void zero(vec &v) { v = _mm256_setzero_ps(); }
  XN_AVX2_POLICY_FN void load(vec &v, const float *p) { v = _mm256_loadu_ps(p); }
  XN_AVX2_POLICY_FN void broadcast(vec &v, const float *p) { v = _mm256_broadcast_ss(p); }
  XN_AVX2_POLICY_FN void fma(vec &acc, const vec &a, const vec &b) {
    acc = _mm256_fmadd_ps(a, b, acc);
  }
  XN_AVX2_POLICY_FN void store_aligned(float *p, const vec &v) { _mm256_store_ps(p, v); }
  XN_AVX2_POLICY_FN void set1(vec &v, float f) { v = _mm256_set1_ps(f); }
  XN_AVX2_POLICY_FN void relu(vec &v) { v = _mm256_max_ps(_mm256_setzero_ps(), v); } // NaN stays
  // m = max(v, m): a NaN v leaves m, of +0 and -0 m stays (the max-pool's comparison).
  XN_AVX2_POLICY_FN void max(vec &m, const vec &v) { m = _mm256_max_ps(v, m); }
  // The first n lanes of v at p (all L when n >= L): a plain store, or vmaskmovps.
  XN_AVX2_POLICY_FN void store_n(float *p, const vec &v, int64_t n) {
    if (n >= 8) {
      _mm256_storeu_ps(p, v);
      return;
    }
    masked::mask k;
    masked::lanes(k, 0, n, 0);
    _mm256_maskstore_ps(p, k, v);
  }

  // One byte of signs: a 256-entry table of 8 floats (8 KB, built at compile time) turns it
  // into the +-1.0f vector with one load, so the expansion costs no ALU work.
  XN_AVX2_POLICY_FN void signs(vec &v, const unsigned char *p) {
    v = _mm256_load_ps(xn_avx2_signs.v[*p]);
  }

  // 8x8 transpose: steps 1 and 2 transpose the 4x4 blocks within 128-bit lanes, step 3 pairs
  // the lanes of pixels 0-3 and 4-7. Pixels past P are zero.
  template <int P> XN_AVX2_POLICY_FN void stage(const vec *acc, float *rows, int64_t stride) {
    __m256 in[8], u[8];
    XN_UNROLL(16)
    for (int i = 0; i < 8; ++i)
      in[i] = i < P ? acc[i] : _mm256_setzero_ps();
    XN_UNROLL(16)
    for (int h = 0; h < 8; h += 4) {
      const __m256 t0 = _mm256_unpacklo_ps(in[h + 0], in[h + 1]);
      const __m256 t1 = _mm256_unpackhi_ps(in[h + 0], in[h + 1]);
      const __m256 t2 = _mm256_unpacklo_ps(in[h + 2], in[h + 3]);
      const __m256 t3 = _mm256_unpackhi_ps(in[h + 2], in[h + 3]);
      u[h + 0] = _mm256_shuffle_ps(t0, t2, 0x44);
      u[h + 1] = _mm256_shuffle_ps(t0, t2, 0xEE);
      u[h + 2] = _mm256_shuffle_ps(t1, t3, 0x44);
      u[h + 3] = _mm256_shuffle_ps(t1, t3, 0xEE);
    }
    XN_UNROLL(16)
    for (int k = 0; k < 4; ++k) {
      _mm256_storeu_ps(rows + k * stride, _mm256_permute2f128_ps(u[k], u[4 + k], 0x20));
      _mm256_storeu_ps(rows + (4 + k) * stride, _mm256_permute2f128_ps(u[k], u[4 + k], 0x31));
    }
  }
};

// Channel words for the binary max-pool walk (generic/bpool.h): 4 per vector, no masked
// loads (the walk does the tail words one by one).
#define XN_AVX2_WORDS_FN __attribute__((target("avx2"))) static inline
struct xn_avx2_u64 {
  typedef __m256i vec;
  static constexpr int W = 4, MASKED = 0;
  XN_AVX2_WORDS_FN void ones(vec &v) { v = _mm256_set1_epi64x(-1); }
  XN_AVX2_WORDS_FN void zero(vec &v) { v = _mm256_setzero_si256(); }
  XN_AVX2_WORDS_FN void load(vec &v, const uint64_t *p, int64_t) {
    v = _mm256_loadu_si256((const __m256i *)p);
  }
  XN_AVX2_WORDS_FN void and_or(vec &all, vec &any, const vec &v) {
    all = _mm256_and_si256(all, v);
    any = _mm256_or_si256(any, v);
  }
  XN_AVX2_WORDS_FN void select(vec &r, const vec &mn, const vec &any, const vec &all) {
    r = _mm256_or_si256(_mm256_andnot_si256(mn, all), _mm256_and_si256(any, mn));
  }
  XN_AVX2_WORDS_FN void store(uint64_t *p, const vec &v, int64_t) {
    _mm256_storeu_si256((__m256i *)p, v);
  }
};

#endif // XNORC_RUNTIME_X86_AVX2_POLICY_H
