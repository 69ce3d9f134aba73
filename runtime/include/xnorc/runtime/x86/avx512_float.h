// Float conv and Gemm for AVX-512 (F): direct NCHW conv and a packed Gemm / GEMV.
//
// Conv: weights [ceil(c_out/8)][c_in][kh][kw][8] (x86/float_common.h), packed at compile
// time. Register tile: 8 output channels x P vectors of 16 consecutive output pixels of one
// output row (P = 3: 24 zmm accumulators). For every (input channel, kernel row, kernel
// column) the tile loads P input vectors and does 8 x P FMAs with broadcast weights. Input
// vectors by stride along W: stride 1 is a plain load; stride 2 two loads whose even lanes
// vpermt2ps compresses; larger strides a gather. Zero padding is exact: kernel rows outside
// the input are skipped, and every load is masked to the input row's [0, W) (masked-out
// lanes read as 0 and never fault), so borders need no separate path. A 1x1 stride-1 conv
// is one long row of H*W pixels. Output: masked vector stores straight into NCHW rows, bias
// as the accumulators' initial value, Relu in registers (other fused activations on the
// stored row).
//
// Gemm: B packed as [ceil(N/16)][K][16]; each row of A runs over up to 8 column blocks at a
// time (8 independent accumulators), one broadcast of A[m][k] per k.
//
// Results equal the generic kernels' up to float summation order (FMA, no intermediate
// rounding). Per-function target attributes: builds without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_FLOAT_H
#define XNORC_RUNTIME_X86_AVX512_FLOAT_H

#include "float_common.h"

#include <immintrin.h>

#define XN_AVX512F_TARGET __attribute__((target("avx512f,fma")))
#define XN_AVX512F_P 3 // pixel vectors per conv register tile

// ---- compile-time weight packing (plain C++) ----

inline size_t xn_avx512_conv_packed_floats(const xn_conv_params *p) {
  int64_t taps = p->c_in / p->group;
  for (int32_t d = 0; d < p->spatial_rank; ++d)
    taps *= p->kernel[d];
  return xn_x86_conv_packed_floats(p->c_out, taps, XN_AVX512F_T);
}
inline void xn_avx512_conv_pack(const xn_conv_params *p, const float *generic_w, float *packed) {
  int64_t taps = p->c_in / p->group;
  for (int32_t d = 0; d < p->spatial_rank; ++d)
    taps *= p->kernel[d];
  xn_x86_conv_pack(p->c_out, taps, XN_AVX512F_T, generic_w, packed);
}

// ---- conv ----

// Mask of lanes [lo, hi) of 32.
inline uint32_t xn_x86_lane_range(int64_t lo, int64_t hi) {
  if (hi <= lo)
    return 0;
  const uint32_t h = hi >= 32 ? 0xffffffffu : ((1u << hi) - 1);
  return h & ~((1u << lo) - 1);
}

// Pixel vector i of a tile whose lane 0 reads src (S as below, m its lane mask).
template <int S>
XN_AVX512F_TARGET inline __m512 xn_avx512_conv_load(const float *src, int i, uint32_t m,
                                                    __m512i even, __m512i gidx, int64_t sw) {
  if (S == 1)
    return _mm512_maskz_loadu_ps((__mmask16)m, src + 16 * i);
  if (S == 2) {
    const __m512 lo = _mm512_maskz_loadu_ps((__mmask16)m, src + 32 * i);
    const __m512 hi = _mm512_maskz_loadu_ps((__mmask16)(m >> 16), src + 32 * i + 16);
    return _mm512_permutex2var_ps(lo, even, hi);
  }
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), (__mmask16)m, gidx, src + 16 * i * sw, 4);
}

// One register tile: output row oy (input rows from iy0), output pixels from ox0 (their
// first tap's input column ix0 = ox0 * sw - pw), channel block ob. S is the W stride when 1
// or 2, 0 for any stride (gathers). K1: the kernel is 1x1 (one tap per input channel: the
// channel loop is the only loop). mk[i * kw + kx] masks the input lanes of pixel vector i at
// kernel column kx. `rem` output pixels remain in the row from ox0.
template <int P, int S, bool K1>
XN_AVX512F_TARGET inline void
xn_avx512_conv_tile(const xn_conv_params *p, const xn_x86_conv_geom *g, const float *xn,
                    int64_t ky_lo, int64_t ky_hi, int64_t iy0, int64_t ix0, const uint32_t *mk,
                    const float *wb, const float *bias, int64_t ob, float *yn, int64_t oy,
                    int64_t ox0, int64_t rem) {
  const int T = XN_AVX512F_T;
  __m512 acc[P][T];
  XN_X86F_UNROLL
  for (int t = 0; t < T; ++t) {
    const int64_t m = ob * T + t;
    const __m512 b0 = _mm512_set1_ps(bias != NULL && m < p->c_out ? bias[m] : 0.0f);
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i)
      acc[i][t] = b0;
  }
  const int64_t kh = g->kh, kw = g->kw, iw = g->iw;
  const int64_t plane = g->ih * iw;
  const int64_t sw = g->sw;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i gidx = _mm512_mullo_epi32(
      _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
      _mm512_set1_epi32((int)sw));
  if (K1) {
    if (ky_lo < ky_hi) {
      uint32_t m[P];
      XN_X86F_UNROLL
      for (int i = 0; i < P; ++i)
        m[i] = mk[i];
      const float *src = xn + iy0 * iw + ix0;
      const float *wc = wb;
      for (int64_t c = 0; c < p->c_in; ++c, src += plane, wc += T) {
        __m512 xv[P];
        XN_X86F_UNROLL
        for (int i = 0; i < P; ++i)
          xv[i] = xn_avx512_conv_load<S>(src, i, m[i], even, gidx, sw);
        XN_X86F_UNROLL
        for (int t = 0; t < T; ++t) {
          const __m512 wv = _mm512_set1_ps(wc[t]);
          XN_X86F_UNROLL
          for (int i = 0; i < P; ++i)
            acc[i][t] = _mm512_fmadd_ps(xv[i], wv, acc[i][t]);
        }
      }
    }
  } else {
    for (int64_t c = 0; c < p->c_in; ++c) {
      const float *xc = xn + c * plane;
      const float *wc = wb + c * kh * kw * T;
      for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
        const float *src = xc + (iy0 + ky * g->dh) * iw + ix0;
        const float *wk = wc + ky * kw * T;
        for (int64_t kx = 0; kx < kw; ++kx, src += g->dw, wk += T) {
          __m512 xv[P];
          XN_X86F_UNROLL
          for (int i = 0; i < P; ++i)
            xv[i] = xn_avx512_conv_load<S>(src, i, mk[i * kw + kx], even, gidx, sw);
          XN_X86F_UNROLL
          for (int t = 0; t < T; ++t) {
            const __m512 wv = _mm512_set1_ps(wk[t]);
            XN_X86F_UNROLL
            for (int i = 0; i < P; ++i)
              acc[i][t] = _mm512_fmadd_ps(xv[i], wv, acc[i][t]);
          }
        }
      }
    }
  }
  const int64_t tv = p->c_out - ob * T < T ? p->c_out - ob * T : T;
  const int64_t width = rem < 16 * P ? rem : 16 * P;
  const bool relu = p->act_kind == XN_ACT_RELU;
  XN_X86F_UNROLL
  for (int t = 0; t < T; ++t) {
    if (t >= tv)
      break;
    float *yr = yn + ((ob * T + t) * g->oh + oy) * g->ow + ox0;
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i) {
      const int64_t nv = width - 16 * i;
      const __mmask16 sm = nv >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nv) - 1);
      __m512 v = acc[i][t];
      if (relu)
        v = _mm512_maskz_max_ps((__mmask16)0xffff, _mm512_setzero_ps(), v); // NaN stays NaN
      _mm512_mask_storeu_ps(yr + 16 * i, sm, v);
    }
    if (p->act_kind != XN_ACT_NONE && !relu)
      xn_x86_act_row(p->act_kind, p->act_alpha, p->act_beta, yr, width);
  }
}

// Every channel block of the tile of P pixel vectors at (oy, ox0).
template <int P, int S>
XN_AVX512F_TARGET inline void xn_avx512_conv_tiles(const xn_conv_params *p,
                                                   const xn_x86_conv_geom *g, const float *xn,
                                                   int64_t ky_lo, int64_t ky_hi, int64_t iy0,
                                                   const float *w, const float *bias,
                                                   float *yn, int64_t oy, int64_t ox0) {
  const int64_t ix0 = ox0 * g->sw - g->pw;
  uint32_t mk[P * XN_X86_CONV_MAX_KW];
  for (int i = 0; i < P; ++i)
    for (int64_t kx = 0; kx < g->kw; ++kx) {
      int64_t lo, hi;
      if (S == 2) // 32 consecutive input columns, 16 * 2 * i on
        xn_tap_range(ix0 + 32 * i + kx * g->dw, 1, 32, 0, g->iw, &lo, &hi);
      else // 16 input columns, sw apart
        xn_tap_range(ix0 + 16 * i * g->sw + kx * g->dw, g->sw, 16, 0, g->iw, &lo, &hi);
      mk[i * g->kw + kx] = xn_x86_lane_range(lo, hi);
    }
  const int64_t blocks = (p->c_out + XN_AVX512F_T - 1) / XN_AVX512F_T;
  const int64_t wblock = p->c_in * g->kh * g->kw * XN_AVX512F_T;
  for (int64_t ob = 0; ob < blocks; ++ob)
    if (g->kh == 1 && g->kw == 1)
      xn_avx512_conv_tile<P, S, true>(p, g, xn, ky_lo, ky_hi, iy0, ix0, mk, w + ob * wblock, bias,
                                      ob, yn, oy, ox0, g->ow - ox0);
    else
      xn_avx512_conv_tile<P, S, false>(p, g, xn, ky_lo, ky_hi, iy0, ix0, mk, w + ob * wblock,
                                       bias, ob, yn, oy, ox0, g->ow - ox0);
}

template <int S>
XN_AVX512F_TARGET inline void xn_avx512_conv_run(const xn_conv_params *p,
                                                 const xn_x86_conv_geom *g, const float *x,
                                                 const float *w, const float *bias, float *y) {
  const int P = XN_AVX512F_P;
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c_in * g->ih * g->iw;
    float *yn = y + n * p->c_out * g->oh * g->ow;
    for (int64_t oy = 0; oy < g->oh; ++oy) {
      const int64_t iy0 = oy * g->sh - g->ph;
      int64_t ky_lo, ky_hi;
      xn_tap_range(iy0, g->dh, g->kh, 0, g->ih, &ky_lo, &ky_hi);
      int64_t ox0 = 0;
      for (; ox0 + 16 * P <= g->ow; ox0 += 16 * P)
        xn_avx512_conv_tiles<P, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
      const int64_t rem = g->ow - ox0;
      if (rem > 32)
        xn_avx512_conv_tiles<3, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
      else if (rem > 16)
        xn_avx512_conv_tiles<2, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
      else if (rem > 0)
        xn_avx512_conv_tiles<1, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
    }
  }
}

// Same contract as xn_conv (generic/conv.h) for convs xn_x86_conv_supported() accepts, with
// w packed by xn_avx512_conv_pack.
XN_AVX512F_TARGET inline void xn_avx512_conv(const xn_conv_params *p, const float *x,
                                             const float *w, const float *bias, float *y) {
  const xn_x86_conv_geom g = xn_x86_conv_view(p);
  if (g.sw == 1)
    xn_avx512_conv_run<1>(p, &g, x, w, bias, y);
  else if (g.sw == 2)
    xn_avx512_conv_run<2>(p, &g, x, w, bias, y);
  else
    xn_avx512_conv_run<0>(p, &g, x, w, bias, y);
}

// ---- Gemm ----

inline size_t xn_avx512_gemm_packed_floats(const xn_gemm_params *p) {
  return xn_x86_gemm_packed_floats(p->N, p->K, XN_AVX512F_V);
}
inline void xn_avx512_gemm_pack(const xn_gemm_params *p, const float *b, float *packed) {
  xn_x86_gemm_pack(p->N, p->K, XN_AVX512F_V, p->trans_b, b, packed);
}

// Columns [nb * 16, (nb + B) * 16) of output row yr.
template <int B>
XN_AVX512F_TARGET inline void xn_avx512_gemv_blocks(int64_t N, int64_t K, const float *am,
                                                    int64_t a_sk, const float *bp, int64_t nb,
                                                    float *yr) {
  __m512 acc[B];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b)
    acc[b] = _mm512_setzero_ps();
  const float *w = bp + nb * K * 16;
  for (int64_t k = 0; k < K; ++k) {
    const __m512 av = _mm512_set1_ps(am[k * a_sk]);
    XN_X86F_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b] = _mm512_fmadd_ps(av, _mm512_loadu_ps(w + (b * K + k) * 16), acc[b]);
  }
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b) {
    const int64_t nv = N - (nb + b) * 16;
    const __mmask16 sm = nv >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nv) - 1);
    _mm512_mask_storeu_ps(yr + (nb + b) * 16, sm, acc[b]);
  }
}

// Same contract as xn_gemm (generic/gemm.h) with b packed by xn_avx512_gemm_pack.
XN_AVX512F_TARGET inline void xn_avx512_gemm(const xn_gemm_params *p, const float *a,
                                             const float *bp, const float *c, float *y) {
  const int64_t M = p->M, N = p->N, K = p->K;
  const int64_t a_sm = p->trans_a ? 1 : K;
  const int64_t a_sk = p->trans_a ? M : 1;
  const int64_t blocks = (N + 15) / 16;
  for (int64_t m = 0; m < M; ++m) {
    const float *am = a + m * a_sm;
    float *yr = y + m * N;
    int64_t nb = 0;
    for (; nb + 8 <= blocks; nb += 8)
      xn_avx512_gemv_blocks<8>(N, K, am, a_sk, bp, nb, yr);
    for (; nb + 4 <= blocks; nb += 4)
      xn_avx512_gemv_blocks<4>(N, K, am, a_sk, bp, nb, yr);
    for (; nb < blocks; ++nb)
      xn_avx512_gemv_blocks<1>(N, K, am, a_sk, bp, nb, yr);
    xn_x86_gemm_epilogue_row(p, c, m, yr);
  }
}

#endif // XNORC_RUNTIME_X86_AVX512_FLOAT_H
