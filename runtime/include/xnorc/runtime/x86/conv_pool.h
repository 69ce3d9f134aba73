// The x86 float conv + max-pool layer (generic/conv_pool.h's contract, the IR's
// conv_max_pool): the output-channels-across-lanes conv walk (x86/oc_conv.h) writes each conv
// row into a ring of pool-kernel rows on the stack instead of the output tensor, and the
// pool reduces each output row from the ring as soon as its window's rows are there. The
// 112x112x64 stem output of ResNet and Bi-Real (3.2 MB) then never leaves the cache: the
// separate pool was a memory-bound pass over it.
//
// The ring is pixel-major: conv pixel ix of ring row s holds its channels, padded to whole
// vectors, at ring[(s * iw + ix) * cs]. The conv tile's vectors (L channels of one pixel) go
// there as they are, with bias and activation (the dense layers' direct epilogue), and a pool
// tap is one vector max over L channels of one pixel. The pooled vectors of 8 pixels are
// transposed once into the NCHW output (V::stage). A channel-major ring cost twice: the conv
// tiles were transposed into it at the conv's resolution, and the pool worked on planes, its
// W stride of 2 paid in deinterleaving loads (the two were a quarter of the stem's time).
//
// The ResNet stem's pool (3 wide, stride 2, from pixel -1, over even conv rows of whole
// vectors: xn_x86_conv_pool_by_pairs) is reduced along W by the conv tiles themselves
// (x86/oc_conv.h's xn_x86_oc_pool_pairs): the ring holds pooled columns, half the pixels, and
// the pool rows reduce along H alone. The pool is bound by the ring's L2 traffic (the conv's
// 37.6 KB of stem weights stream through L1 for every tile, so the ring's rows are read back
// from L2): reading 86 KB per pooled row took 8 % of the stem, more than its maxes; half the
// traffic made the stem 2-3 % faster (bench/stem_ab.sh, docs/Benchmarks.md, session 25).
//
// Results equal xn_<isa>_conv_oc followed by xn_<isa>_maxpool bit for bit: every conv value
// takes the conv's operations (accumulation order, bias and activation), and every window its
// taps in the max-pool's order (kernel row, then column) with its comparison, max(tap, m)
// from -inf (NaN ignored, of +0 and -0 the first seen stays). Reducing each window row first
// and then the rows in order keeps that result: the first tap of the window equal to its max
// is the first such tap of the first row whose maximum it is. --threads splits the pooled
// rows; a conv row two parts' windows share is computed by both.
#ifndef XNORC_RUNTIME_X86_CONV_POOL_H
#define XNORC_RUNTIME_X86_CONV_POOL_H

#include "../generic/conv_pool.h"
#include "glue_common.h"
#include "oc_conv.h"

#include <math.h>
#include <string.h>

// The ring of x86/conv_pool.h: conv row iy's pixel ix, channel m at
// ring[(iy % kr * iw + ix) * cs + m].
struct xn_x86_conv_pool_ring {
  const float *ring;
  int64_t kr, cs;
};

// Output row oy of the pool g (planes: the channels) from ring r into y, the image's NCHW
// output: pixels 8 at a time, and for them channels L at a time, so the ring's lines (a
// pixel's channels) are read whole while in L1 (channel groups outermost read each line
// once per group: the stem's pool 7.2 -> 4.8 % of the layer on AVX2, session 17). Where the 8
// windows lie inside the conv row, each tap is one load and max for all 8 (8 independent chains);
// elsewhere each pixel runs over its taps inside the conv output (a tap outside is the pool's -inf
// padding: skipped).
template <class V>
inline void xn_x86_conv_pool_row(const xn_x86_pool2d *g, const xn_x86_conv_pool_ring &r,
                                 int64_t ox_lo, int64_t ox_hi, int64_t oy, float *y) {
  const int64_t y0 = oy * g->sh - g->ph, plane = g->oh * g->ow, pcs = g->sw * r.cs;
  int64_t ky_lo, ky_hi;
  xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
  for (int64_t ox0 = 0; ox0 < g->ow; ox0 += 8) {
    const int64_t np = g->ow - ox0 < 8 ? g->ow - ox0 : 8;
    for (int64_t m0 = 0; m0 < g->planes; m0 += V::L) {
      const int64_t nch = g->planes - m0 < V::L ? g->planes - m0 : V::L;
      typename V::vec m[8], v;
      XN_UNROLL(8)
      for (int i = 0; i < 8; ++i)
        V::set1(m[i], -INFINITY);
      if (np == 8 && ox0 >= ox_lo && ox0 + 8 <= ox_hi) {
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *row = r.ring + ((y0 + ky) % r.kr * g->iw + ox0 * g->sw - g->pw) * r.cs + m0;
          for (int64_t kx = 0; kx < g->kw; ++kx, row += r.cs) {
            XN_UNROLL(8)
            for (int i = 0; i < 8; ++i) {
              V::load(v, row + i * pcs);
              V::max(m[i], v);
            }
          }
        }
      } else {
        for (int64_t i = 0; i < np; ++i) {
          const int64_t x0 = (ox0 + i) * g->sw - g->pw;
          int64_t kx_lo, kx_hi;
          xn_tap_range(x0, 1, g->kw, 0, g->iw, &kx_lo, &kx_hi);
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const float *row = r.ring + (y0 + ky) % r.kr * g->iw * r.cs + m0;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              V::load(v, row + (x0 + kx) * r.cs);
              V::max(m[i], v);
            }
          }
        }
      }
      float *dst = y + m0 * plane + oy * g->ow + ox0;
      if (np == 8 && nch == V::L) {
        V::template stage<8>(m, dst, plane);
        continue;
      }
      alignas(64) float part[V::L * 8];
      V::template stage<8>(m, part, 8);
      for (int64_t l = 0; l < nch; ++l)
        memcpy(dst + l * plane, part + l * 8, (size_t)np * sizeof(float));
    }
  }
}

// The pool rows' window over the ring for pool g: g itself, or, where the ring holds pooled
// columns (each the max over its window's W already), a 1-wide window over them, so the rows
// reduce along H alone.
inline xn_x86_pool2d xn_x86_conv_pool_rows_window(const xn_x86_pool2d &g, bool pooled_columns) {
  xn_x86_pool2d rg = g;
  if (pooled_columns) {
    rg.iw = g.ow;
    rg.kw = 1;
    rg.sw = 1;
    rg.pw = 0;
    rg.pew = 0;
  }
  return rg;
}

// Whether the conv's tiles reduce the pool's W themselves (x86/oc_conv.h's
// xn_x86_oc_pool_pairs): a 3-wide window of stride 2 from pixel -1 over an even conv row of
// whole channel vectors, which the tiles cover in even counts from pixel 0 (every tile, border
// ones included, on its strip), the pooled row half the conv row, no activation or Relu. The
// ring then holds each conv row reduced along W (pooled columns: half the pixels, half the
// ring's traffic, which the conv's streaming weights keep out of L1), and the pool rows take
// the window's rows alone (a 1-wide window over the pooled columns).
template <class K> inline bool xn_x86_conv_pool_by_pairs(const xn_conv_pool_params *p) {
  const xn_conv_params cp = xn_conv_pool_conv(p);
  const xn_pool_params pp = xn_conv_pool_pool(p);
  xn_x86_pool2d g = {};
  return xn_x86_pool2d_geometry(&pp, &g) && g.kw == 3 && g.sw == 2 && g.pw == 1 && g.iw % 2 == 0 &&
         g.ow * 2 == g.iw && K::P % 2 == 0 && p->c_out % K::L == 0 &&
         (p->act_kind == XN_ACT_NONE || p->act_kind == XN_ACT_RELU) &&
         xn_x86_oc_strip_fits(xn_x86_conv_geom_of(&cp), p->c_in, K::P);
}

// K: the ISA's oc conv kernel class (x86/oc_conv.h); Rows::run: the pool row above compiled
// for the ISA (XN_X86_CONV_POOL_KERNEL). Any undilated 1-D or 2-D pool (any stride and
// kernel width: the row reads the ring pixel by pixel); fuse-conv-max-pool checked that,
// and the ring's size (xn_conv_pool_ring_fits).
template <class K, class Rows>
inline void xn_x86_conv_max_pool(const xn_conv_pool_params *p, const float *x, const float *w,
                                 const float *bias, float *y, int part, int parts) {
  const xn_conv_params cp = xn_conv_pool_conv(p);
  const xn_pool_params pp = xn_conv_pool_pool(p);
  xn_x86_pool2d g = {}; // the pool over one image's conv output, c_out planes
  if (!xn_x86_pool2d_geometry(&pp, &g))
    __builtin_trap(); // unreachable: the compiler fuses only undilated 1-D and 2-D pools
  g.planes = p->c_out;
  const int64_t blocks = (p->c_out + K::L - 1) / K::L;
  alignas(64) float ring[XN_CONV_POOL_RING_BYTES / sizeof(float)];
  const xn_x86_conv_pool_ring r = {ring, g.kh, blocks * K::L};
  // The conv writes pixel ix of output row cr, channels [0, c_out), to the ring as above, or
  // with the tiles' W reduction its pooled columns, the carry past the ring.
  xn_x86_oc_ctx c =
      xn_x86_oc_make_ctx(xn_x86_conv_geom_of(&cp), cp.n, cp.c_in, cp.c_out, cp.act_kind,
                         cp.act_alpha, cp.act_beta, x, NULL, bias, NULL, ring);
  c.y_img = 0;
  c.y_cs = 1;
  c.y_ps = r.cs;
  c.y_rows = r.kr;
  const bool by_pairs = xn_x86_conv_pool_by_pairs<K>(p);
  if (by_pairs)
    c.pool_carry = ring + g.kh * g.ow * r.cs;
  const xn_x86_pool2d rg = xn_x86_conv_pool_rows_window(g, by_pairs);
  if (r.cs != p->c_out) // lanes past c_out are pooled, never stored: keep them defined
    memset(ring, 0, (size_t)(r.kr * g.iw * r.cs) * sizeof(float));
  const xn_x86_oc_floats<typename K::V> ws = {w, xn_x86_conv_taps(&cp)};
  int64_t ow_lo, ow_hi;
  xn_x86_interior(c.g.ow, c.g.sw, c.g.pw, c.g.dw, c.g.kw, c.g.iw, &ow_lo, &ow_hi);
  int64_t px_lo, px_hi; // the pooled pixels whose windows lie inside the ring's row
  xn_x86_interior(rg.ow, rg.sw, rg.pw, 1, rg.kw, rg.iw, &px_lo, &px_hi);
  xn_x86_oc_pos t;
  t.stage = NULL; // the direct epilogue stages nothing
  int64_t r_lo, r_hi;
  xn_part_range(p->n * g.oh, part, parts, &r_lo, &r_hi);
  int64_t image = -1, next = 0; // conv rows [0, next) of image done, the last kr in the ring
  for (int64_t row = r_lo; row < r_hi; ++row) {
    const int64_t n = row / g.oh, oy = row % g.oh, y0 = oy * g.sh - g.ph;
    if (n != image) {
      image = n;
      next = 0;
    }
    int64_t ky_lo, ky_hi;
    xn_tap_range(y0, 1, g.kh, 0, g.ih, &ky_lo, &ky_hi);
    for (int64_t cr = next > y0 + ky_lo ? next : y0 + ky_lo; cr < y0 + ky_hi; ++cr)
      xn_x86_oc_row<K>(&c, ws, t, n * c.g.oh + cr, ow_lo, ow_hi, 0, c.g.ow, 0, blocks);
    if (y0 + ky_hi > next)
      next = y0 + ky_hi;
    Rows::run(&rg, r, px_lo, px_hi, oy, y + n * g.planes * g.oh * g.ow);
  }
}

// xn_<isa>_conv_max_pool on the ISA's oc conv kernel class, with the pool row compiled for
// the ISA (target attribute ATTR; a macro: the attribute cannot be a template parameter).
#define XN_X86_CONV_POOL_KERNEL(isa, ATTR)                                                         \
  struct xn_##isa##_conv_pool_rows {                                                               \
    ATTR __attribute__((flatten)) static void run(const xn_x86_pool2d *g,                          \
                                                  const xn_x86_conv_pool_ring &r, int64_t ox_lo,   \
                                                  int64_t ox_hi, int64_t oy, float *y) {           \
      xn_x86_conv_pool_row<xn_##isa##_oc::V>(g, r, ox_lo, ox_hi, oy, y);                           \
    }                                                                                              \
  };                                                                                               \
  inline void xn_##isa##_conv_max_pool(const xn_conv_pool_params *p, const float *x,               \
                                       const float *w, const float *bias, float *y, int part = 0,  \
                                       int parts = 1) {                                            \
    xn_x86_conv_max_pool<xn_##isa##_oc, xn_##isa##_conv_pool_rows>(p, x, w, bias, y, part, parts); \
  }

#endif // XNORC_RUNTIME_X86_CONV_POOL_H
