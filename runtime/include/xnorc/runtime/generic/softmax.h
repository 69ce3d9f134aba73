// ONNX Softmax, float32.
#ifndef XNORC_RUNTIME_GENERIC_SOFTMAX_H
#define XNORC_RUNTIME_GENERIC_SOFTMAX_H

#include "xn_common.h"

// The input is viewed as [outer, axis_len, inner] and softmax runs along the middle dim.
// Opset >= 13 (single axis a): outer = prod(dims[:a]), axis_len = dims[a],
// inner = prod(dims[a+1:]). Opset < 13 (coerce to 2-D at a): outer = prod(dims[:a]),
// axis_len = prod(dims[a:]), inner = 1.
#define XN_SOFTMAX_PARAMS(F, A)                                                                    \
  F(int64_t, outer)                                                                                \
  F(int64_t, axis_len)                                                                             \
  F(int64_t, inner)
XN_DECLARE_PARAMS(xn_softmax_params, XN_SOFTMAX_PARAMS)

// Subtracting the max keeps expf from overflowing. y may alias x exactly: every
// element is read before its own slot is written.
inline void xn_softmax(const xn_softmax_params *p, const float *x, float *y) {
  const int64_t len = p->axis_len, inner = p->inner;
  for (int64_t o = 0; o < p->outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float *xs = x + o * len * inner + i;
      float *ys = y + o * len * inner + i;
      float m = -INFINITY;
      for (int64_t l = 0; l < len; ++l)
        if (xs[l * inner] > m)
          m = xs[l * inner];
      float sum = 0.0f;
      for (int64_t l = 0; l < len; ++l) {
        const float e = expf(xs[l * inner] - m);
        ys[l * inner] = e;
        sum += e;
      }
      for (int64_t l = 0; l < len; ++l)
        ys[l * inner] /= sum;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_SOFTMAX_H
