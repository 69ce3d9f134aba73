// Binary (XNOR) conv and dense for AVX-512 with VPOPCNTDQ: common/oc_bconv_walk.h over the
// AVX-512 policy below.
//
// Weights: [ceil(c_out/8)][kh][kw][cw][8] (x86/common.h), packed at compile time by
// xn_avx512_bconv_pack. What AVX-512 decides: 8 output channels (64-bit lanes) per block;
// vpxorq + vpopcntq + vpaddq straight into 64-bit accumulators (nothing to fold); a register
// tile of XN_AVX512_P pixels x XN_AVX512_B blocks (4 x 4: 16 accumulators); fused threshold
// by compares into mask registers, one packed output byte per block; a vectorised float
// epilogue (below).
//
// Same parameter structs and semantics as generic/bconv.h and generic/bdense.h, bit for
// bit. Compiled with per-function target attributes: the file builds without -m flags, and
// callers check __builtin_cpu_supports before calling.
#ifndef XNORC_RUNTIME_X86_AVX512_BCONV_H
#define XNORC_RUNTIME_X86_AVX512_BCONV_H

#include "common.h"

#include <immintrin.h>

#define XN_AVX512_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vpopcntdq")))
#define XN_AVX512_P 4 // pixels per register tile
#define XN_AVX512_B 4 // 8-channel blocks per register tile

#define XN_AVX512_BCONV_FN XN_AVX512_TARGET static inline

// Float epilogue (xn_bconv; common/oc_bconv_walk.h's Epi<B>): NCHW float output. One pixel's
// channels lie a plane apart in NCHW, so writing them per pixel is a scatter (and the residual a
// gather): on Bi-Real-18 that took as long as the binary convs themselves. Instead emit() keeps d =
// n_bits - 2 * pop of a run of consecutive pixels of one row pixel-major in a buffer that stays in
// L1, and flush() writes the run channel by channel: one gather of 16 pixels' d from the buffer,
// then contiguous loads of the residual and stores into y. The same operations in the same order as
// the generic kernel, rounding included: scale * d and + bias are separate instructions (the empty
// asm keeps a compiler from contracting them into an FMA). Activations other than Relu take the
// scalar epilogue. (The maskz forms of full-width intrinsics avoid GCC 12's -Wmaybe-uninitialized
// on the plain forms' _mm512_undefined operand: generated code builds with -Wall -Werror.)
#define XN_AVX512_EPI_RUN 64 // pixels buffered before a flush

template <int B> struct xn_avx512_epi_float {
  int64_t ob, m_end;
  int64_t n, pix0, count; // the buffered run: pixels pix0 .. pix0 + count - 1 of image n
  alignas(64) int32_t d[XN_AVX512_EPI_RUN * B * 8];

  XN_AVX512_TARGET inline void init(const xn_oc_bconv_ctx *c, int64_t ob_) {
    ob = ob_;
    m_end = (ob + B) * 8 < c->p->c_out ? (ob + B) * 8 : c->p->c_out;
    count = 0;
  }
  XN_AVX512_TARGET inline void emit(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix,
                                    const int64_t *pop, int64_t n_bits) {
    const xn_bconv_params *p = c->p;
    if (p->act_kind != XN_ACT_NONE && p->act_kind != XN_ACT_RELU) {
      xn_oc_bconv_epilogue(p, n_, pix, ob * 8, m_end, pop, n_bits, c->scale, c->bias, c->residual,
                           c->yf);
      return;
    }
    if (count == XN_AVX512_EPI_RUN)
      flush(c);
    if (count == 0) {
      n = n_;
      pix0 = pix;
    }
    const __m512i nb = _mm512_set1_epi64(n_bits);
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b) {
      const __m512i pc = _mm512_loadu_si512((const void *)(pop + b * 8));
      const __m512i dv = _mm512_sub_epi64(nb, _mm512_add_epi64(pc, pc)); // |d| < 2^31
      _mm256_store_si256((__m256i *)(d + (count * B + b) * 8),
                         _mm512_maskz_cvtepi64_epi32((__mmask8)0xff, dv));
    }
    ++count;
  }
  // Called at the end of every output row: runs never span rows.
  XN_AVX512_TARGET inline void end_row(const xn_oc_bconv_ctx *c) { flush(c); }

  XN_AVX512_TARGET inline void flush(const xn_oc_bconv_ctx *c) {
    if (count == 0)
      return;
    const xn_bconv_params *p = c->p;
    const int64_t plane = p->out_h * p->out_w;
    const __m512i pix_stride =
        _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                           _mm512_set1_epi32(B * 8));
    for (int64_t m = ob * 8; m < m_end; ++m) {
      const __m512 sc = _mm512_set1_ps(c->scale ? c->scale[m] : 1.0f);
      const __m512 bi = _mm512_set1_ps(c->bias ? c->bias[m] : 0.0f);
      const int64_t base = (n * p->c_out + m) * plane + pix0;
      float *yr = c->yf + base;
      const float *rr = c->residual ? c->residual + base : NULL;
      const int32_t *dm = d + (m - ob * 8);
      for (int64_t i = 0; i < count; i += 16) {
        const __mmask16 k =
            count - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (count - i)) - 1);
        const __m512i dv =
            _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), k, pix_stride, dm + i * B * 8, 4);
        __m512 v = _mm512_mul_ps(sc, _mm512_maskz_cvtepi32_ps((__mmask16)0xffff, dv));
        __asm__("" : "+v"(v));
        v = _mm512_add_ps(v, bi);
        if (rr) {
          __asm__("" : "+v"(v));
          v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, rr + i));
        }
        if (p->act_kind == XN_ACT_RELU) // v < 0 ? 0 : v, NaN and -0 included
          v = _mm512_maskz_max_ps((__mmask16)0xffff, _mm512_setzero_ps(), v);
        _mm512_mask_storeu_ps(yr + i, k, v);
      }
    }
    count = 0;
  }
};

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
  XN_AVX512_TARGET unsigned bits(const int64_t *pop, int64_t n_bits, bool interior) const {
    const __m512i pc = _mm512_loadu_si512((const void *)pop);
    if (interior) {
      unsigned minus = _mm512_mask_cmpgt_epi64_mask((__mmask8)ge_dir, pc, u);
      if (ge_dir != 0xff)
        minus |= _mm512_mask_cmplt_epi64_mask((__mmask8)~ge_dir, pc, u);
      return minus & valid;
    }
    const __m512i d = _mm512_sub_epi64(_mm512_set1_epi64(n_bits), _mm512_add_epi64(pc, pc));
    const unsigned ge = _mm512_cmpge_epi64_mask(d, t);
    const unsigned le = _mm512_cmple_epi64_mask(d, t);
    const unsigned plus = (ge & ge_dir) | (le & ~ge_dir);
    return ~plus & valid;
  }
};

// The policy common/oc_bconv_walk.h documents.
struct xn_avx512_bconv_isa {
  enum { L = 8, P = XN_AVX512_P, B = XN_AVX512_B, FOLD = 0 };
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

// xn_avx512_bconv, xn_avx512_bconv_threshold, xn_avx512_bdense, xn_avx512_bdense_threshold.
XN_OC_BCONV_ENTRY_POINTS(avx512, xn_avx512_bconv_isa, xn_avx512_epi_float, XN_AVX512_TARGET)

#endif // XNORC_RUNTIME_X86_AVX512_BCONV_H
