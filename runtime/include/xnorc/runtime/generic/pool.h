// ONNX MaxPool / AveragePool (1-3 spatial dims) and GlobalMaxPool / GlobalAveragePool,
// NCHW float32.
#ifndef XNORC_RUNTIME_GENERIC_POOL_H
#define XNORC_RUNTIME_GENERIC_POOL_H

#include "../common/parts.h"
#include "xn_common.h"

// Spatial arrays hold spatial_rank meaningful entries (outer to inner). out_dims come
// from the compiler, which applies ceil_mode; the kernel handles whatever windows
// that implies, including ones starting in (or beyond) the end padding.
// count_include_pad is only read by xn_avgpool; dilations of 1 give plain pooling.
#define XN_POOL_PARAMS(F, A)                                                                       \
  F(int32_t, spatial_rank) /* 1..XN_MAX_SPATIAL */                                                 \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  XN_WINDOW_FIELDS(F, A)                                                                           \
  F(int32_t, count_include_pad)
XN_DECLARE_PARAMS(xn_pool_params, XN_POOL_PARAMS)

// spatial is the product of all spatial dims; output is [n, c, 1...].
#define XN_GLOBAL_POOL_PARAMS(F, A)                                                                \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, spatial)
XN_DECLARE_PARAMS(xn_global_pool_params, XN_GLOBAL_POOL_PARAMS)

// The pool of a fused layer's parameters (conv + max-pool, average pool + conv): its window
// over n images of c planes, undilated.
inline xn_pool_params xn_pool_params_of_window(int32_t rank, int64_t n, int64_t c,
                                               const int64_t *in, const int64_t *out,
                                               const int64_t *kernel, const int64_t *strides,
                                               const int64_t *pads_begin, const int64_t *pads_end,
                                               int32_t count_include_pad) {
  xn_pool_params q;
  q.spatial_rank = rank;
  q.n = n;
  q.c = c;
  for (int i = 0; i < XN_MAX_SPATIAL; ++i) {
    q.in_dims[i] = in[i];
    q.out_dims[i] = out[i];
    q.kernel[i] = kernel[i];
    q.strides[i] = strides[i];
    q.dilations[i] = 1;
    q.pads_begin[i] = pads_begin[i];
    q.pads_end[i] = pads_end[i];
  }
  q.count_include_pad = count_include_pad;
  return q;
}

inline size_t xn_pool_scratch_bytes(const xn_pool_params *p) {
  (void)p;
  return 0;
}

// Padding taps are skipped, so they never win. A window with no input tap at all
// (possible only for ceil_mode windows lying entirely in the end padding) yields
// -INFINITY, the max of an empty set. NaN inputs are ignored like numpy's nanmax,
// which the ONNX reference uses.
inline void xn_maxpool(const xn_pool_params *p, const float *x, float *y) {
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad;
  const int64_t in_plane = id[0] * id[1] * id[2];
  const int64_t planes = p->n * p->c;

  for (int64_t pl = 0; pl < planes; ++pl) {
    const float *xp = x + pl * in_plane;
    for (int64_t oz = 0; oz < od[0]; ++oz) {
      const int64_t z0 = oz * s[0] - pb[0];
      int64_t kz_lo, kz_hi;
      xn_tap_range(z0, dl[0], k[0], 0, id[0], &kz_lo, &kz_hi);
      for (int64_t oy = 0; oy < od[1]; ++oy) {
        const int64_t y0 = oy * s[1] - pb[1];
        int64_t ky_lo, ky_hi;
        xn_tap_range(y0, dl[1], k[1], 0, id[1], &ky_lo, &ky_hi);
        for (int64_t ox = 0; ox < od[2]; ++ox) {
          const int64_t x0 = ox * s[2] - pb[2];
          int64_t kx_lo, kx_hi;
          xn_tap_range(x0, dl[2], k[2], 0, id[2], &kx_lo, &kx_hi);
          float m = -INFINITY;
          for (int64_t kz = kz_lo; kz < kz_hi; ++kz) {
            for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
              const float *xr = xp + ((z0 + kz * dl[0]) * id[1] + (y0 + ky * dl[1])) * id[2];
              for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
                const float v = xr[x0 + kx * dl[2]];
                if (v > m)
                  m = v;
              }
            }
          }
          *y++ = m;
        }
      }
    }
  }
}

// Output row (oz, oy) of the plane at xp into yrow (wd: the pool's xn_window_of): each
// window's taps inside the input summed in order (depth, row, column) from 0, then divided by
// its count. xn_avgpool and the fused average pool + 1x1 conv (generic/pool_conv.h) share it,
// so their pooled values are the same.
//
// Divisor: count_include_pad=0 counts taps inside the input; count_include_pad=1 also
// counts taps inside the declared pads but not taps beyond input+pads_end (which
// ceil_mode windows can reach), matching onnxruntime and the ONNX reference. A window
// whose divisor is 0 (entirely outside the input with count_include_pad=0) yields 0.
inline void xn_avgpool_row(const xn_pool_params *p, const xn_window *wd, const float *xp,
                           int64_t oz, int64_t oy, float *yrow) {
  const int64_t *id = wd->in, *od = wd->out, *k = wd->k, *s = wd->s, *dl = wd->dil, *pb = wd->pad,
                *pe = wd->pad_end;
  const int incl = p->count_include_pad != 0;
  const int64_t z0 = oz * s[0] - pb[0];
  int64_t kz_lo, kz_hi, cz_lo, cz_hi;
  xn_tap_range(z0, dl[0], k[0], 0, id[0], &kz_lo, &kz_hi);
  xn_tap_range(z0, dl[0], k[0], -pb[0], id[0] + pe[0], &cz_lo, &cz_hi);
  const int64_t y0 = oy * s[1] - pb[1];
  int64_t ky_lo, ky_hi, cy_lo, cy_hi;
  xn_tap_range(y0, dl[1], k[1], 0, id[1], &ky_lo, &ky_hi);
  xn_tap_range(y0, dl[1], k[1], -pb[1], id[1] + pe[1], &cy_lo, &cy_hi);
  for (int64_t ox = 0; ox < od[2]; ++ox) {
    const int64_t x0 = ox * s[2] - pb[2];
    int64_t kx_lo, kx_hi, cx_lo, cx_hi;
    xn_tap_range(x0, dl[2], k[2], 0, id[2], &kx_lo, &kx_hi);
    xn_tap_range(x0, dl[2], k[2], -pb[2], id[2] + pe[2], &cx_lo, &cx_hi);
    float sum = 0.0f;
    for (int64_t kz = kz_lo; kz < kz_hi; ++kz) {
      for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
        const float *xr = xp + ((z0 + kz * dl[0]) * id[1] + (y0 + ky * dl[1])) * id[2];
        for (int64_t kx = kx_lo; kx < kx_hi; ++kx)
          sum += xr[x0 + kx * dl[2]];
      }
    }
    // Windows are boxes, so the tap count factorises per dimension.
    const int64_t count = incl ? (cz_hi - cz_lo) * (cy_hi - cy_lo) * (cx_hi - cx_lo)
                               : (kz_hi - kz_lo) * (ky_hi - ky_lo) * (kx_hi - kx_lo);
    yrow[ox] = count > 0 ? sum / static_cast<float>(count) : 0.0f;
  }
}

inline void xn_avgpool(const xn_pool_params *p, const float *x, float *y) {
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out;
  const int64_t in_plane = id[0] * id[1] * id[2];
  const int64_t planes = p->n * p->c;
  for (int64_t pl = 0; pl < planes; ++pl)
    for (int64_t oz = 0; oz < od[0]; ++oz)
      for (int64_t oy = 0; oy < od[1]; ++oy, y += od[2])
        xn_avgpool_row(p, &wd, x + pl * in_plane, oz, oy, y);
}

// The global pools split their planes (common/parts.h); each plane is summed as a whole.
inline void xn_global_avgpool(const xn_global_pool_params *p, const float *x, float *y,
                              int part = 0, int parts = 1) {
  int64_t lo, hi;
  xn_part_range(p->n * p->c, part, parts, &lo, &hi);
  for (int64_t pl = lo; pl < hi; ++pl) {
    const float *xp = x + pl * p->spatial;
    float sum = 0.0f;
    for (int64_t i = 0; i < p->spatial; ++i)
      sum += xp[i];
    y[pl] = sum / static_cast<float>(p->spatial);
  }
}

// Same NaN policy as xn_maxpool.
inline void xn_global_maxpool(const xn_global_pool_params *p, const float *x, float *y,
                              int part = 0, int parts = 1) {
  int64_t lo, hi;
  xn_part_range(p->n * p->c, part, parts, &lo, &hi);
  for (int64_t pl = lo; pl < hi; ++pl) {
    const float *xp = x + pl * p->spatial;
    float m = -INFINITY;
    for (int64_t i = 0; i < p->spatial; ++i)
      if (xp[i] > m)
        m = xp[i];
    y[pl] = m;
  }
}

#endif // XNORC_RUNTIME_GENERIC_POOL_H
