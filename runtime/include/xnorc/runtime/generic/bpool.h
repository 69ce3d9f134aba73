// Max pooling on packed ±1 activations, word-parallel over channels: the generic kernel and
// the one walk of every ISA's (x86/<isa>_bpool.h, neon/bpool.h), which differ only in the
// word vector they AND and OR (a policy, below).
#ifndef XNORC_RUNTIME_GENERIC_BPOOL_H
#define XNORC_RUNTIME_GENERIC_BPOOL_H

#include "../common/parts.h"
#include "bitpack.h"

// x packed [n][in_h][in_w][ceil(c/64)], y packed [n][out_h][out_w][ceil(c/64)]. out_h/out_w
// come from the compiler (ceil mode and end pads included); only begin pads are needed to
// place the windows.
#define XN_BMAXPOOL_PARAMS(F, A)                                                                   \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  XN_WINDOW2D_FIELDS(F, A)
XN_DECLARE_PARAMS(xn_bmaxpool_params, XN_BMAXPOOL_PARAMS)

// A word policy Wd: Wd::vec holds Wd::W channel words; ones(v), zero(v), load(v, p, nw),
// and_or(all, any, v) (all &= v, any |= v), select(r, mn, any, all) (r = (all & ~mn) |
// (any & mn)) and store(p, v, nw), where nw <= W is the number of words at p. With
// Wd::MASKED, nw < W is allowed (masked loads and stores); otherwise the walk hands the last
// cw % W words of a pixel to the scalar policy below.
struct xn_bpool_scalar {
  typedef uint64_t vec;
  static constexpr int W = 1, MASKED = 1;
  static void ones(vec &v) { v = ~(uint64_t)0; }
  static void zero(vec &v) { v = 0; }
  static void load(vec &v, const uint64_t *p, int64_t) { v = *p; }
  static void and_or(vec &all, vec &any, const vec &v) {
    all &= v;
    any |= v;
  }
  static void select(vec &r, const vec &mn, const vec &any, const vec &all) {
    r = (all & ~mn) | (any & mn);
  }
  static void store(uint64_t *p, const vec &v, int64_t) { *p = v; }
};

// Words [j, j + nw) of one output pixel: the window's valid taps (rows [ky_lo, ky_hi) from
// input row iy0, columns [kx_lo, kx_hi) from ix0) of image xn.
template <class Wd>
inline void xn_bmaxpool_words(const xn_bmaxpool_params *p, const uint64_t *xn,
                              const uint64_t *min_mask, int64_t cw, int64_t iy0, int64_t ky_lo,
                              int64_t ky_hi, int64_t ix0, int64_t kx_lo, int64_t kx_hi, int64_t j,
                              int64_t nw, uint64_t *yp) {
  typename Wd::vec all, any, v, mn;
  Wd::ones(all);
  Wd::zero(any);
  for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
    const uint64_t *xr = xn + (iy0 + ky * p->dil_h) * p->in_w * cw + j;
    for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
      Wd::load(v, xr + (ix0 + kx * p->dil_w) * cw, nw);
      Wd::and_or(all, any, v);
    }
  }
  if (min_mask)
    Wd::load(mn, min_mask + j, nw);
  else
    Wd::zero(mn);
  Wd::select(v, mn, any, all);
  Wd::store(yp + j, v, nw);
}

// With bit 1 = -1, max over ±1 is AND of bits and min is OR. Channels set in min_mask
// ([ceil(c/64)] words, NULL = none) take the min: they are the gamma < 0 channels of a
// MaxPool -> BatchNorm -> Sign that was moved behind the threshold (XNOR-MATH.md).
// Padded taps never count. A window with no valid tap gives -1 for max channels and +1 for
// min channels, the sign of float MaxPool's -inf after the (decreasing) BatchNorm.
// Tail bits of y are 0. y must not alias x. Computes part `part` of `parts` of the n * out_h
// output rows (common/parts.h). Bitwise, so every policy gives the same bits.
template <class Wd>
inline void xn_bmaxpool_walk(const xn_bmaxpool_params *p, const uint64_t *x,
                             const uint64_t *min_mask, uint64_t *y, int part, int parts) {
  const int64_t cw = xn_bit_words(p->c), W = Wd::W;
  const uint64_t tail = xn_bit_word_mask(p->c, cw - 1);
  int64_t row_lo, row_hi;
  xn_part_range(p->n * p->out_h, part, parts, &row_lo, &row_hi);
  for (int64_t row = row_lo; row < row_hi; ++row) {
    const int64_t n = row / p->out_h, oh = row % p->out_h;
    const uint64_t *xn = x + n * p->in_h * p->in_w * cw;
    const int64_t iy0 = oh * p->stride_h - p->pad_top;
    int64_t ky_lo, ky_hi;
    xn_tap_range(iy0, p->dil_h, p->kh, 0, p->in_h, &ky_lo, &ky_hi);
    for (int64_t ow = 0; ow < p->out_w; ++ow) {
      const int64_t ix0 = ow * p->stride_w - p->pad_left;
      int64_t kx_lo, kx_hi;
      xn_tap_range(ix0, p->dil_w, p->kw, 0, p->in_w, &kx_lo, &kx_hi);
      uint64_t *yp = y + (row * p->out_w + ow) * cw;
      int64_t j = 0;
      for (; Wd::MASKED ? j < cw : j + W <= cw; j += W)
        xn_bmaxpool_words<Wd>(p, xn, min_mask, cw, iy0, ky_lo, ky_hi, ix0, kx_lo, kx_hi, j,
                              cw - j < W ? cw - j : W, yp);
      for (; j < cw; ++j)
        xn_bmaxpool_words<xn_bpool_scalar>(p, xn, min_mask, cw, iy0, ky_lo, ky_hi, ix0, kx_lo,
                                           kx_hi, j, 1, yp);
      yp[cw - 1] &= tail;
    }
  }
}

inline void xn_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x, const uint64_t *min_mask,
                        uint64_t *y) {
  xn_bmaxpool_walk<xn_bpool_scalar>(p, x, min_mask, y, 0, 1);
}

#endif // XNORC_RUNTIME_GENERIC_BPOOL_H
