// AVX2 + FMA output-channels-across-lanes convs (design: x86/oc_conv.h): xn_avx2_bwconv,
// xn_avx2_bwdense and the float conv xn_avx2_conv_oc, x86/oc_conv.h's register tile on the
// 8-lane vectors of x86/avx2_policy.h with 16 registers.
//
// Register tile: XN_AVX2_OC_B blocks x XN_AVX2_OC_P pixels (2 x 6: 16 channels x 6 pixels,
// 12 accumulators + 2 weight vectors + 1 broadcast). Bit weights: one byte holds the signs
// of a block's 8 channels at one tap, expanded by a table load (xn_avx2_f32::signs).
#ifndef XNORC_RUNTIME_X86_AVX2_OC_CONV_H
#define XNORC_RUNTIME_X86_AVX2_OC_CONV_H

#include "avx2_policy.h"
#include "oc_conv.h"

struct xn_avx2_oc {
  typedef xn_avx2_f32 V;
  static const int L = XN_AVX2_OC_L, B = XN_AVX2_OC_B, P = XN_AVX2_OC_P;
  template <int P_, int B_, class W>
  __attribute__((target("avx2,fma"), flatten)) static void tile(const xn_x86_oc_ctx *c, const W &w,
                                                                const xn_x86_oc_pos &t) {
    xn_x86_oc_tile_v<V, P_, B_>(c, w, t);
  }
};

inline void xn_avx2_bwconv(const xn_bwconv_params *p, const float *x, const uint64_t *w,
                           const float *scale, const float *bias, const float *residual, float *y,
                           int part = 0, int parts = 1) {
  xn_x86_oc_bwconv<xn_avx2_oc>(p, x, w, scale, bias, residual, y, part, parts);
}
inline void xn_avx2_bwdense(const xn_bwdense_params *p, const float *x, const uint64_t *w,
                            const float *scale, const float *bias, const float *residual,
                            float *y) {
  xn_x86_oc_bwdense<xn_avx2_oc>(p, x, w, scale, bias, residual, y);
}
inline void xn_avx2_conv_oc(const xn_conv_params *p, const float *x, const float *w,
                            const float *bias, float *y, int part = 0, int parts = 1) {
  xn_x86_oc_conv<xn_avx2_oc>(p, x, w, bias, y, part, parts);
}

#endif // XNORC_RUNTIME_X86_AVX2_OC_CONV_H
