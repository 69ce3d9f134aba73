// Ternary-weight conv and dense for AVX-512 with VPOPCNTDQ: common/oc_tconv_walk.h over the
// policy below. 8 output channels (64-bit lanes) per block; per input word one vpternlogq
// computes (x ^ sign) & mask, then vpopcntq + vpaddq: as many instructions as the binary
// kernel's xor + popcount + add. Weights packed by xn_oc_tconv_pack for 8 lanes.
//
// Same parameter structs and semantics as generic/tconv.h, bit for bit. Compiled with
// per-function target attributes: the file builds without -m flags, and callers check
// __builtin_cpu_supports before calling.
#ifndef XNORC_RUNTIME_X86_AVX512_TCONV_H
#define XNORC_RUNTIME_X86_AVX512_TCONV_H

#include "../common/oc_tconv_walk.h"
#include "avx512_bconv.h"

#include <immintrin.h>

// The policy common/oc_tconv_walk.h documents.
struct xn_avx512_tconv_isa {
  enum { L = 8 };
  typedef __m512i wvec, acc;
  XN_AVX512_BCONV_FN void zero_acc(acc &a) { a = _mm512_setzero_si512(); }
  XN_AVX512_BCONV_FN void load_w(wvec &v, const uint64_t *p) {
    v = _mm512_loadu_si512((const void *)p);
  }
  XN_AVX512_BCONV_FN void bcast_value(wvec &v, uint64_t x) { v = _mm512_set1_epi64((long long)x); }
  XN_AVX512_BCONV_FN void and_xor_pop(acc &a, const wvec &x, const wvec &s, const wvec &m) {
    // Truth table of (A ^ B) & C over A = 0xF0, B = 0xCC, C = 0xAA.
    a = _mm512_add_epi64(a, _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(x, s, m, 0x28)));
  }
  XN_AVX512_BCONV_FN void pop(acc &a, const wvec &m) {
    a = _mm512_add_epi64(a, _mm512_popcnt_epi64(m));
  }
  XN_AVX512_BCONV_FN void store(int64_t *p, const acc &a) { _mm512_storeu_si512((void *)p, a); }
};

// xn_avx512_tconv, xn_avx512_tconv_threshold, xn_avx512_tdense, xn_avx512_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(xn_avx512_, xn_avx512_tconv_isa, XN_AVX512_TARGET)

#endif // XNORC_RUNTIME_X86_AVX512_TCONV_H
