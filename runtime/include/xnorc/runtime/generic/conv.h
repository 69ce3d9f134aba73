// ONNX Conv (NCHW float32, 1-3 spatial dims) with an optional fused activation.
#ifndef XNORC_RUNTIME_GENERIC_CONV_H
#define XNORC_RUNTIME_GENERIC_CONV_H

#include "xn_common.h"

// Spatial arrays hold spatial_rank meaningful entries (outer to inner, e.g. H, W);
// unused trailing entries are ignored. Output dims and explicit pads are resolved by
// the compiler (auto_pad, ceil rules), so the kernel trusts out_dims. pads_end is not
// needed to compute anything but is kept so the struct fully describes the node.
// Weights are ONNX's [c_out, c_in/group, k...]; bias is [c_out] or NULL.
#define XN_CONV_PARAMS(F, A)                                                                       \
  XN_CONV_GEOMETRY_FIELDS(F, A)                                                                    \
  F(int32_t, act_kind) /* xn_act_kind */                                                           \
  F(float, act_alpha)                                                                              \
  F(float, act_beta)
XN_DECLARE_PARAMS(xn_conv_params, XN_CONV_PARAMS)

// The conv's own fields of a fused layer's parameters (a list that starts with
// XN_CONV_PARAMS: conv + max-pool, average pool + conv), copied field by field.
template <class P> inline xn_conv_params xn_conv_params_of(const P *p) {
  xn_conv_params c;
#define XN_COPY_SCALAR(type, name) c.name = p->name;
#define XN_COPY_ARRAY(type, name, length)                                                          \
  for (int i = 0; i < length; ++i)                                                                 \
    c.name[i] = p->name[i];
  XN_CONV_PARAMS(XN_COPY_SCALAR, XN_COPY_ARRAY)
#undef XN_COPY_SCALAR
#undef XN_COPY_ARRAY
  return c;
}

inline size_t xn_conv_scratch_bytes(const xn_conv_params *p) {
  (void)p;
  return 0;
}

// Output row (oz, oy) of channel m of image n (a window of wd, the conv's xn_window_of):
// bias, then every (input channel, tap) in order, then the activation. Padding taps
// contribute nothing (they are skipped rather than multiplied by zero). The row is
// accumulated in place: it stays in L1 while every (channel, tap) pair streams a contiguous
// input row into it. xn_conv and the fused conv + max-pool (generic/conv_pool.h) share it, so
// their conv values are the same.
inline void xn_conv_row(const xn_conv_params *p, const xn_window *wd, const float *x,
                        const float *w, const float *bias, int64_t n, int64_t m, int64_t oz,
                        int64_t oy, float *yrow) {
  const int64_t *id = wd->in, *od = wd->out, *k = wd->k, *s = wd->s, *dl = wd->dil, *pb = wd->pad;
  const int64_t cg = p->c_in / p->group;
  const int64_t mg = p->c_out / p->group;
  const int64_t in_plane = id[0] * id[1] * id[2];
  const int64_t ksize = k[0] * k[1] * k[2];
  const float *xg = x + (n * p->c_in + (m / mg) * cg) * in_plane;
  const float *wm = w + m * cg * ksize;
  const int64_t z0 = oz * s[0] - pb[0];
  int64_t kz_lo, kz_hi;
  xn_tap_range(z0, dl[0], k[0], 0, id[0], &kz_lo, &kz_hi);
  const int64_t y0 = oy * s[1] - pb[1];
  int64_t ky_lo, ky_hi;
  xn_tap_range(y0, dl[1], k[1], 0, id[1], &ky_lo, &ky_hi);
  const float b = bias ? bias[m] : 0.0f;
  for (int64_t ox = 0; ox < od[2]; ++ox)
    yrow[ox] = b;
  for (int64_t c = 0; c < cg; ++c) {
    const float *xc = xg + c * in_plane;
    const float *wc = wm + c * ksize;
    for (int64_t kz = kz_lo; kz < kz_hi; ++kz) {
      const int64_t iz = z0 + kz * dl[0];
      for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
        const int64_t iy = y0 + ky * dl[1];
        const float *xrow = xc + (iz * id[1] + iy) * id[2];
        const float *wk = wc + (kz * k[1] + ky) * k[2];
        for (int64_t kx = 0; kx < k[2]; ++kx) {
          const float wv = wk[kx];
          const int64_t off = kx * dl[2] - pb[2];
          // Valid ox satisfy 0 <= ox * s + off < W.
          int64_t lo, hi;
          xn_tap_range(off, s[2], od[2], 0, id[2], &lo, &hi);
          if (s[2] == 1) {
            for (int64_t ox = lo; ox < hi; ++ox)
              yrow[ox] += wv * xrow[ox + off];
          } else {
            const int64_t sx = s[2];
            for (int64_t ox = lo; ox < hi; ++ox)
              yrow[ox] += wv * xrow[ox * sx + off];
          }
        }
      }
    }
  }
  xn_act_apply_n(p->act_kind, p->act_alpha, p->act_beta, yrow, od[2]);
}

inline void xn_conv(const xn_conv_params *p, const float *x, const float *w, const float *bias,
                    float *y) {
  const xn_window wd = xn_window_of(p);
  const int64_t *od = wd.out;
  const int64_t out_plane = od[0] * od[1] * od[2];
  for (int64_t n = 0; n < p->n; ++n)
    for (int64_t m = 0; m < p->c_out; ++m) {
      float *ym = y + (n * p->c_out + m) * out_plane;
      for (int64_t oz = 0; oz < od[0]; ++oz)
        for (int64_t oy = 0; oy < od[1]; ++oy)
          xn_conv_row(p, &wd, x, w, bias, n, m, oz, oy, ym + (oz * od[1] + oy) * od[2]);
    }
}

#endif // XNORC_RUNTIME_GENERIC_CONV_H
