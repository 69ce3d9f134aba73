// 8-bit activations straight to sign bits: a threshold on dequantize(q) that the
// quantized-sign-bits pass moved into the integer domain (docs/XnorMath.md), so the
// kernel compares the integers themselves and no float tensor is made.
#ifndef XNORC_RUNTIME_GENERIC_QTHRESHOLD_H
#define XNORC_RUNTIME_GENERIC_QTHRESHOLD_H

#include "bitpack.h"
#include "qlinear.h"

#define XN_QTHRESHOLD_PARAMS(F, A)                                                                 \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, spatial) /* product of the spatial dims (1 for a rank-2 [N, C] tensor) */             \
  F(int32_t, qtype)   /* xn_qtype of x: u8 or i8 */
XN_DECLARE_PARAMS(xn_qthreshold_params, XN_QTHRESHOLD_PARAMS)

// x is u8/i8 [n][c][spatial]. Output bit is 0 (+1) where
// (dir[c] >= 0 ? x >= thresh[c] : x <= thresh[c]), else 1 (-1); INT32_MIN / INT32_MAX
// thresholds make a channel always / never +1. Output [n][spatial][ceil(c/64)], tail bits 0.
inline void xn_qthreshold(const xn_qthreshold_params *p, const void *x, const int32_t *thresh,
                          const int32_t *dir, uint64_t *y) {
  xn_pack_channels(p->n, p->c, p->spatial, y, [=](int64_t c, int64_t i) {
    const int32_t q = xn_qload(x, p->qtype, i);
    return dir[c] >= 0 ? q < thresh[c] : q > thresh[c];
  });
}

#endif // XNORC_RUNTIME_GENERIC_QTHRESHOLD_H
