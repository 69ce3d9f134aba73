// 8-bit integer layers (ONNX QuantizeLinear / DequantizeLinear / QLinearConv /
// QLinearMatMul semantics, docs/XnorMath.md#8-bit-layers): quantize, dequantize, and a conv
// and a gemm that accumulate in int32 and requantize in float as ONNX Runtime does.
//
// Quantized tensors are passed untyped (`const void *`) with their element type in the
// parameters (xn_qtype), so one kernel serves u8 and i8 operands; the inner loops are
// templates over the operand types. Scales and zero points are one value per tensor or one
// per channel (`*_per_channel`).
#ifndef XNORC_RUNTIME_GENERIC_QLINEAR_H
#define XNORC_RUNTIME_GENERIC_QLINEAR_H

#include "xn_common.h"

enum xn_qtype { XN_QTYPE_U8 = 0, XN_QTYPE_I8 = 1, XN_QTYPE_I32 = 2 };

// Element i of a quantized tensor of type t, widened.
inline int32_t xn_qload(const void *p, int32_t t, int64_t i) {
  if (t == XN_QTYPE_U8)
    return ((const uint8_t *)p)[i];
  if (t == XN_QTYPE_I8)
    return ((const int8_t *)p)[i];
  return ((const int32_t *)p)[i];
}

// A zero point: element i of a tensor of type t, read out of line. Zero points are often
// one-element constant arrays; inlined, GCC's -Warray-bounds sees a 1-byte array behind
// the int32 branch a run-time type selects, and with -fsanitize (which keeps the type
// from being folded) it warns, an error under -Werror. Read once per layer or channel.
#if defined(__GNUC__) && !defined(__clang__)
#define XN_QZERO_OUT_OF_LINE __attribute__((noipa))
#else
#define XN_QZERO_OUT_OF_LINE __attribute__((noinline))
#endif
XN_QZERO_OUT_OF_LINE inline int32_t xn_qzero(const void *p, int32_t t, int64_t i) {
  return xn_qload(p, t, i);
}

// Requantization as ONNX Runtime's MlasRequantizeOutput: acc * scale in float,
// clamped to the output range less the zero point, rounded half to even, plus the zero
// point. Bounds are integers, so clamping before rounding equals saturating after.
//
// The one definition, over a lane policy R so that the SIMD kernels' epilogues (x86/
// q8_walk.h) run these very steps on vectors: R::vi / R::vf are int32 / float lanes
// (xn_scalar_requant below: one lane). vlo and vhi are (float)(lo - zp) and (float)(hi - zp)
// (xn_requantize_bounds).
// Operands and results by reference (the policy's members too): vectors by value would
// change the ABI of these templates, which are not compiled for the vector ISA themselves
// (only inlined into kernels that are).
template <class R>
inline void xn_requantize_t(const typename R::vi &acc, const typename R::vf &scale,
                            const typename R::vi &zp, const typename R::vf &vlo,
                            const typename R::vf &vhi, typename R::vi &out) {
  typename R::vf v;
  R::to_float(v, acc);
  R::mul(v, scale);
  R::fmax(v, vlo);
  R::fmin(v, vhi);
  R::round_to_int(out, v);
  R::add(out, zp);
}

inline void xn_requantize_bounds(int32_t zp, int32_t lo, int32_t hi, float *vlo, float *vhi) {
  *vlo = (float)(lo - zp);
  *vhi = (float)(hi - zp);
}

// Scalar lanes: the generic kernels' requantization. fmax(v, lo) / fmin(v, hi) keep v when
// it is NaN.
struct xn_scalar_requant {
  typedef int32_t vi;
  typedef float vf;
  static void to_float(vf &v, const vi &a) { v = (float)a; }
  static void mul(vf &v, const vf &s) { v *= s; }
  static void fmax(vf &v, const vf &lo) { v = v < lo ? lo : v; }
  static void fmin(vf &v, const vf &hi) { v = v > hi ? hi : v; }
  static void round_to_int(vi &out, const vf &v) { out = (int32_t)nearbyintf(v); }
  static void add(vi &a, const vi &b) { a += b; }
  // xn_quantize_t's.
  static void div(vf &v, const vf &s) { v /= s; }
  static void round_half_even(vf &v) { v = nearbyintf(v); }
  static void addf(vf &v, const vf &a) { v += a; }
  static void nan_to(vf &v, const vf &lo) { v = v == v ? v : lo; }
  static void truncate(vi &out, const vf &v) { out = (int32_t)v; }
};

inline int32_t xn_requantize(int32_t acc, float scale, int32_t zp, int32_t lo, int32_t hi) {
  float vlo, vhi;
  xn_requantize_bounds(zp, lo, hi, &vlo, &vhi);
  int32_t out;
  xn_requantize_t<xn_scalar_requant>(acc, scale, zp, vlo, vhi, out);
  return out;
}

inline void xn_qstore(void *p, int32_t t, int64_t i, int32_t v) {
  if (t == XN_QTYPE_U8)
    ((uint8_t *)p)[i] = (uint8_t)v;
  else if (t == XN_QTYPE_I8)
    ((int8_t *)p)[i] = (int8_t)v;
  else
    ((int32_t *)p)[i] = v;
}

inline int32_t xn_qtype_min(int32_t t) { return t == XN_QTYPE_U8 ? 0 : -128; }
inline int32_t xn_qtype_max(int32_t t) { return t == XN_QTYPE_U8 ? 255 : 127; }

// x is [outer, c, inner]; the scale and zero point of element (o, j, i) are at j when
// per_channel, else at 0.
#define XN_QLINEAR_PARAMS(F, A)                                                                    \
  F(int64_t, outer)                                                                                \
  F(int64_t, c)                                                                                    \
  F(int64_t, inner)                                                                                \
  F(int32_t, per_channel)                                                                          \
  F(int32_t, qtype) /* xn_qtype of the quantized side */                                           \
  F(int32_t, lo)    /* quantize: the clamp range, the type's or narrower */                        \
  F(int32_t, hi)                                                                                   \
  F(int32_t, rounding) /* quantize: xn_qround */
XN_DECLARE_PARAMS(xn_qlinear_params, XN_QLINEAR_PARAMS)

// Quantize's rounding of x / scale: ONNX's half to even, or one of QONNX Quant's other
// rounding_modes (docs/XnorMath.md).
enum xn_qround {
  XN_QROUND_HALF_EVEN = 0,
  XN_QROUND_CEIL = 1,
  XN_QROUND_FLOOR = 2,
  XN_QROUND_UP = 3,   // away from zero
  XN_QROUND_DOWN = 4, // toward zero
  XN_QROUND_HALF_UP = 5,
  XN_QROUND_HALF_DOWN = 6
};

inline float xn_qround(float v, int32_t mode) {
  switch (mode) {
  case XN_QROUND_CEIL:
    return ceilf(v);
  case XN_QROUND_FLOOR:
    return floorf(v);
  case XN_QROUND_UP:
    return v < 0 ? floorf(v) : ceilf(v);
  case XN_QROUND_DOWN:
    return truncf(v);
  case XN_QROUND_HALF_UP:
    return roundf(v);
  case XN_QROUND_HALF_DOWN:
    // v - truncf(v) is exact: a tie is a fraction of exactly one half.
    return fabsf(v - truncf(v)) == 0.5f ? truncf(v) : roundf(v);
  default:
    return nearbyintf(v);
  }
}

// y = saturate(round_half_even(x / scale) + zero_point); NaN gives the type's minimum (as
// ONNX Runtime's max with the lower bound does). The steps over a lane policy R (as
// xn_requantize_t; the x86 kernels run them on vectors): zp is the zero point as a float, lo
// and hi the type's bounds.
template <class R>
inline void xn_quantize_t(const typename R::vf &x, const typename R::vf &scale,
                          const typename R::vf &zp, const typename R::vf &lo,
                          const typename R::vf &hi, typename R::vi &out) {
  typename R::vf v = x;
  R::div(v, scale);
  R::round_half_even(v);
  R::addf(v, zp);
  R::fmax(v, lo);
  R::fmin(v, hi);
  R::nan_to(v, lo);
  R::truncate(out, v);
}

// The runs of one scale and zero point of a quantize / dequantize (p->inner elements each, the
// channel's parameters when per_channel): run(i, s, k) for the run from element i, with
// k its index into scale and zero_point. The x86 kernels walk the same runs.
template <class Run>
inline void xn_qlinear_runs(const xn_qlinear_params *p, const float *scale, const Run &run) {
  int64_t i = 0;
  for (int64_t o = 0; o < p->outer; ++o)
    for (int64_t j = 0; j < p->c; ++j, i += p->inner) {
      const int64_t k = p->per_channel ? j : 0;
      run(i, scale[k], k);
    }
}

// Elements [i + from, i + p->inner) of the run from i, quantized one by one. A rounding
// other than half to even rounds x / s first: the steps' own rounding then keeps it.
inline void xn_quantize_run(const xn_qlinear_params *p, const float *x, int64_t i, int64_t from,
                            float s, float zp, void *y) {
  const float lo = (float)p->lo, hi = (float)p->hi;
  const bool even = p->rounding == XN_QROUND_HALF_EVEN;
  for (int64_t e = i + from; e < i + p->inner; ++e) {
    int32_t q;
    if (even)
      xn_quantize_t<xn_scalar_requant>(x[e], s, zp, lo, hi, q);
    else
      xn_quantize_t<xn_scalar_requant>(xn_qround(x[e] / s, p->rounding), 1.0f, zp, lo, hi, q);
    xn_qstore(y, p->qtype, e, q);
  }
}

inline void xn_quantize(const xn_qlinear_params *p, const float *x, const float *scale,
                        const void *zero_point, void *y) {
  xn_qlinear_runs(p, scale, [&](int64_t i, float s, int64_t k) {
    xn_quantize_run(p, x, i, 0, s, (float)xn_qzero(zero_point, p->qtype, k), y);
  });
}

// A binary layer's output requantized in its epilogue (bconv_quantize, bdense_quantize): the
// float epilogue's value through quantize's steps (xn_quantize_t: half to even, the clamp
// range, NaN to lo), one scale and zero point for the tensor. q is the lowering's derived
// {y_type, lo, hi}.
struct xn_qout {
  float scale, zp, lo, hi;
  int32_t type;
  void *y;
};
inline xn_qout xn_qout_of(const float *y_scale, const void *y_zero_point, const int32_t *q,
                          void *y) {
  xn_qout o;
  o.scale = y_scale[0];
  o.type = q[0];
  o.zp = (float)xn_qzero(y_zero_point, q[0], 0);
  o.lo = (float)q[1];
  o.hi = (float)q[2];
  o.y = y;
  return o;
}
inline void xn_qout_store(const xn_qout *o, int64_t idx, float v) {
  int32_t r;
  xn_quantize_t<xn_scalar_requant>(v, o->scale, o->zp, o->lo, o->hi, r);
  xn_qstore(o->y, o->type, idx, r);
}

// y = (x - zero_point) * scale, the difference exact (int64) and then rounded to float: elements
// [i + from, i + p->inner) of the run from i.
inline void xn_dequantize_run(const xn_qlinear_params *p, const void *x, int64_t i, int64_t from,
                              float s, int64_t zp, float *y) {
  for (int64_t e = i + from; e < i + p->inner; ++e)
    y[e] = (float)((int64_t)xn_qload(x, p->qtype, e) - zp) * s;
}

inline void xn_dequantize(const xn_qlinear_params *p, const void *x, const float *scale,
                          const void *zero_point, float *y) {
  xn_qlinear_runs(p, scale, [&](int64_t i, float s, int64_t k) {
    xn_dequantize_run(p, x, i, 0, s, xn_qzero(zero_point, p->qtype, k), y);
  });
}

// The requantization operands of a conv or gemm, and its epilogue.
#define XN_QLAYER_FIELDS(F, A)                                                                     \
  F(int32_t, x_type)                                                                               \
  F(int32_t, w_type)                                                                               \
  F(int32_t, y_type)                                                                               \
  F(int32_t, w_per_channel)                                                                        \
  F(int32_t, relu)

// The requantization of output channel m: the multiplier x_scale * w_scale / y_scale in float
// (ONNX Runtime's order), the output zero point and bounds (relu raises the lower one to the
// zero point: relu before quantization clamps at real 0, which quantizes to the zero point).
struct xn_qchannel {
  float scale;
  int32_t zp, lo, hi, w_zp;
};
template <class P>
inline xn_qchannel xn_qchannel_of(const P *p, int64_t m, const float *x_scale, const float *w_scale,
                                  const void *w_zero_point, const float *y_scale,
                                  const void *y_zero_point) {
  const int64_t k = p->w_per_channel ? m : 0;
  xn_qchannel q;
  q.scale = x_scale[0] * w_scale[k] / y_scale[0];
  q.zp = xn_qzero(y_zero_point, p->y_type, 0);
  q.lo = p->relu ? q.zp : xn_qtype_min(p->y_type);
  q.hi = xn_qtype_max(p->y_type);
  q.w_zp = xn_qzero(w_zero_point, p->w_type, k);
  return q;
}

// Output element i of a conv or gemm from its accumulator: requantized, or (an int32 output:
// ConvInteger, MatMulInteger, whose scales are all 1) the accumulator itself.
template <class P>
inline void xn_qoutput(const P *p, const xn_qchannel &q, int32_t acc, void *y, int64_t i) {
  xn_qstore(y, p->y_type, i,
            p->y_type == XN_QTYPE_I32 ? acc : xn_requantize(acc, q.scale, q.zp, q.lo, q.hi));
}

#define XN_QCONV_PARAMS(F, A)                                                                      \
  XN_CONV_GEOMETRY_FIELDS(F, A)                                                                    \
  XN_QLAYER_FIELDS(F, A)
XN_DECLARE_PARAMS(xn_qconv_params, XN_QCONV_PARAMS)

// The output positions o in [0, n) whose input position o * stride + off lies in [0, in):
// [*lo, *hi), empty when none does.
inline void xn_out_range(int64_t off, int64_t stride, int64_t in, int64_t n, int64_t *lo,
                         int64_t *hi) {
  *lo = off >= 0 ? 0 : xn_ceil_div(-off, stride);
  *hi = in - off <= 0 ? 0 : xn_ceil_div(in - off, stride);
  *hi = *hi < n ? *hi : n;
  *lo = *lo < *hi ? *lo : *hi;
}

// The int32 accumulators of one segment of an output row live on the stack.
#define XN_QCONV_SEGMENT 256

// Padded taps hold the input zero point, so they contribute nothing and are skipped. Each
// tap runs along a segment of the innermost output dimension, a loop the compiler
// vectorises; integer sums are exact, so the order is free.
template <class TX, class TW>
inline void xn_qconv_t(const xn_qconv_params *p, const TX *x, int32_t x_zp, const float *x_scale,
                       const TW *w, const float *w_scale, const void *w_zero_point,
                       const float *y_scale, const void *y_zero_point, const int32_t *bias,
                       void *y) {
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad;
  const int64_t cg = p->c_in / p->group, mg = p->c_out / p->group;
  const int64_t in_px = id[0] * id[1] * id[2], out_px = od[0] * od[1] * od[2];
  const int64_t taps = k[0] * k[1] * k[2];
  int32_t acc[XN_QCONV_SEGMENT];
  for (int64_t b = 0; b < p->n; ++b)
    for (int64_t m = 0; m < p->c_out; ++m) {
      const xn_qchannel q =
          xn_qchannel_of(p, m, x_scale, w_scale, w_zero_point, y_scale, y_zero_point);
      const TX *xg = x + (b * p->c_in + m / mg * cg) * in_px;
      const TW *wm = w + m * cg * taps;
      const int64_t ybase = (b * p->c_out + m) * out_px;
      for (int64_t o0 = 0; o0 < od[0]; ++o0)
        for (int64_t o1 = 0; o1 < od[1]; ++o1)
          for (int64_t seg = 0; seg < od[2]; seg += XN_QCONV_SEGMENT) {
            const int64_t len = od[2] - seg < XN_QCONV_SEGMENT ? od[2] - seg : XN_QCONV_SEGMENT;
            for (int64_t j = 0; j < len; ++j)
              acc[j] = bias ? bias[m] : 0;
            int64_t lo0, hi0, lo1, hi1;
            xn_tap_range(o0 * s[0] - pb[0], dl[0], k[0], 0, id[0], &lo0, &hi0);
            xn_tap_range(o1 * s[1] - pb[1], dl[1], k[1], 0, id[1], &lo1, &hi1);
            for (int64_t c = 0; c < cg; ++c)
              for (int64_t k0 = lo0; k0 < hi0; ++k0)
                for (int64_t k1 = lo1; k1 < hi1; ++k1) {
                  const int64_t i0 = o0 * s[0] - pb[0] + k0 * dl[0];
                  const int64_t i1 = o1 * s[1] - pb[1] + k1 * dl[1];
                  const TX *xr = xg + (c * id[0] + i0) * id[1] * id[2] + i1 * id[2];
                  const TW *wr = wm + ((c * k[0] + k0) * k[1] + k1) * k[2];
                  for (int64_t k2 = 0; k2 < k[2]; ++k2) {
                    // Input position of output seg + j: (seg + j) * s + off.
                    const int64_t off = seg * s[2] - pb[2] + k2 * dl[2];
                    int64_t lo, hi;
                    xn_out_range(off, s[2], id[2], len, &lo, &hi);
                    const int32_t wv = (int32_t)wr[k2] - q.w_zp;
                    const int64_t st = s[2];
                    for (int64_t j = lo; j < hi; ++j)
                      acc[j] += ((int32_t)xr[j * st + off] - x_zp) * wv;
                  }
                }
            const int64_t o = ybase + (o0 * od[1] + o1) * od[2] + seg;
            for (int64_t j = 0; j < len; ++j)
              xn_qoutput(p, q, acc[j], y, o + j);
          }
    }
}

// Calls f(x, w) with x and w cast to their element types (int8_t or uint8_t).
template <class F>
inline void xn_qdispatch(int32_t x_type, int32_t w_type, const void *x, const void *w, F f) {
  const bool xs = x_type == XN_QTYPE_I8, ws = w_type == XN_QTYPE_I8;
  if (xs && ws)
    f((const int8_t *)x, (const int8_t *)w);
  else if (xs)
    f((const int8_t *)x, (const uint8_t *)w);
  else if (ws)
    f((const uint8_t *)x, (const int8_t *)w);
  else
    f((const uint8_t *)x, (const uint8_t *)w);
}

inline void xn_qconv(const xn_qconv_params *p, const void *x, const float *x_scale,
                     const void *x_zero_point, const void *w, const float *w_scale,
                     const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                     const int32_t *bias, void *y) {
  const int32_t x_zp = xn_qzero(x_zero_point, p->x_type, 0);
  xn_qdispatch(p->x_type, p->w_type, x, w, [&](auto xt, auto wt) {
    xn_qconv_t(p, xt, x_zp, x_scale, wt, w_scale, w_zero_point, y_scale, y_zero_point, bias, y);
  });
}

// y[M,N] = requantize(x[M,K] * w), w [K,N] or (trans_b) [N,K].
#define XN_QGEMM_PARAMS(F, A)                                                                      \
  F(int64_t, M)                                                                                    \
  F(int64_t, N)                                                                                    \
  F(int64_t, K)                                                                                    \
  F(int32_t, trans_b)                                                                              \
  XN_QLAYER_FIELDS(F, A)
XN_DECLARE_PARAMS(xn_qgemm_params, XN_QGEMM_PARAMS)

template <class TX, class TW>
inline void xn_qgemm_t(const xn_qgemm_params *p, const TX *x, int32_t x_zp, const float *x_scale,
                       const TW *w, const float *w_scale, const void *w_zero_point,
                       const float *y_scale, const void *y_zero_point, const int32_t *bias,
                       void *y) {
  const int64_t wk = p->trans_b ? 1 : p->N, wn = p->trans_b ? p->K : 1;
  for (int64_t n = 0; n < p->N; ++n) {
    const xn_qchannel q =
        xn_qchannel_of(p, n, x_scale, w_scale, w_zero_point, y_scale, y_zero_point);
    for (int64_t m = 0; m < p->M; ++m) {
      int32_t acc = bias ? bias[n] : 0;
      const TX *xm = x + m * p->K;
      const TW *wc = w + n * wn;
      for (int64_t kk = 0; kk < p->K; ++kk)
        acc += ((int32_t)xm[kk] - x_zp) * ((int32_t)wc[kk * wk] - q.w_zp);
      xn_qoutput(p, q, acc, y, m * p->N + n);
    }
  }
}

inline void xn_qgemm(const xn_qgemm_params *p, const void *x, const float *x_scale,
                     const void *x_zero_point, const void *w, const float *w_scale,
                     const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                     const int32_t *bias, void *y) {
  const int32_t x_zp = xn_qzero(x_zero_point, p->x_type, 0);
  xn_qdispatch(p->x_type, p->w_type, x, w, [&](auto xt, auto wt) {
    xn_qgemm_t(p, xt, x_zp, x_scale, wt, w_scale, w_zero_point, y_scale, y_zero_point, bias, y);
  });
}

#endif // XNORC_RUNTIME_GENERIC_QLINEAR_H
