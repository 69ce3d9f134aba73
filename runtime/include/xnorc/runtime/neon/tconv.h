// Ternary-weight conv and dense for ARM NEON (AArch64 and ARMv7): the binary kernel's walk
// (common/oc_bconv_walk.h) with the ternary weight format (common/oc_tconv_walk.h) over the
// binary kernel's policy (neon/bconv.h) and one more operation. 2 output channels (64-bit
// lanes of a q-register) per block; per input word
//     veorq + vandq -> (x ^ sign) & mask, vcntq_u8 (16 byte counts, <= 8),
//     vpadalq_u8 into the binary kernel's uint16x8 accumulator (folded every XN_NEON_FOLD
//     words as there),
// 4 instructions per 128 ternary MACs (2 channels x 64 inputs) besides the two weight loads.
// Register tile XN_NEON_P pixels x XN_NEON_TB blocks: two weight vectors per word and block,
// so ARMv7's 16 q-registers take 2 blocks (AArch64's 32: 4). The binary kernel's scalar
// epilogues with per-channel counts. Only intrinsics both AArch64 and ARMv7 have. Weights
// packed by xn_oc_tconv_pack for 2 lanes.
//
// Same parameter structs and semantics as generic/tconv.h, bit for bit.
#ifndef XNORC_RUNTIME_NEON_TCONV_H
#define XNORC_RUNTIME_NEON_TCONV_H

#include "../common/oc_tconv_walk.h"
#include "bconv.h"

#ifndef XN_NEON_TB
#if defined(__aarch64__)
#define XN_NEON_TB 4
#else
#define XN_NEON_TB 2
#endif
#endif

// The policy common/oc_tconv_walk.h documents.
struct xn_neon_tconv_isa : xn_neon_bconv_isa {
  enum { B = XN_NEON_TB };
  static void and_xor_pop(acc &a, const wvec &x, const wvec &s, const wvec &m) {
    a = vpadalq_u8(a, vcntq_u8(vandq_u8(veorq_u8(x, s), m)));
  }
};

// xn_neon_tconv, xn_neon_tconv_threshold, xn_neon_tdense, xn_neon_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(neon, xn_neon_tconv_isa, xn_oc_epi_scalar<XN_NEON_LANES>::epi, )

#endif // XNORC_RUNTIME_NEON_TCONV_H
