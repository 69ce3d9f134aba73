// The fused stem layer (conv + max-pool, x86/conv_pool.h's contract) with the conv computed
// as Winograd F(3x3, 4x4) on its four polyphase stride-1 convs (common/winograd_stem.h has
// the math), written once on an ISA policy W (x86/avx512_winograd_stem.h,
// x86/avx2_winograd_stem.h). The ResNet / Bi-Real stem (3 -> 64, 7x7/2 on 224x224) is 12
// phase channels of 4x4 kernels: 432 products per 3x3 tile and output channel where the
// direct conv takes 1323, which on the FMA ports of one core is what the stem costs (the oc
// conv walk runs it at 86-94 % of the FMA ceiling: docs/Benchmarks.md).
//
// Per conv row of tiles (3 conv rows) and chunk of 16 tiles:
//  - the polyphase rows it reads are split once into a ring of 6 (row i of phase (p, q) of
//    channel c, its columns split by residue mod 3, so the tiles' patch column b is one
//    unaligned load: P[3t + b] = sub-row b % 3 at t + b / 3);
//  - input transform BT d B, tiles across lanes, into U[point][phase channel][16 tiles];
//  - per row a of the 6x6 points and block of W::TB tiles: the 6 points' products, an
//    output-channels-across-lanes GEMM over the phase channels (W::TB tiles x W::OCV vectors
//    of channels in registers, each U value a broadcast), then those products' half of the
//    output transform (M A) into NB; the weights of one point row (18 KiB for 12 phase
//    channels) stay in L1 while every block of the chunk uses them;
//  - AT NB + bias, the activation, into a ring of conv rows, pixel-major as x86/conv_pool.h's
//    (its pool row then reduces each pooled row from the ring as the direct kernel's does);
//    where the pool is 3 wide with stride 2 from pixel -1 (the ResNet stem's), each pooled
//    column's max over its conv columns instead, the pending column carried from tile to tile
//    (half the ring's stores: 0.91-0.95x the stem's time).
//
// Not bit-identical with the direct conv: the transforms round differently (measured against
// a double-precision conv in test/runtime/x86/X86FloatKernelsTest.cpp, within 2e-6 of
// sum |w x| per output; docs/XnorMath.md). Inputs the transforms must not see (not finite, or
// past XN_WINO_MAX_ABS) take the direct kernel. --threads splits the pooled rows; a tile row
// two parts' windows share is computed by both.
#ifndef XNORC_RUNTIME_X86_WINOGRAD_STEM_H
#define XNORC_RUNTIME_X86_WINOGRAD_STEM_H

#include "../common/winograd_stem.h"
#include "conv_pool.h"

#include <string.h>

struct xn_wino_stem_ctx {
  xn_wino_stem_geom g;
  const float *x, *wv, *bias;
  int act_kind;
  // The buffers of xn_wino_stem_layout (prod as [6 points][TB tiles][OCV vectors][L]).
  float *q, *u, *prod, *nb, *ring, *carry, *row;
};

// s = sum over k of c[k] v[k] for a constant row c of a transform: zero terms vanish and +-1
// terms are additions once the loops are unrolled (the rows are constexpr). (s is an out
// parameter: a vector return value of a function without the ISA's target changes the ABI.)
template <class W, int N>
inline void xn_wino_lin(typename W::vec &s, const typename W::vec *v, const float *c) {
  W::zero(s);
  bool first = true;
#pragma GCC unroll 8
  for (int k = 0; k < N; ++k) {
    if (c[k] == 0)
      continue;
    if (first)
      W::mul(s, v[k], c[k]); // (a multiplication by 1 or -1 is exact)
    else if (c[k] == 1)
      W::add(s, v[k]);
    else if (c[k] == -1)
      W::sub(s, v[k]);
    else
      W::fmadd(s, v[k], c[k]);
    first = false;
  }
}

// Polyphase row i of image n into its ring slot: for every channel c and row phase p, input
// row 2i + p - pt, split by column into the 6 sub-rows (q, s) with P[c,p,q][3j + s] =
// x[..][2(3j + s) + q - pl], i.e. input column 6j + 2s + q - pl.
template <class W> inline void xn_wino_split_row(xn_wino_stem_ctx *c, int64_t n, int64_t i) {
  const xn_wino_stem_geom &g = c->g;
  float *slot = c->q + (i % 6) * g.ic * 3 * g.qw;
  for (int64_t ch = 0; ch < g.c_in; ++ch)
    for (int p = 0; p < 2; ++p) {
      const int64_t yy = 2 * i + p - g.pt;
      float *dst[6];
      for (int q = 0; q < 2; ++q)
        for (int s = 0; s < 3; ++s)
          dst[2 * s + q] = slot + (((ch * 2 + p) * 2 + q) * 3 + s) * g.qw;
      if (yy < 0 || yy >= g.ih) {
        for (int k = 0; k < 6; ++k)
          memset(dst[k], 0, (size_t)g.qw * sizeof(float));
        continue;
      }
      // The row with its zero padding: column xx at row[xx + pl]; the deinterleave reads
      // 6 L columns per L outputs of a sub-row, up to 96 (chunks + 1).
      float *row = c->row;
      const float *src = c->x + ((n * g.c_in + ch) * g.ih + yy) * g.iw;
      memset(row, 0, (size_t)(g.pl) * sizeof(float));
      memcpy(row + g.pl, src, (size_t)g.iw * sizeof(float));
      memset(row + g.pl + g.iw, 0, (size_t)(96 * (g.chunks + 1) - g.pl - g.iw) * sizeof(float));
      for (int64_t j0 = 0; j0 < g.qw; j0 += W::L) {
        typename W::vec out[6]; // out[k], lane l: row[6 (j0 + l) + k], sub-row (q, s): k = 2s + q
        W::deinterleave6(row + 6 * j0, out);
#pragma GCC unroll 6
        for (int k = 0; k < 6; ++k)
          W::store_n(dst[k] + j0, out[k], g.qw - j0);
      }
    }
}

// BT d B for the chunk of 16 tiles from t0 of tile row ty (polyphase rows 3 ty .. 3 ty + 5).
template <class W> inline void xn_wino_input(xn_wino_stem_ctx *c, int64_t ty, int64_t t0) {
  typedef xn_wino_stem_mats M;
  typedef typename W::vec V;
  const xn_wino_stem_geom &g = c->g;
  for (int64_t ic = 0; ic < g.ic; ++ic)
    for (int tv = 0; tv < XN_WINO_CHUNK; tv += W::L) {
      alignas(64) float t1[6][6][W::L];
#pragma GCC unroll 6
      for (int b = 0; b < 6; ++b) {
        V col[6];
#pragma GCC unroll 6
        for (int a = 0; a < 6; ++a)
          W::load(col[a],
                  c->q + ((((3 * ty + a) % 6) * g.ic + ic) * 3 + b % 3) * g.qw + t0 + tv + b / 3);
#pragma GCC unroll 6
        for (int i = 0; i < 6; ++i) {
          V s;
          xn_wino_lin<W, 6>(s, col, M::bt[i]);
          W::store_aligned(t1[i][b], s);
        }
      }
#pragma GCC unroll 6
      for (int i = 0; i < 6; ++i) {
        V r[6];
#pragma GCC unroll 6
        for (int b = 0; b < 6; ++b)
          W::load(r[b], t1[i][b]);
#pragma GCC unroll 6
        for (int j = 0; j < 6; ++j) {
          V s;
          xn_wino_lin<W, 6>(s, r, M::bt[j]);
          W::store_aligned(c->u + ((i * 6 + j) * g.ic + ic) * 16 + tv, s);
        }
      }
    }
}

// Point row a of tiles [b0, b0 + TB) of the chunk, channels og * 64 + h * OCV * L on: the 6
// points' products over the phase channels, then their M A into nb.
template <class W, int TB>
inline void xn_wino_point_row(xn_wino_stem_ctx *c, int64_t og, int h, int a, int b0) {
  typedef xn_wino_stem_mats M;
  typedef typename W::vec V;
  constexpr int OCV = W::OCV, L = W::L;
  const int64_t ic_n = c->g.ic;
  for (int b = 0; b < 6; ++b) {
    V acc[TB][OCV];
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t)
#pragma GCC unroll 8
      for (int v = 0; v < OCV; ++v)
        W::zero(acc[t][v]);
    const float *wp = c->wv + ((og * XN_WINO_NN + a * 6 + b) * ic_n) * XN_WINO_OC + h * OCV * L;
    const float *up = c->u + (a * 6 + b) * ic_n * 16 + b0;
#pragma GCC unroll 4
    for (int64_t ic = 0; ic < ic_n; ++ic) {
      V w[OCV];
#pragma GCC unroll 8
      for (int v = 0; v < OCV; ++v)
        W::load(w[v], wp + ic * XN_WINO_OC + L * v);
#pragma GCC unroll 8
      for (int t = 0; t < TB; ++t) {
        V x;
        W::set1(x, up[ic * 16 + t]);
#pragma GCC unroll 8
        for (int v = 0; v < OCV; ++v)
          W::fma(acc[t][v], x, w[v]);
      }
    }
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t)
#pragma GCC unroll 8
      for (int v = 0; v < OCV; ++v)
        W::store_aligned(c->prod + ((b * TB + t) * OCV + v) * L, acc[t][v]);
  }
#pragma GCC unroll 8
  for (int t = 0; t < TB; ++t)
#pragma GCC unroll 8
    for (int v = 0; v < OCV; ++v) {
      V m[6];
#pragma GCC unroll 6
      for (int b = 0; b < 6; ++b)
        W::load(m[b], c->prod + ((b * TB + t) * OCV + v) * L);
        // Column j of M A is row j of AT applied along b.
#pragma GCC unroll 3
      for (int j = 0; j < 3; ++j) {
        V s;
        xn_wino_lin<W, 6>(s, m, M::at[j]);
        W::store_aligned(
            c->nb + (a * 3 + j) * XN_WINO_NB_SLAB + (b0 + t) * XN_WINO_OC + (h * OCV + v) * L, s);
      }
    }
}

// Point row a of the chunk's nt tiles: blocks of W::TB, the rest in one block of TAIL_A or
// TAIL_B tiles (its tiles past nt are computed from lanes of U that hold no tile and are never
// read: every block stays within the 16 tiles), for each W::OCV vectors of the 64 channels.
template <class W>
inline void xn_wino_point_rows(xn_wino_stem_ctx *c, int64_t og, int a, int64_t nt) {
  for (int h = 0; h < XN_WINO_OC / (W::OCV * W::L); ++h) {
    int b0 = 0;
    for (; nt - b0 >= W::TB; b0 += W::TB)
      xn_wino_point_row<W, W::TB>(c, og, h, a, b0);
    if (nt - b0 > W::TAIL_A)
      xn_wino_point_row<W, W::TAIL_B>(c, og, h, a, b0);
    else if (nt > b0)
      xn_wino_point_row<W, W::TAIL_A>(c, og, h, a, b0);
  }
}

// Tile row ty, chunk t0, channel group og: AT NB + bias, activation, into the ring: each
// conv value at its pixel, or (w_pairs) each pooled column's max over conv columns 2 px - 1,
// 2 px and 2 px + 1 once its last one is there, the columns of a conv row arriving in order
// (the pending column's max carried from tile to tile and chunk to chunk).
template <class W>
inline void xn_wino_output(xn_wino_stem_ctx *c, int64_t ty, int64_t t0, int64_t og, int64_t nt) {
  typedef xn_wino_stem_mats M;
  typedef typename W::vec V;
  const xn_wino_stem_geom &g = c->g;
  V zero;
  W::zero(zero);
  for (int64_t t = 0; t < nt; ++t)
#pragma GCC unroll 8
    for (int v = 0; v < XN_WINO_OC / W::L; ++v) {
      const int64_t ch = og * XN_WINO_OC + W::L * v;
      V bv = zero;
      if (c->bias)
        W::load(bv, c->bias + ch);
      V y[3][3];
#pragma GCC unroll 3
      for (int j = 0; j < 3; ++j) {
        V nv[6];
#pragma GCC unroll 6
        for (int a = 0; a < 6; ++a)
          W::load(nv[a], c->nb + (a * 3 + j) * XN_WINO_NB_SLAB + t * XN_WINO_OC + W::L * v);
#pragma GCC unroll 3
        for (int i = 0; i < 3; ++i) {
          xn_wino_lin<W, 6>(y[i][j], nv, M::at[i]);
          W::add(y[i][j], bv);
          if (c->act_kind == XN_ACT_RELU)
            W::larger(y[i][j], zero);
        }
      }
      const int64_t ox0 = 3 * (t0 + t);
#pragma GCC unroll 3
      for (int i = 0; i < 3; ++i) {
        const int64_t oy = 3 * ty + i;
        if (oy >= g.oh)
          continue;
        float *row = c->ring + (oy % g.ring_rows) * g.ring_w * g.c_out + ch;
        if (!g.w_pairs) {
#pragma GCC unroll 3
          for (int j = 0; j < 3; ++j)
            if (ox0 + j < g.ow)
              W::storeu(row + (ox0 + j) * g.c_out, y[i][j]);
          continue;
        }
        float *carry = c->carry + (og * 3 + i) * XN_WINO_OC + W::L * v;
        V m = zero;
        if (ox0 > 0)
          W::load(m, carry);
#pragma GCC unroll 3
        for (int j = 0; j < 3; ++j) {
          const int64_t col = ox0 + j;
          if (col >= g.ow)
            break;
          if (col % 2 == 0) { // the middle of pooled column col / 2
            if (col == 0)
              m = y[i][j];
            else
              W::larger(m, y[i][j]);
            if (col == g.ow - 1 && col / 2 < g.ring_w)
              W::storeu(row + col / 2 * g.c_out, m);
          } else { // the last of pooled column col / 2, the first of the next
            if (col / 2 < g.ring_w) {
              W::larger(m, y[i][j]);
              W::storeu(row + col / 2 * g.c_out, m);
            }
            m = y[i][j];
            if (col == g.ow - 1 && col / 2 + 1 < g.ring_w)
              W::storeu(row + (col / 2 + 1) * g.c_out, m);
          }
        }
        W::store_aligned(carry, m);
      }
    }
}

// Conv rows 3 ty .. 3 ty + 2 into the ring (the polyphase rows already split).
template <class W> inline void xn_wino_tile_row(xn_wino_stem_ctx *c, int64_t ty) {
  const xn_wino_stem_geom &g = c->g;
  for (int64_t t0 = 0; t0 < g.tiles; t0 += XN_WINO_CHUNK) {
    const int64_t nt = g.tiles - t0 < XN_WINO_CHUNK ? g.tiles - t0 : XN_WINO_CHUNK;
    xn_wino_input<W>(c, ty, t0);
    for (int64_t og = 0; og < g.c_out / XN_WINO_OC; ++og) {
      for (int a = 0; a < 6; ++a)
        xn_wino_point_rows<W>(c, og, a, nt);
      xn_wino_output<W>(c, ty, t0, og, nt);
    }
  }
}

// Whether every input value is finite and below XN_WINO_MAX_ABS in magnitude. The transforms
// combine a 6x6 patch with coefficients that cancel only in exact arithmetic: an infinity or
// NaN would reach the tile's outputs outside its receptive field (inf - inf), and values near
// FLT_MAX could overflow where the direct sum does not. Such inputs take the direct kernel.
template <class W> inline bool xn_wino_input_tame(const float *x, int64_t count) {
  bool tame = true;
  int64_t i = 0;
  for (; i + W::L <= count; i += W::L)
    tame &= W::below(x + i, XN_WINO_MAX_ABS);
  for (; i < count; ++i)
    tame &= fabsf(x[i]) < XN_WINO_MAX_ABS;
  return tame;
}

// K: the ISA's entry points (XN_X86_WINO_STEM_KERNEL); w: the transformed weights
// (xn_wino_stem_weights_size floats), then the oc conv's packing (x86/oc_conv.h) for inputs the
// transforms must not see.
template <class K>
inline void xn_x86_conv_max_pool_winograd(const xn_conv_pool_params *p, const float *x,
                                          const float *w, const float *bias, float *y, int part,
                                          int parts) {
  xn_wino_stem_ctx c;
  if (!xn_wino_stem_geometry(p, &c.g))
    __builtin_trap(); // unreachable: the compiler picks this kernel only where it holds
  if (!K::tame(x, p->n * p->c_in * p->in_dims[0] * p->in_dims[1])) {
    K::direct(p, x, w + xn_wino_stem_weights_size(p->c_out, p->c_in), bias, y, part, parts);
    return;
  }
  const xn_wino_stem_geom &g = c.g;
  alignas(64) float buf[XN_WINO_STACK_BYTES / sizeof(float)];
  const xn_wino_stem_buffers b = xn_wino_stem_layout(g);
  c.q = buf + (int64_t)b.q;
  c.u = buf + (int64_t)b.u;
  c.prod = buf + (int64_t)b.prod;
  c.nb = buf + (int64_t)b.nb;
  c.ring = buf + (int64_t)b.ring;
  c.carry = buf + (int64_t)b.carry;
  c.row = buf + (int64_t)b.row;
  c.x = x;
  c.wv = w;
  c.bias = bias;
  c.act_kind = p->act_kind;
  const xn_pool_params pp = xn_conv_pool_pool(p);
  xn_x86_pool2d pg = {};
  xn_x86_pool2d_geometry(&pp, &pg);
  pg.planes = p->c_out;
  const xn_x86_conv_pool_ring r = {c.ring, g.ring_rows, g.c_out};
  const xn_x86_pool2d rg = xn_x86_conv_pool_rows_window(pg, g.w_pairs != 0);
  int64_t px_lo, px_hi; // the pooled pixels whose windows lie inside the ring's row
  xn_x86_interior(rg.ow, rg.sw, rg.pw, 1, rg.kw, rg.iw, &px_lo, &px_hi);
  int64_t r_lo, r_hi;
  xn_part_range(p->n * pg.oh, part, parts, &r_lo, &r_hi);
  int64_t image = -1, next_tr = 0, next_q = 0; // tile rows and polyphase rows done
  for (int64_t pr = r_lo; pr < r_hi; ++pr) {
    const int64_t n = pr / pg.oh, oy = pr % pg.oh, y0 = oy * pg.sh - pg.ph;
    int64_t ky_lo, ky_hi;
    xn_tap_range(y0, 1, pg.kh, 0, pg.ih, &ky_lo, &ky_hi);
    const int64_t first_tr = (y0 + ky_lo) / 3, last_tr = (y0 + ky_hi - 1) / 3;
    if (n != image || first_tr > next_tr) { // a new image or part: nothing reusable
      image = n;
      next_tr = first_tr;
      next_q = 3 * first_tr;
    }
    for (int64_t tr = next_tr > first_tr ? next_tr : first_tr; tr <= last_tr; ++tr) {
      for (; next_q < 3 * tr + 6; ++next_q)
        K::split_row(&c, n, next_q);
      K::tile_row(&c, tr);
      next_tr = tr + 1;
    }
    K::pool_row(&rg, r, px_lo, px_hi, oy, y + n * pg.planes * pg.oh * pg.ow);
  }
}

// xn_<isa>_conv_max_pool_winograd on policy W, its stages compiled for the ISA (target
// attribute ATTR; a macro: the attribute cannot be a template parameter).
#define XN_X86_WINO_STEM_KERNEL(isa, W, ATTR)                                                      \
  struct xn_##isa##_wino_stem {                                                                    \
    ATTR __attribute__((flatten)) static void split_row(xn_wino_stem_ctx *c, int64_t n,            \
                                                        int64_t i) {                               \
      xn_wino_split_row<W>(c, n, i);                                                               \
    }                                                                                              \
    ATTR __attribute__((flatten)) static void tile_row(xn_wino_stem_ctx *c, int64_t ty) {          \
      xn_wino_tile_row<W>(c, ty);                                                                  \
    }                                                                                              \
    ATTR __attribute__((flatten)) static bool tame(const float *x, int64_t count) {                \
      return xn_wino_input_tame<W>(x, count);                                                      \
    }                                                                                              \
    static void direct(const xn_conv_pool_params *p, const float *x, const float *w,               \
                       const float *bias, float *y, int part, int parts) {                         \
      xn_##isa##_conv_max_pool(p, x, w, bias, y, part, parts);                                     \
    }                                                                                              \
    static void pool_row(const xn_x86_pool2d *g, const xn_x86_conv_pool_ring &r, int64_t lo,       \
                         int64_t hi, int64_t oy, float *y) {                                       \
      xn_##isa##_conv_pool_rows::run(g, r, lo, hi, oy, y);                                         \
    }                                                                                              \
  };                                                                                               \
  inline void xn_##isa##_conv_max_pool_winograd(const xn_conv_pool_params *p, const float *x,      \
                                                const float *w, const float *bias, float *y,       \
                                                int part = 0, int parts = 1) {                     \
    xn_x86_conv_max_pool_winograd<xn_##isa##_wino_stem>(p, x, w, bias, y, part, parts);            \
  }

#endif // XNORC_RUNTIME_X86_WINOGRAD_STEM_H
