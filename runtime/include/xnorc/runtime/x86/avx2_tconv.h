// Ternary-weight conv and dense for AVX2: common/oc_tconv_walk.h over the policy below.
// 4 output channels (64-bit lanes) per block. AVX2 has no vector popcount: per input word
// vpxor + vpand give (x ^ sign) & mask, the nibble-table popcount of x86/avx2_bconv.h
// (xn_avx2_byte_pop: 2 x vpshufb) counts its bytes, and vpsadbw against zero sums each lane's
// 8 byte counts into the lane, added with vpaddq. The walk's accumulator is a plain count per
// lane, so the bytes are folded at every word (the binary kernel folds every 31 words; here
// one vpsadbw more per word keeps the one walk common/oc_tconv_walk.h for every ISA).
// Weights packed by xn_oc_tconv_pack for 4 lanes.
//
// Same parameter structs and semantics as generic/tconv.h, bit for bit (integer counts, then
// the same epilogue). Per-function target attributes: builds without -m flags, and callers
// check __builtin_cpu_supports before calling.
#ifndef XNORC_RUNTIME_X86_AVX2_TCONV_H
#define XNORC_RUNTIME_X86_AVX2_TCONV_H

#include "../common/oc_tconv_walk.h"
#include "avx2_bconv.h"

#include <immintrin.h>

// The policy common/oc_tconv_walk.h documents.
struct xn_avx2_tconv_isa {
  enum { L = 4 };
  typedef __m256i wvec, acc;
  XN_AVX2_BCONV_FN void zero_acc(acc &a) { a = _mm256_setzero_si256(); }
  XN_AVX2_BCONV_FN void load_w(wvec &v, const uint64_t *p) {
    v = _mm256_loadu_si256((const __m256i *)p);
  }
  XN_AVX2_BCONV_FN void bcast_value(wvec &v, uint64_t x) { v = _mm256_set1_epi64x((long long)x); }
  XN_AVX2_BCONV_FN void pop(acc &a, const wvec &m) {
    a = _mm256_add_epi64(a, _mm256_sad_epu8(xn_avx2_byte_pop(m), _mm256_setzero_si256()));
  }
  XN_AVX2_BCONV_FN void and_xor_pop(acc &a, const wvec &x, const wvec &s, const wvec &m) {
    pop(a, _mm256_and_si256(_mm256_xor_si256(x, s), m));
  }
  XN_AVX2_BCONV_FN void store(int64_t *p, const acc &a) { _mm256_storeu_si256((__m256i *)p, a); }
};

// xn_avx2_tconv, xn_avx2_tconv_threshold, xn_avx2_tdense, xn_avx2_tdense_threshold.
XN_OC_TCONV_ENTRY_POINTS(xn_avx2_, xn_avx2_tconv_isa, XN_AVX2_TARGET)

#endif // XNORC_RUNTIME_X86_AVX2_TCONV_H
