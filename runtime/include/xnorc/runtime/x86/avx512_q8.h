// AVX-512 VNNI 8-bit conv and gemm (design: common/q8_walk.h): xn_avx512_qconv and
// xn_avx512_qgemm. vpdpbusd adds four u8 x i8 products into each int32 lane without
// intermediate saturation: 64 multiply-adds an instruction.
//
// VNNI is not part of the AVX-512 target's CPU check (x86 targets check their whole feature
// list once, targets/x86/X86Features.h, and AVX-512 CPUs without VNNI, e.g. Skylake-SP, run
// every other kernel), so these kernels check it at run time, once, and run the AVX2 tile
// (x86/avx2_q8.h, same packed weights, same results) without it.
//
// Tile: 4 rows x 6 vectors of 16 lanes (24 accumulators, 6 vector operands, 1 broadcast).
#ifndef XNORC_RUNTIME_X86_AVX512_Q8_H
#define XNORC_RUNTIME_X86_AVX512_Q8_H

#include "avx2_q8.h"

#include <immintrin.h>

// Only the dot product needs VNNI: the other members (the requantization and quantize steps)
// are AVX-512 F, so kernels without VNNI inline them too (x86/bconv_quantize.h).
#define XN_AVX512_Q8_FN __attribute__((target("avx512f"))) static inline
#define XN_AVX512_VNNI_FN __attribute__((target("avx512f,avx512vnni"))) static inline

// The lane policy of xn_q8_tile_v (results by reference, see xn_requantize_t): vi / vf
// int32 / float lanes; XS whether activations are i8 (else u8); U / S the vector operand as
// activation / weight bytes (four a lane), loaded (load_*) or one 32-bit group broadcast
// (bcast_*); dot(acc, u, s) adds each lane's four products into an accumulator of type acc,
// which finish turns into the lanes' int32 sums; store_bytes stores the low bytes of the first n
// lanes; the rest is xn_requantize_t's policy (generic/qlinear.h). fmax(v, lo) is vmaxps(lo, v),
// which returns its second operand v when either is NaN, as the scalar `v < lo ? lo : v` does; fmin
// likewise. vcvtps2dq rounds half to even (the default MXCSR), as nearbyintf does.
struct xn_avx512_vnni {
  typedef __m512i vi;
  typedef __m512 vf;
  typedef __m512i U;
  typedef __m512i S;
  static constexpr int L = 16;
  static constexpr bool XS = false; // u8 activations
  typedef vi acc;
  XN_AVX512_Q8_FN void bcast32(__m512i &v, const uint8_t *p) {
    int32_t d;
    memcpy(&d, p, sizeof d);
    v = _mm512_set1_epi32(d);
  }
  XN_AVX512_Q8_FN void load_u(U &v, const uint8_t *p) { v = _mm512_loadu_si512(p); }
  XN_AVX512_Q8_FN void load_s(S &v, const uint8_t *p) { v = _mm512_loadu_si512(p); }
  XN_AVX512_Q8_FN void bcast_u(U &v, const uint8_t *p) { bcast32(v, p); }
  XN_AVX512_Q8_FN void bcast_s(S &v, const uint8_t *p) { bcast32(v, p); }
  XN_AVX512_VNNI_FN void dot(vi &acc, const U &u, const S &s) {
    acc = _mm512_dpbusd_epi32(acc, u, s);
  }
  XN_AVX512_Q8_FN void finish(vi &v, const acc &a) { v = a; }
  XN_AVX512_Q8_FN void zero(vi &v) { v = _mm512_setzero_si512(); }
  XN_AVX512_Q8_FN void set1_i(vi &v, int32_t a) { v = _mm512_set1_epi32(a); }
  XN_AVX512_Q8_FN void set1_f(vf &v, float a) { v = _mm512_set1_ps(a); }
  XN_AVX512_Q8_FN void load_i(vi &v, const int32_t *p) { v = _mm512_loadu_si512(p); }
  XN_AVX512_Q8_FN void load_f(vf &v, const float *p) { v = _mm512_loadu_ps(p); }
  XN_AVX512_Q8_FN void add(vi &a, const vi &b) { a = _mm512_add_epi32(a, b); }
  XN_AVX512_Q8_FN void sub(vi &a, const vi &b) { a = _mm512_sub_epi32(a, b); }
  XN_AVX512_Q8_FN void mullo(vi &a, const vi &b) { a = _mm512_mullo_epi32(a, b); }
  // All-lane masked forms: the unmasked intrinsics pass an undefined vector through, which
  // g++ 12 reports as -Wmaybe-uninitialized (as in x86/avx512_policy.h).
  XN_AVX512_Q8_FN void to_float(vf &v, const vi &a) { v = _mm512_maskz_cvtepi32_ps(0xffff, a); }
  XN_AVX512_Q8_FN void mul(vf &v, const vf &s) { v = _mm512_mul_ps(v, s); }
  XN_AVX512_Q8_FN void fmax(vf &v, const vf &lo) { v = _mm512_maskz_max_ps(0xffff, lo, v); }
  XN_AVX512_Q8_FN void fmin(vf &v, const vf &hi) { v = _mm512_maskz_min_ps(0xffff, hi, v); }
  XN_AVX512_Q8_FN void round_to_int(vi &out, const vf &v) {
    out = _mm512_maskz_cvtps_epi32(0xffff, v);
  }
  XN_AVX512_Q8_FN void div(vf &v, const vf &s) { v = _mm512_div_ps(v, s); }
  XN_AVX512_Q8_FN void round_half_even(vf &v) {
    v = _mm512_maskz_roundscale_ps(0xffff, v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  XN_AVX512_Q8_FN void addf(vf &v, const vf &a) { v = _mm512_add_ps(v, a); }
  XN_AVX512_Q8_FN void nan_to(vf &v, const vf &lo) {
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), v, lo);
  }
  XN_AVX512_Q8_FN void truncate(vi &out, const vf &v) {
    out = _mm512_maskz_cvttps_epi32(0xffff, v);
  }
  // L bytes, zero- or sign-extended.
  XN_AVX512_Q8_FN void load_bytes(vi &v, const uint8_t *p, int is_signed) {
    const __m128i b = _mm_loadu_si128((const __m128i *)p);
    v = is_signed ? _mm512_maskz_cvtepi8_epi32(0xffff, b) : _mm512_maskz_cvtepu8_epi32(0xffff, b);
  }
  XN_AVX512_Q8_FN void store_f(float *p, const vf &v) { _mm512_storeu_ps(p, v); }
  XN_AVX512_Q8_FN void store_bytes(uint8_t *p, const vi &v, int64_t n) {
    _mm512_mask_cvtepi32_storeu_epi8(p, n >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << n) - 1),
                                     v);
  }
};

XN_Q8_TILE(avx512, xn_avx512_vnni, 4, 6, __attribute__((target("avx512f,avx512vnni"))))

// Whether this CPU has AVX-512 VNNI (checked once).
inline bool xn_x86_has_avx512vnni() {
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx512vnni") != 0);
  return has;
}

inline void xn_avx512_qconv(const xn_qconv_params *p, const void *x, const float *x_scale,
                            const void *x_zero_point, const void *w, const float *w_scale,
                            const void *w_zero_point, const float *y_scale,
                            const void *y_zero_point, const int32_t *bias, void *y, int part = 0,
                            int parts = 1) {
  if (!xn_x86_has_avx512vnni()) {
    xn_avx2_qconv(p, x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point,
                  bias, y, part, parts);
    return;
  }
  xn_q8_conv<xn_avx512_q8>(p, x, x_scale, x_zero_point, (const uint8_t *)w, w_scale, w_zero_point,
                           y_scale, y_zero_point, bias, y, part, parts);
}

inline void xn_avx512_qgemm(const xn_qgemm_params *p, const void *x, const float *x_scale,
                            const void *x_zero_point, const void *w, const float *w_scale,
                            const void *w_zero_point, const float *y_scale,
                            const void *y_zero_point, const int32_t *bias, void *y) {
  if (!xn_x86_has_avx512vnni()) {
    xn_avx2_qgemm(p, x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point,
                  bias, y);
    return;
  }
  xn_q8_gemm<xn_avx512_q8>(p, x, x_scale, x_zero_point, (const uint8_t *)w, w_scale, w_zero_point,
                           y_scale, y_zero_point, bias, y);
}

inline void xn_avx512_quantize(const xn_qlinear_params *p, const float *x, const float *scale,
                               const void *zero_point, void *y) {
  if (!xn_x86_has_avx512vnni()) { // its code is compiled for the VNNI target too
    xn_avx2_quantize(p, x, scale, zero_point, y);
    return;
  }
  xn_q8_quantize<xn_avx512_q8>(p, x, scale, zero_point, y);
}

inline void xn_avx512_dequantize(const xn_qlinear_params *p, const void *x, const float *scale,
                                 const void *zero_point, float *y) {
  if (!xn_x86_has_avx512vnni()) {
    xn_avx2_dequantize(p, x, scale, zero_point, y);
    return;
  }
  xn_q8_dequantize<xn_avx512_q8>(p, x, scale, zero_point, y);
}

#endif // XNORC_RUNTIME_X86_AVX512_Q8_H
