// Ternary weights for the walk of the SIMD binary kernels (common/oc_bconv_walk.h): their
// layout and packer, and the weight-format policy xn_oc_ternary<Isa> with which the binary
// walk's register tiles (P pixels x B blocks of L output channels; zero-padded border windows
// as tiles over their valid taps, +-1 padded ones tap by tap; the fused threshold and float
// epilogues, --threads parts) run ternary
// layers on every SIMD ISA (x86/avx512_tconv.h, x86/avx2_tconv.h, neon/tconv.h).
// generic/tconv.h states the arithmetic, d = nnz - 2 * popcount(mask & (x ^ sign)), and runs
// the same layout with one lane (and groups) in a plain loop of its own.
//
// Weight layout, output channels across L vector lanes (as common/oc_blocked.h does for
// binary weights): per block of L output channels, the L channels' nonzero counts (one word
// each), then per tap and input-channel word the L sign words followed by the L mask words,
// so each loads as one vector. Lanes past c_out hold zeros; their results are never stored.
// With L = 1 that is, per output channel: nnz, then sign and mask word by word.
//
// An ISA supplies the binary walk's policy (common/oc_bconv_walk.h: its accumulators, folds,
// tile sizes P and B for the two weight vectors per word, thresh) and
//   and_xor_pop(a, x, s, m)       a += popcount((x ^ s) & m) per lane, into the accumulator
//                                 xor_pop adds to (the same fold bound: <= 64 per lane a word).
// The counts d needs are per channel (xn_oc_lane): a whole window's are the stored nonzero
// counts; a zero-padded border window counts the mask bits of its valid taps with the binary
// format's xor_pop against a zero word (the border accumulators), once per output row for the
// row's tiles and once per border column.
#ifndef XNORC_RUNTIME_COMMON_OC_TCONV_WALK_H
#define XNORC_RUNTIME_COMMON_OC_TCONV_WALK_H

#include "oc_bconv_walk.h"

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

// The ternary weight format of common/oc_bconv_walk.h's walk (documented at xn_oc_bits): per
// input word the sign and mask vectors; per channel its nonzero count in the window.
template <typename Isa> struct xn_oc_ternary : Isa {
  enum { HEAD = Isa::L, STEP = 2 * Isa::L, PLAIN = 0 };
  static int64_t block_words(int64_t ksize, int64_t cw) {
    return xn_oc_tconv_block_words(ksize, cw, Isa::L);
  }
  struct word {
    typename Isa::wvec s, m;
  };
  static void load_word(word &v, const uint64_t *p) {
    Isa::load_w(v.s, p);
    Isa::load_w(v.m, p + Isa::L);
  }
  typedef typename Isa::wvec xvec;
  static void load_x(xvec &v, const uint64_t *p) { Isa::bcast(v, p); }
  static void x_value(xvec &v, uint64_t w) { Isa::bcast_value(v, w); }
  static void word_pop(typename Isa::acc &a, const xvec &x, const word &v) {
    Isa::and_xor_pop(a, x, v.s, v.m);
  }
  template <int B> struct counts {
    typedef const int64_t *value;
    alignas(64) int64_t full[B * Isa::L];    // the blocks' stored nonzero counts
    alignas(64) int64_t part[2][B * Isa::L]; // part of a window's, per slot
    xn_oc_bconv_border_acc<xn_oc_bits<Isa>, B> nz;
    bool partial; // counting the valid taps' mask bits
    void init(const xn_oc_bconv_ctx *c, const uint64_t *w) {
      for (int b = 0; b < B; ++b)
        for (int k = 0; k < Isa::L; ++k)
          full[b * Isa::L + k] = (int64_t)w[b * c->wblock + k];
    }
    // A tile over part of a window (a zero-padded border) counts its taps' mask bits: once per
    // output row for the row's tiles (slot 0), once per border column (slot 1).
    value tiled(const xn_oc_bconv_ctx *c, const uint64_t *wt, int64_t rows, int64_t cols,
                int slot) {
      if (rows == c->p->kh && cols == c->p->kw)
        return full;
      nz.zero();
      for (int64_t ky = 0; ky < rows; ++ky)
        for (int64_t kx = 0; kx < cols; ++kx) {
          const uint64_t *t = wt + (ky * c->p->kw + kx) * c->cw * STEP;
          for (int64_t j = 0; j < c->cw; ++j)
            nz.add(0, t + j * STEP + Isa::L, c->wblock); // the mask words
          nz.end_tap();
        }
      nz.store(part[slot]);
      return part[slot];
    }
    // Padding of +-1 sums every tap, so only a zero-padded window that lost taps counts.
    void begin(const xn_oc_bconv_ctx *c, int64_t n_valid) {
      partial = c->p->pad_value == 0 && n_valid != c->ksize;
      if (partial)
        nz.zero();
    }
    void add(const uint64_t *wt, int64_t wblock) {
      if (partial)
        nz.add(0, wt + Isa::L, wblock); // the mask words
    }
    void end_tap() {
      if (partial)
        nz.end_tap();
    }
    value border(const xn_oc_bconv_ctx *, int64_t) {
      if (!partial)
        return full;
      nz.store(part[1]);
      return part[1];
    }
  };
};

// xn_<isa>_tconv, xn_<isa>_tconv_threshold, xn_<isa>_tdense, xn_<isa>_tdense_threshold:
// generic/tconv.h's contracts (group == 1) with weights packed by xn_oc_tconv_pack for Isa::L
// lanes, through common/oc_bconv_walk.h's entry points and epilogues (EpiFloat the ISA's
// float epilogue).
#define XN_OC_TCONV_ENTRY_POINTS(isa, Isa, EpiFloat, ATTR)                                         \
  XN_OC_WALK_ENTRY_POINTS(isa, t, xn_oc_ternary<Isa>, EpiFloat, ATTR)

#endif // XNORC_RUNTIME_COMMON_OC_TCONV_WALK_H
