// AVX-512 output-channels-across-lanes convs (design: x86/oc_conv.h): the binary-weight
// conv and dense layer xn_avx512_bwconv / xn_avx512_bwdense, and the float conv
// xn_avx512_conv_oc, which xnorc prefers to the pixels-across-lanes xn_avx512_conv
// (x86/avx512_float.h) for strided convs (the stem) and convs with many weights per output
// (targets/x86/X86Targets.cpp, useOcConv). x86/oc_conv.h's register tile on the 16-lane
// vectors of x86/avx512_policy.h.
//
// Register tile: XN_AVX512_OC_B blocks x XN_AVX512_OC_P pixels (4 x 6: 64 channels x 6
// pixels, 24 accumulators + 4 weight vectors + 1 broadcast). Per input channel and tap: 4
// weight vectors (float: 4 loads; bits: 4 kmovw + vblendmps of +1/-1), then per pixel one
// vbroadcastss and 4 FMAs.
//
// Same parameter structs and semantics as generic/bwconv.h and generic/conv.h, equal up to
// float summation order. Per-function target attributes: builds without -m flags; callers
// check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_OC_CONV_H
#define XNORC_RUNTIME_X86_AVX512_OC_CONV_H

#include "avx512_policy.h"
#include "oc_conv.h"

struct xn_avx512_oc {
  typedef xn_avx512_f32 V;
  static const int L = XN_AVX512_OC_L, B = XN_AVX512_OC_B, P = XN_AVX512_OC_P;
  template <int P_, int B_, class W>
  __attribute__((target("avx512f,fma"), flatten)) static void
  tile(const xn_x86_oc_ctx *c, const W &w, const xn_x86_oc_pos &t) {
    xn_x86_oc_tile_v<V, P_, B_>(c, w, t);
  }
};

inline void xn_avx512_bwconv(const xn_bwconv_params *p, const float *x, const uint64_t *w,
                             const float *scale, const float *bias, const float *residual, float *y,
                             int part = 0, int parts = 1) {
  xn_x86_oc_bwconv<xn_avx512_oc>(p, x, w, scale, bias, residual, y, part, parts);
}
inline void xn_avx512_bwdense(const xn_bwdense_params *p, const float *x, const uint64_t *w,
                              const float *scale, const float *bias, const float *residual,
                              float *y) {
  xn_x86_oc_bwdense<xn_avx512_oc>(p, x, w, scale, bias, residual, y);
}
inline void xn_avx512_conv_oc(const xn_conv_params *p, const float *x, const float *w,
                              const float *bias, float *y, int part = 0, int parts = 1) {
  xn_x86_oc_conv<xn_avx512_oc>(p, x, w, bias, y, part, parts);
}

#endif // XNORC_RUNTIME_X86_AVX512_OC_CONV_H
