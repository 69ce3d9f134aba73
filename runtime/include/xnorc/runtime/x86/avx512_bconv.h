// Binary (XNOR) conv and dense for AVX-512 with VPOPCNTDQ: common/oc_bconv_walk.h over the
// AVX-512 policy below.
//
// Weights: [ceil(c_out/8)][kh][kw][cw][8] (x86/common.h), packed at compile time by
// xn_avx512_bconv_pack. What AVX-512 decides: 8 output channels (64-bit lanes) per block;
// vpxorq + vpopcntq + vpaddq straight into 64-bit accumulators (nothing to fold); a register
// tile of XN_AVX512_P pixels x XN_AVX512_B blocks (6 x 4: 24 accumulators); fused threshold
// by compares into mask registers, one packed output byte per block; the float epilogue of
// x86/bconv_epi.h on 16-pixel vectors.
//
// Same parameter structs and semantics as generic/bconv.h and generic/bdense.h, bit for
// bit. Compiled with per-function target attributes: the file builds without -m flags, and
// callers check __builtin_cpu_supports before calling.
#ifndef XNORC_RUNTIME_X86_AVX512_BCONV_H
#define XNORC_RUNTIME_X86_AVX512_BCONV_H

#include "bconv_epi.h"

#include <immintrin.h>

#define XN_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))
// 6 x 4: 24 accumulators, 4 weight vectors and a broadcast input word of the 32 registers; each
// weight load serves 6 pixels. Against 4 x 4 on an Intel Xeon (family 6 model 207), interleaved
// whole-model A/Bs: Bi-Real-18 one thread 2.0 % faster, two threads 1.0 %, QuickNet 1.4 %; 5 x 4,
// 4 x 6, 3 x 8 and 2 x 8 were even or slower (bench/results/s24_xeon_ab.txt).
#define XN_AVX512_P 6 // pixels per register tile
#define XN_AVX512_B 4 // 8-channel blocks per register tile

#define XN_AVX512_BCONV_FN XN_AVX512_TARGET static inline

// The float epilogue's AVX-512 half (x86/bconv_epi.h): 16 pixels per vector. (The maskz forms of
// full-width intrinsics avoid GCC 12's -Wmaybe-uninitialized on the plain forms' _mm512_undefined
// operand: generated code builds with -Wall -Werror.)
// The 8 channels' summed-bit counts: one for all (binary weights) or one each (ternary).
// Not static: clang -Wunused-function would report the overload a model leaves unused.
XN_AVX512_TARGET inline __m512i xn_avx512_counts(int64_t n) { return _mm512_set1_epi64(n); }
XN_AVX512_TARGET inline __m512i xn_avx512_counts(const int64_t *n) {
  return _mm512_loadu_si512((const void *)n);
}

struct xn_avx512_epi_ops {
  enum { L = 8, W = 16, PX = 0 };
  typedef __m512i ivec;
  typedef __m512 vf;
  template <class F>
  XN_AVX512_TARGET __attribute__((noinline, flatten)) static void outlined(const F &f) {
    f();
  }
  template <typename N>
  XN_AVX512_BCONV_FN void store_d(int32_t *dst, const int64_t *pop, N n_bits) {
    const __m512i pc = _mm512_loadu_si512((const void *)pop);
    const __m512i dv = _mm512_sub_epi64(xn_avx512_counts(n_bits), _mm512_add_epi64(pc, pc));
    _mm256_store_si256((__m256i *)dst,
                       _mm512_maskz_cvtepi64_epi32((__mmask8)0xff, dv)); // |d| < 2^31
  }
  // Each 256-bit half transposes 8 x 8 (rows 0 .. 7 low, 8 .. 15 high): 32-bit and 64-bit
  // interleaves within 128-bit lanes, then 128-bit lanes across register pairs.
  XN_AVX512_BCONV_FN void transpose(const int32_t *rows, int64_t stride, ivec (&v)[8]) {
    __m512i z[8], t[8], u[8];
    XN_UNROLL(8)
    for (int r = 0; r < 8; ++r)
      z[r] = _mm512_maskz_inserti64x4(
          (__mmask8)0xff,
          _mm512_castsi256_si512(_mm256_load_si256((const __m256i *)(rows + r * stride))),
          _mm256_load_si256((const __m256i *)(rows + (r + 8) * stride)), 1);
    XN_UNROLL(8)
    for (int r = 0; r < 8; r += 2) {
      t[r] = _mm512_maskz_unpacklo_epi32((__mmask16)0xffff, z[r], z[r + 1]);
      t[r + 1] = _mm512_maskz_unpackhi_epi32((__mmask16)0xffff, z[r], z[r + 1]);
    }
    XN_UNROLL(8)
    for (int r = 0; r < 8; r += 4) {
      u[r] = _mm512_maskz_unpacklo_epi64((__mmask8)0xff, t[r], t[r + 2]);
      u[r + 1] = _mm512_maskz_unpackhi_epi64((__mmask8)0xff, t[r], t[r + 2]);
      u[r + 2] = _mm512_maskz_unpacklo_epi64((__mmask8)0xff, t[r + 1], t[r + 3]);
      u[r + 3] = _mm512_maskz_unpackhi_epi64((__mmask8)0xff, t[r + 1], t[r + 3]);
    }
    const __m512i lo = _mm512_setr_epi64(0, 1, 8, 9, 4, 5, 12, 13);
    const __m512i hi = _mm512_setr_epi64(2, 3, 10, 11, 6, 7, 14, 15);
    XN_UNROLL(8)
    for (int j = 0; j < 4; ++j) {
      v[j] = _mm512_permutex2var_epi64(u[j], lo, u[j + 4]);
      v[j + 4] = _mm512_permutex2var_epi64(u[j], hi, u[j + 4]);
    }
  }
  XN_AVX512_BCONV_FN void value(__m512 &v, const float *res, float scale, float bias, const ivec &d,
                                int live, bool relu) {
    const __mmask16 k = live >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << live) - 1);
    v = _mm512_mul_ps(_mm512_set1_ps(scale), _mm512_maskz_cvtepi32_ps((__mmask16)0xffff, d));
    __asm__("" : "+v"(v)); // no contraction into an FMA
    v = _mm512_add_ps(v, _mm512_set1_ps(bias));
    if (res) {
      __asm__("" : "+v"(v));
      v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, res));
    }
    if (relu) // v < 0 ? 0 : v, NaN and -0 included
      v = _mm512_maskz_max_ps((__mmask16)0xffff, _mm512_setzero_ps(), v);
  }
  XN_AVX512_BCONV_FN void store(float *y, const __m512 &v, int live) {
    _mm512_mask_storeu_ps(y, live >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << live) - 1), v);
  }
  // The compare's "not" forms are true for NaN: threshold's -1 (generic/bitpack.h).
  XN_AVX512_BCONV_FN void sign_or(ivec &bits, const __m512 &v, float tau, bool ge,
                                  const ivec &bit) {
    const __m512 t = _mm512_set1_ps(tau);
    const __mmask16 minus =
        ge ? _mm512_cmp_ps_mask(v, t, _CMP_NGE_UQ) : _mm512_cmp_ps_mask(v, t, _CMP_NLE_UQ);
    bits = _mm512_mask_or_epi32(bits, minus, bits, bit);
  }
  XN_AVX512_BCONV_FN void sign_or_ge(ivec &bits, const __m512 &v, const __m512 &t,
                                     const ivec &bit) {
    bits = _mm512_mask_or_epi32(bits, _mm512_cmp_ps_mask(v, t, _CMP_NGE_UQ), bits, bit);
  }
  XN_AVX512_BCONV_FN void twice(ivec &bit) { bit = _mm512_add_epi32(bit, bit); }
  XN_AVX512_BCONV_FN uint32_t lane(const ivec &v, int k) {
    return (uint32_t)_mm512_cvtsi512_si32(
        _mm512_maskz_permutexvar_epi32((__mmask16)0xffff, _mm512_set1_epi32(k), v));
  }
  // Pixels one word apart (c_out <= 64, the common case): each 8 pixels' dwords spread to the
  // even (or odd) dwords of one vector and one masked store, which writes no other dword (a
  // dword scatter, vpscatterdd, was several times slower in a scratch A/B on an AMD EPYC).
  XN_AVX512_BCONV_FN void put_dwords(uint32_t *dst, int64_t stride, const ivec &bits, int live,
                                     bool accumulate) {
    if (stride != 2 || accumulate)
      return xn_x86_put_dwords_by_lane<xn_avx512_epi_ops>(dst, stride, bits, live, accumulate);
    const __m512i pairs = _mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
    XN_UNROLL(2)
    for (int q = 0; q < 2; ++q) {
      const int n = live - 8 * q < 0 ? 0 : live - 8 * q > 8 ? 8 : live - 8 * q;
      const __mmask16 k = (__mmask16)(0x5555u & ((1u << (2 * n)) - 1));
      const __m512i v = _mm512_maskz_permutexvar_epi32(
          (__mmask16)0xffff, _mm512_add_epi32(pairs, _mm512_set1_epi32(8 * q)), bits);
      _mm512_mask_storeu_epi32(dst + 16 * q, k, v);
    }
  }
  XN_AVX512_BCONV_FN void broadcast_dword(ivec &v, uint32_t x) { v = _mm512_set1_epi32((int)x); }
};

template <int B> using xn_avx512_epi_float = xn_x86_bconv_epi<xn_avx512_epi_ops, B>;

// The fused threshold of one block of 8 channels: a compare into a mask register, which is
// the packed output byte. Interior windows (n_full summed bits) compare the popcount
// itself: with d = n_full - 2 * pop, "d < t" is "pop > floor((n_full - t) / 2)" and
// "d > t" is "pop < ceil((n_full - t) / 2)"; u holds the bound of each lane's direction.
struct xn_avx512_bconv_thresh {
  __m512i t, u;
  unsigned ge_dir, valid;
  XN_AVX512_TARGET void init(const xn_oc_bconv_ctx *c, int64_t m0) {
    const int64_t n_full = c->ksize * c->p->c_in;
    const int64_t rem = c->p->c_out - m0;
    const __mmask8 k = rem >= 8 ? (__mmask8)0xff : (__mmask8)((1u << rem) - 1);
    // (Intrinsics with an undefined pass-through operand are avoided: g++ 12 reports
    // -Wmaybe-uninitialized inside them.)
    t = _mm512_maskz_cvtepi32_epi64(k, _mm256_maskz_loadu_epi32(k, c->thresh + m0));
    ge_dir = 0xff;
    if (c->dir)
      ge_dir =
          _mm256_cmpge_epi32_mask(_mm256_maskz_loadu_epi32(k, c->dir + m0), _mm256_setzero_si256());
    valid = k;
    const __m512i lim = _mm512_sub_epi64(_mm512_set1_epi64(n_full), t);
    const __m512i lo = _mm512_maskz_srai_epi64((__mmask8)0xff, lim, 1); // floor(lim / 2)
    const __m512i hi = _mm512_sub_epi64(
        _mm512_setzero_si512(),
        _mm512_maskz_srai_epi64((__mmask8)0xff, _mm512_sub_epi64(_mm512_setzero_si512(), lim), 1));
    u = _mm512_mask_blend_epi64((__mmask8)ge_dir, hi, lo);
  }
  template <typename N>
  XN_AVX512_TARGET unsigned bits(const int64_t *pop, N n_bits, bool interior) const {
    const __m512i pc = _mm512_loadu_si512((const void *)pop);
    if (interior) {
      unsigned minus = _mm512_mask_cmpgt_epi64_mask((__mmask8)ge_dir, pc, u);
      if (ge_dir != 0xff)
        minus |= _mm512_mask_cmplt_epi64_mask((__mmask8)~ge_dir, pc, u);
      return minus & valid;
    }
    const __m512i d = _mm512_sub_epi64(xn_avx512_counts(n_bits), _mm512_add_epi64(pc, pc));
    const unsigned ge = _mm512_cmpge_epi64_mask(d, t);
    const unsigned le = _mm512_cmple_epi64_mask(d, t);
    const unsigned plus = (ge & ge_dir) | (le & ~ge_dir);
    return ~plus & valid;
  }
};

// The policy common/oc_bconv_walk.h documents.
struct xn_avx512_bconv_isa {
  enum { L = 8, P = XN_AVX512_P, B = XN_AVX512_B, FOLD = 0, FOLD_ONCE = 0 };
  typedef __m512i wvec, acc, sum;
  typedef xn_avx512_bconv_thresh thresh;
  XN_AVX512_BCONV_FN void zero_acc(acc &a) { a = _mm512_setzero_si512(); }
  XN_AVX512_BCONV_FN void load_w(wvec &v, const uint64_t *p) {
    v = _mm512_loadu_si512((const void *)p);
  }
  XN_AVX512_BCONV_FN void bcast(wvec &v, const uint64_t *p) {
    v = _mm512_set1_epi64((long long)*p);
  }
  XN_AVX512_BCONV_FN void bcast_value(wvec &v, uint64_t x) { v = _mm512_set1_epi64((long long)x); }
  XN_AVX512_BCONV_FN void xor_pop(acc &a, const wvec &x, const wvec &w) {
    a = _mm512_add_epi64(a, _mm512_popcnt_epi64(_mm512_xor_si512(x, w)));
  }
  XN_AVX512_BCONV_FN void store(int64_t *pop, const sum &s) { _mm512_storeu_si512((void *)pop, s); }
};

// xn_avx512_bconv, xn_avx512_bconv_threshold, xn_avx512_bdense, xn_avx512_bdense_threshold,
// xn_avx512_bconv_sign.
XN_OC_BCONV_ENTRY_POINTS(avx512, xn_avx512_bconv_isa, xn_avx512_epi_float, XN_AVX512_TARGET)
XN_X86_BCONV_SIGN_ENTRY_POINT(avx512, xn_oc_bits<xn_avx512_bconv_isa>, xn_avx512_epi_float,
                              XN_AVX512_TARGET)

#endif // XNORC_RUNTIME_X86_AVX512_BCONV_H
