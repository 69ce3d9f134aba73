// ONNX Concat, float32.
#ifndef XNORC_RUNTIME_GENERIC_CONCAT_H
#define XNORC_RUNTIME_GENERIC_CONCAT_H

#include "xn_common.h"

#define XN_MAX_CONCAT_INPUTS 32

// Concat along axis a viewed as [outer, sum_i chunk[i]]: outer = prod(dims[:a]) and
// chunk[i] = dims_i[a] * prod(dims[a+1:]) is the contiguous run input i contributes per
// outer index. Entries past num_inputs are ignored. The compiler splits a Concat with
// more inputs into a chain.
#define XN_CONCAT_PARAMS(F, A)                                                                     \
  F(int32_t, num_inputs) /* 1..XN_MAX_CONCAT_INPUTS */                                             \
  F(int64_t, outer)                                                                                \
  A(int64_t, chunk, XN_MAX_CONCAT_INPUTS)
XN_DECLARE_PARAMS(xn_concat_params, XN_CONCAT_PARAMS)

// inputs[i] points to input i; y must not alias any input.
inline void xn_concat(const xn_concat_params *p, const float *const *inputs, float *y) {
  int64_t row = 0;
  for (int32_t i = 0; i < p->num_inputs; ++i)
    row += p->chunk[i];
  for (int64_t o = 0; o < p->outer; ++o) {
    float *yr = y + o * row;
    for (int32_t i = 0; i < p->num_inputs; ++i) {
      const int64_t c = p->chunk[i];
      if (c > 0)
        memcpy(yr, inputs[i] + o * c, static_cast<size_t>(c) * sizeof(float));
      yr += c;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_CONCAT_H
