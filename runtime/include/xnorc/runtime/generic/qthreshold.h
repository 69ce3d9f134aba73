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
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  for (int64_t n = 0; n < p->n; ++n) {
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t i = 0; i < s_n * cw; ++i)
      yn[i] = 0;
    for (int64_t c = 0; c < p->c; ++c) {
      const int64_t base = (n * p->c + c) * s_n;
      const int32_t t = thresh[c];
      const bool ge = dir[c] >= 0;
      uint64_t *yc = yn + c / 64;
      const int shift = (int)(c % 64);
      for (int64_t s = 0; s < s_n; ++s) {
        const int32_t q = xn_qload(x, p->qtype, base + s);
        yc[s * cw] |= (uint64_t)(ge ? q < t : q > t) << shift;
      }
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_QTHRESHOLD_H
