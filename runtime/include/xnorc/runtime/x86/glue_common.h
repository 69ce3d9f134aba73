// Shared plain-C++ pieces of the x86 float "glue" kernels (x86/avx512_glue.h,
// x86/avx2_glue.h): 2-D views of pool parameters and lane ranges. No intrinsics.
#ifndef XNORC_RUNTIME_X86_GLUE_COMMON_H
#define XNORC_RUNTIME_X86_GLUE_COMMON_H

#include "../common/parts.h"
#include "../common/unroll.h"
#include "../common/x86_pack.h"
#include "../generic/batchnorm.h"
#include "../generic/bitpack.h"
#include "../generic/conv.h"
#include "../generic/elementwise.h"
#include "../generic/pool.h"

// A 1-D or 2-D pool as one H x W plane loop (1-D: H = 1), computing output rows
// [oy_lo, oy_hi) of each plane. The pools store output row oy of plane pl at
// y + pl * y_plane + (oy - y_row0) * ow: the whole map (y_plane = oh * ow, y_row0 = 0, as
// xn_x86_window2d sets them), or one row of every plane (the fused average pool + conv's row
// buffer, x86/pool_conv.h).
struct xn_x86_pool2d {
  int64_t planes, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, peh, pew, oy_lo, oy_hi, y_plane, y_row0;
};

// The 2-D view of a 1-D or 2-D undilated window (a pool's, or a depthwise conv's: P is
// xn_pool_params or xn_conv_params) over `planes` planes; false for any other.
template <class P> inline bool xn_x86_window2d(const P *p, int64_t planes, xn_x86_pool2d *g) {
  if (p->spatial_rank < 1 || p->spatial_rank > 2)
    return false;
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad,
                *pe = wd.pad_end;
  if (dl[1] != 1 || dl[2] != 1)
    return false;
  g->planes = planes;
  g->ih = id[1];
  g->iw = id[2];
  g->oh = od[1];
  g->ow = od[2];
  g->kh = k[1];
  g->kw = k[2];
  g->sh = s[1];
  g->sw = s[2];
  g->ph = pb[1];
  g->pw = pb[2];
  g->peh = pe[1];
  g->pew = pe[2];
  g->oy_lo = 0;
  g->oy_hi = g->oh;
  g->y_plane = g->oh * g->ow;
  g->y_row0 = 0;
  return true;
}

inline bool xn_x86_pool2d_geometry(const xn_pool_params *p, xn_x86_pool2d *g) {
  return xn_x86_window2d(p, p->n * p->c, g);
}

// Whether the vector tiles below take g: their row loads deinterleave a W stride of 1 or 2
// and hold at most XN_X86_GLUE_MAX_KW column masks.
inline bool xn_x86_tiles_take(const xn_x86_pool2d *g) {
  return (g->sw == 1 || g->sw == 2) && g->kw <= XN_X86_GLUE_MAX_KW;
}

// The view the vector pools below take (false: use the generic kernel).
inline bool xn_x86_pool2d_view(const xn_pool_params *p, xn_x86_pool2d *g) {
  return xn_x86_pool2d_geometry(p, g) && xn_x86_tiles_take(g);
}

// ... and the depthwise convs (one filter per channel: group == c_in == c_out).
inline bool xn_x86_dwconv_view(const xn_conv_params *p, xn_x86_pool2d *g) {
  return p->group == p->c_in && p->c_out == p->c_in && xn_x86_window2d(p, p->n * p->c_in, g) &&
         xn_x86_tiles_take(g);
}

// Part `part` of `parts` of g (--threads): input planes the conv that wrote them split by
// rows (xn_part_plane_by_rows) split their output rows, so each thread reads the rows its
// own core wrote (within a few rows of the part boundary), where a split of the planes made
// each read half of its input from the other core's cache (Bi-Real-18's 56x56x64 average
// pool on two threads of an AMD EPYC: 32.5 us with planes, 24.2 with rows). Smaller planes
// split the planes: returns the part's first plane (g->planes is then its count).
inline int64_t xn_x86_pool2d_split(xn_x86_pool2d *g, int part, int parts) {
  if (parts > 1 && xn_part_plane_by_rows(g->ih * g->iw) && g->oh >= parts) {
    xn_part_range(g->oh, part, parts, &g->oy_lo, &g->oy_hi);
    return 0;
  }
  int64_t lo, hi;
  xn_part_range(g->planes, part, parts, &lo, &hi);
  g->planes = hi - lo;
  return lo;
}

// Start of a vector pool's entry point: the 2-D view of part `part` of `parts` (--threads,
// xn_x86_pool2d_split), x and y moved to that part's first plane. False when the vector paths
// do not take the pool: then `generic` has computed it, on part 0 alone (it does not split).
inline bool xn_x86_pool2d_begin(const xn_pool_params *p, int part, int parts,
                                void (*generic)(const xn_pool_params *, const float *, float *),
                                xn_x86_pool2d *g, const float **x, float **y) {
  if (!xn_x86_pool2d_view(p, g)) {
    if (part == 0)
      generic(p, *x, *y);
    return false;
  }
  const int64_t lo = xn_x86_pool2d_split(g, part, parts);
  *x += lo * g->ih * g->iw;
  *y += lo * g->oh * g->ow;
  return true;
}

// Lanes [*lo, *hi) of `lanes` whose column c0 + lane * sw lies in [a, b); the interior case
// skips xn_tap_range's divisions.
inline void xn_x86_lane_span(int64_t c0, int64_t sw, int64_t lanes, int64_t a, int64_t b,
                             int64_t *lo, int64_t *hi) {
  if (c0 >= a && c0 + sw * (lanes - 1) < b) {
    *lo = 0;
    *hi = lanes;
    return;
  }
  xn_tap_range(c0, sw, lanes, a, b, lo, hi);
}

// ---- the vector pools, once for both ISAs (policy V: x86/avx2_policy.h's xn_avx2_glue) ----

// Per-kernel-column lane masks of one block of V::L output pixels: out = the output lanes
// whose tap lies inside the input row, l0 / l1 = the input lanes to load (stride 2: raw
// lanes [2 lo, 2 hi - 1) of 2 L, whose even ones are the taps and whose odd ones lie inside
// the row too). Masked-out lanes are never read. full: every column's taps lie inside the row
// for all L lanes, so the masks are the constant ones of xn_x86g_full_masks (a tile then
// keeps them in registers instead of reloading three per tap: xn_x86g_tap).
template <class V> struct xn_x86g_cols {
  typename V::mask out[XN_X86_GLUE_MAX_KW], l0[XN_X86_GLUE_MAX_KW], l1[XN_X86_GLUE_MAX_KW];
  bool full;
};

// The masks of a full block: all L output lanes; stride 2: raw lanes [0, 2 L - 1).
template <class V> struct xn_x86g_full { typename V::mask out, l0, l1; };

// (Masks are filled through references: an AVX2 mask is a __m256i, which a function without
// the target attribute must not return by value.)
template <class V, int S> inline void xn_x86g_full_masks(xn_x86g_full<V> &f) {
  V::lanes(f.out, 0, V::L, 0);
  if (S == 1) {
    f.l0 = f.out;
    V::lanes(f.l1, 0, 0, 0);
  } else {
    V::lanes(f.l0, 0, 2 * V::L - 1, 0);
    V::lanes(f.l1, 0, 2 * V::L - 1, V::L);
  }
}

// Kernel column kx of a block at src: its input lanes into v, the output lanes the tap
// updates into k. A full block takes the constant masks f, the others their own.
template <class V, int S>
inline void xn_x86g_tap(typename V::vec &v, typename V::mask &k, const float *src,
                        const xn_x86g_cols<V> &cm, int64_t kx, const xn_x86g_full<V> &f) {
  if (cm.full) {
    V::template load<S>(v, src, f.l0, f.l1);
    k = f.out;
    return;
  }
  V::template load<S>(v, src, cm.l0[kx], cm.l1[kx]);
  k = cm.out[kx];
}

template <class V>
inline void xn_x86g_col_masks(int64_t cx, int64_t s, int64_t lanes, int64_t kw, int64_t a,
                              int64_t b, xn_x86g_cols<V> *m) {
  m->full = lanes == V::L;
  for (int64_t kx = 0; kx < kw; ++kx) {
    int64_t lo, hi;
    xn_x86_lane_span(cx + kx, s, lanes, a, b, &lo, &hi);
    m->full = m->full && lo == 0 && hi == V::L;
    V::lanes(m->out[kx], lo, hi, 0);
    if (s == 1) {
      m->l0[kx] = m->out[kx];
      V::lanes(m->l1[kx], 0, 0, 0);
    } else {
      const int64_t r0 = 2 * lo, r1 = hi > lo ? 2 * hi - 1 : r0;
      V::lanes(m->l0[kx], r0, r1, 0);
      V::lanes(m->l1[kx], r0, r1, V::L);
    }
  }
}

// Output lanes of block b of the tile at ox0 that exist, and the block's column masks.
template <class V, int S>
inline void xn_x86g_block(const xn_x86_pool2d *g, int64_t ox0, int64_t cx, int b,
                          typename V::mask *st, xn_x86g_cols<V> *cm) {
  const int64_t left = g->ow - ox0 - V::L * b;
  const int64_t lanes = left < 0 ? 0 : left < V::L ? left : V::L;
  V::lanes(*st, 0, lanes, 0);
  xn_x86g_col_masks<V>(cx + V::L * S * b, S, lanes, g->kw, 0, g->iw, cm);
}

// Output row oy of one plane, pixels of the tile at column cx (block masks cm, store masks
// st) into yrow: B blocks of V::L output pixels at a time, independent max chains, so the
// max latency of one block's tap sequence hides behind the others'. Every tap (kernel row,
// then kernel column, the generic order) updates only its lanes inside the input plane xp.
template <class V, int S, int B>
inline void xn_x86g_max_tile(const xn_x86_pool2d *g, const float *xp, int64_t oy, int64_t cx,
                             const xn_x86g_cols<V> *cm, const typename V::mask *st, float *yrow) {
  const int64_t y0 = oy * g->sh - g->ph;
  int64_t ky_lo, ky_hi;
  xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
  typename V::vec m[B], v;
  xn_x86g_full<V> full;
  xn_x86g_full_masks<V, S>(full);
  XN_UNROLL(8)
  for (int b = 0; b < B; ++b)
    V::set1(m[b], -INFINITY);
  for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
    const float *xr = xp + (y0 + ky) * g->iw + cx;
    for (int64_t kx = 0; kx < g->kw; ++kx) {
      XN_UNROLL(8)
      for (int b = 0; b < B; ++b) {
        typename V::mask k;
        xn_x86g_tap<V, S>(v, k, xr + V::L * S * b + kx, cm[b], kx, full);
        V::max_in(m[b], v, k);
      }
    }
  }
  XN_UNROLL(8)
  for (int b = 0; b < B; ++b)
    V::store(yrow + V::L * b, st[b], m[b]);
}

template <class V, int S, int B>
inline void xn_x86_maxpool_s(const xn_x86_pool2d *g, const float *x, float *y) {
  xn_x86g_cols<V> cm[B];
  for (int64_t pl = 0; pl < g->planes; ++pl) {
    const float *xp = x + pl * g->ih * g->iw;
    float *yp = y + pl * g->y_plane;
    for (int64_t ox0 = 0; ox0 < g->ow; ox0 += V::L * B) {
      const int64_t cx = ox0 * S - g->pw; // block 0 lane 0's input column at kx = 0
      typename V::mask st[B];
      XN_UNROLL(8)
      for (int b = 0; b < B; ++b)
        xn_x86g_block<V, S>(g, ox0, cx, b, &st[b], &cm[b]);
      for (int64_t oy = g->oy_lo; oy < g->oy_hi; ++oy)
        xn_x86g_max_tile<V, S, B>(g, xp, oy, cx, cm, st, yp + (oy - g->y_row0) * g->ow + ox0);
    }
  }
}

// The 2x2 stride-2 average pool whose windows all lie inside the input (Bi-Real's and
// Real-to-Binary's shortcut pools): the general tile's operations in its order (0 + the taps,
// kernel row then column, times the exact inverse 1/4), without its per-row window bounds and
// per-tap masks, four output rows at a time, and with each block's masks set up once for all
// planes. Bi-Real-18's three shortcut pools took 0.38-0.75x the time of the general tile
// (docs/Benchmarks.md, session 26), which spent most of it on that per-row and per-plane work.
inline bool xn_x86_avgpool_2x2_takes(const xn_x86_pool2d *g) {
  return g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0 &&
         2 * g->oh <= g->ih && 2 * g->ow <= g->iw;
}

// Output rows oy .. oy + R - 1 of one plane, pixels ox0 .. (the lanes of st): raw input lanes
// l0 / l1 (the pairs of the block, its last odd lane excluded: it may lie past the row).
template <class V, int R>
inline void xn_x86_avgpool_2x2_rows(const xn_x86_pool2d *g, const float *xp, float *yp, int64_t oy,
                                    int64_t ox0, const typename V::mask &l0,
                                    const typename V::mask &l1, const typename V::mask &st,
                                    const typename V::vec &quarter) {
  typename V::vec sum[R], v;
  XN_UNROLL(4)
  for (int r = 0; r < R; ++r)
    V::set1(sum[r], 0.0f);
  XN_UNROLL(2)
  for (int ky = 0; ky < 2; ++ky)
    XN_UNROLL(2)
  for (int kx = 0; kx < 2; ++kx)
    XN_UNROLL(4)
  for (int r = 0; r < R; ++r) {
    V::template load<2>(v, xp + (2 * (oy + r) + ky) * g->iw + 2 * ox0 + kx, l0, l1);
    V::add_in(sum[r], v, st);
  }
  XN_UNROLL(4)
  for (int r = 0; r < R; ++r) {
    V::scale(v, sum[r], quarter);
    V::store(yp + (oy + r - g->y_row0) * g->ow + ox0, st, v);
  }
}

template <class V>
inline void xn_x86_avgpool_2x2(const xn_x86_pool2d *g, const float *x, float *y) {
  typename V::vec quarter;
  V::set1(quarter, 0.25f);
  for (int64_t ox0 = 0; ox0 < g->ow; ox0 += V::L) {
    const int64_t lanes = g->ow - ox0 < V::L ? g->ow - ox0 : V::L;
    typename V::mask st, l0, l1;
    V::lanes(st, 0, lanes, 0);
    V::lanes(l0, 0, 2 * lanes - 1, 0);
    V::lanes(l1, 0, 2 * lanes - 1, V::L);
    for (int64_t pl = 0; pl < g->planes; ++pl) {
      const float *xp = x + pl * g->ih * g->iw;
      float *yp = y + pl * g->y_plane;
      int64_t oy = g->oy_lo;
      for (; oy + 4 <= g->oy_hi; oy += 4)
        xn_x86_avgpool_2x2_rows<V, 4>(g, xp, yp, oy, ox0, l0, l1, st, quarter);
      for (; oy < g->oy_hi; ++oy)
        xn_x86_avgpool_2x2_rows<V, 1>(g, xp, yp, oy, ox0, l0, l1, st, quarter);
    }
  }
}

template <class V, int S, int B>
inline void xn_x86_avgpool_s(const xn_x86_pool2d *g, int incl, const float *x, float *y) {
  if constexpr (S == 2)
    if (xn_x86_avgpool_2x2_takes(g))
      return xn_x86_avgpool_2x2<V>(g, x, y);
  xn_x86g_cols<V> cm[B], cc;
  xn_x86g_full<V> full;
  xn_x86g_full_masks<V, S>(full);
  for (int64_t pl = 0; pl < g->planes; ++pl) {
    const float *xp = x + pl * g->ih * g->iw;
    float *yp = y + pl * g->y_plane;
    for (int64_t ox0 = 0; ox0 < g->ow; ox0 += V::L * B) {
      const int64_t cx = ox0 * S - g->pw;
      typename V::mask st[B];
      typename V::vec cols[B]; // per-lane column tap count (small integers: exact)
      // Rows with all kh window rows counted divide by kh * cols: by a multiply with its
      // inverse where that is exact (counts that are powers of two: the 2x2 pools of Bi-Real's
      // and Real-to-Binary's shortcuts) instead of a divide per vector (Bi-Real-18 0.5 % faster
      // in a same-run A/B, docs/Benchmarks.md, session 23).
      typename V::vec inv[B];
      bool exact[B];
      XN_UNROLL(8)
      for (int b = 0; b < B; ++b) {
        xn_x86g_block<V, S>(g, ox0, cx, b, &st[b], &cm[b]);
        if (incl) {
          const int64_t left = g->ow - ox0 - V::L * b;
          const int64_t lanes = left < 0 ? 0 : left < V::L ? left : V::L;
          xn_x86g_col_masks<V>(cx + V::L * S * b, S, lanes, g->kw, -g->pw, g->iw + g->pew, &cc);
        }
        V::set1(cols[b], 0.0f);
        for (int64_t kx = 0; kx < g->kw; ++kx)
          V::count_in(cols[b], incl ? cc.out[kx] : cm[b].out[kx]);
        typename V::vec kh;
        V::set1(kh, static_cast<float>(g->kh));
        exact[b] = V::exact_inverse(inv[b], kh, cols[b]);
      }
      for (int64_t oy = g->oy_lo; oy < g->oy_hi; ++oy) {
        const int64_t y0 = oy * g->sh - g->ph;
        int64_t ky_lo, ky_hi, cy_lo, cy_hi;
        xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
        xn_tap_range(y0, 1, g->kh, -g->ph, g->ih + g->peh, &cy_lo, &cy_hi);
        typename V::vec rows, sum[B], v; // sum: the generic order, kernel row, then column
        const int64_t nrows = incl ? cy_hi - cy_lo : ky_hi - ky_lo;
        V::set1(rows, static_cast<float>(nrows));
        XN_UNROLL(8)
        for (int b = 0; b < B; ++b)
          V::set1(sum[b], 0.0f);
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *xr = xp + (y0 + ky) * g->iw + cx;
          for (int64_t kx = 0; kx < g->kw; ++kx) {
            XN_UNROLL(8)
            for (int b = 0; b < B; ++b) {
              typename V::mask k;
              xn_x86g_tap<V, S>(v, k, xr + V::L * S * b + kx, cm[b], kx, full);
              V::add_in(sum[b], v, k);
            }
          }
        }
        XN_UNROLL(8)
        for (int b = 0; b < B; ++b) {
          if (exact[b] && nrows == g->kh)
            V::scale(v, sum[b], inv[b]);
          else
            V::average(v, sum[b], rows, cols[b]);
          V::store(yp + (oy - g->y_row0) * g->ow + ox0 + V::L * b, st[b], v);
        }
      }
    }
  }
}

// R output rows from oy of one plane whose windows' kernel rows all lie inside the input, pixels
// of the tile at column cx: the general row's operations in its order (bias, then kernel row,
// then column), R rows' independent chains at a time.
template <class V, int S, int B, int R>
inline void xn_x86_dwconv_rows(const xn_x86_pool2d *g, const float *xp, const float *wc, float b0,
                               int64_t oy, int64_t cx, const xn_x86g_cols<V> *cm,
                               const xn_x86g_full<V> &full, const typename V::mask *st,
                               float *yrow) {
  typename V::vec sum[R][B], v, wv;
  XN_UNROLL(8)
  for (int r = 0; r < R; ++r)
    XN_UNROLL(8)
  for (int b = 0; b < B; ++b)
    V::set1(sum[r][b], b0);
  for (int64_t ky = 0; ky < g->kh; ++ky) {
    const float *xr = xp + (oy * g->sh - g->ph + ky) * g->iw + cx;
    for (int64_t kx = 0; kx < g->kw; ++kx) {
      V::set1(wv, wc[ky * g->kw + kx]);
      XN_UNROLL(8)
      for (int r = 0; r < R; ++r)
        XN_UNROLL(8)
      for (int b = 0; b < B; ++b) {
        typename V::mask k;
        xn_x86g_tap<V, S>(v, k, xr + r * g->sh * g->iw + V::L * S * b + kx, cm[b], kx, full);
        V::mul_add_in(sum[r][b], v, wv, k);
      }
    }
  }
  XN_UNROLL(8)
  for (int r = 0; r < R; ++r)
    XN_UNROLL(8)
  for (int b = 0; b < B; ++b)
    V::store(yrow + r * g->ow + V::L * b, st[b], sum[r][b]);
}

// A depthwise conv (x86/<isa>_glue.h's contract) on planes [pl0, pl0 + g->planes) of the
// map: the average pool's tiles with weighted taps. Each output is bias, then every tap
// inside the input plane (kernel row, then column) multiplied and added, rounded twice: the
// generic kernel's operations in its order (generic/conv.h's xn_conv_row), so the result is
// bit-identical; then the activation, on the stored rows. (QuickNet's 3x3 stride-2 blur
// pools ran at 1.5 % of the FMA ceiling in the generic kernel, its rows 28 pixels long.)
// Each tile's column masks are set up once for all planes, and rows whose windows lie inside
// the input go R at a time: QuickNet's 3x3/2 blur pools on 64 and 128 channels 0.79-0.92 of the
// time of one row at a time with the masks per plane, on 16 channels 0.96-0.99
// (bench/glue_ab.sh, docs/Benchmarks.md, session 26).
template <class V, int S, int B>
inline void xn_x86_dwconv_s(const xn_x86_pool2d *g, const xn_conv_params *p, int64_t pl0,
                            const float *x, const float *w, const float *bias, float *y) {
  constexpr int R = B >= 4 ? 2 : B == 2 ? 4 : 8; // R * B accumulators: 8
  xn_x86g_cols<V> cm[B];
  xn_x86g_full<V> full;
  xn_x86g_full_masks<V, S>(full);
  const int64_t taps = g->kh * g->kw;
  // Output rows [in_lo, in_hi): every kernel row inside the input.
  int64_t in_lo = g->ph > 0 ? (g->ph + g->sh - 1) / g->sh : 0;
  int64_t in_hi = g->ih >= g->kh - g->ph ? (g->ih - g->kh + g->ph) / g->sh + 1 : 0;
  in_lo = in_lo < g->oy_lo ? g->oy_lo : in_lo;
  in_hi = in_hi > g->oy_hi ? g->oy_hi : in_hi;
  for (int64_t ox0 = 0; ox0 < g->ow; ox0 += V::L * B) {
    const int64_t cx = ox0 * S - g->pw;
    typename V::mask st[B];
    XN_UNROLL(8)
    for (int b = 0; b < B; ++b)
      xn_x86g_block<V, S>(g, ox0, cx, b, &st[b], &cm[b]);
    for (int64_t pl = 0; pl < g->planes; ++pl) {
      const int64_t ch = (pl0 + pl) % p->c_in;
      const float *xp = x + pl * g->ih * g->iw, *wc = w + ch * taps;
      float *yp = y + pl * g->oh * g->ow + ox0;
      const float b0 = bias ? bias[ch] : 0.0f;
      for (int64_t oy = g->oy_lo; oy < g->oy_hi;) {
        if (oy >= in_lo && oy + R <= in_hi) {
          xn_x86_dwconv_rows<V, S, B, R>(g, xp, wc, b0, oy, cx, cm, full, st, yp + oy * g->ow);
          oy += R;
          continue;
        }
        // A border row over its valid kernel rows. (As xn_x86_dwconv_rows<..., 1> with the tap
        // range, the 55x55x64 blur pool took 1.02-1.04x as long: bench/glue_ab.sh, session 26.)
        const int64_t y0 = oy * g->sh - g->ph;
        int64_t ky_lo, ky_hi;
        xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
        typename V::vec sum[B], v, wv;
        XN_UNROLL(8)
        for (int b = 0; b < B; ++b)
          V::set1(sum[b], b0);
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *xr = xp + (y0 + ky) * g->iw + cx;
          for (int64_t kx = 0; kx < g->kw; ++kx) {
            V::set1(wv, wc[ky * g->kw + kx]);
            XN_UNROLL(8)
            for (int b = 0; b < B; ++b) {
              typename V::mask k;
              xn_x86g_tap<V, S>(v, k, xr + V::L * S * b + kx, cm[b], kx, full);
              V::mul_add_in(sum[b], v, wv, k);
            }
          }
        }
        XN_UNROLL(8)
        for (int b = 0; b < B; ++b)
          V::store(yp + oy * g->ow + V::L * b, st[b], sum[b]);
        ++oy;
      }
    }
  }
  for (int64_t pl = 0; pl < g->planes; ++pl)
    xn_act_apply_n(p->act_kind, p->act_alpha, p->act_beta,
                   y + pl * g->oh * g->ow + g->oy_lo * g->ow, (g->oy_hi - g->oy_lo) * g->ow);
}

// ---- elementwise layers: runs of contiguous floats, in whole vectors and a masked tail, with
// the generic kernels' operations (each rounded once, no FMA), so bit-identical. Their splits
// are the generic ones (xn_part_map): only the runs are vectorised. ----

// y[i] = f(x[i]) for a run of n floats: f(v, a) on vectors.
template <class V, class F> inline void xn_x86_map_run(const float *x, float *y, int64_t n, F f) {
  typename V::vec v;
  int64_t i = 0;
  for (; i + V::L <= n; i += V::L) {
    V::loadu(v, x + i);
    f(v, v);
    V::storeu(y + i, v);
  }
  if (i < n) {
    typename V::mask k, none;
    V::lanes(k, 0, n - i, 0);
    V::lanes(none, 0, 0, 0);
    V::template load<1>(v, x + i, k, none);
    f(v, v);
    V::store(y + i, k, v);
  }
}

template <class V, int OP>
inline void xn_x86_binop(typename V::vec &v, const typename V::vec &a, const typename V::vec &b) {
  if (OP == XN_BINARY_ADD)
    V::add(v, a, b);
  else if (OP == XN_BINARY_SUB)
    V::sub(v, a, b);
  else if (OP == XN_BINARY_MUL)
    V::mul(v, a, b);
  else
    V::div(v, a, b);
}

// y[i] = a[i * sa] OP b[i * sb] for a run of n outputs, strides 1 or 0 (the same shape, or
// one side broadcast along the run); false for other ops and strides (the caller then takes
// the generic row). Whole vectors, then one masked tail.
template <class V, int OP>
inline bool xn_x86_binary_row(int64_t n, const float *a, int64_t sa, const float *b, int64_t sb,
                              float *y) {
  if (OP > XN_BINARY_DIV || sa > 1 || sb > 1 || (sa == 0 && sb == 0))
    return false;
  typename V::vec av, bv, v;
  V::set1(av, sa == 0 ? a[0] : 0.0f); // the broadcast side's value (the other is loaded)
  V::set1(bv, sb == 0 ? b[0] : 0.0f);
  int64_t i = 0;
  for (; i + V::L <= n; i += V::L) {
    if (sa)
      V::loadu(av, a + i);
    if (sb)
      V::loadu(bv, b + i);
    xn_x86_binop<V, OP>(v, av, bv);
    V::storeu(y + i, v);
  }
  if (i < n) {
    typename V::mask k, none;
    V::lanes(k, 0, n - i, 0);
    V::lanes(none, 0, 0, 0);
    if (sa)
      V::template load<1>(av, a + i, k, none);
    if (sb)
      V::template load<1>(bv, b + i, k, none);
    xn_x86_binop<V, OP>(v, av, bv);
    V::store(y + i, k, v);
  }
  return true;
}

// BatchNorm (generic/batchnorm.h's contract), part `part` of `parts`.
template <class V>
inline void xn_x86_batchnorm_v(const xn_batchnorm_params *p, const float *x, const float *scale,
                               const float *shift, float *y, int part, int parts) {
  xn_batchnorm_part_runs(p, part, parts, [&](int64_t c, int64_t at, int64_t len) {
    typename V::vec sc, sh;
    V::set1(sc, scale[c]);
    V::set1(sh, shift[c]);
    xn_x86_map_run<V>(x + at, y + at, len, [&](typename V::vec &out, const typename V::vec &v) {
      V::mul(out, v, sc);
      V::add(out, out, sh);
    });
  });
}

// Unary ops (generic/elementwise.h's contract): relu on vectors, the others on the generic
// runs; part `part` of `parts`.
template <class V>
inline void xn_x86_unary_v(const xn_unary_params *p, const float *x, float *y, int part,
                           int parts) {
  xn_unary_part_runs(p, part, parts, [&](int64_t lo, int64_t hi) {
    if (p->op == XN_UNARY_RELU)
      xn_x86_map_run<V>(x + lo, y + lo, hi - lo,
                        [](typename V::vec &out, const typename V::vec &v) { V::relu(out, v); });
    else
      xn_unary_run(p, x + lo, y + lo, hi - lo);
  });
}

// F::run<S, B>(g, a...) with B = 1, 2 or 4 blocks of L pixels per tile and W stride S = 1 or 2.
template <class F, int L, class... A>
inline void xn_x86_pool_dispatch(const xn_x86_pool2d *g, A... a) {
  const int64_t blocks = (g->ow + L - 1) / L;
  if (g->sw == 1)
    blocks >= 3   ? F::template run<1, 4>(g, a...)
    : blocks == 2 ? F::template run<1, 2>(g, a...)
                  : F::template run<1, 1>(g, a...);
  else
    blocks >= 3   ? F::template run<2, 4>(g, a...)
    : blocks == 2 ? F::template run<2, 2>(g, a...)
                  : F::template run<2, 1>(g, a...);
}

// Entry points. K: the ISA's pool classes, K::max and K::avg, whose run<S, B> carry the
// target attribute.
template <class K>
inline void xn_x86_maxpool(const xn_pool_params *p, const float *x, float *y, int part, int parts) {
  xn_x86_pool2d g;
  if (xn_x86_pool2d_begin(p, part, parts, xn_maxpool, &g, &x, &y))
    xn_x86_pool_dispatch<typename K::max, K::L>(&g, x, y);
}

template <class K>
inline void xn_x86_avgpool(const xn_pool_params *p, const float *x, float *y, int part, int parts) {
  xn_x86_pool2d g;
  if (xn_x86_pool2d_begin(p, part, parts, xn_avgpool, &g, &x, &y))
    xn_x86_pool_dispatch<typename K::avg, K::L>(&g, (int)(p->count_include_pad != 0), x, y);
}

template <class K>
inline void xn_x86_dwconv(const xn_conv_params *p, const float *x, const float *w,
                          const float *bias, float *y, int part, int parts) {
  xn_x86_pool2d g;
  if (!xn_x86_dwconv_view(p, &g)) {
    if (part == 0)
      xn_conv(p, x, w, bias, y);
    return;
  }
  const int64_t lo = xn_x86_pool2d_split(&g, part, parts);
  xn_x86_pool_dispatch<typename K::dw, K::L>(&g, p, lo, x + lo * g.ih * g.iw, w, bias,
                                             y + lo * g.oh * g.ow);
}

// The vector pools of ISA `isa` on its glue policy G (xn_<isa>_pools) with target
// attribute ATTR, and the entry points xn_<isa>_maxpool, xn_<isa>_avgpool, xn_<isa>_dwconv
// (generic/conv.h's contract; depthwise convs, others on the generic kernel) and
// xn_<isa>_threshold (generic/pool.h's and generic/bitpack.h's contracts; with --threads,
// part `part` of `parts` of the planes or of their rows (xn_x86_pool2d_split), or of the
// pixels in whole vectors; a threshold of
// small planes splits its channel words as the convs writing them split their channels
// (xn_part_channel_blocks), so each thread reads the floats it wrote). The ISA's
// xn_<isa>_threshold_v(p, x, tau, dir, y, s_lo, s_hi, j_lo, j_hi) thresholds pixels
// [s_lo, s_hi), output words [j_lo, j_hi), of every image; rank-2 inputs (fewer than 4
// pixels) stay on the generic kernel, not split.
// (A macro: the target attribute cannot be a template parameter.)
#define XN_X86_GLUE_KERNELS(isa, G, ATTR)                                                          \
  struct xn_##isa##_pools {                                                                        \
    static constexpr int L = G::L;                                                                 \
    struct max {                                                                                   \
      template <int S, int B>                                                                      \
      ATTR __attribute__((flatten)) static void run(const xn_x86_pool2d *g, const float *x,        \
                                                    float *y) {                                    \
        xn_x86_maxpool_s<G, S, B>(g, x, y);                                                        \
      }                                                                                            \
    };                                                                                             \
    struct avg {                                                                                   \
      template <int S, int B>                                                                      \
      ATTR __attribute__((flatten)) static void run(const xn_x86_pool2d *g, int incl,              \
                                                    const float *x, float *y) {                    \
        xn_x86_avgpool_s<G, S, B>(g, incl, x, y);                                                  \
      }                                                                                            \
    };                                                                                             \
    /* The elementwise layers' rows (generic/elementwise.h's xn_binary_rows contract). */          \
    struct rows {                                                                                  \
      template <int OP>                                                                            \
      ATTR __attribute__((flatten)) static void run(int64_t n, const float *a, int64_t sa,         \
                                                    const float *b, int64_t sb, float *y) {        \
        if (!xn_x86_binary_row<G, OP>(n, a, sa, b, sb, y))                                         \
          xn_binary_row<OP>(n, a, sa, b, sb, y);                                                   \
      }                                                                                            \
    };                                                                                             \
    ATTR __attribute__((flatten)) static void batchnorm(const xn_batchnorm_params *p,              \
                                                        const float *x, const float *scale,        \
                                                        const float *shift, float *y, int part,    \
                                                        int parts) {                               \
      xn_x86_batchnorm_v<G>(p, x, scale, shift, y, part, parts);                                   \
    }                                                                                              \
    ATTR __attribute__((flatten)) static void unary(const xn_unary_params *p, const float *x,      \
                                                    float *y, int part, int parts) {               \
      xn_x86_unary_v<G>(p, x, y, part, parts);                                                     \
    }                                                                                              \
    struct dw {                                                                                    \
      template <int S, int B>                                                                      \
      ATTR __attribute__((flatten)) static void                                                    \
      run(const xn_x86_pool2d *g, const xn_conv_params *p, int64_t pl0, const float *x,            \
          const float *w, const float *bias, float *y) {                                           \
        xn_x86_dwconv_s<G, S, B>(g, p, pl0, x, w, bias, y);                                        \
      }                                                                                            \
    };                                                                                             \
  };                                                                                               \
  inline void xn_##isa##_maxpool(const xn_pool_params *p, const float *x, float *y, int part = 0,  \
                                 int parts = 1) {                                                  \
    xn_x86_maxpool<xn_##isa##_pools>(p, x, y, part, parts);                                        \
  }                                                                                                \
  inline void xn_##isa##_avgpool(const xn_pool_params *p, const float *x, float *y, int part = 0,  \
                                 int parts = 1) {                                                  \
    xn_x86_avgpool<xn_##isa##_pools>(p, x, y, part, parts);                                        \
  }                                                                                                \
  inline void xn_##isa##_batchnorm(const xn_batchnorm_params *p, const float *x,                   \
                                   const float *scale, const float *shift, float *y, int part = 0, \
                                   int parts = 1) {                                                \
    xn_##isa##_pools::batchnorm(p, x, scale, shift, y, part, parts);                               \
  }                                                                                                \
  inline void xn_##isa##_unary(const xn_unary_params *p, const float *x, float *y, int part = 0,   \
                               int parts = 1) {                                                    \
    xn_##isa##_pools::unary(p, x, y, part, parts);                                                 \
  }                                                                                                \
  inline void xn_##isa##_binary(const xn_binary_params *p, const float *a, const float *b,         \
                                float *y, int part = 0, int parts = 1) {                           \
    xn_binary_split<xn_##isa##_pools::rows>(p, a, b, y, part, parts);                              \
  }                                                                                                \
  inline void xn_##isa##_dwconv(const xn_conv_params *p, const float *x, const float *w,           \
                                const float *bias, float *y, int part = 0, int parts = 1) {        \
    xn_x86_dwconv<xn_##isa##_pools>(p, x, w, bias, y, part, parts);                                \
  }                                                                                                \
  inline void xn_##isa##_threshold(const xn_threshold_params *p, const float *x, const float *tau, \
                                   const float *dir, uint64_t *y, int part = 0, int parts = 1) {   \
    if (p->spatial < 4) {                                                                          \
      if (part == 0)                                                                               \
        xn_threshold(p, x, tau, dir, y);                                                           \
      return;                                                                                      \
    }                                                                                              \
    const int64_t cw = xn_bit_words(p->c);                                                         \
    int64_t s_lo = 0, s_hi = p->spatial, j_lo = 0, j_hi = cw;                                      \
    if (!xn_part_channel_blocks(p->spatial, cw, 1, part, parts, &j_lo, &j_hi))                     \
      xn_part_range_aligned(p->spatial, G::L, part, parts, &s_lo, &s_hi);                          \
    xn_##isa##_threshold_v(p, x, tau, dir, y, s_lo, s_hi, j_lo, j_hi);                             \
  }

#endif // XNORC_RUNTIME_X86_GLUE_COMMON_H
