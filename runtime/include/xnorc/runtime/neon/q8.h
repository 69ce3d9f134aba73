// NEON 8-bit conv and gemm (design: common/q8_walk.h), AArch64 and ARMv7: xn_neon_qconv,
// xn_neon_qgemm, xn_neon_quantize, xn_neon_dequantize, bit for bit the generic kernels'
// (docs/XnorMath.md, "8-bit kernels").
//
// Activations and weights are both i8 here (V::XS): NEON multiplies signed by signed.
// Two dot products of four bytes, chosen by the target's configuration (neon/config_*.h):
//  - smull + sadalp (every NEON): vmull_s8 multiplies 8 byte pairs into int16 lanes, each one
//    product, |x w| <= 128 * 128 = 16384 < 2^15, exact; vpadalq_s16 adds neighbouring pairs
//    into int32 lanes. No int16 lane ever holds a sum: two products can reach 32768, one past
//    int16 (why not vmlal_s8). A lane of four bytes is thus two int32 halves, in two
//    accumulators (lanes 0-1 and 2-3 of a q-register of 16 bytes), which finish adds pairwise
//    (vpadd) once per tile. 16 multiply-adds in 4 instructions.
//  - sdot (ARMv8.2 dotprod: the neon-dotprod target, neon/config_aarch64_dotprod.h, defines
//    XN_NEON_DOTPROD): vdotq_s32 adds four
//    i8 x i8 products into each int32 lane, no intermediate narrower than 32 bits. 16
//    multiply-adds an instruction.
//
// Requantization and quantize / dequantize are generic/qlinear.h's steps on float32x4:
// AArch64 rounds half to even in one instruction (vcvtnq_s32_f32, vrndnq_f32) and is IEEE in
// every step. ARMv7 NEON has no rounding convert and no vector division, and flushes
// subnormals to zero with a default NaN (its fixed "standard FPSCR"), so:
//  - rounding: adding and subtracting 1.5 * 2^23 rounds |v| < 2^22 half to even (the float
//    add does); larger values saturate whichever way they round;
//  - division: lane by lane in VFP (IEEE, the scalar code's instruction);
//  - subnormals: a requantized acc * scale is 0 or at least |scale| (acc is an integer), so a
//    flushed subnormal product rounds to 0 like the exact one; a subnormal (or non-finite)
//    dequantization scale would differ, so such runs take the scalar steps.
//
// Tiles (rows x vectors of 4 int32 lanes): AArch64 smull 4 x 2 (16 accumulator registers of
// 32), sdot 4 x 4 (16); ARMv7 smull 4 x 1 (8 of 16).
#ifndef XNORC_RUNTIME_NEON_Q8_H
#define XNORC_RUNTIME_NEON_Q8_H

#include "../common/q8_walk.h"
#include "common.h"

#include <float.h>

// The lane policy of xn_q8_tile_v (members: x86/avx512_q8.h's xn_avx512_vnni).
struct xn_neon_q8_lanes {
  typedef int32x4_t vi;
  typedef float32x4_t vf;
  typedef int8x16_t U;
  typedef int8x16_t S;
  static constexpr int L = 4;
  static constexpr bool XS = true; // i8 activations
#if defined(XN_NEON_DOTPROD)
  typedef int32x4_t acc; // zero(vi) below
  static void dot(acc &a, const U &u, const S &s) { a = vdotq_s32(a, u, s); }
  static void finish(vi &v, const acc &a) { v = a; }
#else
  struct acc { // int32 halves of lanes 0-1 (lo) and 2-3 (hi)
    int32x4_t lo, hi;
  };
  static void zero(acc &a) { a.lo = a.hi = vdupq_n_s32(0); }
  static void dot(acc &a, const U &u, const S &s) {
    a.lo = vpadalq_s16(a.lo, vmull_s8(vget_low_s8(u), vget_low_s8(s)));
#if defined(__aarch64__)
    a.hi = vpadalq_s16(a.hi, vmull_high_s8(u, s));
#else
    a.hi = vpadalq_s16(a.hi, vmull_s8(vget_high_s8(u), vget_high_s8(s)));
#endif
  }
  static void finish(vi &v, const acc &a) {
#if defined(__aarch64__)
    v = vpaddq_s32(a.lo, a.hi);
#else
    v = vcombine_s32(vpadd_s32(vget_low_s32(a.lo), vget_high_s32(a.lo)),
                     vpadd_s32(vget_low_s32(a.hi), vget_high_s32(a.hi)));
#endif
  }
#endif
  static void load_u(U &v, const uint8_t *p) { v = vld1q_s8((const int8_t *)p); }
  static void load_s(S &v, const uint8_t *p) { v = vld1q_s8((const int8_t *)p); }
  static void bcast32(int8x16_t &v, const uint8_t *p) {
    int32_t d;
    memcpy(&d, p, sizeof d);
    v = vreinterpretq_s8_s32(vdupq_n_s32(d));
  }
  static void bcast_u(U &v, const uint8_t *p) { bcast32(v, p); }
  static void bcast_s(S &v, const uint8_t *p) { bcast32(v, p); }
  static void zero(vi &v) { v = vdupq_n_s32(0); }
  static void set1_i(vi &v, int32_t a) { v = vdupq_n_s32(a); }
  static void set1_f(vf &v, float a) { v = vdupq_n_f32(a); }
  static void load_i(vi &v, const int32_t *p) { v = vld1q_s32(p); }
  static void load_f(vf &v, const float *p) { v = vld1q_f32(p); }
  static void add(vi &a, const vi &b) { a = vaddq_s32(a, b); }
  static void sub(vi &a, const vi &b) { a = vsubq_s32(a, b); }
  static void mullo(vi &a, const vi &b) { a = vmulq_s32(a, b); }
  // xn_requantize_t's steps. vmaxq / vminq return NaN when v is NaN (AArch64 that NaN,
  // ARMv7 the default NaN): the scalar `v < lo ? lo : v` keeps it too, and both then
  // convert NaN to 0 (ARM's float to int conversions).
  static void to_float(vf &v, const vi &a) { v = vcvtq_f32_s32(a); }
  static void mul(vf &v, const vf &s) { v = vmulq_f32(v, s); }
  static void fmax(vf &v, const vf &lo) { v = vmaxq_f32(v, lo); }
  static void fmin(vf &v, const vf &hi) { v = vminq_f32(v, hi); }
#if defined(__aarch64__)
  static void round_to_int(vi &out, const vf &v) { out = vcvtnq_s32_f32(v); }
  static void div(vf &v, const vf &s) { v = vdivq_f32(v, s); }
  static void round_half_even(vf &v) { v = vrndnq_f32(v); }
#else
  // 1.5 * 2^23: v + it lies in [2^23, 2^24) for |v| < 2^22, where floats are the integers,
  // so the add rounds v half to even (NEON's fixed round-to-nearest mode).
  static float32x4_t magic() { return vdupq_n_f32(12582912.0f); }
  // v is clamped to the output range less the zero point (|v| <= 510), or NaN, which
  // converts to 0 as the scalar VFP conversion does.
  static void round_to_int(vi &out, const vf &v) {
    out = vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(v, magic())), vreinterpretq_s32_f32(magic()));
    out = vandq_s32(out, vreinterpretq_s32_u32(vceqq_f32(v, v)));
  }
  static void div(vf &v, const vf &s) {
    float a[4], b[4];
    vst1q_f32(a, v);
    vst1q_f32(b, s);
    for (int i = 0; i < 4; ++i)
      a[i] /= b[i];
    v = vld1q_f32(a);
  }
  // Only the clamped result is kept (to [-128, 255]), and any |v| >= 2^22 clamps to the
  // same bound however it rounds; NaN and infinities pass through the add.
  static void round_half_even(vf &v) { v = vsubq_f32(vaddq_f32(v, magic()), magic()); }
#endif
  static void addf(vf &v, const vf &a) { v = vaddq_f32(v, a); }
  static void nan_to(vf &v, const vf &lo) { v = vbslq_f32(vceqq_f32(v, v), v, lo); }
  static void truncate(vi &out, const vf &v) { out = vcvtq_s32_f32(v); }
  // L bytes, zero- or sign-extended.
  static void load_bytes(vi &v, const uint8_t *p, int is_signed) {
    uint32_t d;
    memcpy(&d, p, sizeof d);
    const uint8x8_t b = vreinterpret_u8_u32(vdup_n_u32(d));
    v = is_signed ? vmovl_s16(vget_low_s16(vmovl_s8(vreinterpret_s8_u8(b))))
                  : vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(vmovl_u8(b))));
  }
  static void store_f(float *p, const vf &v) { vst1q_f32(p, v); }
  // The low byte of each of the first n (<= 4 used) lanes.
  static void store_bytes(uint8_t *p, const vi &v, int64_t n) {
    const int16x4_t h = vmovn_s32(v);
    const uint32_t b = vget_lane_u32(vreinterpret_u32_s8(vmovn_s16(vcombine_s16(h, h))), 0);
    if (n >= 4) {
      memcpy(p, &b, 4);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      p[i] = (uint8_t)(b >> (8 * i));
  }
};

#if defined(XN_NEON_DOTPROD)
#define XN_NEON_Q8_P 4
#elif defined(__aarch64__)
#define XN_NEON_Q8_P 2
#else
#define XN_NEON_Q8_P 1
#endif
XN_Q8_TILE(neon_tile, xn_neon_q8_lanes, 4, XN_NEON_Q8_P, )

// ARMv7's vector multiply flushes subnormals (see above): dequantize runs with a subnormal or
// non-finite scale take the scalar steps there.
struct xn_neon_q8 : xn_neon_tile_q8 {
  static int64_t dequantize(const uint8_t *x, int64_t n, int is_signed, int32_t zp, float s,
                            float *y) {
#if !defined(__aarch64__)
    const float a = s < 0 ? -s : s;
    if (!(a <= FLT_MAX) || (a != 0 && a < FLT_MIN))
      return 0;
#endif
    return xn_neon_tile_q8::dequantize(x, n, is_signed, zp, s, y);
  }
};

inline void xn_neon_qconv(const xn_qconv_params *p, const void *x, const float *x_scale,
                          const void *x_zero_point, const void *w, const float *w_scale,
                          const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                          const int32_t *bias, void *y, int part = 0, int parts = 1) {
  xn_q8_conv<xn_neon_q8>(p, x, x_scale, x_zero_point, (const uint8_t *)w, w_scale, w_zero_point,
                         y_scale, y_zero_point, bias, y, part, parts);
}

inline void xn_neon_qgemm(const xn_qgemm_params *p, const void *x, const float *x_scale,
                          const void *x_zero_point, const void *w, const float *w_scale,
                          const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                          const int32_t *bias, void *y) {
  xn_q8_gemm<xn_neon_q8>(p, x, x_scale, x_zero_point, (const uint8_t *)w, w_scale, w_zero_point,
                         y_scale, y_zero_point, bias, y);
}

inline void xn_neon_quantize(const xn_qlinear_params *p, const float *x, const float *scale,
                             const void *zero_point, void *y) {
  xn_q8_quantize<xn_neon_q8>(p, x, scale, zero_point, y);
}

inline void xn_neon_dequantize(const xn_qlinear_params *p, const void *x, const float *scale,
                               const void *zero_point, float *y) {
  xn_q8_dequantize<xn_neon_q8>(p, x, scale, zero_point, y);
}

#endif // XNORC_RUNTIME_NEON_Q8_H
