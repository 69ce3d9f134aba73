// Strided slicing (ONNX Slice with starts/steps already clamped by the compiler).
#ifndef XNORC_RUNTIME_GENERIC_SLICE_H
#define XNORC_RUNTIME_GENERIC_SLICE_H

#include "xn_common.h"

// out_dims[d] elements are read along dim d from starts[d] with stride steps[d]
// (negative steps walk backwards). Dims that are not sliced have start 0, step 1.
#define XN_SLICE_PARAMS(F, A)                                                                      \
  F(int32_t, rank)                                                                                 \
  A(int64_t, in_dims, XN_MAX_RANK)                                                                 \
  A(int64_t, out_dims, XN_MAX_RANK)                                                                \
  A(int64_t, starts, XN_MAX_RANK)                                                                  \
  A(int64_t, steps, XN_MAX_RANK)
XN_DECLARE_PARAMS(xn_slice_params, XN_SLICE_PARAMS)

// y must not alias x.
inline void xn_slice(const xn_slice_params *p, const float *x, float *y) {
  const int32_t rank = p->rank;
  int64_t in_strides[XN_MAX_RANK] = {0};
  int64_t idx[XN_MAX_RANK] = {0};
  xn_contiguous_strides(rank, p->in_dims, in_strides);
  const int64_t n = xn_numel(rank, p->out_dims);
  if (rank == 0) {
    y[0] = x[0];
    return;
  }
  const int32_t last = rank - 1;
  const int64_t row = p->out_dims[last];
  if (row == 0)
    return;
  for (int64_t o = 0; o < n; o += row) {
    int64_t off = 0;
    for (int32_t d = 0; d < last; ++d)
      off += (p->starts[d] + idx[d] * p->steps[d]) * in_strides[d];
    const float *src = x + off + p->starts[last] * in_strides[last];
    const int64_t step = p->steps[last] * in_strides[last];
    for (int64_t i = 0; i < row; ++i)
      y[o + i] = src[i * step];
    for (int32_t d = last - 1; d >= 0; --d) {
      if (++idx[d] < p->out_dims[d])
        break;
      idx[d] = 0;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_SLICE_H
