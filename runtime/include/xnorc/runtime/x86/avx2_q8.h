// AVX2 8-bit conv and gemm (design: common/q8_walk.h): xn_avx2_qconv and xn_avx2_qgemm, also
// the AVX-512 target's fallback on CPUs without VNNI (x86/avx512_q8.h).
//
// AVX2 has no u8 x i8 dot product of four that cannot saturate: vpmaddubsw adds two
// u8 x i8 products into an int16, and 255 * 127 * 2 = 64770 does not fit. So each vector of
// four bytes per lane is widened into two int16 vectors, the even bytes (k = 0, 2: a mask,
// or a shift left and an arithmetic one right for the signed operand) and the odd ones
// (k = 1, 3: a logical or arithmetic shift right), and vpmaddwd multiplies 16-bit pairs into
// int32: each product is at most 255 * 128 in magnitude, each pair sum under 2^16, exact
// (docs/XnorMath.md, "8-bit kernels"). Same packed bytes as the VNNI kernel.
//
// Tile: 4 rows x 2 vectors of 8 lanes (8 accumulators, 4 widened vector operands, 2 for the
// broadcast: 14 of the 16 registers).
#ifndef XNORC_RUNTIME_X86_AVX2_Q8_H
#define XNORC_RUNTIME_X86_AVX2_Q8_H

#include "../common/q8_walk.h"

#include <immintrin.h>

#define XN_AVX2_Q8_FN __attribute__((target("avx2"))) static inline

// The lane policy of xn_q8_tile_v (members: x86/avx512_q8.h's xn_avx512_vnni).
struct xn_avx2_q8_lanes {
  typedef __m256i vi;
  typedef __m256 vf;
  struct U { // unsigned bytes: even and odd k, zero-extended
    __m256i even, odd;
  };
  struct S { // signed bytes: even and odd k, sign-extended
    __m256i even, odd;
  };
  static constexpr int L = 8;
  static constexpr bool XS = false; // u8 activations
  typedef vi acc;
  XN_AVX2_Q8_FN void widen_u(U &u, __m256i v) {
    u.even = _mm256_and_si256(v, _mm256_set1_epi16(0x00ff));
    u.odd = _mm256_srli_epi16(v, 8);
  }
  XN_AVX2_Q8_FN void widen_s(S &s, __m256i v) {
    s.even = _mm256_srai_epi16(_mm256_slli_epi16(v, 8), 8);
    s.odd = _mm256_srai_epi16(v, 8);
  }
  XN_AVX2_Q8_FN __m256i bcast32(const uint8_t *p) {
    int32_t d;
    memcpy(&d, p, sizeof d);
    return _mm256_set1_epi32(d);
  }
  XN_AVX2_Q8_FN void load_u(U &u, const uint8_t *p) {
    widen_u(u, _mm256_loadu_si256((const __m256i *)p));
  }
  XN_AVX2_Q8_FN void load_s(S &s, const uint8_t *p) {
    widen_s(s, _mm256_loadu_si256((const __m256i *)p));
  }
  XN_AVX2_Q8_FN void bcast_u(U &u, const uint8_t *p) { widen_u(u, bcast32(p)); }
  XN_AVX2_Q8_FN void bcast_s(S &s, const uint8_t *p) { widen_s(s, bcast32(p)); }
  XN_AVX2_Q8_FN void dot(vi &acc, const U &u, const S &s) {
    acc = _mm256_add_epi32(
        acc, _mm256_add_epi32(_mm256_madd_epi16(u.even, s.even), _mm256_madd_epi16(u.odd, s.odd)));
  }
  XN_AVX2_Q8_FN void finish(vi &v, const acc &a) { v = a; }
  XN_AVX2_Q8_FN void zero(vi &v) { v = _mm256_setzero_si256(); }
  XN_AVX2_Q8_FN void set1_i(vi &v, int32_t a) { v = _mm256_set1_epi32(a); }
  XN_AVX2_Q8_FN void set1_f(vf &v, float a) { v = _mm256_set1_ps(a); }
  XN_AVX2_Q8_FN void load_i(vi &v, const int32_t *p) { v = _mm256_loadu_si256((const __m256i *)p); }
  XN_AVX2_Q8_FN void load_f(vf &v, const float *p) { v = _mm256_loadu_ps(p); }
  XN_AVX2_Q8_FN void add(vi &a, const vi &b) { a = _mm256_add_epi32(a, b); }
  XN_AVX2_Q8_FN void sub(vi &a, const vi &b) { a = _mm256_sub_epi32(a, b); }
  XN_AVX2_Q8_FN void mullo(vi &a, const vi &b) { a = _mm256_mullo_epi32(a, b); }
  // xn_requantize_t's steps (see xn_avx512_vnni for the NaN order of max and min).
  XN_AVX2_Q8_FN void to_float(vf &v, const vi &a) { v = _mm256_cvtepi32_ps(a); }
  XN_AVX2_Q8_FN void mul(vf &v, const vf &s) { v = _mm256_mul_ps(v, s); }
  XN_AVX2_Q8_FN void fmax(vf &v, const vf &lo) { v = _mm256_max_ps(lo, v); }
  XN_AVX2_Q8_FN void fmin(vf &v, const vf &hi) { v = _mm256_min_ps(hi, v); }
  XN_AVX2_Q8_FN void round_to_int(vi &out, const vf &v) { out = _mm256_cvtps_epi32(v); }
  XN_AVX2_Q8_FN void div(vf &v, const vf &s) { v = _mm256_div_ps(v, s); }
  XN_AVX2_Q8_FN void round_half_even(vf &v) {
    v = _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  XN_AVX2_Q8_FN void addf(vf &v, const vf &a) { v = _mm256_add_ps(v, a); }
  XN_AVX2_Q8_FN void nan_to(vf &v, const vf &lo) {
    v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  }
  XN_AVX2_Q8_FN void truncate(vi &out, const vf &v) { out = _mm256_cvttps_epi32(v); }
  // L bytes, zero- or sign-extended.
  XN_AVX2_Q8_FN void load_bytes(vi &v, const uint8_t *p, int is_signed) {
    const __m128i b = _mm_loadl_epi64((const __m128i *)p);
    v = is_signed ? _mm256_cvtepi8_epi32(b) : _mm256_cvtepu8_epi32(b);
  }
  XN_AVX2_Q8_FN void store_f(float *p, const vf &v) { _mm256_storeu_ps(p, v); }
  // The low byte of each of the first n (<= 8 used) lanes.
  XN_AVX2_Q8_FN void store_bytes(uint8_t *p, const vi &v, int64_t n) {
    const __m256i lows = _mm256_shuffle_epi8(
        v, _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8,
                            12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1));
    const uint64_t b = (uint64_t)(uint32_t)_mm256_extract_epi32(lows, 0) |
                       (uint64_t)(uint32_t)_mm256_extract_epi32(lows, 4) << 32;
    if (n >= 8) {
      memcpy(p, &b, 8);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      p[i] = (uint8_t)(b >> (8 * i));
  }
};

XN_Q8_TILE(avx2, xn_avx2_q8_lanes, 4, 2, __attribute__((target("avx2"))))

inline void xn_avx2_qconv(const xn_qconv_params *p, const void *x, const float *x_scale,
                          const void *x_zero_point, const void *w, const float *w_scale,
                          const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                          const int32_t *bias, void *y, int part = 0, int parts = 1) {
  xn_q8_conv<xn_avx2_q8>(p, x, x_scale, x_zero_point, (const uint8_t *)w, w_scale, w_zero_point,
                         y_scale, y_zero_point, bias, y, part, parts);
}

inline void xn_avx2_qgemm(const xn_qgemm_params *p, const void *x, const float *x_scale,
                          const void *x_zero_point, const void *w, const float *w_scale,
                          const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                          const int32_t *bias, void *y) {
  xn_q8_gemm<xn_avx2_q8>(p, x, x_scale, x_zero_point, (const uint8_t *)w, w_scale, w_zero_point,
                         y_scale, y_zero_point, bias, y);
}

inline void xn_avx2_quantize(const xn_qlinear_params *p, const float *x, const float *scale,
                             const void *zero_point, void *y) {
  xn_q8_quantize<xn_avx2_q8>(p, x, scale, zero_point, y);
}

inline void xn_avx2_dequantize(const xn_qlinear_params *p, const void *x, const float *scale,
                               const void *zero_point, float *y) {
  xn_q8_dequantize<xn_avx2_q8>(p, x, scale, zero_point, y);
}

#endif // XNORC_RUNTIME_X86_AVX2_Q8_H
