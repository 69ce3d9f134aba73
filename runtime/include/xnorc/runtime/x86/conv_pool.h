// The x86 float conv + max-pool layer (generic/conv_pool.h's contract, the IR's
// conv_max_pool): the output-channels-across-lanes conv walk (x86/oc_conv.h) writes each conv
// row, all channels, into a ring of pool-kernel rows on the stack instead of the output
// tensor, and the vector max-pool (x86/glue_common.h) pools each output row from the ring
// as soon as its window's rows are there. The 112x112x64 stem output of ResNet and Bi-Real
// (3.2 MB) then never leaves the cache: the separate pool was a memory-bound pass over it.
//
// Results equal xn_<isa>_conv_oc followed by xn_<isa>_maxpool bit for bit: the same row walk
// computes every conv value, and the same tile visits every window's taps in the same order.
// --threads splits the pooled rows; a conv row two parts' windows share is computed by both.
#ifndef XNORC_RUNTIME_X86_CONV_POOL_H
#define XNORC_RUNTIME_X86_CONV_POOL_H

#include "../generic/conv_pool.h"
#include "glue_common.h"
#include "oc_conv.h"

// K: the ISA's oc conv kernel class (x86/oc_conv.h), Pools: its vector pools
// (XN_X86_GLUE_KERNELS). The compiler checked the pool (supportsX86ConvMaxPool: W stride 1 or
// 2, kernel at most XN_X86_GLUE_MAX_KW high and wide) and the ring's size
// (XN_CONV_POOL_RING_BYTES).
template <class K, class Pools>
inline void xn_x86_conv_max_pool(const xn_conv_pool_params *p, const float *x, const float *w,
                                 const float *bias, float *y, int part, int parts) {
  const xn_conv_params cp = xn_conv_pool_conv(p);
  const xn_pool_params pp = xn_conv_pool_pool(p);
  xn_x86_pool2d g = {}; // the pool over one image's conv output, c_out planes
  if (!xn_x86_pool2d_view(&pp, &g))
    __builtin_trap(); // unreachable: the compiler fuses only pools the view takes
  g.planes = p->c_out;
  const int64_t kr = g.kh, ring_cs = kr * g.iw;
  alignas(64) float ring[XN_CONV_POOL_RING_BYTES / sizeof(float)];
  // The conv writes output row r of channel m to ring[m * ring_cs + (r % kr) * ow].
  xn_x86_oc_ctx c =
      xn_x86_oc_make_ctx(xn_x86_conv_geom_of(&cp), cp.n, cp.c_in, cp.c_out, cp.act_kind,
                         cp.act_alpha, cp.act_beta, x, NULL, bias, NULL, ring);
  c.y_img = 0;
  c.y_cs = ring_cs;
  c.y_rows = kr;
  const xn_x86_oc_floats<typename K::V> ws = {w, xn_x86_conv_taps(&cp)};
  int64_t ow_lo, ow_hi;
  xn_x86_interior(c.g.ow, c.g.sw, c.g.pw, c.g.dw, c.g.kw, c.g.iw, &ow_lo, &ow_hi);
  alignas(64) float stage[K::B * K::L * XN_X86_OC_STAGE];
  xn_x86_oc_pos t;
  t.stage = stage;
  // Plane pl's input row iy of the current output row is at ring + pl * ring_cs + off[iy - iy0]:
  // the ring slots are worked out once per output row, not per plane and tap.
  int64_t off[XN_X86_GLUE_MAX_KW], iy0 = 0;
  const float *ring_at = ring; // captured as a pointer: a lambda would copy the array
  const auto rows = [ring_at, ring_cs, &off, &iy0](int64_t pl, int64_t iy) {
    return ring_at + pl * ring_cs + off[iy - iy0];
  };
  int64_t r_lo, r_hi;
  xn_part_range(p->n * g.oh, part, parts, &r_lo, &r_hi);
  int64_t image = -1, next = 0; // conv rows [0, next) of image done, the last kr in the ring
  for (int64_t r = r_lo; r < r_hi; ++r) {
    const int64_t n = r / g.oh, oy = r % g.oh, y0 = oy * g.sh - g.ph;
    if (n != image) {
      image = n;
      next = 0;
    }
    int64_t ky_lo, ky_hi;
    xn_tap_range(y0, 1, g.kh, 0, g.ih, &ky_lo, &ky_hi);
    for (int64_t cr = next > y0 + ky_lo ? next : y0 + ky_lo; cr < y0 + ky_hi; ++cr)
      xn_x86_oc_row<K>(&c, ws, t, n * c.g.oh + cr, ow_lo, ow_hi, 0, c.g.ow, 0,
                       (c.c_out + K::L - 1) / K::L);
    if (y0 + ky_hi > next)
      next = y0 + ky_hi;
    iy0 = y0 + ky_lo;
    for (int64_t ky = ky_lo; ky < ky_hi; ++ky)
      off[ky - ky_lo] = (y0 + ky) % kr * g.iw;
    xn_x86_pool_dispatch<typename Pools::max_row, Pools::L>(
        &g, rows, oy, y + n * g.planes * g.oh * g.ow + oy * g.ow, g.oh * g.ow);
  }
}

// xn_<isa>_conv_max_pool on the ISA's oc conv kernel class and vector pools.
#define XN_X86_CONV_POOL_KERNEL(isa)                                                               \
  inline void xn_##isa##_conv_max_pool(const xn_conv_pool_params *p, const float *x,               \
                                       const float *w, const float *bias, float *y, int part = 0,  \
                                       int parts = 1) {                                            \
    xn_x86_conv_max_pool<xn_##isa##_oc, xn_##isa##_pools>(p, x, w, bias, y, part, parts);          \
  }

#endif // XNORC_RUNTIME_X86_CONV_POOL_H
