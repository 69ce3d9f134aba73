// The instruction-set-independent half of the SIMD binary conv kernels (x86/avx2_bconv.h,
// x86/avx512_bconv.h, neon/bconv.h): the call context, the walk over output rows (border
// pixels one by one, interior pixels in register tiles, then the remainder), the dispatch
// over output-channel blocks, the per-part row range of --threads and the entry points.
//
// An ISA supplies a policy type Isa with
//   enum { L, P, B }              lanes (output channels) per block, pixels per tile,
//                                 blocks per tile;
//   Isa::tile<P, B>(c, x0, xstep, w, pop)      popcounts of an interior tile into
//                                               pop[P][B * L];
//   Isa::border_acc<B>                         the accumulators of one border pixel:
//                                               zero(), add(xw, wt, wblock) (the popcounts of
//                                               word xw XOR the B blocks' weight words at wt,
//                                               wblock apart), end_tap(), store(pop) into
//                                               pop[B * L];
// and epilogue class templates Epi<B> with init(c, ob), emit(c, n, pix, pop, n_bits) (one
// output pixel) and end_row(c). No intrinsics here: the ISA's entry points carry the target
// attribute and `flatten`, which inlines this code and, through it, the ISA's functions
// into one function compiled for that ISA.
#ifndef XNORC_RUNTIME_COMMON_OC_BCONV_WALK_H
#define XNORC_RUNTIME_COMMON_OC_BCONV_WALK_H

#include "oc_blocked.h"
#include "parts.h"

struct xn_oc_bconv_ctx {
  const xn_bconv_params *p;
  int64_t cw;             // words per input pixel
  int64_t ksize;          // kh * kw
  int64_t runs;           // word runs per window row: 1 if dil_w == 1 (kw * cw words), else kw
  int64_t run_len;        // words per run
  int64_t wblock;         // packed words per block of L output channels
  int64_t row;            // words per input row
  int64_t cwo;            // words per packed output pixel (threshold output)
  int64_t row_lo, row_hi; // this part's output rows, counted over all n * out_h
  // Epilogue operands.
  const float *scale, *bias, *residual;
  float *yf;
  const int32_t *thresh, *dir;
  uint64_t *yb;
};

inline xn_oc_bconv_ctx xn_oc_bconv_make_ctx(const xn_bconv_params *p, int64_t lanes, int part,
                                            int parts) {
  xn_oc_bconv_ctx c;
  memset(&c, 0, sizeof c);
  c.p = p;
  c.cw = xn_bit_words(p->c_in);
  c.ksize = p->kh * p->kw;
  c.runs = p->dil_w == 1 ? 1 : p->kw;
  c.run_len = p->dil_w == 1 ? p->kw * c.cw : c.cw;
  c.wblock = c.ksize * c.cw * lanes;
  c.row = p->in_w * c.cw;
  c.cwo = xn_bit_words(p->c_out);
  xn_part_range(p->n * p->out_h, part, parts, &c.row_lo, &c.row_hi);
  return c;
}

// One border pixel with window origin (iy0, ix0) in image xn: valid taps only, padded taps
// as the padding value. Popcounts to pop[B * L]; returns the number of summed bits.
template <typename Isa, int B>
inline int64_t xn_oc_bconv_border(const xn_oc_bconv_ctx *c, const uint64_t *xn, int64_t iy0,
                                  int64_t ix0, const uint64_t *w, int64_t *pop) {
  const xn_bconv_params *p = c->p;
  int64_t ky_lo, ky_hi, kx_lo, kx_hi;
  xn_bwindow(iy0, p->dil_h, p->kh, p->in_h, &ky_lo, &ky_hi);
  xn_bwindow(ix0, p->dil_w, p->kw, p->in_w, &kx_lo, &kx_hi);
  typename Isa::template border_acc<B> acc;
  acc.zero();
  for (int64_t ky = 0; ky < p->kh; ++ky) {
    const bool row_ok = ky >= ky_lo && ky < ky_hi;
    for (int64_t kx = 0; kx < p->kw; ++kx) {
      const bool ok = row_ok && kx >= kx_lo && kx < kx_hi;
      if (!ok && p->pad_value == 0)
        continue;
      const uint64_t *wt = w + (ky * p->kw + kx) * c->cw * Isa::L;
      const uint64_t *xs =
          ok ? xn + ((iy0 + ky * p->dil_h) * p->in_w + ix0 + kx * p->dil_w) * c->cw : NULL;
      for (int64_t j = 0; j < c->cw; ++j) {
        // A padded -1 tap has every valid channel bit set; a +1 tap has none.
        const uint64_t xw = ok ? xs[j] : (p->pad_value < 0 ? xn_bit_word_mask(p->c_in, j) : 0);
        acc.add(xw, wt + j * Isa::L, c->wblock);
      }
      acc.end_tap();
    }
  }
  acc.store(pop);
  const int64_t n_valid = (ky_hi - ky_lo) * (kx_hi - kx_lo);
  return (p->pad_value != 0 ? c->ksize : n_valid) * p->c_in;
}

// Blocks ob .. ob + B - 1 over the context's output rows.
template <typename Isa, int B, template <int> class Epi>
inline void xn_oc_bconv_blocks(const xn_oc_bconv_ctx *c, const uint64_t *x, const uint64_t *wp,
                               int64_t ob) {
  const xn_bconv_params *p = c->p;
  const uint64_t *w = wp + ob * c->wblock;
  int64_t oh_lo, oh_hi, ow_lo, ow_hi;
  xn_oc_interior(p->out_h, p->stride_h, p->pad_top, p->dil_h, p->kh, p->in_h, &oh_lo, &oh_hi);
  xn_oc_interior(p->out_w, p->stride_w, p->pad_left, p->dil_w, p->kw, p->in_w, &ow_lo, &ow_hi);
  const int P = Isa::P;
  alignas(64) int64_t pop[P * B * Isa::L];
  const int64_t xstep = p->stride_w * c->cw;
  const int64_t n_full = c->ksize * p->c_in;
  Epi<B> epi;
  epi.init(c, ob);
  for (int64_t row = c->row_lo; row < c->row_hi; ++row) {
    const int64_t n = row / p->out_h, oh = row % p->out_h;
    const uint64_t *xn = x + n * p->in_h * p->in_w * c->cw;
    const int64_t iy0 = oh * p->stride_h - p->pad_top;
    const bool row_in = oh >= oh_lo && oh < oh_hi;
    const int64_t a = row_in ? ow_lo : p->out_w, e = row_in ? ow_hi : p->out_w;
    const int64_t pix0 = oh * p->out_w;
    int64_t ow = 0;
    for (; ow < a; ++ow) {
      const int64_t nb =
          xn_oc_bconv_border<Isa, B>(c, xn, iy0, ow * p->stride_w - p->pad_left, w, pop);
      epi.emit(c, n, pix0 + ow, pop, nb);
    }
    for (; ow + P <= e; ow += P) {
      const uint64_t *x0 = xn + (iy0 * p->in_w + ow * p->stride_w - p->pad_left) * c->cw;
      Isa::template tile<P, B>(c, x0, xstep, w, pop);
      for (int i = 0; i < P; ++i)
        epi.emit(c, n, pix0 + ow + i, pop + i * B * Isa::L, n_full);
    }
    for (; ow < e; ++ow) {
      const uint64_t *x0 = xn + (iy0 * p->in_w + ow * p->stride_w - p->pad_left) * c->cw;
      Isa::template tile<1, B>(c, x0, xstep, w, pop);
      epi.emit(c, n, pix0 + ow, pop, n_full);
    }
    for (; ow < p->out_w; ++ow) {
      const int64_t nb =
          xn_oc_bconv_border<Isa, B>(c, xn, iy0, ow * p->stride_w - p->pad_left, w, pop);
      epi.emit(c, n, pix0 + ow, pop, nb);
    }
    epi.end_row(c);
  }
}

// Every block: whole tiles of Isa::B blocks, then the rest in one narrower tile.
template <typename Isa, template <int> class Epi>
inline void xn_oc_bconv_run(const xn_oc_bconv_ctx *c, const uint64_t *x, const uint64_t *wp) {
  const int64_t blocks = (c->p->c_out + Isa::L - 1) / Isa::L;
  int64_t ob = 0;
  for (; ob + Isa::B <= blocks; ob += Isa::B)
    xn_oc_bconv_blocks<Isa, Isa::B, Epi>(c, x, wp, ob);
  const int64_t rest = blocks - ob; // < Isa::B
  if constexpr (Isa::B > 3)
    if (rest == 3)
      return xn_oc_bconv_blocks<Isa, 3, Epi>(c, x, wp, ob);
  if constexpr (Isa::B > 2)
    if (rest == 2)
      return xn_oc_bconv_blocks<Isa, 2, Epi>(c, x, wp, ob);
  for (; ob < blocks; ++ob)
    xn_oc_bconv_blocks<Isa, 1, Epi>(c, x, wp, ob);
}

// Float epilogue of one pixel through the ISA's scalar function Fn (which fixes how
// scale * d + bias rounds: see xn_oc_bconv_epilogue).
typedef void (*xn_oc_epilogue_fn)(const xn_bconv_params *p, int64_t n, int64_t pix, int64_t m0,
                                  int64_t m_end, const int64_t *pop, int64_t n_bits,
                                  const float *scale, const float *bias, const float *residual,
                                  float *y);
template <int L, xn_oc_epilogue_fn Fn> struct xn_oc_epi_scalar {
  template <int B> struct epi {
    int64_t ob, m_end;
    void init(const xn_oc_bconv_ctx *c, int64_t ob_) {
      ob = ob_;
      m_end = (ob + B) * L < c->p->c_out ? (ob + B) * L : c->p->c_out;
    }
    void emit(const xn_oc_bconv_ctx *c, int64_t n, int64_t pix, const int64_t *pop,
              int64_t n_bits) {
      Fn(c->p, n, pix, ob * L, m_end, pop, n_bits, c->scale, c->bias, c->residual, c->yf);
    }
    void end_row(const xn_oc_bconv_ctx *) {}
  };
};

// Entry points: xn_bconv / xn_bconv_threshold semantics (group 1, weights packed for Isa::L
// lanes), computing this part's rows.
template <typename Isa, template <int> class Epi>
inline void xn_oc_bconv_float(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                              const float *scale, const float *bias, const float *residual,
                              float *y, int part, int parts) {
  xn_oc_bconv_ctx c = xn_oc_bconv_make_ctx(p, Isa::L, part, parts);
  c.scale = scale;
  c.bias = bias;
  c.residual = residual;
  c.yf = y;
  xn_oc_bconv_run<Isa, Epi>(&c, x, w);
}

// The threshold epilogues OR bits into the output, so this part's rows start zeroed (which
// also keeps the tail bits of each pixel's last word 0).
template <typename Isa, template <int> class Epi>
inline void xn_oc_bconv_threshold(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                                  const int32_t *thresh, const int32_t *dir, uint64_t *y, int part,
                                  int parts) {
  xn_oc_bconv_ctx c = xn_oc_bconv_make_ctx(p, Isa::L, part, parts);
  c.thresh = thresh;
  c.dir = dir;
  c.yb = y;
  const int64_t row_words = p->out_w * c.cwo;
  memset(y + c.row_lo * row_words, 0,
         (size_t)((c.row_hi - c.row_lo) * row_words) * sizeof(uint64_t));
  xn_oc_bconv_run<Isa, Epi>(&c, x, w);
}

#endif // XNORC_RUNTIME_COMMON_OC_BCONV_WALK_H
