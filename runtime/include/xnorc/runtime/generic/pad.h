// ONNX Pad, constant mode, float32, rank <= XN_MAX_RANK.
#ifndef XNORC_RUNTIME_GENERIC_PAD_H
#define XNORC_RUNTIME_GENERIC_PAD_H

#include "../common/parts.h"
#include "xn_common.h"

// out_dims[d] = in_dims[d] + pads_begin[d] + pads_end[d]. Negative pads crop, as ONNX
// allows.
#define XN_PAD_PARAMS(F, A)                                                                        \
  F(int32_t, rank)                                                                                 \
  A(int64_t, in_dims, XN_MAX_RANK)                                                                 \
  A(int64_t, pads_begin, XN_MAX_RANK)                                                              \
  A(int64_t, pads_end, XN_MAX_RANK)                                                                \
  F(float, value)
XN_DECLARE_PARAMS(xn_pad_params, XN_PAD_PARAMS)

inline void xn_pad_fill(float *y, int64_t n, float v) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = v;
}

// y must not alias x. Splits its output rows (common/parts.h): a copy, exact in any part.
inline void xn_pad(const xn_pad_params *p, const float *x, float *y, int part = 0, int parts = 1) {
  const int32_t rank = p->rank;
  if (rank == 0) {
    if (part == 0)
      y[0] = x[0];
    return;
  }
  int64_t od[XN_MAX_RANK] = {0}, in_strides[XN_MAX_RANK] = {0};
  for (int32_t d = 0; d < rank; ++d) {
    od[d] = p->in_dims[d] + p->pads_begin[d] + p->pads_end[d];
    if (od[d] <= 0)
      return;
  }
  xn_contiguous_strides(rank, p->in_dims, in_strides);
  const int32_t last = rank - 1;
  const int64_t row = od[last];
  const int64_t outer = xn_numel(last, od);
  // Output positions [lo, hi) of a row map to input positions lo - pb onward.
  const int64_t pb = p->pads_begin[last];
  int64_t lo = pb > 0 ? pb : 0;
  int64_t hi = p->in_dims[last] + pb;
  if (hi > row)
    hi = row;
  if (lo > hi)
    lo = hi;
  int64_t o_lo, o_hi;
  xn_part_range(outer, part, parts, &o_lo, &o_hi);
  int64_t idx[XN_MAX_RANK] = {0}; // the outer index of row o_lo
  for (int64_t d = last - 1, rest = o_lo; d >= 0; --d) {
    idx[d] = rest % od[d];
    rest /= od[d];
  }
  for (int64_t o = o_lo; o < o_hi; ++o) {
    float *yr = y + o * row;
    // An output row copies from the input only if every outer index maps inside it.
    int64_t off = 0;
    int inside = 1;
    for (int32_t d = 0; d < last; ++d) {
      const int64_t i = idx[d] - p->pads_begin[d];
      if (i < 0 || i >= p->in_dims[d]) {
        inside = 0;
        break;
      }
      off += i * in_strides[d];
    }
    if (!inside) {
      xn_pad_fill(yr, row, p->value);
    } else {
      xn_pad_fill(yr, lo, p->value);
      if (hi > lo)
        memcpy(yr + lo, x + off + (lo - pb), static_cast<size_t>(hi - lo) * sizeof(float));
      xn_pad_fill(yr + hi, row - hi, p->value);
    }
    for (int32_t d = last - 1; d >= 0; --d) {
      if (++idx[d] < od[d])
        break;
      idx[d] = 0;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_PAD_H
