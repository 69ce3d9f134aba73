// The x86 average pool + 1x1 float conv layer (generic/pool_conv.h's contract, the IR's
// avg_pool_conv): per output row, the vector average pool (x86/glue_common.h) writes that row
// of every input channel into a stack buffer, and the output-channels-across-lanes conv walk
// (x86/oc_conv.h) computes the conv's output row from it. The pooled map never goes to memory,
// and the pair is one layer: with --threads one barrier instead of two (the separate pool ran
// slower on two threads than on one on Bi-Real-18's blocks.4, docs/Benchmarks.md, session 22).
//
// Results equal xn_<isa>_avgpool followed by xn_<isa>_conv_oc bit for bit: each pooled value
// takes the vector pool's operations (taps in the generic order, then the average), or for a
// window it does not take (W stride > 2, wider than XN_X86_GLUE_MAX_KW) the generic pool's, as
// xn_<isa>_avgpool; each conv value the oc walk's (an output's accumulation does not depend on
// the tile it is in).
// --threads splits the output rows.
#ifndef XNORC_RUNTIME_X86_POOL_CONV_H
#define XNORC_RUNTIME_X86_POOL_CONV_H

#include "../generic/pool_conv.h"
#include "glue_common.h"
#include "oc_conv.h"

// K: the ISA's oc conv kernel class; Pools: its vector pool classes (x86/<isa>_glue.h).
template <class K, class Pools>
inline void xn_x86_avg_pool_conv(const xn_pool_conv_params *p, const float *x, const float *w,
                                 const float *bias, float *y, int part, int parts) {
  // The vector pool where it takes the window (as xn_<isa>_avgpool), else the generic rows
  // (as xn_<isa>_avgpool falls back to xn_avgpool).
  const xn_pool_params pp = xn_pool_conv_pool(p);
  const xn_window pw = xn_window_of(&pp);
  xn_x86_pool2d g;
  const bool vector_pool = xn_x86_pool2d_view(&pp, &g);
  const int64_t in_plane = p->pool_in_dims[0] * p->pool_in_dims[1];
  const int64_t oh = p->out_dims[0], ow = p->out_dims[1], in_img = p->c_in * in_plane;
  // The buffer holds `rows` pooled rows of every channel: channel ch's row oy0 + k at
  // buf + (ch * rows + k) * ow. Several rows per pool call, since the vector pool sets up its
  // column masks once per plane and call (one row per call cost more than the separate pool).
  const int64_t row_floats = p->c_in * ow; // 0 for an empty row: then one chunk of every row
  const int64_t rows_max =
      row_floats > 0 ? XN_POOL_CONV_ROW_BYTES / (int64_t)sizeof(float) / row_floats : oh;
  alignas(64) float buf[XN_POOL_CONV_ROW_BYTES / sizeof(float)];
  // The conv sees each image's output as one row of oh * ow pixels (as the separate 1x1 conv
  // does, xn_x86_conv_flatten_1x1: whole tiles across the rows, Bi-Real-18's 7x7 rows would
  // leave a one-pixel tile each) and the buffer as that row's input from pixel oy0 * ow on
  // (pad_left oy0 * ow).
  const xn_x86_conv_geom map = {1, ow, 1, oh * ow, 1, 1, 1, 1, 1, 1, 0, 0};
  xn_x86_oc_ctx c = xn_x86_oc_make_ctx(map, p->n, p->c_in, p->c_out, p->act_kind, p->act_alpha,
                                       p->act_beta, buf, NULL, bias, NULL, y);
  c.x_img = 0;
  const xn_x86_oc_floats<typename K::V> ws = {w, p->c_in};
  const int64_t blocks = (p->c_out + K::L - 1) / K::L;
  alignas(64) float stage[K::B * K::L * XN_X86_OC_STAGE];
  xn_x86_oc_pos t;
  t.stage = stage;
  const int incl = p->pool_count_include_pad != 0;
  // Rows split (each part pools only the rows it convolves: a split of the channels would
  // pool every row in every part).
  int64_t r_lo, r_hi;
  xn_part_range(p->n * oh, part, parts, &r_lo, &r_hi);
  for (int64_t r = r_lo; r < r_hi;) {
    const int64_t oy0 = r % oh;
    int64_t rows = r_hi - r < oh - oy0 ? r_hi - r : oh - oy0;
    rows = rows < rows_max ? rows : rows_max;
    const float *xn = x + r / oh * in_img;
    if (vector_pool) {
      g.oy_lo = g.y_row0 = oy0;
      g.oy_hi = oy0 + rows;
      g.y_plane = rows * ow;
      xn_x86_pool_dispatch<typename Pools::avg, Pools::L>(&g, incl, xn, buf);
    } else {
      for (int64_t ch = 0; ch < p->c_in; ++ch)
        for (int64_t k = 0; k < rows; ++k)
          xn_avgpool_row(&pp, &pw, xn + ch * in_plane, 0, oy0 + k, buf + (ch * rows + k) * ow);
    }
    const int64_t x_lo = oy0 * ow, x_hi = (oy0 + rows) * ow;
    c.g.iw = c.x_cs = rows * ow;
    c.g.pw = x_lo;
    xn_x86_oc_row<K>(&c, ws, t, r / oh, x_lo, x_hi, x_lo, x_hi, 0, blocks);
    r += rows;
  }
}

// xn_<isa>_avg_pool_conv on the ISA's oc conv kernel class and vector pools.
#define XN_X86_POOL_CONV_KERNEL(isa)                                                               \
  inline void xn_##isa##_avg_pool_conv(const xn_pool_conv_params *p, const float *x,               \
                                       const float *w, const float *bias, float *y, int part = 0,  \
                                       int parts = 1) {                                            \
    xn_x86_avg_pool_conv<xn_##isa##_oc, xn_##isa##_pools>(p, x, w, bias, y, part, parts);          \
  }

#endif // XNORC_RUNTIME_X86_POOL_CONV_H
