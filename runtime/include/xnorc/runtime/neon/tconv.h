// Ternary-weight conv and dense for ARM NEON (AArch64 and ARMv7): common/oc_tconv_walk.h
// over the policy below. 2 output channels (64-bit lanes of a q-register) per block; per
// input word
//     veorq + vandq -> (x ^ sign) & mask, vcntq_u8 (16 byte counts, <= 8),
//     vpaddlq_u8 (8 halfword counts, <= 16) -> vpadalq_u16 into a uint32x4 accumulator,
// 5 instructions per 128 ternary MACs (2 channels x 64 inputs) besides the two weight loads.
// The walk's accumulator must hold a whole window's count without folding (common/
// oc_tconv_walk.h has no fold step), so it is 32 bits per half-lane (<= 2^32 / 32 words,
// far beyond any layer), not the binary kernel's 16; store() widens it to the 64-bit count
// of each channel with one vpaddlq_u32. Only intrinsics both AArch64 and ARMv7 have.
// Weights packed by xn_oc_tconv_pack for 2 lanes.
//
// Same parameter structs and semantics as generic/tconv.h, bit for bit.
#ifndef XNORC_RUNTIME_NEON_TCONV_H
#define XNORC_RUNTIME_NEON_TCONV_H

#include "../common/oc_tconv_walk.h"
#include "common.h"

// The policy common/oc_tconv_walk.h documents.
struct xn_neon_tconv_isa {
  enum { L = XN_NEON_LANES };
  typedef uint8x16_t wvec;
  typedef uint32x4_t acc;
  static void zero_acc(acc &a) { a = vdupq_n_u32(0); }
  static void load_w(wvec &v, const uint64_t *p) { v = vreinterpretq_u8_u64(vld1q_u64(p)); }
  static void bcast_value(wvec &v, uint64_t x) { v = vreinterpretq_u8_u64(vdupq_n_u64(x)); }
  static void pop(acc &a, const wvec &m) { a = vpadalq_u16(a, vpaddlq_u8(vcntq_u8(m))); }
  static void and_xor_pop(acc &a, const wvec &x, const wvec &s, const wvec &m) {
    pop(a, vandq_u8(veorq_u8(x, s), m));
  }
  static void store(int64_t *p, const acc &a) {
    vst1q_s64(p, vreinterpretq_s64_u64(vpaddlq_u32(a)));
  }
};

// xn_neon_tconv, xn_neon_tconv_threshold, xn_neon_tdense, xn_neon_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(xn_neon_, xn_neon_tconv_isa, )

#endif // XNORC_RUNTIME_NEON_TCONV_H
