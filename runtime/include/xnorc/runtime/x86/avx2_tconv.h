// Ternary-weight conv and dense for AVX2: the binary kernel's walk (common/oc_bconv_walk.h)
// with the ternary weight format (common/oc_tconv_walk.h) over the binary kernel's policy
// (x86/avx2_bconv.h) and one more operation. 4 output channels (64-bit lanes) per block; per
// input word vpxor + vpand give (x ^ sign) & mask, the nibble-table popcount
// (xn_avx2_byte_pop: 2 x vpshufb) counts its bytes into the binary kernel's byte
// accumulators, folded by vpsadbw every 31 words as there. Register tile XN_AVX2_TP pixels x
// XN_AVX2_TB blocks (two weight vectors per word and block take the registers a wider tile
// would need); the binary kernel's epilogues with per-channel counts. Weights packed by
// xn_oc_tconv_pack for 4 lanes.
//
// Same parameter structs and semantics as generic/tconv.h, bit for bit (integer counts, then
// the same epilogue). Per-function target attributes: builds without -m flags, and callers
// check __builtin_cpu_supports before calling.
#ifndef XNORC_RUNTIME_X86_AVX2_TCONV_H
#define XNORC_RUNTIME_X86_AVX2_TCONV_H

#include "../common/oc_tconv_walk.h"
#include "avx2_bconv.h"

#include <immintrin.h>

#ifndef XN_AVX2_TP
#define XN_AVX2_TP 3 // pixels per register tile
#endif
#ifndef XN_AVX2_TB
#define XN_AVX2_TB 2 // 4-channel blocks per register tile
#endif

// The policy common/oc_tconv_walk.h documents.
struct xn_avx2_tconv_isa : xn_avx2_bconv_isa {
  enum { P = XN_AVX2_TP, B = XN_AVX2_TB };
  XN_AVX2_BCONV_FN void and_xor_pop(acc &a, const wvec &x, const wvec &s, const wvec &m) {
    a = _mm256_add_epi8(a, xn_avx2_byte_pop(_mm256_and_si256(_mm256_xor_si256(x, s), m)));
  }
};

// xn_avx2_tconv, xn_avx2_tconv_threshold, xn_avx2_tdense, xn_avx2_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(avx2, xn_avx2_tconv_isa, xn_avx2_epi_float, XN_AVX2_TARGET)

#endif // XNORC_RUNTIME_X86_AVX2_TCONV_H
