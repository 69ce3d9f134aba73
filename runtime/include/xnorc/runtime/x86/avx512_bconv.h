// Binary (XNOR) conv and dense for AVX-512 with VPOPCNTDQ: output channels across lanes.
//
// Weights: [ceil(c_out/8)][kh][kw][cw][8] (x86/common.h), packed at compile time by
// xn_avx512_bconv_pack. Micro-kernel: for each activation word, one vpbroadcastq per pixel,
// one vector load per 8-channel block, then vpxorq + vpopcntq + vpaddq per (pixel, block):
// a register tile of XN_AVX512_P pixels x XN_AVX512_B blocks of 64-bit accumulators, no
// horizontal reduction. Interior pixels (whole window inside the input) run a branch-free
// loop over the window's contiguous word runs; border pixels take a per-tap path that
// counts only valid taps (zero padding) or XORs with the padding value's bits (+1/-1).
// Fused threshold: the comparison of 8 accumulators with 8 thresholds is a mask register,
// which is the packed output byte.
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

// ---- kernels ----

// Interior tile: P pixels (x0 + i * xstep is pixel i's window origin) x B blocks (w is the
// first block's packed filter). Writes popcounts to pop[P][B * 8].
template <int P, int B>
XN_AVX512_TARGET inline void xn_avx512_bconv_tile(const xn_oc_bconv_ctx *c, const uint64_t *x0,
                                                  int64_t xstep, const uint64_t *w, int64_t *pop) {
  __m512i acc[P][B];
  XN_X86_UNROLL
  for (int i = 0; i < P; ++i)
    XN_X86_UNROLL
  for (int b = 0; b < B; ++b)
    acc[i][b] = _mm512_setzero_si512();
  const xn_bconv_params *p = c->p;
  const int64_t len = c->run_len;
  for (int64_t ky = 0; ky < p->kh; ++ky) {
    for (int64_t r = 0; r < c->runs; ++r) {
      const uint64_t *xs = x0 + ky * p->dil_h * c->row + r * p->dil_w * c->cw;
      const uint64_t *ws = w + (ky * p->kw + r) * c->cw * 8;
      for (int64_t j = 0; j < len; ++j) {
        __m512i wv[B];
        XN_X86_UNROLL
        for (int b = 0; b < B; ++b)
          wv[b] = _mm512_loadu_si512((const void *)(ws + b * c->wblock + j * 8));
        XN_X86_UNROLL
        for (int i = 0; i < P; ++i) {
          const __m512i xv = _mm512_set1_epi64((long long)xs[i * xstep + j]);
          XN_X86_UNROLL
          for (int b = 0; b < B; ++b)
            acc[i][b] =
                _mm512_add_epi64(acc[i][b], _mm512_popcnt_epi64(_mm512_xor_si512(xv, wv[b])));
        }
      }
    }
  }
  XN_X86_UNROLL
  for (int i = 0; i < P; ++i)
    XN_X86_UNROLL
  for (int b = 0; b < B; ++b)
    _mm512_storeu_si512((void *)(pop + (i * B + b) * 8), acc[i][b]);
}

// The accumulators of one border pixel (common/oc_bconv_walk.h's xn_oc_bconv_border).
template <int B> struct xn_avx512_border_acc {
  __m512i acc[B];
  XN_AVX512_TARGET void zero() {
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b] = _mm512_setzero_si512();
  }
  XN_AVX512_TARGET void add(uint64_t xw, const uint64_t *wt, int64_t wblock) {
    const __m512i xv = _mm512_set1_epi64((long long)xw);
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b] =
          _mm512_add_epi64(acc[b], _mm512_popcnt_epi64(_mm512_xor_si512(
                                       xv, _mm512_loadu_si512((const void *)(wt + b * wblock)))));
  }
  void end_tap() {}
  XN_AVX512_TARGET void store(int64_t *pop) const {
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b)
      _mm512_storeu_si512((void *)(pop + b * 8), acc[b]);
  }
};

// Epilogues: init() once per block tile (ob..ob+B-1), emit() per output pixel.

// Float epilogue (xn_bconv): NCHW float output. One pixel's channels lie a plane apart
// in NCHW, so writing them per pixel is a scatter (and the residual a gather): on
// Bi-Real-18 that took as long as the binary convs themselves. Instead emit() keeps
// d = n_bits - 2 * pop of a run of consecutive pixels of one row pixel-major in a buffer
// that stays in L1, and flush() writes the run channel by channel: one gather of 16
// pixels' d from the buffer, then contiguous loads of the residual and stores into y.
// The same operations in the same order as the generic kernel, rounding included:
// scale * d and + bias are separate instructions (the empty asm keeps a compiler from
// contracting them into an FMA). Activations other than Relu take the scalar epilogue.
// (The maskz forms of full-width intrinsics avoid GCC 12's -Wmaybe-uninitialized on the
// plain forms' _mm512_undefined operand: generated code builds with -Wall -Werror.)
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
    XN_X86_UNROLL
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

// Threshold epilogue (xn_bconv_threshold): one output byte per 8-channel block, straight
// from two compare masks. The output was zeroed beforehand, so bytes past the last block
// stay 0.
template <int B> struct xn_avx512_epi_thresh {
  int64_t ob, n_full;
  __m512i t[B];
  // Interior windows (n_full summed bits) compare the popcount itself: with
  // d = n_full - 2 * pop, "d < t" is "pop > floor((n_full - t) / 2)" and "d > t" is
  // "pop < ceil((n_full - t) / 2)"; u holds the bound of each lane's direction.
  __m512i u[B];
  unsigned ge_dir[B], valid[B];
  XN_AVX512_TARGET inline void init(const xn_oc_bconv_ctx *c, int64_t ob_) {
    ob = ob_;
    n_full = c->ksize * c->p->c_in;
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b) {
      const int64_t rem = c->p->c_out - (ob + b) * 8;
      const __mmask8 k = rem >= 8 ? (__mmask8)0xff : (__mmask8)((1u << rem) - 1);
      const int32_t *th = c->thresh + (ob + b) * 8;
      // (Intrinsics with an undefined pass-through operand are avoided: g++ 12 reports
      // -Wmaybe-uninitialized inside them.)
      t[b] = _mm512_maskz_cvtepi32_epi64(k, _mm256_maskz_loadu_epi32(k, th));
      ge_dir[b] = 0xff;
      if (c->dir)
        ge_dir[b] = _mm256_cmpge_epi32_mask(_mm256_maskz_loadu_epi32(k, c->dir + (ob + b) * 8),
                                            _mm256_setzero_si256());
      valid[b] = k;
      const __m512i lim = _mm512_sub_epi64(_mm512_set1_epi64(n_full), t[b]);
      const __m512i lo = _mm512_maskz_srai_epi64((__mmask8)0xff, lim, 1); // floor(lim / 2)
      const __m512i hi =
          _mm512_sub_epi64(_mm512_setzero_si512(),
                           _mm512_maskz_srai_epi64(
                               (__mmask8)0xff, _mm512_sub_epi64(_mm512_setzero_si512(), lim), 1));
      u[b] = _mm512_mask_blend_epi64((__mmask8)ge_dir[b], hi, lo);
    }
  }
  XN_AVX512_TARGET inline void end_row(const xn_oc_bconv_ctx *) {}
  XN_AVX512_TARGET inline void emit(const xn_oc_bconv_ctx *c, int64_t n, int64_t pix,
                                    const int64_t *pop, int64_t n_bits) const {
    const xn_bconv_params *p = c->p;
    unsigned char *yp = (unsigned char *)(c->yb + (n * p->out_h * p->out_w + pix) * c->cwo);
    if (n_bits == n_full) {
      XN_X86_UNROLL
      for (int b = 0; b < B; ++b) {
        const __m512i pc = _mm512_loadu_si512((const void *)(pop + b * 8));
        unsigned minus = _mm512_mask_cmpgt_epi64_mask((__mmask8)ge_dir[b], pc, u[b]);
        if (ge_dir[b] != 0xff)
          minus |= _mm512_mask_cmplt_epi64_mask((__mmask8)~ge_dir[b], pc, u[b]);
        yp[ob + b] = (unsigned char)(minus & valid[b]);
      }
      return;
    }
    const __m512i nb = _mm512_set1_epi64(n_bits);
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b) {
      const __m512i pc = _mm512_loadu_si512((const void *)(pop + b * 8));
      const __m512i d = _mm512_sub_epi64(nb, _mm512_add_epi64(pc, pc));
      const unsigned ge = _mm512_cmpge_epi64_mask(d, t[b]);
      const unsigned le = _mm512_cmple_epi64_mask(d, t[b]);
      const unsigned plus = (ge & ge_dir[b]) | (le & ~ge_dir[b]);
      yp[ob + b] = (unsigned char)(~plus & valid[b]);
    }
  }
};

// The kernel pieces common/oc_bconv_walk.h drives.
struct xn_avx512_bconv_isa {
  enum { L = 8, P = XN_AVX512_P, B = XN_AVX512_B };
  template <int TP, int TB>
  XN_AVX512_TARGET static void tile(const xn_oc_bconv_ctx *c, const uint64_t *x0, int64_t xstep,
                                    const uint64_t *w, int64_t *pop) {
    xn_avx512_bconv_tile<TP, TB>(c, x0, xstep, w, pop);
  }
  template <int TB> using border_acc = xn_avx512_border_acc<TB>;
};

// Same contract as xn_bconv (generic/bconv.h) with group == 1 and w packed by
// xn_avx512_bconv_pack; with --threads, part `part` of `parts` of the output rows.
XN_AVX512_TARGET __attribute__((flatten)) inline void
xn_avx512_bconv(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w, const float *scale,
                const float *bias, const float *residual, float *y, int part = 0, int parts = 1) {
  xn_oc_bconv_float<xn_avx512_bconv_isa, xn_avx512_epi_float>(p, x, w, scale, bias, residual, y,
                                                              part, parts);
}

// Same contract as xn_bconv_threshold with group == 1 and w packed by xn_avx512_bconv_pack.
XN_AVX512_TARGET __attribute__((flatten)) inline void
xn_avx512_bconv_threshold(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                          const int32_t *thresh, const int32_t *dir, uint64_t *y, int part = 0,
                          int parts = 1) {
  xn_oc_bconv_threshold<xn_avx512_bconv_isa, xn_avx512_epi_thresh>(p, x, w, thresh, dir, y, part,
                                                                   parts);
}

// Same contract as xn_bdense (generic/bdense.h), w packed by xn_avx512_bdense_pack.
XN_AVX512_TARGET inline void xn_avx512_bdense(const xn_bdense_params *p, const uint64_t *x,
                                              const uint64_t *w, const float *scale,
                                              const float *bias, const float *residual, float *y) {
  const xn_bconv_params q = xn_x86_bdense_as_conv(p);
  xn_avx512_bconv(&q, x, w, scale, bias, residual, y);
}

XN_AVX512_TARGET inline void xn_avx512_bdense_threshold(const xn_bdense_params *p,
                                                        const uint64_t *x, const uint64_t *w,
                                                        const int32_t *thresh, const int32_t *dir,
                                                        uint64_t *y) {
  const xn_bconv_params q = xn_x86_bdense_as_conv(p);
  xn_avx512_bconv_threshold(&q, x, w, thresh, dir, y);
}

#endif // XNORC_RUNTIME_X86_AVX512_BCONV_H
