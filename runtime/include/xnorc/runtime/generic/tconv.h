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
// The generic kernels walk common/oc_tconv_walk.h's layout with one output channel per block
// (weights packed by xn_oc_tconv_pack with lanes = 1: per output channel its nonzero count,
// then sign and mask word by word), pixel by pixel and channel by channel; groups as in
// bconv.h. The SIMD kernels run the same layout with L lanes in the binary kernels' register
// tiles (common/oc_bconv_walk.h) and are tested against these.
#ifndef XNORC_RUNTIME_GENERIC_TCONV_H
#define XNORC_RUNTIME_GENERIC_TCONV_H

#include "../common/oc_tconv_walk.h"

// For this part's output rows, every pixel and output channel m: out(n, pix, m, pop, nnz)
// with popcount(mask & (x ^ sign)) and the nonzero count over the summed taps
// (d = nnz - 2 * pop). Groups: cg a multiple of 64, so each group starts on a word.
template <typename Out>
inline void xn_tconv_walk(const xn_bconv_params *p, const uint64_t *x, const uint64_t *wp, int part,
                          int parts, Out out) {
  const xn_bconv_geom g = xn_bconv_make_geom(p);
  const int64_t bw = xn_oc_tconv_block_words(g.ksize, g.cwg, 1);
  // A padded tap of +1 has no bit set; one of -1 every bit (the mask drops the tail).
  const uint64_t pad_word = p->pad_value < 0 ? ~(uint64_t)0 : 0;
  int64_t row_lo, row_hi;
  xn_part_range(p->n * p->out_h, part, parts, &row_lo, &row_hi);
  for (int64_t row = row_lo; row < row_hi; ++row) {
    const int64_t n = row / p->out_h, oh = row % p->out_h;
    const uint64_t *xn = x + n * p->in_h * p->in_w * g.cw;
    const int64_t iy0 = oh * p->stride_h - p->pad_top;
    int64_t ky_lo, ky_hi;
    xn_bwindow(iy0, p->dil_h, p->kh, p->in_h, &ky_lo, &ky_hi);
    for (int64_t ow = 0; ow < p->out_w; ++ow) {
      const int64_t ix0 = ow * p->stride_w - p->pad_left;
      int64_t kx_lo, kx_hi;
      xn_bwindow(ix0, p->dil_w, p->kw, p->in_w, &kx_lo, &kx_hi);
      // Every tap summed: the stored nonzero counts apply, no mask bits to count.
      const bool whole = p->pad_value != 0 || (ky_hi - ky_lo) * (kx_hi - kx_lo) == g.ksize;
      for (int64_t m = 0; m < p->c_out; ++m) {
        const uint64_t *blk = wp + m * bw;
        const uint64_t *xg = xn + (m / g.mg) * g.goff;
        int64_t pop = 0, nnz = whole ? (int64_t)blk[0] : 0;
        for (int64_t ky = 0; ky < p->kh; ++ky) {
          const bool row_ok = ky >= ky_lo && ky < ky_hi;
          for (int64_t kx = 0; kx < p->kw; ++kx) {
            const bool ok = row_ok && kx >= kx_lo && kx < kx_hi;
            if (!ok && p->pad_value == 0)
              continue;
            const uint64_t *xs =
                ok ? xg + ((iy0 + ky * p->dil_h) * p->in_w + ix0 + kx * p->dil_w) * g.cw : NULL;
            const uint64_t *wt = blk + 1 + (ky * p->kw + kx) * g.cwg * 2;
            for (int64_t j = 0; j < g.cwg; ++j) {
              pop += xn_popcount64(((ok ? xs[j] : pad_word) ^ wt[2 * j]) & wt[2 * j + 1]);
              if (!whole)
                nnz += xn_popcount64(wt[2 * j + 1]);
            }
          }
        }
        out(n, oh * p->out_w + ow, m, pop, nnz);
      }
    }
  }
}

// xn_bconv's contract (generic/bconv.h) with ternary weights packed by xn_oc_tconv_pack for one
// lane; with --threads, part `part` of `parts` of the output rows. The float epilogue is
// xn_oc_bconv_epilogue: the product rounds on its own on every target, as the reference
// interpreter computes it.
inline void xn_tconv(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                     const float *scale, const float *bias, const float *residual, float *y,
                     int part = 0, int parts = 1) {
  xn_tconv_walk(p, x, w, part, parts,
                [&](int64_t n, int64_t pix, int64_t m, int64_t pop, int64_t nnz) {
                  xn_oc_bconv_epilogue(p, n, pix, m, m + 1, &pop, nnz, scale, bias, residual, y);
                });
}

// xn_bconv_threshold's contract with ternary weights, as xn_tconv.
inline void xn_tconv_threshold(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                               const int32_t *thresh, const int32_t *dir, uint64_t *y, int part = 0,
                               int parts = 1) {
  const int64_t cwo = xn_bit_words(p->c_out), plane = p->out_h * p->out_w;
  int64_t row_lo, row_hi;
  xn_part_range(p->n * p->out_h, part, parts, &row_lo, &row_hi);
  memset(y + row_lo * p->out_w * cwo, 0,
         (size_t)((row_hi - row_lo) * p->out_w * cwo) * sizeof(uint64_t));
  xn_tconv_walk(p, x, w, part, parts,
                [&](int64_t n, int64_t pix, int64_t m, int64_t pop, int64_t nnz) {
                  const int64_t d = nnz - 2 * pop;
                  const bool plus = (dir == NULL || dir[m] >= 0) ? d >= thresh[m] : d <= thresh[m];
                  y[(n * plane + pix) * cwo + (m >> 6)] |= (uint64_t)(!plus) << (m & 63);
                });
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
