// Float "glue" kernels for AVX2: MaxPool, AveragePool (1-D/2-D, W stride 1 or 2) and
// threshold (float -> packed bits), bit-identical to the generic kernels. The AVX2
// counterpart of x86/avx512_glue.h (see there): 8 output pixels per ymm, lane masks as
// vectors (vmaskmovps loads never touch masked-out lanes), and masked updates as blends.
// Other shapes fall back to the generic kernels. Per-function target attributes: builds
// without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX2_GLUE_H
#define XNORC_RUNTIME_X86_AVX2_GLUE_H

#include "glue_common.h"

#include <immintrin.h>

#define XN_AVX2G_TARGET __attribute__((target("avx2")))

// All-ones in lanes [lo, hi) of 8, offset by `base` (lane i is index base + i).
XN_AVX2G_TARGET inline __m256i xn_avx2g_lanes(int64_t lo, int64_t hi, int base) {
  const __m256i i =
      _mm256_add_epi32(_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), _mm256_set1_epi32(base));
  return _mm256_and_si256(_mm256_cmpgt_epi32(i, _mm256_set1_epi32(static_cast<int>(lo) - 1)),
                          _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(hi)), i));
}

// Per-kernel-column lane masks of one block of 8 output pixels (see xn_avx512g_cols).
struct xn_avx2g_cols {
  __m256i out[XN_X86_GLUE_MAX_KW], l0[XN_X86_GLUE_MAX_KW], l1[XN_X86_GLUE_MAX_KW];
};

XN_AVX2G_TARGET inline void xn_avx2g_col_masks(int64_t cx, int64_t s, int64_t lanes, int64_t kw,
                                               int64_t a, int64_t b, xn_avx2g_cols *m) {
  for (int64_t kx = 0; kx < kw; ++kx) {
    int64_t lo, hi;
    xn_x86_lane_span(cx + kx, s, lanes, a, b, &lo, &hi);
    m->out[kx] = xn_avx2g_lanes(lo, hi, 0);
    if (s == 1) {
      m->l0[kx] = m->out[kx];
      m->l1[kx] = _mm256_setzero_si256();
    } else {
      // Raw lanes [2 lo, 2 hi - 1) of 16; the even ones are the taps.
      const int64_t r0 = 2 * lo, r1 = hi > lo ? 2 * hi - 1 : r0;
      m->l0[kx] = xn_avx2g_lanes(r0, r1, 0);
      m->l1[kx] = xn_avx2g_lanes(r0, r1, 8);
    }
  }
}

// The 8 taps at kernel column kx of a block whose lane 0 reads src (others 0, never read).
template <int S>
XN_AVX2G_TARGET inline __m256 xn_avx2g_load(const float *src, const xn_avx2g_cols *m, int64_t kx) {
  if (S == 1)
    return _mm256_maskload_ps(src, m->l0[kx]);
  const __m256 x0 = _mm256_maskload_ps(src, m->l0[kx]);
  const __m256 x1 = _mm256_maskload_ps(src + 8, m->l1[kx]);
  const __m256 e = _mm256_shuffle_ps(x0, x1, 0x88); // x0[0,2] x1[0,2] | x0[4,6] x1[4,6]
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xD8));
}

// B blocks of 8 output pixels at a time (independent max / add chains).
template <int S, int B>
XN_AVX2G_TARGET inline void xn_avx2_maxpool_s(const xn_x86_pool2d *g, const float *x, float *y) {
  xn_avx2g_cols cm[B];
  for (int64_t pl = 0; pl < g->planes; ++pl) {
    const float *xp = x + pl * g->ih * g->iw;
    float *yp = y + pl * g->oh * g->ow;
    for (int64_t ox0 = 0; ox0 < g->ow; ox0 += 8 * B) {
      const int64_t cx = ox0 * S - g->pw;
      __m256i st[B];
      XN_X86G_UNROLL
      for (int b = 0; b < B; ++b) {
        const int64_t left = g->ow - ox0 - 8 * b;
        const int64_t lanes = left < 0 ? 0 : left < 8 ? left : 8;
        st[b] = xn_avx2g_lanes(0, lanes, 0);
        xn_avx2g_col_masks(cx + 8 * S * b, S, lanes, g->kw, 0, g->iw, &cm[b]);
      }
      for (int64_t oy = 0; oy < g->oh; ++oy) {
        const int64_t y0 = oy * g->sh - g->ph;
        int64_t ky_lo, ky_hi;
        xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
        __m256 m[B];
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b)
          m[b] = _mm256_set1_ps(-INFINITY);
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *xr = xp + (y0 + ky) * g->iw + cx;
          for (int64_t kx = 0; kx < g->kw; ++kx) {
            XN_X86G_UNROLL
            for (int b = 0; b < B; ++b) {
              // vmaxps(v, m) is v > m ? v : m, the generic comparison; only the tap's lanes.
              const __m256 v = xn_avx2g_load<S>(xr + 8 * S * b + kx, &cm[b], kx);
              m[b] = _mm256_blendv_ps(m[b], _mm256_max_ps(v, m[b]),
                                      _mm256_castsi256_ps(cm[b].out[kx]));
            }
          }
        }
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b)
          _mm256_maskstore_ps(yp + oy * g->ow + ox0 + 8 * b, st[b], m[b]);
      }
    }
  }
}

inline void xn_avx2_maxpool(const xn_pool_params *p, const float *x, float *y, int part = 0,
                            int parts = 1) {
  xn_x86_pool2d g;
  if (!xn_x86_pool2d_begin(p, part, parts, xn_maxpool, &g, &x, &y))
    return;
  const int64_t blocks = (g.ow + 7) / 8;
  if (g.sw == 1)
    blocks >= 3   ? xn_avx2_maxpool_s<1, 4>(&g, x, y)
    : blocks == 2 ? xn_avx2_maxpool_s<1, 2>(&g, x, y)
                  : xn_avx2_maxpool_s<1, 1>(&g, x, y);
  else
    blocks >= 3   ? xn_avx2_maxpool_s<2, 4>(&g, x, y)
    : blocks == 2 ? xn_avx2_maxpool_s<2, 2>(&g, x, y)
                  : xn_avx2_maxpool_s<2, 1>(&g, x, y);
}

template <int S, int B>
XN_AVX2G_TARGET inline void xn_avx2_avgpool_s(const xn_x86_pool2d *g, int incl, const float *x,
                                              float *y) {
  xn_avx2g_cols cm[B], cc;
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int64_t pl = 0; pl < g->planes; ++pl) {
    const float *xp = x + pl * g->ih * g->iw;
    float *yp = y + pl * g->oh * g->ow;
    for (int64_t ox0 = 0; ox0 < g->ow; ox0 += 8 * B) {
      const int64_t cx = ox0 * S - g->pw;
      __m256i st[B];
      __m256 cols[B]; // per-lane column tap count (small integers: exact)
      XN_X86G_UNROLL
      for (int b = 0; b < B; ++b) {
        const int64_t left = g->ow - ox0 - 8 * b;
        const int64_t lanes = left < 0 ? 0 : left < 8 ? left : 8;
        st[b] = xn_avx2g_lanes(0, lanes, 0);
        xn_avx2g_col_masks(cx + 8 * S * b, S, lanes, g->kw, 0, g->iw, &cm[b]);
        if (incl)
          xn_avx2g_col_masks(cx + 8 * S * b, S, lanes, g->kw, -g->pw, g->iw + g->pew, &cc);
        cols[b] = _mm256_setzero_ps();
        for (int64_t kx = 0; kx < g->kw; ++kx)
          cols[b] = _mm256_add_ps(
              cols[b], _mm256_and_ps(one, _mm256_castsi256_ps(incl ? cc.out[kx] : cm[b].out[kx])));
      }
      for (int64_t oy = 0; oy < g->oh; ++oy) {
        const int64_t y0 = oy * g->sh - g->ph;
        int64_t ky_lo, ky_hi, cy_lo, cy_hi;
        xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
        xn_tap_range(y0, 1, g->kh, -g->ph, g->ih + g->peh, &cy_lo, &cy_hi);
        const __m256 rows =
            _mm256_set1_ps(static_cast<float>(incl ? cy_hi - cy_lo : ky_hi - ky_lo));
        __m256 sum[B]; // the generic order: kernel row, then column
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b)
          sum[b] = _mm256_setzero_ps();
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *xr = xp + (y0 + ky) * g->iw + cx;
          for (int64_t kx = 0; kx < g->kw; ++kx) {
            XN_X86G_UNROLL
            for (int b = 0; b < B; ++b) {
              const __m256 v = xn_avx2g_load<S>(xr + 8 * S * b + kx, &cm[b], kx);
              sum[b] = _mm256_blendv_ps(sum[b], _mm256_add_ps(sum[b], v),
                                        _mm256_castsi256_ps(cm[b].out[kx]));
            }
          }
        }
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b) {
          const __m256 count = _mm256_mul_ps(rows, cols[b]);
          const __m256 nz = _mm256_cmp_ps(count, _mm256_setzero_ps(), _CMP_GT_OQ);
          _mm256_maskstore_ps(yp + oy * g->ow + ox0 + 8 * b, st[b],
                              _mm256_and_ps(nz, _mm256_div_ps(sum[b], count)));
        }
      }
    }
  }
}

inline void xn_avx2_avgpool(const xn_pool_params *p, const float *x, float *y, int part = 0,
                            int parts = 1) {
  xn_x86_pool2d g;
  if (!xn_x86_pool2d_begin(p, part, parts, xn_avgpool, &g, &x, &y))
    return;
  const int incl = p->count_include_pad != 0;
  const int64_t blocks = (g.ow + 7) / 8;
  if (g.sw == 1)
    blocks >= 3   ? xn_avx2_avgpool_s<1, 4>(&g, incl, x, y)
    : blocks == 2 ? xn_avx2_avgpool_s<1, 2>(&g, incl, x, y)
                  : xn_avx2_avgpool_s<1, 1>(&g, incl, x, y);
  else
    blocks >= 3   ? xn_avx2_avgpool_s<2, 4>(&g, incl, x, y)
    : blocks == 2 ? xn_avx2_avgpool_s<2, 2>(&g, incl, x, y)
                  : xn_avx2_avgpool_s<2, 1>(&g, incl, x, y);
}

XN_AVX2G_TARGET inline void xn_avx2_threshold_v(const xn_threshold_params *p, const float *x,
                                                const float *tau, const float *dir, uint64_t *y,
                                                int64_t s_lo, int64_t s_hi) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t s0 = s_lo; s0 < s_hi; s0 += 8) {
      const int64_t lanes = s_n - s0 < 8 ? s_n - s0 : 8;
      const __m256i lm = xn_avx2g_lanes(0, lanes, 0);
      for (int64_t j = 0; j < cw; ++j) {
        const int64_t c_end = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
        __m256i w0 = _mm256_setzero_si256(), w1 = _mm256_setzero_si256();
        __m256i bit = _mm256_set1_epi64x(1);
        for (int64_t cc = 0; cc < c_end; ++cc) {
          const int64_t c = 64 * j + cc;
          const __m256 v = _mm256_maskload_ps(xn + c * s_n + s0, lm);
          const __m256 t = _mm256_set1_ps(tau ? tau[c] : 0.0f);
          // All-ones (-1) where the comparison fails; unordered (NaN) fails too.
          const __m256 f = (dir ? dir[c] > 0.0f : true) ? _mm256_cmp_ps(v, t, _CMP_NGE_UQ)
                                                        : _mm256_cmp_ps(v, t, _CMP_NLE_UQ);
          const __m256i k = _mm256_and_si256(_mm256_castps_si256(f), lm);
          w0 = _mm256_or_si256(
              w0, _mm256_and_si256(bit, _mm256_cvtepi32_epi64(_mm256_castsi256_si128(k))));
          w1 = _mm256_or_si256(
              w1, _mm256_and_si256(bit, _mm256_cvtepi32_epi64(_mm256_extracti128_si256(k, 1))));
          bit = _mm256_add_epi64(bit, bit);
        }
        uint64_t w[8];
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(w), w0);
        _mm256_storeu_si256(reinterpret_cast<__m256i *>(w + 4), w1);
        uint64_t *dst = yn + s0 * cw + j;
        for (int64_t i = 0; i < lanes; ++i)
          dst[i * cw] = w[i];
      }
    }
  }
}

inline void xn_avx2_threshold(const xn_threshold_params *p, const float *x, const float *tau,
                              const float *dir, uint64_t *y, int part = 0, int parts = 1) {
  if (p->spatial < 4) { // rank-2 inputs: nothing to vectorise along pixels; not split
    if (part == 0)
      xn_threshold(p, x, tau, dir, y);
    return;
  }
  int64_t s_lo, s_hi; // pixels of every image, in whole vectors
  xn_part_range_aligned(p->spatial, 8, part, parts, &s_lo, &s_hi);
  xn_avx2_threshold_v(p, x, tau, dir, y, s_lo, s_hi);
}

#endif // XNORC_RUNTIME_X86_AVX2_GLUE_H
