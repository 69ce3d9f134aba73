// Binary (XNOR) conv and dense for ARM NEON (AArch64 and ARMv7): output channels across
// lanes, vcnt popcount, widening pairwise accumulation.
//
// Weights: [ceil(c_out/2)][kh][kw][cw][2] (common/oc_blocked.h with 2 lanes), packed at
// compile time by xn_neon_bconv_pack. Micro-kernel, per input-channel word j of a window:
// one vld1q per 2-channel block (both channels' weight words), one vld1q_dup (ld1r) of the
// activation word per pixel, then per pixel x block
//     veorq_u8 -> vcntq_u8 (16 byte counts, <= 8) -> vpadalq_u8 into a uint16x8 accumulator
// i.e. eor + cnt + uadalp: 3 instructions per 128 binary MACs, LCE's aarch64 scheme. The
// 16-bit lanes are widened only as far as the count can grow: after XN_NEON_FOLD words (or
// at the end) vpaddlq_u16 + vpaddlq_u32 fold each half of the accumulator into its
// channel's 64-bit count. Register tile XN_NEON_P pixels x XN_NEON_B blocks (neon/common.h).
// Interior pixels run branch-free; border pixels count valid taps only (zero padding) or
// the padding value's bits (+1 / -1 padding), as the generic kernel does. Fused threshold:
// each channel's d = n_bits - 2 * popcount is compared with its threshold and the bits are
// OR-ed into the output word.
//
// Same parameter structs and semantics as generic/bconv.h and generic/bdense.h, bit for
// bit (group == 1; grouped convs stay generic).
#ifndef XNORC_RUNTIME_NEON_BCONV_H
#define XNORC_RUNTIME_NEON_BCONV_H

#include "../common/oc_bconv_walk.h"
#include "common.h"

// ---- compile-time weight packing (plain C++) ----

inline size_t xn_neon_bconv_packed_words(const xn_bconv_params *p) {
  return xn_oc_packed_words(p->c_out, p->kh * p->kw, xn_bit_words(p->c_in / p->group),
                            XN_NEON_LANES);
}
inline void xn_neon_bconv_pack(const xn_bconv_params *p, const uint64_t *generic_w,
                               uint64_t *packed) {
  xn_oc_pack(p->c_out, p->kh * p->kw, xn_bit_words(p->c_in / p->group), XN_NEON_LANES, generic_w,
             packed);
}
inline size_t xn_neon_bdense_packed_words(const xn_bdense_params *p) {
  return xn_oc_packed_words(p->m, 1, xn_bit_words(p->k), XN_NEON_LANES);
}
inline void xn_neon_bdense_pack(const xn_bdense_params *p, const uint64_t *generic_w,
                                uint64_t *packed) {
  xn_oc_pack(p->m, 1, xn_bit_words(p->k), XN_NEON_LANES, generic_w, packed);
}

// ---- kernels ----

// The inner loop: words [0, len) of one run, P pixels (xs + i * xstep) x B blocks
// (ws + b * wblock, 2 words per step), accumulated into acc. Kept as a separate function
// (always inlined) so count_instructions.py finds its loop in the disassembly.
template <int P, int B>
__attribute__((always_inline)) inline void
xn_neon_bconv_words(const uint64_t *xs, int64_t xstep, const uint64_t *ws, int64_t wblock,
                    int64_t len, uint16x8_t (&acc)[P][B]) {
  for (int64_t j = 0; j < len; ++j) {
    uint8x16_t wv[B];
    XN_NEON_UNROLL
    for (int b = 0; b < B; ++b)
      wv[b] = vreinterpretq_u8_u64(vld1q_u64(ws + b * wblock + j * 2));
    XN_NEON_UNROLL
    for (int i = 0; i < P; ++i) {
      const uint8x16_t xv = vreinterpretq_u8_u64(vld1q_dup_u64(xs + i * xstep + j));
      XN_NEON_UNROLL
      for (int b = 0; b < B; ++b)
        acc[i][b] = vpadalq_u8(acc[i][b], vcntq_u8(veorq_u8(xv, wv[b])));
    }
  }
}

// Interior tile: P pixels x B blocks, popcounts to pop[P][B * 2].
template <int P, int B>
inline void xn_neon_bconv_tile(const xn_oc_bconv_ctx *c, const uint64_t *x0, int64_t xstep,
                               const uint64_t *w, int64_t *pop) {
  const xn_bconv_params *p = c->p;
  uint16x8_t acc[P][B];
  uint64x2_t tot[P][B]; // folded counts (only touched every XN_NEON_FOLD words)
  XN_NEON_UNROLL
  for (int i = 0; i < P; ++i)
    XN_NEON_UNROLL
  for (int b = 0; b < B; ++b) {
    acc[i][b] = vdupq_n_u16(0);
    tot[i][b] = vdupq_n_u64(0);
  }
  int64_t pending = 0; // words accumulated since the last fold
  for (int64_t ky = 0; ky < p->kh; ++ky) {
    for (int64_t r = 0; r < c->runs; ++r) {
      const uint64_t *xs = x0 + ky * p->dil_h * c->row + r * p->dil_w * c->cw;
      const uint64_t *ws = w + (ky * p->kw + r) * c->cw * 2;
      int64_t j = 0;
      while (j < c->run_len) {
        int64_t len = c->run_len - j;
        if (len > XN_NEON_FOLD - pending)
          len = XN_NEON_FOLD - pending;
        xn_neon_bconv_words<P, B>(xs + j, xstep, ws + j * 2, c->wblock, len, acc);
        j += len;
        pending += len;
        if (pending == XN_NEON_FOLD) {
          XN_NEON_UNROLL
          for (int i = 0; i < P; ++i)
            XN_NEON_UNROLL
          for (int b = 0; b < B; ++b) {
            tot[i][b] = vaddq_u64(tot[i][b], xn_neon_fold(acc[i][b]));
            acc[i][b] = vdupq_n_u16(0);
          }
          pending = 0;
        }
      }
    }
  }
  XN_NEON_UNROLL
  for (int i = 0; i < P; ++i)
    XN_NEON_UNROLL
  for (int b = 0; b < B; ++b)
    vst1q_s64(pop + (i * B + b) * 2,
              vreinterpretq_s64_u64(vaddq_u64(tot[i][b], xn_neon_fold(acc[i][b]))));
}

// The accumulators of one border pixel (common/oc_bconv_walk.h's xn_oc_bconv_border):
// byte counts pairwise-added into 16-bit lanes, folded into 64-bit totals after each tap and
// before XN_NEON_FOLD words.
template <int B> struct xn_neon_border_acc {
  uint64x2_t acc[B];
  uint16x8_t a16[B];
  int64_t pending;
  void zero() {
    XN_NEON_UNROLL
    for (int b = 0; b < B; ++b) {
      acc[b] = vdupq_n_u64(0);
      a16[b] = vdupq_n_u16(0);
    }
    pending = 0;
  }
  void add(uint64_t xw, const uint64_t *wt, int64_t wblock) {
    const uint8x16_t xv = vreinterpretq_u8_u64(vdupq_n_u64(xw));
    XN_NEON_UNROLL
    for (int b = 0; b < B; ++b)
      a16[b] = vpadalq_u8(a16[b],
                          vcntq_u8(veorq_u8(xv, vreinterpretq_u8_u64(vld1q_u64(wt + b * wblock)))));
    if (++pending == XN_NEON_FOLD)
      end_tap();
  }
  void end_tap() {
    XN_NEON_UNROLL
    for (int b = 0; b < B; ++b) {
      acc[b] = vaddq_u64(acc[b], xn_neon_fold(a16[b]));
      a16[b] = vdupq_n_u16(0);
    }
    pending = 0;
  }
  void store(int64_t *pop) const {
    XN_NEON_UNROLL
    for (int b = 0; b < B; ++b)
      vst1q_s64(pop + b * 2, vreinterpretq_s64_u64(acc[b]));
  }
};

// Float epilogue for channels [m0, m_end) of one pixel: generic/bconv.h's expression with
// the product scale * d rounded on its own, always. g++ contracts a * b + c into a fused
// multiply-add on AArch64 by default (C++ modes imply -ffp-contract=fast), whenever it
// likes; the empty asm makes the product a value the compiler cannot see through, so the
// NEON kernels round exactly as the interpreter and x86 do, whatever the flags.
__attribute__((noinline)) inline void xn_neon_bconv_epilogue(const xn_bconv_params *p, int64_t n,
                                                             int64_t pix, int64_t m0, int64_t m_end,
                                                             const int64_t *pop, int64_t n_bits,
                                                             const float *scale, const float *bias,
                                                             const float *residual, float *y) {
  const int64_t plane = p->out_h * p->out_w;
  for (int64_t m = m0; m < m_end; ++m) {
    const int64_t d = n_bits - 2 * pop[m - m0];
    const int64_t idx = (n * p->c_out + m) * plane + pix;
    float prod = (scale ? scale[m] : 1.0f) * (float)d;
    __asm__("" : "+w"(prod)); // no FMA contraction across this point
    float v = prod + (bias ? bias[m] : 0.0f);
    if (residual)
      v += residual[idx];
    y[idx] = xn_act_apply(p->act_kind, p->act_alpha, p->act_beta, v);
  }
}

template <int B>
using xn_neon_epi_float = xn_oc_epi_scalar<XN_NEON_LANES, xn_neon_bconv_epilogue>::epi<B>;

// 2 * B output bits (channels m0 = ob * 2 ...), OR-ed into the zeroed output word(s).
template <int B> struct xn_neon_epi_thresh {
  int64_t ob;
  void init(const xn_oc_bconv_ctx *, int64_t ob_) { ob = ob_; }
  void end_row(const xn_oc_bconv_ctx *) {}
  void emit(const xn_oc_bconv_ctx *c, int64_t n, int64_t pix, const int64_t *pop,
            int64_t n_bits) const {
    const xn_bconv_params *p = c->p;
    uint64_t *yp = c->yb + (n * p->out_h * p->out_w + pix) * c->cwo;
    const int64_t m0 = ob * 2;
    const int64_t cnt = p->c_out - m0 < 2 * B ? p->c_out - m0 : 2 * B;
    uint64_t bits = 0;
    for (int64_t k = 0; k < cnt; ++k) {
      const int64_t d = n_bits - 2 * pop[k];
      const int64_t t = c->thresh[m0 + k];
      const bool plus = (c->dir == NULL || c->dir[m0 + k] >= 0) ? d >= t : d <= t;
      bits |= (uint64_t)(!plus) << k;
    }
    const int sh = (int)(m0 & 63);
    yp[m0 >> 6] |= bits << sh;
    if (sh + cnt > 64) // the 2B bits straddle a word boundary
      yp[(m0 >> 6) + 1] |= bits >> (64 - sh);
  }
};

// The kernel pieces common/oc_bconv_walk.h drives.
struct xn_neon_bconv_isa {
  enum { L = XN_NEON_LANES, P = XN_NEON_P, B = XN_NEON_B };
  template <int TP, int TB>
  static void tile(const xn_oc_bconv_ctx *c, const uint64_t *x0, int64_t xstep, const uint64_t *w,
                   int64_t *pop) {
    xn_neon_bconv_tile<TP, TB>(c, x0, xstep, w, pop);
  }
  template <int TB> using border_acc = xn_neon_border_acc<TB>;
};

// Same contract as xn_bconv (generic/bconv.h) with group == 1, w packed by xn_neon_bconv_pack;
// with --threads, part `part` of `parts` of the output rows.
__attribute__((flatten)) inline void xn_neon_bconv(const xn_bconv_params *p, const uint64_t *x,
                                                   const uint64_t *w, const float *scale,
                                                   const float *bias, const float *residual,
                                                   float *y, int part = 0, int parts = 1) {
  xn_oc_bconv_float<xn_neon_bconv_isa, xn_neon_epi_float>(p, x, w, scale, bias, residual, y, part,
                                                          parts);
}

// Same contract as xn_bconv_threshold with group == 1, w packed by xn_neon_bconv_pack.
__attribute__((flatten)) inline void xn_neon_bconv_threshold(const xn_bconv_params *p,
                                                             const uint64_t *x, const uint64_t *w,
                                                             const int32_t *thresh,
                                                             const int32_t *dir, uint64_t *y,
                                                             int part = 0, int parts = 1) {
  xn_oc_bconv_threshold<xn_neon_bconv_isa, xn_neon_epi_thresh>(p, x, w, thresh, dir, y, part,
                                                               parts);
}

// Same contract as xn_bdense (generic/bdense.h), w packed by xn_neon_bdense_pack.
inline void xn_neon_bdense(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                           const float *scale, const float *bias, const float *residual, float *y) {
  const xn_bconv_params q = xn_oc_bdense_as_conv(p);
  xn_neon_bconv(&q, x, w, scale, bias, residual, y);
}

inline void xn_neon_bdense_threshold(const xn_bdense_params *p, const uint64_t *x,
                                     const uint64_t *w, const int32_t *thresh, const int32_t *dir,
                                     uint64_t *y) {
  const xn_bconv_params q = xn_oc_bdense_as_conv(p);
  xn_neon_bconv_threshold(&q, x, w, thresh, dir, y);
}

#endif // XNORC_RUNTIME_NEON_BCONV_H
