// xn_avx512_conv_max_pool_winograd: the fused stem layer (conv + max-pool, x86/conv_pool.h's
// contract) with the conv computed as Winograd F(3x3, 4x4) on its four polyphase stride-1
// convs (common/winograd_stem.h has the math). The ResNet / Bi-Real stem (3 -> 64, 7x7/2 on
// 224x224) is 12 phase channels of 4x4 kernels: 432 products per 3x3 tile and output channel
// where the direct conv takes 1323, which on the FMA ports of one core is what the stem costs
// (the oc conv walk runs it at 86-94 % of the FMA ceiling: docs/Benchmarks.md).
//
// Per conv row of tiles (3 conv rows) and chunk of 16 tiles:
//  - the polyphase rows it reads are split once into a ring of 6 (row i of phase (p, q) of
//    channel c, its columns split by residue mod 3, so the 16 tiles' column b is one unaligned
//    load: P[3t + b] = sub-row b % 3 at t + b / 3);
//  - input transform BT d B, tiles across lanes, into U[point][phase channel][16 tiles];
//  - per row a of the 6x6 points and block of 6 (or 4) tiles: the 6 points' products, an
//    output-channels-across-lanes GEMM over the phase channels (6 tiles x 4 vectors of 16
//    channels in 24 accumulators, each U value a broadcast), then those products' half of the
//    output transform (M A) into NB; the weights of one point row (18 KiB for 12 phase
//    channels) stay in L1 while every block of the chunk uses them;
//  - AT NB + bias, the activation, into a ring of conv rows, pixel-major as x86/conv_pool.h's
//    (its pool row then reduces each pooled row from the ring as the direct kernel's does).
//
// Not bit-identical with the direct conv: the transforms round differently (measured against
// a double-precision conv in test/runtime/x86/X86FloatKernelsTest.cpp, within a bound of a
// few 1e-6 of sum |w x| per output). --threads splits the pooled rows; a tile row two parts'
// windows share is computed by both.
#ifndef XNORC_RUNTIME_X86_AVX512_WINOGRAD_STEM_H
#define XNORC_RUNTIME_X86_AVX512_WINOGRAD_STEM_H

#include "../common/winograd_stem.h"
#include "avx512_conv_pool.h"

#include <immintrin.h>
#include <string.h>

#define XN_WINO_ATTR __attribute__((target("avx512f,fma"), always_inline)) inline

// max(a, b) (maskz: gcc 12 warns of _mm512_max_ps's undefined source otherwise).
XN_WINO_ATTR __m512 xn_wino_max(__m512 a, __m512 b) {
  return _mm512_maskz_max_ps((__mmask16)0xffff, a, b);
}

// sum over k of c[k] v[k] for a constant row c of a transform: zero terms vanish and +-1 terms
// are additions once the loops are unrolled (the rows are constexpr).
template <int N> XN_WINO_ATTR __m512 xn_wino_lin(const __m512 *v, const float *c) {
  __m512 s = _mm512_setzero_ps();
  bool first = true;
#pragma GCC unroll 8
  for (int k = 0; k < N; ++k) {
    if (c[k] == 0)
      continue;
    const __m512 t = c[k] == 1    ? v[k]
                     : c[k] == -1 ? _mm512_sub_ps(_mm512_setzero_ps(), v[k])
                                  : _mm512_mul_ps(v[k], _mm512_set1_ps(c[k]));
    if (first)
      s = t;
    else if (c[k] == 1)
      s = _mm512_add_ps(s, v[k]);
    else if (c[k] == -1)
      s = _mm512_sub_ps(s, v[k]);
    else
      s = _mm512_fmadd_ps(v[k], _mm512_set1_ps(c[k]), s);
    first = false;
  }
  return s;
}

// The 6-way deinterleave's permutes: output k, lane l is element 6 l + k of 96, which the
// pair pr of input vectors holds (elements [32 pr, 32 pr + 32)) where mask[k][pr] has lane l.
struct xn_wino_split_perm {
  alignas(64) int32_t idx[6][3][16];
  uint16_t mask[6][3];
};
constexpr xn_wino_split_perm xn_wino_split_perm_make() {
  xn_wino_split_perm t = {};
  for (int k = 0; k < 6; ++k)
    for (int pr = 0; pr < 3; ++pr)
      for (int l = 0; l < 16; ++l) {
        const int e = 6 * l + k - 32 * pr;
        if (e >= 0 && e < 32) {
          t.idx[k][pr][l] = e;
          t.mask[k][pr] = (uint16_t)(t.mask[k][pr] | (1u << l));
        }
      }
  return t;
}
inline constexpr xn_wino_split_perm xn_wino_split_table = xn_wino_split_perm_make();

struct xn_wino_stem_ctx {
  xn_wino_stem_geom g;
  const float *x, *wv, *bias;
  int act_kind;
  float *q;     // [6 slots][ic][3 residues][qw]
  float *u;     // [36][ic][16]
  float *prod;  // [6 points][6 tiles][4 vectors][16]
  float *nb;    // [6 a][3 j][16 tiles][4 vectors][16]
  float *ring;  // [ring_rows][ring_w][c_out]
  float *carry; // [c_out / 64][3 rows][4 vectors][16]: with w_pairs, the pending column
  float *row;   // an input row with its padding
};

// Polyphase row i of image n into its ring slot: for every channel c and row phase p, input
// row 2i + p - pt, split by column into the 6 sub-rows (q, s) with P[c,p,q][3j + s] =
// x[..][2(3j + s) + q - pl], i.e. input column 6j + 2s + q - pl.
__attribute__((target("avx512f,fma"))) inline void xn_wino_split_row(xn_wino_stem_ctx *c, int64_t n,
                                                                     int64_t i) {
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
      // The row with its zero padding: column xx at row[xx + pl]; the deinterleave reads 96
      // columns per 16 outputs of a sub-row, up to 96 (chunks + 1).
      float *row = c->row;
      const float *src = c->x + ((n * g.c_in + ch) * g.ih + yy) * g.iw;
      memset(row, 0, (size_t)(g.pl) * sizeof(float));
      memcpy(row + g.pl, src, (size_t)g.iw * sizeof(float));
      memset(row + g.pl + g.iw, 0, (size_t)(96 * (g.chunks + 1) - g.pl - g.iw) * sizeof(float));
      // 6-way deinterleave, 16 outputs of each sub-row (96 columns) per step: output k,
      // lane l is row[96 s + 6 l + k]; pair j of the 6 input vectors holds elements
      // [32 j, 32 j + 32).
      for (int64_t j0 = 0; j0 < g.qw; j0 += 16) {
        __m512 v[6];
        for (int k = 0; k < 6; ++k)
          v[k] = _mm512_loadu_ps(row + 6 * j0 + 16 * k);
#pragma GCC unroll 6
        for (int k = 0; k < 6; ++k) {
          __m512 out = _mm512_setzero_ps();
#pragma GCC unroll 3
          for (int pr = 0; pr < 3; ++pr)
            out = _mm512_mask_mov_ps(
                out, xn_wino_split_table.mask[k][pr],
                _mm512_permutex2var_ps(v[2 * pr], _mm512_load_si512(xn_wino_split_table.idx[k][pr]),
                                       v[2 * pr + 1]));
          // Sub-row (q, s) of column offset 2s + q = k.
          const int64_t left = g.qw - j0;
          if (left >= 16)
            _mm512_storeu_ps(dst[k] + j0, out);
          else
            _mm512_mask_storeu_ps(dst[k] + j0, (__mmask16)((1u << left) - 1), out);
        }
      }
    }
}

// BT d B for the chunk of 16 tiles from t0 of tile row ty (polyphase rows 3 ty .. 3 ty + 5).
__attribute__((target("avx512f,fma"))) inline void xn_wino_input(xn_wino_stem_ctx *c, int64_t ty,
                                                                 int64_t t0) {
  typedef xn_wino_stem_mats W;
  const xn_wino_stem_geom &g = c->g;
  for (int64_t ic = 0; ic < g.ic; ++ic) {
    alignas(64) float t1[6][6][16];
#pragma GCC unroll 6
    for (int b = 0; b < 6; ++b) {
      __m512 col[6];
#pragma GCC unroll 6
      for (int a = 0; a < 6; ++a)
        col[a] = _mm512_loadu_ps(c->q + ((((3 * ty + a) % 6) * g.ic + ic) * 3 + b % 3) * g.qw + t0 +
                                 b / 3);
#pragma GCC unroll 6
      for (int i = 0; i < 6; ++i)
        _mm512_store_ps(t1[i][b], xn_wino_lin<6>(col, W::bt[i]));
    }
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) {
      __m512 r[6];
#pragma GCC unroll 6
      for (int b = 0; b < 6; ++b)
        r[b] = _mm512_load_ps(t1[i][b]);
#pragma GCC unroll 6
      for (int j = 0; j < 6; ++j)
        _mm512_store_ps(c->u + ((i * 6 + j) * g.ic + ic) * 16, xn_wino_lin<6>(r, W::bt[j]));
    }
  }
}

// Point row a of tiles [b0, b0 + TB) of the chunk (output channel group og): the 6 points'
// products over the phase channels, then their M A into nb.
template <int TB>
__attribute__((target("avx512f,fma"))) inline void xn_wino_point_row(xn_wino_stem_ctx *c,
                                                                     int64_t og, int a, int b0) {
  typedef xn_wino_stem_mats W;
  const xn_wino_stem_geom &g = c->g;
  const int64_t ic_n = g.ic;
  for (int b = 0; b < 6; ++b) {
    __m512 acc[TB][4];
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t)
#pragma GCC unroll 4
      for (int v = 0; v < 4; ++v)
        acc[t][v] = _mm512_setzero_ps();
    const float *wp = c->wv + ((og * XN_WINO_NN + a * 6 + b) * ic_n) * XN_WINO_OC;
    const float *up = c->u + (a * 6 + b) * ic_n * 16 + b0;
#pragma GCC unroll 4
    for (int64_t ic = 0; ic < ic_n; ++ic) {
      __m512 w[4];
#pragma GCC unroll 4
      for (int v = 0; v < 4; ++v)
        w[v] = _mm512_loadu_ps(wp + ic * XN_WINO_OC + 16 * v);
#pragma GCC unroll 8
      for (int t = 0; t < TB; ++t) {
        const __m512 x = _mm512_set1_ps(up[ic * 16 + t]);
#pragma GCC unroll 4
        for (int v = 0; v < 4; ++v)
          acc[t][v] = _mm512_fmadd_ps(x, w[v], acc[t][v]);
      }
    }
#pragma GCC unroll 8
    for (int t = 0; t < TB; ++t)
#pragma GCC unroll 4
      for (int v = 0; v < 4; ++v)
        _mm512_store_ps(c->prod + ((b * 6 + t) * 4 + v) * 16, acc[t][v]);
  }
#pragma GCC unroll 8
  for (int t = 0; t < TB; ++t)
#pragma GCC unroll 4
    for (int v = 0; v < 4; ++v) {
      __m512 m[6];
#pragma GCC unroll 6
      for (int b = 0; b < 6; ++b)
        m[b] = _mm512_load_ps(c->prod + ((b * 6 + t) * 4 + v) * 16);
        // Column j of M A is row j of AT applied along b.
#pragma GCC unroll 3
      for (int j = 0; j < 3; ++j)
        _mm512_store_ps(c->nb + (((a * 3 + j) * 16 + b0 + t) * 4 + v) * 16,
                        xn_wino_lin<6>(m, W::at[j]));
    }
}

// Tile row ty, chunk t0, channel group og: AT NB + bias, activation, into the ring: each
// conv value at its pixel, or (w_pairs) each pooled column's max over conv columns 2 px - 1,
// 2 px and 2 px + 1 once its last one is there, the columns of a conv row arriving in order
// (the pending column's max carried from tile to tile and chunk to chunk).
__attribute__((target("avx512f,fma"))) inline void
xn_wino_output(xn_wino_stem_ctx *c, int64_t ty, int64_t t0, int64_t og, int64_t nt) {
  typedef xn_wino_stem_mats W;
  const xn_wino_stem_geom &g = c->g;
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t t = 0; t < nt; ++t)
#pragma GCC unroll 4
    for (int v = 0; v < 4; ++v) {
      const int64_t ch = og * XN_WINO_OC + 16 * v;
      const __m512 bv = c->bias ? _mm512_loadu_ps(c->bias + ch) : zero;
      __m512 y[3][3];
#pragma GCC unroll 3
      for (int j = 0; j < 3; ++j) {
        __m512 nv[6];
#pragma GCC unroll 6
        for (int a = 0; a < 6; ++a)
          nv[a] = _mm512_load_ps(c->nb + (((a * 3 + j) * 16 + t) * 4 + v) * 16);
#pragma GCC unroll 3
        for (int i = 0; i < 3; ++i) {
          y[i][j] = _mm512_add_ps(xn_wino_lin<6>(nv, W::at[i]), bv);
          if (c->act_kind == XN_ACT_RELU)
            y[i][j] = xn_wino_max(y[i][j], zero);
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
              _mm512_storeu_ps(row + (ox0 + j) * g.c_out, y[i][j]);
          continue;
        }
        float *carry = c->carry + ((og * 3 + i) * 4 + v) * 16;
        __m512 m = ox0 > 0 ? _mm512_load_ps(carry) : zero;
#pragma GCC unroll 3
        for (int j = 0; j < 3; ++j) {
          const int64_t col = ox0 + j;
          if (col >= g.ow)
            break;
          if (col % 2 == 0) { // the middle of pooled column col / 2
            m = col == 0 ? y[i][j] : xn_wino_max(m, y[i][j]);
            if (col == g.ow - 1 && col / 2 < g.ring_w)
              _mm512_storeu_ps(row + col / 2 * g.c_out, m);
          } else { // the last of pooled column col / 2, the first of the next
            if (col / 2 < g.ring_w)
              _mm512_storeu_ps(row + col / 2 * g.c_out, xn_wino_max(m, y[i][j]));
            m = y[i][j];
            if (col == g.ow - 1 && col / 2 + 1 < g.ring_w)
              _mm512_storeu_ps(row + (col / 2 + 1) * g.c_out, m);
          }
        }
        _mm512_store_ps(carry, m);
      }
    }
}

// Conv rows 3 ty .. 3 ty + 2 of image n into the ring (the polyphase rows already split).
__attribute__((target("avx512f,fma"))) inline void xn_wino_tile_row(xn_wino_stem_ctx *c,
                                                                    int64_t ty) {
  const xn_wino_stem_geom &g = c->g;
  for (int64_t t0 = 0; t0 < g.tiles; t0 += XN_WINO_CHUNK) {
    const int64_t nt = g.tiles - t0 < XN_WINO_CHUNK ? g.tiles - t0 : XN_WINO_CHUNK;
    xn_wino_input(c, ty, t0);
    for (int64_t og = 0; og < g.c_out / XN_WINO_OC; ++og) {
      for (int a = 0; a < 6; ++a)
        for (int b0 = 0; b0 < nt; b0 += 6) {
          if (nt - b0 > 4)
            xn_wino_point_row<6>(c, og, a, b0);
          else
            xn_wino_point_row<4>(c, og, a, b0);
        }
      xn_wino_output(c, ty, t0, og, nt);
    }
  }
}

// Whether every input value is finite and below XN_WINO_MAX_ABS in magnitude. The transforms
// combine a 6x6 patch with coefficients that cancel only in exact arithmetic: an infinity or
// NaN would reach the tile's outputs outside its receptive field (inf - inf), and values near
// FLT_MAX could overflow where the direct sum does not. Such inputs take the direct kernel.
__attribute__((target("avx512f,fma"))) inline bool xn_wino_input_tame(const float *x,
                                                                      int64_t count) {
  const __m512 limit = _mm512_set1_ps(XN_WINO_MAX_ABS);
  const __m512i abs_mask = _mm512_set1_epi32(0x7fffffff);
  __mmask16 bad = 0;
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m512 a = _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_castps_si512(_mm512_loadu_ps(x + i)), abs_mask));
    bad = (__mmask16)(bad | _mm512_cmp_ps_mask(a, limit, _CMP_NLT_UQ));
  }
  for (; i < count; ++i)
    if (!(fabsf(x[i]) < XN_WINO_MAX_ABS))
      return false;
  return bad == 0;
}

// w: the transformed weights (xn_wino_stem_weights_size floats), then the oc conv's packing
// (x86/oc_conv.h) for inputs the transforms must not see (xn_wino_input_tame).
__attribute__((target("avx512f,fma"))) inline void
xn_avx512_conv_max_pool_winograd(const xn_conv_pool_params *p, const float *x, const float *w,
                                 const float *bias, float *y, int part = 0, int parts = 1) {
  xn_wino_stem_ctx c;
  if (!xn_wino_stem_geometry(p, &c.g))
    __builtin_trap(); // unreachable: the compiler picks this kernel only where it holds
  if (!xn_wino_input_tame(x, p->n * p->c_in * p->in_dims[0] * p->in_dims[1])) {
    xn_avx512_conv_max_pool(p, x, w + xn_wino_stem_weights_size(p->c_out, p->c_in), bias, y, part,
                            parts);
    return;
  }
  const float *wv = w;
  const xn_wino_stem_geom &g = c.g;
  alignas(64) float buf[XN_WINO_STACK_BYTES / sizeof(float)];
  float *at = buf;
  auto take = [&at](int64_t floats) {
    float *r = at;
    at += (floats + 15) / 16 * 16;
    return r;
  };
  c.q = take(6 * g.ic * 3 * g.qw);
  c.u = take(XN_WINO_NN * g.ic * XN_WINO_CHUNK);
  c.prod = take(6 * 6 * XN_WINO_OC);
  c.nb = take(6 * 3 * XN_WINO_CHUNK * XN_WINO_OC);
  c.ring = take(g.ring_rows * g.ring_w * g.c_out);
  c.carry = take(g.c_out * 3);
  c.row = take(96 * (g.chunks + 1));
  c.x = x;
  c.wv = wv;
  c.bias = bias;
  c.act_kind = p->act_kind;
  const xn_pool_params pp = xn_conv_pool_pool(p);
  xn_x86_pool2d pg = {};
  xn_x86_pool2d_geometry(&pp, &pg);
  pg.planes = p->c_out;
  const xn_x86_conv_pool_ring r = {c.ring, g.ring_rows, g.c_out};
  xn_x86_pool2d rg = pg; // the pool rows' window over the ring
  if (g.w_pairs) {       // the ring holds pooled columns: the rows reduce along H alone
    rg.iw = g.ring_w;
    rg.kw = 1;
    rg.sw = 1;
    rg.pw = 0;
    rg.pew = 0;
  }
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
        xn_wino_split_row(&c, n, next_q);
      xn_wino_tile_row(&c, tr);
      next_tr = tr + 1;
    }
    xn_avx512_conv_pool_rows::run(&rg, r, px_lo, px_hi, oy, y + n * pg.planes * pg.oh * pg.ow);
  }
}

#endif // XNORC_RUNTIME_X86_AVX512_WINOGRAD_STEM_H
