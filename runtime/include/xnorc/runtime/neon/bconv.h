// Binary (XNOR) conv and dense for ARM NEON (AArch64 and ARMv7): common/oc_bconv_walk.h
// over the NEON policy below.
//
// Weights: [ceil(c_out/2)][kh][kw][cw][2] (common/oc_blocked.h with 2 lanes), packed at
// compile time by xn_neon_bconv_pack. What NEON decides, per input-channel word of a window:
// one vld1q per 2-channel block (both channels' weight words), one vld1q_dup (ld1r) of the
// activation word per pixel, then per pixel x block
//     veorq_u8 -> vcntq_u8 (16 byte counts, <= 8) -> vpadalq_u8 into a uint16x8 accumulator
// i.e. eor + cnt + uadalp: 3 instructions per 128 binary MACs, LCE's aarch64 scheme. The
// 16-bit lanes are widened only as far as the count can grow: after XN_NEON_FOLD words (or
// at the end) vpaddlq_u16 + vpaddlq_u32 fold each half of the accumulator into its
// channel's 64-bit count. Register tile XN_NEON_P pixels x XN_NEON_B blocks (neon/common.h).
// The fused threshold compares channel by channel (the walk's xn_oc_thresh_scalar); the
// float epilogue is the scalar one.
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

// The policy common/oc_bconv_walk.h documents.
struct xn_neon_bconv_isa {
  enum { L = XN_NEON_LANES, P = XN_NEON_P, B = XN_NEON_B, FOLD = XN_NEON_FOLD, FOLD_ONCE = 0 };
  typedef uint8x16_t wvec;
  typedef uint16x8_t acc;
  typedef uint64x2_t sum;
  typedef xn_oc_thresh_scalar<XN_NEON_LANES> thresh;
  static void zero_acc(acc &a) { a = vdupq_n_u16(0); }
  static void zero_sum(sum &s) { s = vdupq_n_u64(0); }
  static void load_w(wvec &v, const uint64_t *p) { v = vreinterpretq_u8_u64(vld1q_u64(p)); }
  static void bcast(wvec &v, const uint64_t *p) { v = vreinterpretq_u8_u64(vld1q_dup_u64(p)); }
  static void bcast_value(wvec &v, uint64_t x) { v = vreinterpretq_u8_u64(vdupq_n_u64(x)); }
  static void xor_pop(acc &a, const wvec &x, const wvec &w) {
    a = vpadalq_u8(a, vcntq_u8(veorq_u8(x, w)));
  }
  static void fold(sum &s, acc &a) {
    s = vaddq_u64(s, xn_neon_fold(a));
    a = vdupq_n_u16(0);
  }
  static void store(int64_t *pop, const sum &s) { vst1q_s64(pop, vreinterpretq_s64_u64(s)); }
};

// xn_neon_bconv, xn_neon_bconv_threshold, xn_neon_bdense, xn_neon_bdense_threshold.
XN_OC_BCONV_ENTRY_POINTS(neon, xn_neon_bconv_isa, xn_oc_epi_scalar<XN_NEON_LANES>::epi, )

#endif // XNORC_RUNTIME_NEON_BCONV_H
