// Ternary-weight conv and dense for AVX-512 with VPOPCNTDQ: the binary kernel's walk
// (common/oc_bconv_walk.h) with the ternary weight format (common/oc_tconv_walk.h) over the
// binary kernel's policy (x86/avx512_bconv.h) and one more operation. 8 output channels
// (64-bit lanes) per block; per input word one vpternlogq computes (x ^ sign) & mask, then
// vpopcntq + vpaddq: as many instructions as the binary kernel's xor + popcount + add, with
// two weight vectors per word and block instead of one. Register tile XN_AVX512_TP pixels x
// XN_AVX512_TB blocks; the binary kernel's epilogues (x86/bconv_epi.h, the mask-register
// threshold) with per-channel counts. Weights packed by xn_oc_tconv_pack for 8 lanes.
//
// Same parameter structs and semantics as generic/tconv.h, bit for bit. Compiled with
// per-function target attributes: the file builds without -m flags, and callers check
// __builtin_cpu_supports before calling.
#ifndef XNORC_RUNTIME_X86_AVX512_TCONV_H
#define XNORC_RUNTIME_X86_AVX512_TCONV_H

#include "../common/oc_tconv_walk.h"
#include "avx512_bconv.h"

#include <immintrin.h>

// 4 x 4: 16 accumulators, 8 weight vectors and a broadcast of the 32 zmm.
#ifndef XN_AVX512_TP
#define XN_AVX512_TP 4 // pixels per register tile
#endif
#ifndef XN_AVX512_TB
#define XN_AVX512_TB 4 // 8-channel blocks per register tile
#endif

// The policy common/oc_tconv_walk.h documents.
struct xn_avx512_tconv_isa : xn_avx512_bconv_isa {
  enum { P = XN_AVX512_TP, B = XN_AVX512_TB };
  XN_AVX512_BCONV_FN void and_xor_pop(acc &a, const wvec &x, const wvec &s, const wvec &m) {
    // Truth table of (A ^ B) & C over A = 0xF0, B = 0xCC, C = 0xAA.
    a = _mm512_add_epi64(a, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(x, s, m, 0x28)));
  }
};

// xn_avx512_tconv, xn_avx512_tconv_threshold, xn_avx512_tdense, xn_avx512_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(avx512, xn_avx512_tconv_isa, xn_avx512_epi_float, XN_AVX512_TARGET)

#endif // XNORC_RUNTIME_X86_AVX512_TCONV_H
