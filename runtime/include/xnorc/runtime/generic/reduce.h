// ONNX ReduceMean / ReduceSum / ReduceMax / ReduceMin, float32.
#ifndef XNORC_RUNTIME_GENERIC_REDUCE_H
#define XNORC_RUNTIME_GENERIC_REDUCE_H

#include "xn_common.h"

#include <math.h>

// reduce[d] != 0 marks dim d as reduced. The output holds the kept dims in row-major
// order; keepdims only changes the output's shape, which the compiler tracks, not its
// layout. An all-zero mask is a plain copy.
enum xn_reduce_op { XN_REDUCE_MEAN = 0, XN_REDUCE_SUM = 1, XN_REDUCE_MAX = 2, XN_REDUCE_MIN = 3 };

#define XN_REDUCE_PARAMS(F, A)                                                                     \
  F(int32_t, rank)                                                                                 \
  A(int64_t, dims, XN_MAX_RANK)                                                                    \
  A(int32_t, reduce, XN_MAX_RANK)                                                                  \
  F(int32_t, op) /* xn_reduce_op */
XN_DECLARE_PARAMS(xn_reduce_params, XN_REDUCE_PARAMS)

inline float xn_reduce_step(int32_t op, float acc, float v) {
  switch (op) {
  case XN_REDUCE_MAX:
    return v > acc || v != v ? v : acc; // NaN propagates, as in numpy's max
  case XN_REDUCE_MIN:
    return v < acc || v != v ? v : acc;
  default:
    return acc + v;
  }
}

// y must not alias x (y is accumulated into while x is still being read).
inline void xn_reduce(const xn_reduce_params *p, const float *x, float *y) {
  const int32_t rank = p->rank;
  int64_t dims[XN_MAX_RANK];
  int64_t strides[1][XN_MAX_RANK]; // output stride per input dim, 0 on reduced dims
  int64_t out_n = 1, count = 1;
  for (int32_t d = rank - 1; d >= 0; --d) {
    dims[d] = p->dims[d];
    if (p->reduce[d]) {
      strides[0][d] = 0;
      count *= dims[d];
    } else {
      strides[0][d] = out_n;
      out_n *= dims[d];
    }
  }
  const float init = p->op == XN_REDUCE_MAX ? -INFINITY : p->op == XN_REDUCE_MIN ? INFINITY : 0.0f;
  for (int64_t i = 0; i < out_n; ++i)
    y[i] = init;
  const int64_t total = out_n * count;
  if (total > 0) {
    const int32_t r = xn_coalesce_dims(rank, dims, 1, strides);
    const int64_t inner = r > 0 ? dims[r - 1] : 1;
    const int64_t inner_s = r > 0 ? strides[0][r - 1] : 0;
    int64_t idx[XN_MAX_RANK] = {0};
    int64_t off = 0;
    for (int64_t base = 0; base < total; base += inner) {
      const float *xr = x + base;
      if (inner_s == 0) {
        float acc = y[off];
        for (int64_t i = 0; i < inner; ++i)
          acc = xn_reduce_step(p->op, acc, xr[i]);
        y[off] = acc;
      } else {
        float *yr = y + off;
        for (int64_t i = 0; i < inner; ++i)
          yr[i * inner_s] = xn_reduce_step(p->op, yr[i * inner_s], xr[i]);
      }
      for (int32_t d = r - 2; d >= 0; --d) {
        off += strides[0][d];
        if (++idx[d] < dims[d])
          break;
        off -= strides[0][d] * dims[d];
        idx[d] = 0;
      }
    }
  }
  // Dividing (not multiplying by 1/count) keeps exact results for exact means; an empty
  // reduction gives 0/0 = NaN as in numpy.
  if (p->op == XN_REDUCE_MEAN)
    for (int64_t i = 0; i < out_n; ++i)
      y[i] /= static_cast<float>(count);
}

#endif // XNORC_RUNTIME_GENERIC_REDUCE_H
