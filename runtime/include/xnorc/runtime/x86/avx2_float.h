// Float conv and Gemm for AVX2 + FMA: the AVX-512 design (x86/avx512_float.h) on 8-lane
// vectors with 16 registers.
//
// Conv: weights [ceil(c_out/4)][c_in][kh][kw][4] (x86/float_common.h). Register tile: 4
// output channels x 3 vectors of 8 consecutive output pixels (12 ymm accumulators). Input
// vectors: stride 1 a masked load (vmaskmovps: masked-out lanes read 0, never fault);
// stride 2 two masked loads, vshufps + vpermpd to keep the even lanes; larger strides a
// masked gather. Kernel rows outside the input are skipped. Output: masked stores into NCHW
// rows; bias is the accumulators' initial value; Relu in registers.
//
// Gemm: B packed as [ceil(N/8)][K][8], up to 8 column blocks per pass.
#ifndef XNORC_RUNTIME_X86_AVX2_FLOAT_H
#define XNORC_RUNTIME_X86_AVX2_FLOAT_H

#include "float_common.h"

#include <immintrin.h>

#define XN_AVX2F_TARGET __attribute__((target("avx2,fma")))
#define XN_AVX2F_P 3 // pixel vectors per conv register tile

// ---- compile-time weight packing (plain C++) ----

inline size_t xn_avx2_conv_packed_floats(const xn_conv_params *p) {
  int64_t taps = p->c_in / p->group;
  for (int32_t d = 0; d < p->spatial_rank; ++d)
    taps *= p->kernel[d];
  return xn_x86_conv_packed_floats(p->c_out, taps, XN_AVX2F_T);
}
inline void xn_avx2_conv_pack(const xn_conv_params *p, const float *generic_w, float *packed) {
  int64_t taps = p->c_in / p->group;
  for (int32_t d = 0; d < p->spatial_rank; ++d)
    taps *= p->kernel[d];
  xn_x86_conv_pack(p->c_out, taps, XN_AVX2F_T, generic_w, packed);
}

// ---- conv ----

// Lanes [lo, hi) of 8 as a vmaskmovps mask.
XN_AVX2F_TARGET inline __m256i xn_avx2_lane_mask(int64_t lo, int64_t hi) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i ge = _mm256_cmpgt_epi32(idx, _mm256_set1_epi32((int)(lo - 1)));
  const __m256i lt = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), idx);
  return _mm256_and_si256(ge, lt);
}

inline int64_t xn_x86_clamp(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

// One register tile (see xn_avx512_conv_tile). mk[(i * kw + kx) * 2 + h] masks half h of
// pixel vector i's input at kernel column kx (h = 1 only for stride 2).
template <int P, int S>
XN_AVX2F_TARGET inline void
xn_avx2_conv_tile(const xn_conv_params *p, const xn_x86_conv_geom *g, const float *xn,
                  int64_t ky_lo, int64_t ky_hi, int64_t iy0, int64_t ix0, const __m256i *mk,
                  const float *wb, const float *bias, int64_t ob, float *yn, int64_t oy,
                  int64_t ox0, int64_t rem) {
  const int T = XN_AVX2F_T;
  __m256 acc[P][T];
  XN_X86F_UNROLL
  for (int t = 0; t < T; ++t) {
    const int64_t m = ob * T + t;
    const __m256 b0 = _mm256_set1_ps(bias != NULL && m < p->c_out ? bias[m] : 0.0f);
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i)
      acc[i][t] = b0;
  }
  const int64_t kh = g->kh, kw = g->kw, iw = g->iw;
  const int64_t plane = g->ih * iw;
  const int64_t sw = g->sw;
  const __m256i gidx = _mm256_mullo_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                                          _mm256_set1_epi32((int)sw));
  for (int64_t c = 0; c < p->c_in; ++c) {
    const float *xc = xn + c * plane;
    const float *wc = wb + c * kh * kw * T;
    for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
      const float *src = xc + (iy0 + ky * g->dh) * iw + ix0;
      const float *wk = wc + ky * kw * T;
      for (int64_t kx = 0; kx < kw; ++kx, src += g->dw, wk += T) {
        __m256 xv[P];
        XN_X86F_UNROLL
        for (int i = 0; i < P; ++i) {
          const __m256i *m = mk + (i * kw + kx) * 2;
          if (S == 1) {
            xv[i] = _mm256_maskload_ps(src + 8 * i, m[0]);
          } else if (S == 2) {
            const __m256 lo = _mm256_maskload_ps(src + 16 * i, m[0]);
            const __m256 hi = _mm256_maskload_ps(src + 16 * i + 8, m[1]);
            const __m256 ev = _mm256_shuffle_ps(lo, hi, 0x88); // l0 l2 h0 h2 | l4 l6 h4 h6
            xv[i] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(ev), 0xD8));
          } else {
            xv[i] = _mm256_mask_i32gather_ps(_mm256_setzero_ps(), src + 8 * i * sw, gidx,
                                             _mm256_castsi256_ps(m[0]), 4);
          }
        }
        XN_X86F_UNROLL
        for (int t = 0; t < T; ++t) {
          const __m256 wv = _mm256_broadcast_ss(wk + t);
          XN_X86F_UNROLL
          for (int i = 0; i < P; ++i)
            acc[i][t] = _mm256_fmadd_ps(xv[i], wv, acc[i][t]);
        }
      }
    }
  }
  const int64_t tv = p->c_out - ob * T < T ? p->c_out - ob * T : T;
  const int64_t width = rem < 8 * P ? rem : 8 * P;
  const bool relu = p->act_kind == XN_ACT_RELU;
  XN_X86F_UNROLL
  for (int t = 0; t < T; ++t) {
    if (t >= tv)
      break;
    float *yr = yn + ((ob * T + t) * g->oh + oy) * g->ow + ox0;
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i) {
      const int64_t nv = width - 8 * i;
      __m256 v = acc[i][t];
      if (relu)
        v = _mm256_max_ps(_mm256_setzero_ps(), v); // NaN stays NaN
      if (nv >= 8)
        _mm256_storeu_ps(yr + 8 * i, v);
      else
        _mm256_maskstore_ps(yr + 8 * i, xn_avx2_lane_mask(0, nv), v);
    }
    if (p->act_kind != XN_ACT_NONE && !relu)
      xn_x86_act_row(p->act_kind, p->act_alpha, p->act_beta, yr, width);
  }
}

template <int P, int S>
XN_AVX2F_TARGET inline void xn_avx2_conv_tiles(const xn_conv_params *p, const xn_x86_conv_geom *g,
                                               const float *xn, int64_t ky_lo, int64_t ky_hi,
                                               int64_t iy0, const float *w, const float *bias,
                                               float *yn, int64_t oy, int64_t ox0) {
  const int64_t ix0 = ox0 * g->sw - g->pw;
  __m256i mk[P * XN_X86_CONV_MAX_KW * 2];
  for (int i = 0; i < P; ++i)
    for (int64_t kx = 0; kx < g->kw; ++kx) {
      int64_t lo, hi;
      __m256i *m = mk + (i * g->kw + kx) * 2;
      if (S == 2) { // 16 consecutive input columns, 16 * i on
        xn_tap_range(ix0 + 16 * i + kx * g->dw, 1, 16, 0, g->iw, &lo, &hi);
        m[0] = xn_avx2_lane_mask(lo, xn_x86_clamp(hi, 0, 8));
        m[1] = xn_avx2_lane_mask(xn_x86_clamp(lo - 8, 0, 8), hi - 8);
      } else { // 8 input columns, sw apart
        xn_tap_range(ix0 + 8 * i * g->sw + kx * g->dw, g->sw, 8, 0, g->iw, &lo, &hi);
        m[0] = xn_avx2_lane_mask(lo, hi);
        m[1] = m[0];
      }
    }
  const int64_t blocks = (p->c_out + XN_AVX2F_T - 1) / XN_AVX2F_T;
  const int64_t wblock = p->c_in * g->kh * g->kw * XN_AVX2F_T;
  for (int64_t ob = 0; ob < blocks; ++ob)
    xn_avx2_conv_tile<P, S>(p, g, xn, ky_lo, ky_hi, iy0, ix0, mk, w + ob * wblock, bias, ob, yn,
                            oy, ox0, g->ow - ox0);
}

template <int S>
XN_AVX2F_TARGET inline void xn_avx2_conv_run(const xn_conv_params *p, const xn_x86_conv_geom *g,
                                             const float *x, const float *w, const float *bias,
                                             float *y) {
  const int P = XN_AVX2F_P;
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c_in * g->ih * g->iw;
    float *yn = y + n * p->c_out * g->oh * g->ow;
    for (int64_t oy = 0; oy < g->oh; ++oy) {
      const int64_t iy0 = oy * g->sh - g->ph;
      int64_t ky_lo, ky_hi;
      xn_tap_range(iy0, g->dh, g->kh, 0, g->ih, &ky_lo, &ky_hi);
      int64_t ox0 = 0;
      for (; ox0 + 8 * P <= g->ow; ox0 += 8 * P)
        xn_avx2_conv_tiles<P, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
      const int64_t rem = g->ow - ox0;
      if (rem > 16)
        xn_avx2_conv_tiles<3, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
      else if (rem > 8)
        xn_avx2_conv_tiles<2, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
      else if (rem > 0)
        xn_avx2_conv_tiles<1, S>(p, g, xn, ky_lo, ky_hi, iy0, w, bias, yn, oy, ox0);
    }
  }
}

// Same contract as xn_conv (generic/conv.h) for convs xn_x86_conv_supported() accepts, with
// w packed by xn_avx2_conv_pack.
XN_AVX2F_TARGET inline void xn_avx2_conv(const xn_conv_params *p, const float *x, const float *w,
                                         const float *bias, float *y) {
  const xn_x86_conv_geom g = xn_x86_conv_view(p);
  if (g.sw == 1)
    xn_avx2_conv_run<1>(p, &g, x, w, bias, y);
  else if (g.sw == 2)
    xn_avx2_conv_run<2>(p, &g, x, w, bias, y);
  else
    xn_avx2_conv_run<0>(p, &g, x, w, bias, y);
}

// ---- Gemm ----

inline size_t xn_avx2_gemm_packed_floats(const xn_gemm_params *p) {
  return xn_x86_gemm_packed_floats(p->N, p->K, XN_AVX2F_V);
}
inline void xn_avx2_gemm_pack(const xn_gemm_params *p, const float *b, float *packed) {
  xn_x86_gemm_pack(p->N, p->K, XN_AVX2F_V, p->trans_b, b, packed);
}

template <int B>
XN_AVX2F_TARGET inline void xn_avx2_gemv_blocks(int64_t N, int64_t K, const float *am,
                                                int64_t a_sk, const float *bp, int64_t nb,
                                                float *yr) {
  __m256 acc[B];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b)
    acc[b] = _mm256_setzero_ps();
  const float *w = bp + nb * K * 8;
  for (int64_t k = 0; k < K; ++k) {
    const __m256 av = _mm256_broadcast_ss(am + k * a_sk);
    XN_X86F_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b] = _mm256_fmadd_ps(av, _mm256_loadu_ps(w + (b * K + k) * 8), acc[b]);
  }
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b) {
    const int64_t nv = N - (nb + b) * 8;
    if (nv >= 8)
      _mm256_storeu_ps(yr + (nb + b) * 8, acc[b]);
    else
      _mm256_maskstore_ps(yr + (nb + b) * 8, xn_avx2_lane_mask(0, nv), acc[b]);
  }
}

// Same contract as xn_gemm (generic/gemm.h) with b packed by xn_avx2_gemm_pack.
XN_AVX2F_TARGET inline void xn_avx2_gemm(const xn_gemm_params *p, const float *a,
                                         const float *bp, const float *c, float *y) {
  const int64_t M = p->M, N = p->N, K = p->K;
  const int64_t a_sm = p->trans_a ? 1 : K;
  const int64_t a_sk = p->trans_a ? M : 1;
  const int64_t blocks = (N + 7) / 8;
  for (int64_t m = 0; m < M; ++m) {
    const float *am = a + m * a_sm;
    float *yr = y + m * N;
    int64_t nb = 0;
    for (; nb + 8 <= blocks; nb += 8)
      xn_avx2_gemv_blocks<8>(N, K, am, a_sk, bp, nb, yr);
    for (; nb + 4 <= blocks; nb += 4)
      xn_avx2_gemv_blocks<4>(N, K, am, a_sk, bp, nb, yr);
    for (; nb < blocks; ++nb)
      xn_avx2_gemv_blocks<1>(N, K, am, a_sk, bp, nb, yr);
    xn_x86_gemm_epilogue_row(p, c, m, yr);
  }
}

#endif // XNORC_RUNTIME_X86_AVX2_FLOAT_H
