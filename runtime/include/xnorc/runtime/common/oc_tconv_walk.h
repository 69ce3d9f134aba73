// The instruction-set-independent part of the ternary-weight conv and dense kernels
// (generic/tconv.h with one lane, x86/avx512_tconv.h with 8): the weight layout and its
// packer, and the walk over output rows, pixels, taps and output-channel blocks.
// generic/tconv.h states the arithmetic: d = nnz - 2 * popcount(mask & (x ^ sign)).
//
// Weight layout, output channels across L vector lanes (as common/oc_blocked.h does for
// binary weights): per block of L output channels, the L channels' nonzero counts (one word
// each), then per tap and input-channel word the L sign words followed by the L mask words,
// so each loads as one vector. Lanes past c_out hold zeros; their results are never stored.
// With L = 1 that is, per output channel: nnz, then sign and mask word by word.
//
// An ISA supplies a policy type Isa:
//   enum { L }                    lanes (output channels) per block;
//   wvec, acc                     the vector of L words, L 64-bit counts;
//   zero_acc(a), load_w(v, p), bcast_value(v, x), store(pop, a) (L counts),
//   and_xor_pop(a, x, s, m)       a += popcount((x ^ s) & m) per lane,
//   pop(a, m)                     a += popcount(m) per lane (a border window's valid nnz).
// The entry points (XN_OC_TCONV_ENTRY_POINTS) carry the ISA's target attribute and
// `flatten`, which inlines the walk and the policy into one function compiled for the ISA.
#ifndef XNORC_RUNTIME_COMMON_OC_TCONV_WALK_H
#define XNORC_RUNTIME_COMMON_OC_TCONV_WALK_H

#include "oc_blocked.h"
#include "parts.h"

// Words of one block of `lanes` output channels with `taps` taps over cw input words.
inline int64_t xn_oc_tconv_block_words(int64_t taps, int64_t cw, int64_t lanes) {
  return lanes * (1 + 2 * taps * cw);
}

// levels: [m][c][taps] (ONNX's [M, C / group, kh, kw], dense [M, K] with taps 1), each -1, 0
// or +1; packed: ceil(m / lanes) *
// xn_oc_tconv_block_words(taps, ceil(c / 64), lanes) words.
inline void xn_oc_tconv_pack(int64_t m, int64_t c, int64_t taps, int64_t lanes,
                             const int8_t *levels, uint64_t *packed) {
  const int64_t cw = xn_bit_words(c), bw = xn_oc_tconv_block_words(taps, cw, lanes);
  memset(packed, 0, (size_t)(((m + lanes - 1) / lanes) * bw) * sizeof(uint64_t));
  for (int64_t mi = 0; mi < m; ++mi) {
    uint64_t *blk = packed + (mi / lanes) * bw;
    const int64_t k = mi % lanes;
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t t = 0; t < taps; ++t) {
        const int8_t l = levels[(mi * c + ch) * taps + t];
        if (l == 0)
          continue;
        uint64_t *sign = blk + lanes + (t * cw + (ch >> 6)) * 2 * lanes + k;
        const uint64_t bit = (uint64_t)1 << (ch & 63);
        sign[lanes] |= bit; // the mask word, L words after the sign word
        if (l < 0)
          sign[0] |= bit;
        ++blk[k];
      }
  }
}

// For this part's output rows, every pixel and block of L output channels from m0: calls
// out(n, pix, m0, pop, nnz) with the L lanes' popcount(mask & (x ^ sign)) and nonzero
// counts over the summed taps (d = nnz[k] - 2 * pop[k]). Groups (group > 1 needs L == 1:
// a block within one group; cg a multiple of 64 so each group starts on a word).
template <typename Isa, typename Out>
inline void xn_oc_tconv_walk(const xn_bconv_params *p, const uint64_t *x, const uint64_t *wp,
                             int part, int parts, Out out) {
  const int L = Isa::L;
  const xn_bconv_geom g = xn_bconv_make_geom(p);
  const int64_t bw = xn_oc_tconv_block_words(g.ksize, g.cwg, L);
  const int64_t blocks = (p->c_out + L - 1) / L;
  // A padded tap of +1 has no bit set; one of -1 every bit (the mask drops the tail).
  const uint64_t pad_word = p->pad_value < 0 ? ~(uint64_t)0 : 0;
  int64_t row_lo, row_hi;
  xn_part_range(p->n * p->out_h, part, parts, &row_lo, &row_hi);
  alignas(64) int64_t pop[L], nnz[L];
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
      for (int64_t ob = 0; ob < blocks; ++ob) {
        const uint64_t *blk = wp + ob * bw;
        const uint64_t *xg = xn + (ob * L / g.mg) * g.goff;
        typename Isa::acc a, an;
        Isa::zero_acc(a);
        Isa::zero_acc(an);
        for (int64_t ky = 0; ky < p->kh; ++ky) {
          const bool row_ok = ky >= ky_lo && ky < ky_hi;
          for (int64_t kx = 0; kx < p->kw; ++kx) {
            const bool ok = row_ok && kx >= kx_lo && kx < kx_hi;
            if (!ok && p->pad_value == 0)
              continue;
            const uint64_t *xs =
                ok ? xg + ((iy0 + ky * p->dil_h) * p->in_w + ix0 + kx * p->dil_w) * g.cw : NULL;
            const uint64_t *wt = blk + L + (ky * p->kw + kx) * g.cwg * 2 * L;
            for (int64_t j = 0; j < g.cwg; ++j) {
              typename Isa::wvec xv, s, m;
              Isa::bcast_value(xv, ok ? xs[j] : pad_word);
              Isa::load_w(s, wt + 2 * j * L);
              Isa::load_w(m, wt + (2 * j + 1) * L);
              Isa::and_xor_pop(a, xv, s, m);
              if (!whole)
                Isa::pop(an, m);
            }
          }
        }
        Isa::store(pop, a);
        if (whole)
          for (int k = 0; k < L; ++k)
            nnz[k] = (int64_t)blk[k];
        else
          Isa::store(nnz, an);
        out(n, oh * p->out_w + ow, ob * L, pop, nnz);
      }
    }
  }
}

// The entry points of a policy Isa, named with prefix pre (xn_ for the generic kernels,
// xn_avx512_, ...), ATTR the ISA's target attribute or nothing:
//   <pre>tconv, <pre>tconv_threshold: xn_bconv / xn_bconv_threshold's contracts
//     (generic/bconv.h) with ternary weights packed by xn_oc_tconv_pack for Isa::L lanes;
//     with --threads, part `part` of `parts` of the output rows;
//   <pre>tdense, <pre>tdense_threshold: xn_bdense / xn_bdense_threshold's contracts.
// The float epilogue is xn_oc_bconv_epilogue: the product rounds on its own on every
// target, as the reference interpreter computes it.
#define XN_OC_TCONV_ENTRY_POINTS(pre, Isa, ATTR)                                                   \
  ATTR __attribute__((flatten)) inline void pre##tconv(                                            \
      const xn_bconv_params *p, const uint64_t *x, const uint64_t *w, const float *scale,          \
      const float *bias, const float *residual, float *y, int part = 0, int parts = 1) {           \
    xn_oc_tconv_walk<Isa>(                                                                         \
        p, x, w, part, parts,                                                                      \
        [&](int64_t n, int64_t pix, int64_t m0, const int64_t *pop, const int64_t *nnz) {          \
          for (int64_t k = 0; k < Isa::L && m0 + k < p->c_out; ++k)                                \
            xn_oc_bconv_epilogue(p, n, pix, m0 + k, m0 + k + 1, pop + k, nnz[k], scale, bias,      \
                                 residual, y);                                                     \
        });                                                                                        \
  }                                                                                                \
  ATTR __attribute__((flatten)) inline void pre##tconv_threshold(                                  \
      const xn_bconv_params *p, const uint64_t *x, const uint64_t *w, const int32_t *thresh,       \
      const int32_t *dir, uint64_t *y, int part = 0, int parts = 1) {                              \
    const int64_t cwo = xn_bit_words(p->c_out), plane = p->out_h * p->out_w;                       \
    int64_t row_lo, row_hi;                                                                        \
    xn_part_range(p->n * p->out_h, part, parts, &row_lo, &row_hi);                                 \
    memset(y + row_lo * p->out_w * cwo, 0,                                                         \
           (size_t)((row_hi - row_lo) * p->out_w * cwo) * sizeof(uint64_t));                       \
    xn_oc_tconv_walk<Isa>(                                                                         \
        p, x, w, part, parts,                                                                      \
        [&](int64_t n, int64_t pix, int64_t m0, const int64_t *pop, const int64_t *nnz) {          \
          uint64_t *yp = y + (n * plane + pix) * cwo;                                              \
          for (int64_t k = 0; k < Isa::L && m0 + k < p->c_out; ++k) {                              \
            const int64_t m = m0 + k, d = nnz[k] - 2 * pop[k];                                     \
            const bool plus = (dir == NULL || dir[m] >= 0) ? d >= thresh[m] : d <= thresh[m];      \
            yp[m >> 6] |= (uint64_t)(!plus) << (m & 63);                                           \
          }                                                                                        \
        });                                                                                        \
  }                                                                                                \
  ATTR inline void pre##tdense(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,    \
                               const float *scale, const float *bias, const float *residual,       \
                               float *y) {                                                         \
    const xn_bconv_params q = xn_oc_bdense_as_conv(p);                                             \
    pre##tconv(&q, x, w, scale, bias, residual, y);                                                \
  }                                                                                                \
  ATTR inline void pre##tdense_threshold(const xn_bdense_params *p, const uint64_t *x,             \
                                         const uint64_t *w, const int32_t *thresh,                 \
                                         const int32_t *dir, uint64_t *y) {                        \
    const xn_bconv_params q = xn_oc_bdense_as_conv(p);                                             \
    pre##tconv_threshold(&q, x, w, thresh, dir, y);                                                \
  }

#endif // XNORC_RUNTIME_COMMON_OC_TCONV_WALK_H
