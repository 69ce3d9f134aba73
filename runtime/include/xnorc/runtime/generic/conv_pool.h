// A float conv (generic/conv.h, with its activation) followed by a max-pool, as one layer
// (the IR's conv_max_pool, made by the pass fuse-conv-max-pool): the conv's output rows are
// pooled while they are in cache and the un-pooled tensor is never written out. ResNet's and
// Bi-Real's stem is this pair: 7x7/2 conv to 112x112x64, then a 3x3/2 max-pool.
#ifndef XNORC_RUNTIME_GENERIC_CONV_POOL_H
#define XNORC_RUNTIME_GENERIC_CONV_POOL_H

#include "conv.h"
#include "pool.h"

// The conv's fields (out_dims: the conv's output), then the pool's window over that output
// (dilation 1); the layer's output dims are pool_out_dims. 1-D or 2-D only.
#define XN_CONV_POOL_PARAMS(F, A)                                                                  \
  XN_CONV_PARAMS(F, A)                                                                             \
  A(int64_t, pool_out_dims, XN_MAX_SPATIAL)                                                        \
  A(int64_t, pool_kernel, XN_MAX_SPATIAL)                                                          \
  A(int64_t, pool_strides, XN_MAX_SPATIAL)                                                         \
  A(int64_t, pool_pads_begin, XN_MAX_SPATIAL)                                                      \
  A(int64_t, pool_pads_end, XN_MAX_SPATIAL)
XN_DECLARE_PARAMS(xn_conv_pool_params, XN_CONV_POOL_PARAMS)

// The conv rows a pool window spans, for every output channel, live in one stack buffer of at
// most this many bytes (pool kernel rows x conv output width x output channels x 4, the
// channels counted in whole vectors of 16, as the x86 kernels keep them): the pass fuses only
// layers within it, and the kernels rely on it.
#define XN_CONV_POOL_RING_BYTES 131072

// Whether a layer's ring fits (in double: the dims of a layer not yet verified may overflow an
// integer product). The pass and the shape rule both ask this.
inline bool xn_conv_pool_ring_fits(int64_t pool_rows, int64_t conv_ow, int64_t c_out) {
  const double lanes = 16.0 * (double)(c_out / 16 + (c_out % 16 != 0));
  return (double)pool_rows * (double)conv_ow * lanes * sizeof(float) <= XN_CONV_POOL_RING_BYTES;
}

// The conv alone (xn_conv's parameters).
inline xn_conv_params xn_conv_pool_conv(const xn_conv_pool_params *p) {
  return xn_conv_params_of(p);
}

// The max-pool alone, over the conv's output.
inline xn_pool_params xn_conv_pool_pool(const xn_conv_pool_params *p) {
  return xn_pool_params_of_window(p->spatial_rank, p->n, p->c_out, p->out_dims, p->pool_out_dims,
                                  p->pool_kernel, p->pool_strides, p->pool_pads_begin,
                                  p->pool_pads_end, 0);
}

inline size_t xn_conv_pool_scratch_bytes(const xn_conv_pool_params *p) {
  (void)p;
  return 0;
}

// Equal, bit for bit, to xn_conv then xn_maxpool: each conv row comes from xn_conv_row, each
// pool window visits its taps in xn_maxpool's order with its comparison (NaN ignored, -0/+0:
// the first seen wins). Per image and channel, the conv rows of the current window sit in a
// ring of pool_kernel rows; a row is computed once, when the first window needing it comes.
inline void xn_conv_max_pool(const xn_conv_pool_params *p, const float *x, const float *w,
                             const float *bias, float *y) {
  const xn_conv_params cp = xn_conv_pool_conv(p);
  const xn_window cw = xn_window_of(&cp);
  const xn_pool_params pp = xn_conv_pool_pool(p);
  const xn_window pw = xn_window_of(&pp);
  const int64_t ih = pw.in[1], iw = pw.in[2], kr = pw.k[1];
  float ring[XN_CONV_POOL_RING_BYTES / sizeof(float)];
  for (int64_t n = 0; n < p->n; ++n)
    for (int64_t m = 0; m < p->c_out; ++m) {
      int64_t next = 0; // conv rows below next are computed; the last kr of them are in ring
      for (int64_t oy = 0; oy < pw.out[1]; ++oy) {
        const int64_t y0 = oy * pw.s[1] - pw.pad[1];
        int64_t ky_lo, ky_hi;
        xn_tap_range(y0, 1, kr, 0, ih, &ky_lo, &ky_hi);
        for (int64_t r = next > y0 + ky_lo ? next : y0 + ky_lo; r < y0 + ky_hi; ++r)
          xn_conv_row(&cp, &cw, x, w, bias, n, m, 0, r, ring + (r % kr) * iw);
        if (y0 + ky_hi > next)
          next = y0 + ky_hi;
        for (int64_t ox = 0; ox < pw.out[2]; ++ox) {
          const int64_t x0 = ox * pw.s[2] - pw.pad[2];
          int64_t kx_lo, kx_hi;
          xn_tap_range(x0, 1, pw.k[2], 0, iw, &kx_lo, &kx_hi);
          float mx = -INFINITY;
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const float *row = ring + ((y0 + ky) % kr) * iw;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              const float v = row[x0 + kx];
              if (v > mx)
                mx = v;
            }
          }
          *y++ = mx;
        }
      }
    }
}

#endif // XNORC_RUNTIME_GENERIC_CONV_POOL_H
