// Ternary-weight XNOR conv and dense layers (TWN / TBN): packed ±1 activations, weights in
// {-1, 0, +1} stored as two bit planes, sign (bit 1 = -1, as b1) and mask (bit 1 = nonzero):
//   d = popcount(mask & ~(x ^ sign)) - popcount(mask & (x ^ sign))
//     = nnz - 2 * popcount(mask & (x ^ sign)),
// nnz being the number of mask bits over the taps summed. One popcount per word, as for a
// binary layer; the zero weights cost nothing but their mask bits.
//
// Padding is handled as in bconv.h: pad_value 0 is exact zero padding (a padded tap adds
// nothing, so nnz counts the valid taps' mask bits only); pad_value ±1 makes a padded tap an
// activation of that value on every channel.
//
// The generic kernels read common/oc_tconv_walk.h's layout with one output channel per block
// (weights packed by xn_oc_tconv_pack with lanes = 1: per output channel its nonzero count,
// then sign and mask word by word) in bconv.h's walk, groups included. The SIMD kernels run the
// same layout with L lanes in the binary kernels' register tiles (common/oc_bconv_walk.h) and are
// tested against these.
#ifndef XNORC_RUNTIME_GENERIC_TCONV_H
#define XNORC_RUNTIME_GENERIC_TCONV_H

#include "../common/oc_tconv_walk.h"

// d of one window and output channel (xn_bconv_dot's contract): blk is the channel's packed
// block (its nonzero count, then per tap and word the sign and mask words).
inline int64_t xn_tconv_dot(const xn_bconv_params *p, const xn_bconv_geom *g, const uint64_t *xg,
                            const uint64_t *blk, int64_t iy0, int64_t ix0, int64_t ky_lo,
                            int64_t ky_hi, int64_t kx_lo, int64_t kx_hi) {
  const uint64_t *planes = blk + 1;
  // Every tap summed: the stored nonzero count applies, no mask bits to count.
  const bool whole = p->pad_value != 0 || (ky_hi - ky_lo) * (kx_hi - kx_lo) == g->ksize;
  int64_t pop = 0, nnz = whole ? (int64_t)blk[0] : 0;
  for (int64_t ky = ky_lo; ky < ky_hi; ++ky)
    for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
      const uint64_t *xs = xg + ((iy0 + ky * p->dil_h) * p->in_w + ix0 + kx * p->dil_w) * g->cw;
      const uint64_t *wt = planes + (ky * p->kw + kx) * g->cwg * 2;
      for (int64_t j = 0; j < g->cwg; ++j) {
        pop += xn_popcount64((xs[j] ^ wt[2 * j]) & wt[2 * j + 1]);
        if (!whole)
          nnz += xn_popcount64(wt[2 * j + 1]);
      }
    }
  if (p->pad_value != 0) {
    // A padded tap of +1 (no bit set) differs from the -1 weights (the sign bits, which lie
    // inside the mask); one of -1 (every bit) from the +1 weights (mask and not sign).
    xn_padded_taps(p, ky_lo, ky_hi, kx_lo, kx_hi, [&](int64_t t) {
      const uint64_t *wt = planes + t * g->cwg * 2;
      for (int64_t j = 0; j < g->cwg; ++j)
        pop += xn_popcount64(p->pad_value > 0 ? wt[2 * j] : wt[2 * j + 1] & ~wt[2 * j]);
    });
  }
  return nnz - 2 * pop;
}

// xn_tconv_dot over the blocks of w, a Dot of xn_bconv_walk.
inline auto xn_tconv_filters(const xn_bconv_params *p, const uint64_t *w) {
  return [=](const xn_bconv_geom *g, const uint64_t *xg, int64_t m, int64_t iy0, int64_t ix0,
             int64_t ky_lo, int64_t ky_hi, int64_t kx_lo, int64_t kx_hi) {
    return xn_tconv_dot(p, g, xg, w + m * xn_oc_tconv_block_words(g->ksize, g->cwg, 1), iy0, ix0,
                        ky_lo, ky_hi, kx_lo, kx_hi);
  };
}

// xn_bconv's contract (generic/bconv.h) with ternary weights packed by xn_oc_tconv_pack for one
// lane. The float epilogue is xn_oc_bconv_epilogue (d as the count with no popcount): the
// product rounds on its own on every target, as the reference interpreter computes it.
inline void xn_tconv(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                     const float *scale, const float *bias, const float *residual, float *y) {
  const int64_t none = 0;
  xn_bconv_walk(p, x, xn_tconv_filters(p, w), [&](int64_t n, int64_t pix, int64_t m, int64_t d) {
    xn_oc_bconv_epilogue(p, n, pix, m, m + 1, &none, d, scale, bias, residual, y);
  });
}

// xn_bconv_threshold's contract with ternary weights, as xn_tconv.
inline void xn_tconv_threshold(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                               const int32_t *thresh, const int32_t *dir, uint64_t *y) {
  xn_bconv_threshold_walk(p, x, xn_tconv_filters(p, w), thresh, dir, y);
}

// xn_bdense / xn_bdense_threshold's contracts (generic/bdense.h) with ternary weights.
inline void xn_tdense(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                      const float *scale, const float *bias, const float *residual, float *y) {
  const xn_bconv_params q = xn_oc_bdense_as_conv(p);
  xn_tconv(&q, x, w, scale, bias, residual, y);
}
inline void xn_tdense_threshold(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                                const int32_t *thresh, const int32_t *dir, uint64_t *y) {
  const xn_bconv_params q = xn_oc_bdense_as_conv(p);
  xn_tconv_threshold(&q, x, w, thresh, dir, y);
}

#endif // XNORC_RUNTIME_GENERIC_TCONV_H
