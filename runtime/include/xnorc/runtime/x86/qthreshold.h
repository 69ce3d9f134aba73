// AVX2 and AVX-512 qthreshold (xn_avx2_qthreshold, xn_avx512_qthreshold): 8-bit activations to
// packed sign bits on common/qthreshold_walk.h, 32 / 64 pixels a vector, bit for bit
// generic/qthreshold.h's xn_qthreshold.
//
// AVX2 compares bytes with vpcmpgtb and keeps a channel's bit with vpand, or vpandn where the
// channel's comparison is flipped; a partial vector is loaded from a zero-padded copy (AVX2
// has no masked byte load). AVX-512 (BW) compares into a mask register with the predicate
// that already includes the flip (s < T, or s >= T) and adds the bit under that mask (the bits
// of one accumulator are distinct, so adding is OR), and loads partial vectors masked.
// Per-function target attributes: builds without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_QTHRESHOLD_H
#define XNORC_RUNTIME_X86_QTHRESHOLD_H

#include "../common/qthreshold_walk.h"

#include <immintrin.h>

#define XN_AVX2_QT_FN __attribute__((target("avx2"))) static inline
#define XN_AVX512_QT_FN __attribute__((target("avx512f,avx512bw"))) static inline

struct xn_avx2_qt {
  typedef __m256i vb;
  static constexpr int L = 32;
  XN_AVX2_QT_FN void zero(vb &v) { v = _mm256_setzero_si256(); }
  XN_AVX2_QT_FN void set1(vb &v, int8_t a) { v = _mm256_set1_epi8(a); }
  XN_AVX2_QT_FN void load(vb &v, const uint8_t *p, int64_t n, int bias) {
    uint8_t buf[L];
    if (n < L)
      p = xn_qthreshold_tail(buf, p, n);
    v = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i *>(p)),
                         _mm256_set1_epi8(static_cast<char>(bias)));
  }
  XN_AVX2_QT_FN void minus_bit(vb &acc, const vb &s, const vb &t, bool flip, const vb &bit) {
    const vb gt = _mm256_cmpgt_epi8(t, s);
    acc = _mm256_or_si256(acc, flip ? _mm256_andnot_si256(gt, bit) : _mm256_and_si256(gt, bit));
  }
  XN_AVX2_QT_FN void zip8(vb &lo, vb &hi, const vb &a, const vb &b) {
    lo = _mm256_unpacklo_epi8(a, b);
    hi = _mm256_unpackhi_epi8(a, b);
  }
  XN_AVX2_QT_FN void zip16(vb &lo, vb &hi, const vb &a, const vb &b) {
    lo = _mm256_unpacklo_epi16(a, b);
    hi = _mm256_unpackhi_epi16(a, b);
  }
  XN_AVX2_QT_FN void zip32(vb &lo, vb &hi, const vb &a, const vb &b) {
    lo = _mm256_unpacklo_epi32(a, b);
    hi = _mm256_unpackhi_epi32(a, b);
  }
  XN_AVX2_QT_FN void store(uint64_t *w, const vb &v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(w), v);
  }
};

struct xn_avx512_qt {
  typedef __m512i vb;
  static constexpr int L = 64;
  XN_AVX512_QT_FN void zero(vb &v) { v = _mm512_setzero_si512(); }
  XN_AVX512_QT_FN void set1(vb &v, int8_t a) { v = _mm512_set1_epi8(a); }
  XN_AVX512_QT_FN void load(vb &v, const uint8_t *p, int64_t n, int bias) {
    const __mmask64 m = n < L ? (((__mmask64)1 << n) - 1) : ~(__mmask64)0;
    v = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, p), _mm512_set1_epi8(static_cast<char>(bias)));
  }
  XN_AVX512_QT_FN void minus_bit(vb &acc, const vb &s, const vb &t, bool flip, const vb &bit) {
    const __mmask64 k = flip ? _mm512_cmp_epi8_mask(s, t, _MM_CMPINT_NLT)
                             : _mm512_cmp_epi8_mask(s, t, _MM_CMPINT_LT);
    acc = _mm512_mask_add_epi8(acc, k, acc, bit);
  }
  XN_AVX512_QT_FN void zip8(vb &lo, vb &hi, const vb &a, const vb &b) {
    lo = _mm512_unpacklo_epi8(a, b);
    hi = _mm512_unpackhi_epi8(a, b);
  }
  XN_AVX512_QT_FN void zip16(vb &lo, vb &hi, const vb &a, const vb &b) {
    lo = _mm512_unpacklo_epi16(a, b);
    hi = _mm512_unpackhi_epi16(a, b);
  }
  XN_AVX512_QT_FN void zip32(vb &lo, vb &hi, const vb &a, const vb &b) {
    // All-lane masked forms: the unmasked ones pass an undefined vector through, which g++ 12
    // reports as -Wmaybe-uninitialized (as in x86/avx512_policy.h).
    lo = _mm512_maskz_unpacklo_epi32(0xffff, a, b);
    hi = _mm512_maskz_unpackhi_epi32(0xffff, a, b);
  }
  XN_AVX512_QT_FN void store(uint64_t *w, const vb &v) { _mm512_storeu_si512(w, v); }
};

XN_QTHRESHOLD_ENTRY_POINT(avx2, xn_avx2_qt, __attribute__((target("avx2"))))
XN_QTHRESHOLD_ENTRY_POINT(avx512, xn_avx512_qt, __attribute__((target("avx512f,avx512bw"))))

#endif // XNORC_RUNTIME_X86_QTHRESHOLD_H
