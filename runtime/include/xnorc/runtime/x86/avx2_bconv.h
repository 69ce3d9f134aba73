// Binary (XNOR) conv and dense for AVX2: output channels across lanes, vpshufb popcount.
//
// Weights: [ceil(c_out/4)][kh][kw][cw][4] (x86/common.h), packed at compile time by
// xn_avx2_bconv_pack. Micro-kernel: broadcast one activation word per pixel, load one
// vector per 4-channel block, vpxor, then a nibble-table popcount (2 x vpshufb) whose byte
// counts are added into byte accumulators for up to 31 words (8 * 31 < 256) before one
// vpsadbw folds them into the 64-bit lane of their output channel (Mula's method). Register
// tile of XN_AVX2_P pixels x XN_AVX2_B blocks; interior pixels branch-free, border pixels
// count valid taps only (zero padding) or the padding value's bits. Fused threshold:
// vpcmpgtq + vmovmskpd give 4 packed output bits per block.
//
// Same parameter structs and semantics as generic/bconv.h and generic/bdense.h, bit for
// bit. Per-function target attributes: builds without -m flags.
#ifndef XNORC_RUNTIME_X86_AVX2_BCONV_H
#define XNORC_RUNTIME_X86_AVX2_BCONV_H

#include "common.h"

#include <immintrin.h>

#define XN_AVX2_TARGET __attribute__((target("avx2,popcnt")))
#define XN_AVX2_P 3 // pixels per register tile
#define XN_AVX2_B 2 // 4-channel blocks per register tile

// ---- kernels ----

// Byte counts of the set bits of v (each byte 0..8).
XN_AVX2_TARGET inline __m256i xn_avx2_popcnt_bytes(__m256i v, __m256i lut, __m256i low) {
  const __m256i lo = _mm256_and_si256(v, low);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_add_epi8(_mm256_shuffle_epi8(lut, lo), _mm256_shuffle_epi8(lut, hi));
}

XN_AVX2_TARGET inline __m256i xn_avx2_lut() {
  return _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1,
                          2, 2, 3, 2, 3, 3, 4);
}

// Interior tile: P pixels x B blocks, popcounts to pop[P][B * 4].
template <int P, int B>
XN_AVX2_TARGET inline void xn_avx2_bconv_tile(const xn_oc_bconv_ctx *c, const uint64_t *x0,
                                              int64_t xstep, const uint64_t *w, int64_t *pop) {
  const __m256i lut = xn_avx2_lut(), low = _mm256_set1_epi8(0x0f);
  const __m256i zero = _mm256_setzero_si256();
  __m256i acc[P][B], bacc[P][B];
  XN_X86_UNROLL
  for (int i = 0; i < P; ++i)
    XN_X86_UNROLL
  for (int b = 0; b < B; ++b) {
    acc[i][b] = zero;
    bacc[i][b] = zero;
  }
  const xn_bconv_params *p = c->p;
  int64_t pending = 0; // words summed into the byte accumulators since the last fold
  for (int64_t ky = 0; ky < p->kh; ++ky) {
    for (int64_t r = 0; r < c->runs; ++r) {
      const uint64_t *xs = x0 + ky * p->dil_h * c->row + r * p->dil_w * c->cw;
      const uint64_t *ws = w + (ky * p->kw + r) * c->cw * 4;
      int64_t j = 0;
      while (j < c->run_len) {
        int64_t end = j + (31 - pending);
        if (end > c->run_len)
          end = c->run_len;
        pending += end - j;
        for (; j < end; ++j) {
          __m256i wv[B];
          XN_X86_UNROLL
          for (int b = 0; b < B; ++b)
            wv[b] = _mm256_loadu_si256((const __m256i *)(ws + b * c->wblock + j * 4));
          XN_X86_UNROLL
          for (int i = 0; i < P; ++i) {
            const __m256i xv = _mm256_set1_epi64x((long long)xs[i * xstep + j]);
            XN_X86_UNROLL
            for (int b = 0; b < B; ++b)
              bacc[i][b] = _mm256_add_epi8(
                  bacc[i][b], xn_avx2_popcnt_bytes(_mm256_xor_si256(xv, wv[b]), lut, low));
          }
        }
        if (pending == 31) {
          XN_X86_UNROLL
          for (int i = 0; i < P; ++i)
            XN_X86_UNROLL
          for (int b = 0; b < B; ++b) {
            acc[i][b] = _mm256_add_epi64(acc[i][b], _mm256_sad_epu8(bacc[i][b], zero));
            bacc[i][b] = zero;
          }
          pending = 0;
        }
      }
    }
  }
  XN_X86_UNROLL
  for (int i = 0; i < P; ++i)
    XN_X86_UNROLL
  for (int b = 0; b < B; ++b) {
    acc[i][b] = _mm256_add_epi64(acc[i][b], _mm256_sad_epu8(bacc[i][b], zero));
    _mm256_storeu_si256((__m256i *)(pop + (i * B + b) * 4), acc[i][b]);
  }
}

// The accumulators of one border pixel (common/oc_bconv_walk.h's xn_oc_bconv_border).
template <int B> struct xn_avx2_border_acc {
  __m256i acc[B];
  XN_AVX2_TARGET void zero() {
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b] = _mm256_setzero_si256();
  }
  XN_AVX2_TARGET void add(uint64_t xw, const uint64_t *wt, int64_t wblock) {
    const __m256i lut = xn_avx2_lut(), low = _mm256_set1_epi8(0x0f);
    const __m256i xv = _mm256_set1_epi64x((long long)xw);
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b) {
      const __m256i v =
          _mm256_xor_si256(xv, _mm256_loadu_si256((const __m256i *)(wt + b * wblock)));
      acc[b] = _mm256_add_epi64(
          acc[b], _mm256_sad_epu8(xn_avx2_popcnt_bytes(v, lut, low), _mm256_setzero_si256()));
    }
  }
  void end_tap() {}
  XN_AVX2_TARGET void store(int64_t *pop) const {
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b)
      _mm256_storeu_si256((__m256i *)(pop + b * 4), acc[b]);
  }
};

// Float epilogue: the scalar one (its rounding matches the generic kernel's).
template <int B> using xn_avx2_epi_float = xn_oc_epi_scalar<4, xn_oc_bconv_epilogue>::epi<B>;

// Four output bits per block, OR-ed into the zeroed output (two blocks per byte).
template <int B> struct xn_avx2_epi_thresh {
  int64_t ob;
  void init(const xn_oc_bconv_ctx *, int64_t ob_) { ob = ob_; }
  void end_row(const xn_oc_bconv_ctx *) {}
  XN_AVX2_TARGET void emit(const xn_oc_bconv_ctx *c, int64_t n, int64_t pix, const int64_t *pop,
                           int64_t n_bits) const {
    const xn_bconv_params *p = c->p;
    unsigned char *yp = (unsigned char *)(c->yb + (n * p->out_h * p->out_w + pix) * c->cwo);
    const __m256i nb = _mm256_set1_epi64x(n_bits);
    XN_X86_UNROLL
    for (int b = 0; b < B; ++b) {
      const int64_t m0 = (ob + b) * 4;
      unsigned bits = 0;
      if (m0 + 4 <= p->c_out) {
        const __m256i d = _mm256_sub_epi64(
            nb, _mm256_slli_epi64(_mm256_loadu_si256((const __m256i *)(pop + b * 4)), 1));
        const __m256i t = _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(c->thresh + m0)));
        const __m256i below = _mm256_cmpgt_epi64(t, d); // d < t: -1 for a >= channel
        const __m256i above = _mm256_cmpgt_epi64(d, t); // d > t: -1 for a <= channel
        __m256i minus = below;
        if (c->dir) {
          const __m256i neg = _mm256_cmpgt_epi64(
              _mm256_setzero_si256(),
              _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(c->dir + m0))));
          minus = _mm256_blendv_epi8(below, above, neg);
        }
        bits = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(minus));
      } else {
        for (int64_t m = m0; m < p->c_out; ++m) {
          const int64_t d = n_bits - 2 * pop[b * 4 + (m - m0)];
          const int64_t t = c->thresh[m];
          const bool plus = (c->dir == NULL || c->dir[m] >= 0) ? d >= t : d <= t;
          bits |= (unsigned)(!plus) << (m - m0);
        }
      }
      yp[(ob + b) >> 1] |= (unsigned char)(bits << (((ob + b) & 1) * 4));
    }
  }
};

// The kernel pieces common/oc_bconv_walk.h drives.
struct xn_avx2_bconv_isa {
  enum { L = 4, P = XN_AVX2_P, B = XN_AVX2_B };
  template <int TP, int TB>
  XN_AVX2_TARGET static void tile(const xn_oc_bconv_ctx *c, const uint64_t *x0, int64_t xstep,
                                  const uint64_t *w, int64_t *pop) {
    xn_avx2_bconv_tile<TP, TB>(c, x0, xstep, w, pop);
  }
  template <int TB> using border_acc = xn_avx2_border_acc<TB>;
};

// Same contract as xn_bconv (generic/bconv.h) with group == 1, w packed by xn_avx2_bconv_pack;
// with --threads, part `part` of `parts` of the output rows.
XN_AVX2_TARGET __attribute__((flatten)) inline void
xn_avx2_bconv(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w, const float *scale,
              const float *bias, const float *residual, float *y, int part = 0, int parts = 1) {
  xn_oc_bconv_float<xn_avx2_bconv_isa, xn_avx2_epi_float>(p, x, w, scale, bias, residual, y, part,
                                                          parts);
}

// Same contract as xn_bconv_threshold with group == 1, w packed by xn_avx2_bconv_pack.
XN_AVX2_TARGET __attribute__((flatten)) inline void
xn_avx2_bconv_threshold(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                        const int32_t *thresh, const int32_t *dir, uint64_t *y, int part = 0,
                        int parts = 1) {
  xn_oc_bconv_threshold<xn_avx2_bconv_isa, xn_avx2_epi_thresh>(p, x, w, thresh, dir, y, part,
                                                               parts);
}

// Same contract as xn_bdense (generic/bdense.h), w packed by xn_avx2_bdense_pack.
XN_AVX2_TARGET inline void xn_avx2_bdense(const xn_bdense_params *p, const uint64_t *x,
                                          const uint64_t *w, const float *scale, const float *bias,
                                          const float *residual, float *y) {
  const xn_bconv_params q = xn_x86_bdense_as_conv(p);
  xn_avx2_bconv(&q, x, w, scale, bias, residual, y);
}

XN_AVX2_TARGET inline void xn_avx2_bdense_threshold(const xn_bdense_params *p, const uint64_t *x,
                                                    const uint64_t *w, const int32_t *thresh,
                                                    const int32_t *dir, uint64_t *y) {
  const xn_bconv_params q = xn_x86_bdense_as_conv(p);
  xn_avx2_bconv_threshold(&q, x, w, thresh, dir, y);
}

#endif // XNORC_RUNTIME_X86_AVX2_BCONV_H
