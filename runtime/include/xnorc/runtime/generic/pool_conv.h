// An average pool followed by a 1x1 float conv (stride 1, no padding, with its activation),
// as one layer (the IR's avg_pool_conv, made by the pass fuse-avg-pool-conv): each row of the
// pooled map is pooled into a stack buffer and the conv's output row computed from it, so the
// pooled tensor is never written out and read back, and with --threads the two layers need
// one barrier instead of two. Bi-Real-18's, Real-to-Binary's and ResNet-D's downsampling
// shortcuts are this pair: a 2x2/2 average pool, then a 1x1 conv to twice the channels.
#ifndef XNORC_RUNTIME_GENERIC_POOL_CONV_H
#define XNORC_RUNTIME_GENERIC_POOL_CONV_H

#include "conv.h"
#include "pool.h"

// The conv's fields over the pooled map (in_dims = out_dims: the pooled dims; kernel 1x1,
// stride 1, no padding, group 1), then the pool's input dims and window (dilation 1). 2-D only.
#define XN_POOL_CONV_PARAMS(F, A)                                                                  \
  XN_CONV_PARAMS(F, A)                                                                             \
  A(int64_t, pool_in_dims, XN_MAX_SPATIAL)                                                         \
  A(int64_t, pool_kernel, XN_MAX_SPATIAL)                                                          \
  A(int64_t, pool_strides, XN_MAX_SPATIAL)                                                         \
  A(int64_t, pool_pads_begin, XN_MAX_SPATIAL)                                                      \
  A(int64_t, pool_pads_end, XN_MAX_SPATIAL)                                                        \
  F(int32_t, pool_count_include_pad)
XN_DECLARE_PARAMS(xn_pool_conv_params, XN_POOL_CONV_PARAMS)

// One pooled row, every input channel, lives in a stack buffer of at most this many bytes
// (c_in x pooled width x 4): the pass fuses only layers within it, the verifier rejects others,
// and the kernels rely on it.
#define XN_POOL_CONV_ROW_BYTES 65536

// Whether a layer's pooled row fits (in double, as xn_conv_pool_ring_fits).
inline bool xn_pool_conv_row_fits(int64_t c_in, int64_t pooled_w) {
  return (double)c_in * (double)pooled_w * sizeof(float) <= XN_POOL_CONV_ROW_BYTES;
}

// The pool alone, over one image's c_in planes of the layer's input.
inline xn_pool_params xn_pool_conv_pool(const xn_pool_conv_params *p) {
  return xn_pool_params_of_window(p->spatial_rank, 1, p->c_in, p->pool_in_dims, p->in_dims,
                                  p->pool_kernel, p->pool_strides, p->pool_pads_begin,
                                  p->pool_pads_end, p->pool_count_include_pad);
}

// The conv alone over one pooled row (an image of one row, c_in planes of `width` floats).
inline xn_conv_params xn_pool_conv_row_conv(const xn_pool_conv_params *p) {
  xn_conv_params c = xn_conv_params_of(p);
  c.n = 1;
  c.in_dims[0] = c.out_dims[0] = 1;
  return c;
}

inline size_t xn_pool_conv_scratch_bytes(const xn_pool_conv_params *p) {
  (void)p;
  return 0;
}

// Equal, bit for bit, to xn_avgpool then xn_conv: the pooled values come from
// xn_avgpool_row, the conv values from xn_conv_row over the same pooled row.
inline void xn_avg_pool_conv(const xn_pool_conv_params *p, const float *x, const float *w,
                             const float *bias, float *y) {
  const xn_pool_params pp = xn_pool_conv_pool(p);
  const xn_window pw = xn_window_of(&pp);
  const xn_conv_params cp = xn_pool_conv_row_conv(p);
  const xn_window cw = xn_window_of(&cp);
  const int64_t oh = p->out_dims[0], ow = p->out_dims[1], plane = oh * ow;
  const int64_t in_plane = p->pool_in_dims[0] * p->pool_in_dims[1];
  float row[XN_POOL_CONV_ROW_BYTES / sizeof(float)];
  for (int64_t n = 0; n < p->n; ++n)
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ch = 0; ch < p->c_in; ++ch)
        xn_avgpool_row(&pp, &pw, x + (n * p->c_in + ch) * in_plane, 0, oy, row + ch * ow);
      for (int64_t m = 0; m < p->c_out; ++m)
        xn_conv_row(&cp, &cw, row, w, bias, 0, m, 0, 0, y + (n * p->c_out + m) * plane + oy * ow);
    }
}

#endif // XNORC_RUNTIME_GENERIC_POOL_CONV_H
