// Elementwise unary ops and numpy-broadcasting binary ops, float32. Both split their output
// as the convs split an NCHW map (xn_part_map: the rows of large planes, whole small planes),
// in chunks of 16 floats, so every thread's part stays vectorisable and reads what its own
// core wrote; each element is computed alone, so the result never depends on the split.
#ifndef XNORC_RUNTIME_GENERIC_ELEMENTWISE_H
#define XNORC_RUNTIME_GENERIC_ELEMENTWISE_H

#include "../common/parts.h"
#include "xn_common.h"

#define XN_ELEMENTWISE_CHUNK XN_PART_LINE_FLOATS

// Values 0..5 coincide with xn_act_kind so fused and standalone activations agree.
enum xn_unary_op {
  XN_UNARY_IDENTITY = 0,
  XN_UNARY_RELU = 1,
  XN_UNARY_LEAKY_RELU = 2, // alpha = slope
  XN_UNARY_CLIP = 3,       // alpha = min, beta = max
  XN_UNARY_SIGMOID = 4,
  XN_UNARY_TANH = 5,
  XN_UNARY_SIGN = 6, // alpha = the value of sign(0): 0 (ONNX) or 1 (binary nets)
  XN_UNARY_ABS = 7,
  XN_UNARY_NEG = 8,
  XN_UNARY_EXP = 9
};

#define XN_UNARY_PARAMS(F, A)                                                                      \
  F(int32_t, op) /* xn_unary_op */                                                                 \
  F(float, alpha)                                                                                  \
  F(float, beta)                                                                                   \
  F(int64_t, n)                                                                                    \
  F(int64_t, plane) /* floats per plane of an NCHW map (dims past C), n otherwise */
XN_DECLARE_PARAMS(xn_unary_params, XN_UNARY_PARAMS)

enum xn_binary_op {
  XN_BINARY_ADD = 0,
  XN_BINARY_SUB = 1,
  XN_BINARY_MUL = 2,
  XN_BINARY_DIV = 3,
  XN_BINARY_PRELU = 4, // a = x, b = slope
  XN_BINARY_MAX = 5,
  XN_BINARY_MIN = 6
};

// The output is contiguous with dims[0..rank); a_strides/b_strides are each input's
// element strides per output dim, 0 where that input is broadcast. The compiler
// right-aligns input shapes per numpy rules to build them. rank 0 is a scalar.
#define XN_BINARY_PARAMS(F, A)                                                                     \
  F(int32_t, op) /* xn_binary_op */                                                                \
  F(int32_t, rank)                                                                                 \
  A(int64_t, dims, XN_MAX_RANK)                                                                    \
  A(int64_t, a_strides, XN_MAX_RANK)                                                               \
  A(int64_t, b_strides, XN_MAX_RANK)
XN_DECLARE_PARAMS(xn_binary_params, XN_BINARY_PARAMS)

inline float xn_signf(float v, float at_zero) {
  if (v > 0.0f)
    return 1.0f;
  if (v < 0.0f)
    return -1.0f;
  return v == 0.0f ? at_zero : v; // NaN stays NaN, as in numpy's sign.
}

// n elements of x into y.
inline void xn_unary_run(const xn_unary_params *p, const float *x, float *y, int64_t n) {
  switch (p->op) {
  case XN_UNARY_IDENTITY:
    if (x != y)
      memmove(y, x, static_cast<size_t>(n) * sizeof(float));
    return;
  case XN_UNARY_RELU:
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_relu(x[i]);
    return;
  case XN_UNARY_SIGN:
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_signf(x[i], p->alpha);
    return;
  case XN_UNARY_ABS:
    for (int64_t i = 0; i < n; ++i)
      y[i] = fabsf(x[i]);
    return;
  case XN_UNARY_NEG:
    for (int64_t i = 0; i < n; ++i)
      y[i] = -x[i];
    return;
  case XN_UNARY_EXP:
    for (int64_t i = 0; i < n; ++i)
      y[i] = expf(x[i]);
    return;
  default:
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_act_apply(p->op, p->alpha, p->beta, x[i]);
    return;
  }
}

// f(lo, hi) for each run of contiguous elements of part `part` of `parts` of the output
// (xn_part_map); the x86 unary kernel walks the same runs.
template <typename F>
inline void xn_unary_part_runs(const xn_unary_params *p, int part, int parts, F f) {
  const int64_t plane = p->plane > 0 ? p->plane : p->n;
  if (plane == 0)
    return;
  xn_map_part_runs(xn_part_map(p->n / plane, plane, XN_ELEMENTWISE_CHUNK, part, parts), plane, f);
}

// y may alias x exactly.
inline void xn_unary(const xn_unary_params *p, const float *x, float *y, int part = 0,
                     int parts = 1) {
  xn_unary_part_runs(p, part, parts,
                     [&](int64_t lo, int64_t hi) { xn_unary_run(p, x + lo, y + lo, hi - lo); });
}

// max/min propagate NaN from either side, as numpy's maximum/minimum (the ONNX
// reference) do.
template <int OP> inline float xn_binop(float a, float b) {
  switch (OP) {
  case XN_BINARY_ADD:
    return a + b;
  case XN_BINARY_SUB:
    return a - b;
  case XN_BINARY_MUL:
    return a * b;
  case XN_BINARY_DIV:
    return a / b;
  case XN_BINARY_PRELU:
    return a < 0.0f ? b * a : a;
  case XN_BINARY_MAX:
    return (a > b || a != a) ? a : b;
  default:
    return (a < b || a != a) ? a : b;
  }
}

// Separate loops for the unit/zero stride combinations let the compiler vectorise the
// common cases (same shape, scalar, per-channel after coalescing).
template <int OP>
inline void xn_binary_row(int64_t n, const float *a, int64_t sa, const float *b, int64_t sb,
                          float *y) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_binop<OP>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = b[0];
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_binop<OP>(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = a[0];
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_binop<OP>(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_binop<OP>(a[i * sa], b[i * sb]);
  }
}

// The rows of the generic kernel; an ISA's elementwise kernels pass their own (R::run<OP>,
// same contract: x86/glue_common.h).
struct xn_binary_rows {
  template <int OP>
  static void run(int64_t n, const float *a, int64_t sa, const float *b, int64_t sb, float *y) {
    xn_binary_row<OP>(n, a, sa, b, sb, y);
  }
};

// Output elements [lo, hi): the rows (innermost dimension) they touch, the first and last
// perhaps in part.
template <int OP, class R>
inline void xn_binary_impl(int32_t rank, const int64_t *dims, const int64_t *sa, const int64_t *sb,
                           const float *a, const float *b, float *y, int64_t lo, int64_t hi) {
  if (rank == 0) {
    if (lo < hi)
      y[0] = xn_binop<OP>(a[0], b[0]);
    return;
  }
  const int64_t inner = dims[rank - 1];
  if (lo >= hi || inner == 0)
    return;
  // The index and input offsets of row lo / inner.
  int64_t idx[XN_MAX_RANK] = {0};
  int64_t a_off = 0, b_off = 0;
  for (int64_t d = rank - 2, rest = lo / inner; d >= 0; --d) {
    idx[d] = rest % dims[d];
    rest /= dims[d];
    a_off += idx[d] * sa[d];
    b_off += idx[d] * sb[d];
  }
  for (int64_t o = lo / inner; o * inner < hi; ++o) {
    const int64_t i0 = lo > o * inner ? lo - o * inner : 0;
    const int64_t i1 = hi < (o + 1) * inner ? hi - o * inner : inner;
    R::template run<OP>(i1 - i0, a + a_off + i0 * sa[rank - 1], sa[rank - 1],
                        b + b_off + i0 * sb[rank - 1], sb[rank - 1], y + o * inner + i0);
    for (int32_t d = rank - 2; d >= 0; --d) {
      a_off += sa[d];
      b_off += sb[d];
      if (++idx[d] < dims[d])
        break;
      a_off -= sa[d] * dims[d];
      b_off -= sb[d] * dims[d];
      idx[d] = 0;
    }
  }
}

// Output elements [lo, hi) of op on coalesced dims, rows by R.
template <class R>
inline void xn_binary_range(int32_t op, int32_t r, const int64_t *dims, const int64_t *sa,
                            const int64_t *sb, const float *a, const float *b, float *y, int64_t lo,
                            int64_t hi) {
  switch (op) {
  case XN_BINARY_ADD:
    xn_binary_impl<XN_BINARY_ADD, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  case XN_BINARY_SUB:
    xn_binary_impl<XN_BINARY_SUB, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  case XN_BINARY_MUL:
    xn_binary_impl<XN_BINARY_MUL, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  case XN_BINARY_DIV:
    xn_binary_impl<XN_BINARY_DIV, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  case XN_BINARY_PRELU:
    xn_binary_impl<XN_BINARY_PRELU, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  case XN_BINARY_MAX:
    xn_binary_impl<XN_BINARY_MAX, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  case XN_BINARY_MIN:
    xn_binary_impl<XN_BINARY_MIN, R>(r, dims, sa, sb, a, b, y, lo, hi);
    return;
  default:
    return;
  }
}

// y may alias an input only if that input is not broadcast (same shape as y). Rows by R.
template <class R>
inline void xn_binary_split(const xn_binary_params *p, const float *a, const float *b, float *y,
                            int part, int parts) {
  int64_t dims[XN_MAX_RANK];
  int64_t strides[2][XN_MAX_RANK];
  for (int32_t i = 0; i < p->rank; ++i) {
    if (p->dims[i] == 0)
      return;
    dims[i] = p->dims[i];
    strides[0][i] = p->a_strides[i];
    strides[1][i] = p->b_strides[i];
  }
  // The output as a map of planes (the dims past N and C) before coalescing merges them.
  const int64_t total = xn_numel(p->rank, dims);
  const int64_t planes = p->rank >= 3 ? dims[0] * dims[1] : 1, plane = total / planes;
  const int32_t r = xn_coalesce_dims(p->rank, dims, 2, strides);
  const xn_map_part m = xn_part_map(planes, plane, XN_ELEMENTWISE_CHUNK, part, parts);
  xn_map_part_runs(m, plane, [&](int64_t lo, int64_t hi) {
    xn_binary_range<R>(p->op, r, dims, strides[0], strides[1], a, b, y, lo, hi);
  });
}

inline void xn_binary(const xn_binary_params *p, const float *a, const float *b, float *y,
                      int part = 0, int parts = 1) {
  xn_binary_split<xn_binary_rows>(p, a, b, y, part, parts);
}

#endif // XNORC_RUNTIME_GENERIC_ELEMENTWISE_H
