// Binary conv and dense layers whose output an 8-bit layer reads, requantized in the epilogue
// (fuse-bconv-quantize): xn_bconv / xn_bdense's walk and float epilogue, then quantize's steps
// on the value (generic/qlinear.h's xn_qout), bytes stored in place of the floats.
#ifndef XNORC_RUNTIME_GENERIC_BQUANTIZE_H
#define XNORC_RUNTIME_GENERIC_BQUANTIZE_H

#include "bconv.h"
#include "bdense.h"
#include "qlinear.h"

// The walks' out(idx, m, d): the float epilogue's value of layer p (act_kind, act_alpha,
// act_beta), quantized into o.
template <class P>
inline auto xn_bquantize_out(const P *p, const float *scale, const float *bias,
                             const float *residual, const xn_qout *o) {
  return [=](int64_t idx, int64_t m, int64_t d) {
    xn_qout_store(o, idx,
                  xn_binary_epilogue(p->act_kind, p->act_alpha, p->act_beta, scale, bias, residual,
                                     m, idx, d));
  };
}

// y (u8 or i8, q[0]) = quantize(act(scale * d + bias + residual), y_scale, y_zero_point), NCHW,
// clamped to [q[1], q[2]]. scale, bias and residual as in xn_bconv; y must not alias x or w.
inline void xn_bconv_quantize(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                              const float *scale, const float *bias, const float *residual,
                              const float *y_scale, const void *y_zero_point, const int32_t *q,
                              void *y) {
  const xn_qout o = xn_qout_of(y_scale, y_zero_point, q, y);
  xn_bconv_each(p, x, w, xn_bquantize_out(p, scale, bias, residual, &o));
}

// The same for xn_bdense: y [n][m].
inline void xn_bdense_quantize(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                               const float *scale, const float *bias, const float *residual,
                               const float *y_scale, const void *y_zero_point, const int32_t *q,
                               void *y) {
  const xn_qout o = xn_qout_of(y_scale, y_zero_point, q, y);
  xn_bdense_each(p, x, w, xn_bquantize_out(p, scale, bias, residual, &o));
}

#endif // XNORC_RUNTIME_GENERIC_BQUANTIZE_H
