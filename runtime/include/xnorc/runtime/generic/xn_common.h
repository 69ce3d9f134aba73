// Shared definitions for xnorc's generic (portable C++) kernels.
//
// These headers are embedded verbatim into generated code and also called by the
// compiler's reference interpreter, so they define xnorc's float semantics. They must
// stay freestanding-friendly: no allocation, no exceptions, no global mutable state, and
// only C headers, so the generated code builds on bare-metal toolchains.
//
// All parameter structs are plain aggregates of int32_t/int64_t/float scalars and
// fixed-size arrays so the emitter can print them as brace initializers. Print every
// field: partial initializers trip -Wmissing-field-initializers under -Wextra.
#ifndef XNORC_RUNTIME_GENERIC_XN_COMMON_H
#define XNORC_RUNTIME_GENERIC_XN_COMMON_H

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

// Every parameter struct is declared from one X-macro field list, F(type, name) per scalar
// and A(type, name, length) per array, e.g.
//   #define XN_COPY_PARAMS(F, A) F(int64_t, n)
//   XN_DECLARE_PARAMS(xn_copy_params, XN_COPY_PARAMS)
// The compiler prints each initializer by iterating the same list
// (compiler/Lowering/KernelRegistry.cpp), so field order is written down once.
#define XN_PARAM_SCALAR(type, name) type name;
#define XN_PARAM_ARRAY(type, name, length) type name[length];
#define XN_DECLARE_PARAMS(name, fields)                                                            \
  struct name {                                                                                    \
    fields(XN_PARAM_SCALAR, XN_PARAM_ARRAY)                                                        \
  };

#define XN_MAX_RANK 6
// Conv and pool promote 1-D/2-D windows to 3-D, so one loop nest serves all ranks.
#define XN_MAX_SPATIAL 3

// The window fields shared by the parameter lists of windowed kernels, in field-list form
// (XN_DECLARE_PARAMS): float conv and pools, any spatial rank ...
#define XN_WINDOW_FIELDS(F, A)                                                                     \
  A(int64_t, in_dims, XN_MAX_SPATIAL)                                                              \
  A(int64_t, out_dims, XN_MAX_SPATIAL)                                                             \
  A(int64_t, kernel, XN_MAX_SPATIAL)                                                               \
  A(int64_t, strides, XN_MAX_SPATIAL)                                                              \
  A(int64_t, dilations, XN_MAX_SPATIAL)                                                            \
  A(int64_t, pads_begin, XN_MAX_SPATIAL)                                                           \
  A(int64_t, pads_end, XN_MAX_SPATIAL)
// ... the leading fields of every N-D conv's list (float conv, 8-bit qconv): the geometry the
// compiler fills in one place (fillConvGeometry) ...
#define XN_CONV_GEOMETRY_FIELDS(F, A)                                                              \
  F(int32_t, spatial_rank) /* 1..XN_MAX_SPATIAL */                                                 \
  F(int64_t, n)                                                                                    \
  F(int64_t, c_in)                                                                                 \
  F(int64_t, c_out)                                                                                \
  F(int64_t, group)                                                                                \
  XN_WINDOW_FIELDS(F, A)
// ... and the 2-D binary conv, binary-weight conv and binary max-pool (pad_bottom and
// pad_right, which only the convs carry, follow in their own lists).
#define XN_WINDOW2D_FIELDS(F, A)                                                                   \
  F(int64_t, in_h)                                                                                 \
  F(int64_t, in_w)                                                                                 \
  F(int64_t, out_h)                                                                                \
  F(int64_t, out_w)                                                                                \
  F(int64_t, kh)                                                                                   \
  F(int64_t, kw)                                                                                   \
  F(int64_t, stride_h)                                                                             \
  F(int64_t, stride_w)                                                                             \
  F(int64_t, dil_h)                                                                                \
  F(int64_t, dil_w)                                                                                \
  F(int64_t, pad_top)                                                                              \
  F(int64_t, pad_left)

// Fused activation epilogue. The values are shared with xn_unary_op (see
// elementwise.h) so a fused activation and a standalone unary op mean the same thing.
// For XN_ACT_LEAKY_RELU, alpha is the slope; for XN_ACT_CLIP, alpha/beta are min/max
// (use -INFINITY/INFINITY for an absent bound).
enum xn_act_kind {
  XN_ACT_NONE = 0,
  XN_ACT_RELU = 1,
  XN_ACT_LEAKY_RELU = 2,
  XN_ACT_CLIP = 3,
  XN_ACT_SIGMOID = 4,
  XN_ACT_TANH = 5
};

// Branching on the sign keeps expf's argument non-positive, so neither branch can
// overflow to inf/inf = NaN for large |x|.
inline float xn_sigmoidf(float x) {
  if (x >= 0.0f)
    return 1.0f / (1.0f + expf(-x));
  const float e = expf(x);
  return e / (1.0f + e);
}

// Comparisons are written so a NaN input propagates (ONNX reference is numpy, which
// propagates NaN), and so Clip with min > max yields max as ONNX specifies.
// v < 0 ? 0 : v (NaN and -0 kept) without a branch: the comparison's all-ones or zero mask
// keeps or clears v's bits. A branch on the sign mispredicts on half of a feature map's
// elements: 5 ns an element against 0.5 (AMD EPYC, g++ -O2).
inline float xn_relu(float v) {
  uint32_t b;
  memcpy(&b, &v, sizeof b);
  b &= v < 0.0f ? 0u : ~0u;
  memcpy(&v, &b, sizeof v);
  return v;
}

inline float xn_act_apply(int32_t kind, float alpha, float beta, float v) {
  switch (kind) {
  case XN_ACT_RELU:
    return xn_relu(v);
  case XN_ACT_LEAKY_RELU:
    return v < 0.0f ? alpha * v : v;
  case XN_ACT_CLIP: {
    const float lo = v < alpha ? alpha : v;
    return lo > beta ? beta : lo;
  }
  case XN_ACT_SIGMOID:
    return xn_sigmoidf(v);
  case XN_ACT_TANH:
    return tanhf(v);
  default:
    return v;
  }
}

// Hoists the switch out of the per-element loop.
inline void xn_act_apply_n(int32_t kind, float alpha, float beta, float *y, int64_t n) {
  switch (kind) {
  case XN_ACT_NONE:
    return;
  case XN_ACT_RELU:
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_relu(y[i]);
    return;
  case XN_ACT_LEAKY_RELU:
    for (int64_t i = 0; i < n; ++i)
      y[i] = y[i] < 0.0f ? alpha * y[i] : y[i];
    return;
  default:
    for (int64_t i = 0; i < n; ++i)
      y[i] = xn_act_apply(kind, alpha, beta, y[i]);
    return;
  }
}

inline int64_t xn_numel(int32_t rank, const int64_t *dims) {
  int64_t n = 1;
  for (int32_t i = 0; i < rank; ++i)
    n *= dims[i];
  return n;
}

inline void xn_contiguous_strides(int32_t rank, const int64_t *dims, int64_t *strides) {
  int64_t s = 1;
  for (int32_t i = rank - 1; i >= 0; --i) {
    strides[i] = s;
    s *= dims[i];
  }
}

// Right-aligns spatial params into XN_MAX_SPATIAL dims, filling the leading ones with a
// neutral value, so conv/pool loop nests are written once for 3-D.
inline void xn_spatial_promote(int32_t rank, const int64_t *src, int64_t fill, int64_t *dst) {
  const int32_t off = XN_MAX_SPATIAL - rank;
  for (int32_t i = 0; i < XN_MAX_SPATIAL; ++i)
    dst[i] = i < off ? fill : src[i - off];
}

// The window geometry of a conv or a pool, promoted to XN_MAX_SPATIAL dims (leading dims
// 1, their pads 0): the one prologue of every conv and pool kernel and of their x86 / NEON
// views. P is xn_conv_params or xn_pool_params (the same spatial fields).
struct xn_window {
  int64_t in[XN_MAX_SPATIAL], out[XN_MAX_SPATIAL], k[XN_MAX_SPATIAL], s[XN_MAX_SPATIAL],
      dil[XN_MAX_SPATIAL], pad[XN_MAX_SPATIAL], pad_end[XN_MAX_SPATIAL];
};
template <class P> inline xn_window xn_window_of(const P *p) {
  xn_window w;
  xn_spatial_promote(p->spatial_rank, p->in_dims, 1, w.in);
  xn_spatial_promote(p->spatial_rank, p->out_dims, 1, w.out);
  xn_spatial_promote(p->spatial_rank, p->kernel, 1, w.k);
  xn_spatial_promote(p->spatial_rank, p->strides, 1, w.s);
  xn_spatial_promote(p->spatial_rank, p->dilations, 1, w.dil);
  xn_spatial_promote(p->spatial_rank, p->pads_begin, 0, w.pad);
  xn_spatial_promote(p->spatial_rank, p->pads_end, 0, w.pad_end);
  return w;
}

// Popcount is the inner operation of every binary kernel. The builtin becomes one
// instruction when the target has one (x86 -mpopcnt, AArch64 cnt+addv) and a library
// call otherwise; the SWAR fallback serves compilers without the builtin.
inline int64_t xn_popcount64(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_popcountll(v);
#else
  v = v - ((v >> 1) & 0x5555555555555555ull);
  v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
  v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return (int64_t)((v * 0x0101010101010101ull) >> 56);
#endif
}

// Ceiling division for a non-negative numerator and positive denominator.
inline int64_t xn_ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Range [*k_lo, *k_hi) of tap indices k in [0, taps) such that
// lo <= start + k * step < hi. Used by conv and pool to iterate only over taps that
// land inside the (possibly padded) input instead of testing every tap.
inline void xn_tap_range(int64_t start, int64_t step, int64_t taps, int64_t lo, int64_t hi,
                         int64_t *k_lo, int64_t *k_hi) {
  int64_t a = start >= lo ? 0 : xn_ceil_div(lo - start, step);
  int64_t b = hi - start <= 0 ? 0 : xn_ceil_div(hi - start, step);
  if (b > taps)
    b = taps;
  if (a > b)
    a = b;
  *k_lo = a;
  *k_hi = b;
}

// Merges adjacent dims whose strides (for every operand) are mutually contiguous and
// drops size-1 dims, so e.g. same-shape operands become one flat loop and a per-channel
// operand becomes an inner loop with stride 0. strides holds n_ops arrays of
// XN_MAX_RANK. Returns the new rank (0 means a single element). Caller must ensure no
// dim is 0.
inline int32_t xn_coalesce_dims(int32_t rank, int64_t *dims, int32_t n_ops,
                                int64_t (*strides)[XN_MAX_RANK]) {
  int32_t out = 0;
  for (int32_t i = 0; i < rank; ++i) {
    if (dims[i] == 1)
      continue;
    bool merge = out > 0;
    for (int32_t o = 0; merge && o < n_ops; ++o)
      merge = strides[o][out - 1] == strides[o][i] * dims[i];
    if (merge) {
      dims[out - 1] *= dims[i];
      for (int32_t o = 0; o < n_ops; ++o)
        strides[o][out - 1] = strides[o][i];
    } else {
      dims[out] = dims[i];
      for (int32_t o = 0; o < n_ops; ++o)
        strides[o][out] = strides[o][i];
      ++out;
    }
  }
  return out;
}

#endif // XNORC_RUNTIME_GENERIC_XN_COMMON_H
