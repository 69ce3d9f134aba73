// ONNX Transpose, float32, rank <= XN_MAX_RANK.
#ifndef XNORC_RUNTIME_GENERIC_TRANSPOSE_H
#define XNORC_RUNTIME_GENERIC_TRANSPOSE_H

#include "xn_common.h"

// Output dim i is input dim perm[i] (ONNX's convention), so out_dims[i] = in_dims[perm[i]].
#define XN_TRANSPOSE_PARAMS(F, A)                                                                  \
  F(int32_t, rank)                                                                                 \
  A(int64_t, in_dims, XN_MAX_RANK)                                                                 \
  A(int32_t, perm, XN_MAX_RANK)
XN_DECLARE_PARAMS(xn_transpose_params, XN_TRANSPOSE_PARAMS)

// y must not alias x.
inline void xn_transpose(const xn_transpose_params *p, const float *x, float *y) {
  const int32_t rank = p->rank;
  int64_t in_strides[XN_MAX_RANK];
  xn_contiguous_strides(rank, p->in_dims, in_strides);
  // Walk the output contiguously, gathering from the input through permuted strides.
  int64_t dims[XN_MAX_RANK];
  int64_t strides[1][XN_MAX_RANK];
  for (int32_t i = 0; i < rank; ++i) {
    dims[i] = p->in_dims[p->perm[i]];
    if (dims[i] == 0)
      return;
    strides[0][i] = in_strides[p->perm[i]];
  }
  // Dims that stay adjacent and in order merge, so identity-like perms become memcpy.
  const int32_t r = xn_coalesce_dims(rank, dims, 1, strides);
  if (r == 0) {
    y[0] = x[0];
    return;
  }
  const int64_t inner = dims[r - 1];
  const int64_t s = strides[0][r - 1];
  const int64_t outer = xn_numel(r - 1, dims);
  int64_t idx[XN_MAX_RANK] = {0};
  int64_t off = 0;
  for (int64_t o = 0; o < outer; ++o) {
    float *yr = y + o * inner;
    if (s == 1) {
      memcpy(yr, x + off, static_cast<size_t>(inner) * sizeof(float));
    } else {
      const float *xr = x + off;
      for (int64_t i = 0; i < inner; ++i)
        yr[i] = xr[i * s];
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

#endif // XNORC_RUNTIME_GENERIC_TRANSPOSE_H
