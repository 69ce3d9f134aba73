// Float "glue" kernels for AVX-512 (F): MaxPool, AveragePool (1-D/2-D, W stride 1 or 2)
// and threshold (float -> packed bits). Same signatures as the generic kernels, and
// bit-identical results:
//
// - Pools vectorise along the output row: 16 consecutive output pixels per zmm. Every tap
//   (kernel row, then kernel column, the generic order) loads the 16 inputs it touches
//   (stride 2: two loads compressed by vpermt2ps) masked to the taps inside the input, and
//   updates only those lanes, so padded taps are skipped exactly as the generic loop skips
//   them. Max: vmaxps(v, m) is (v > m ? v : m), the generic comparison, so NaN inputs never
//   win and signed zeros resolve the same way. Average: masked adds in the generic order,
//   then the same divisor (counted per lane) and an IEEE division.
// - Threshold: per block of 16 pixels and 64 channels, one compare per channel gives a
//   16-bit pixel mask, which masked ORs of the channel's bit into two vectors of 8 words
//   (one word per pixel) transpose into the channel-packed layout.
//
// Other shapes (3-D, dilated, W stride > 2) fall back to the generic kernels.
// Per-function target attributes: builds without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_GLUE_H
#define XNORC_RUNTIME_X86_AVX512_GLUE_H

#include "glue_common.h"

#include <immintrin.h>

#define XN_AVX512G_TARGET __attribute__((target("avx512f")))

// Bits [lo, hi) of 16 (0 <= lo, hi <= 16).
inline __mmask16 xn_avx512g_bits(int64_t lo, int64_t hi) {
  if (hi <= lo)
    return 0;
  const uint32_t h = (1u << hi) - 1;
  return static_cast<__mmask16>(h & ~((1u << lo) - 1));
}

// Per-kernel-column lane masks of one block of 16 output pixels: out = the output lanes
// whose tap lies inside the input row, l0 / l1 = the input lanes to load (stride 2: raw
// lanes [2 lo, 2 hi - 1) of 32, whose even ones are the taps and whose odd ones lie inside
// the row too). Masked-out lanes are never read.
struct xn_avx512g_cols {
  __mmask16 out[XN_X86_GLUE_MAX_KW], l0[XN_X86_GLUE_MAX_KW], l1[XN_X86_GLUE_MAX_KW];
};

inline void xn_avx512g_col_masks(int64_t cx, int64_t s, int64_t lanes, int64_t kw, int64_t a,
                                 int64_t b, xn_avx512g_cols *m) {
  for (int64_t kx = 0; kx < kw; ++kx) {
    int64_t lo, hi;
    xn_x86_lane_span(cx + kx, s, lanes, a, b, &lo, &hi);
    m->out[kx] = xn_avx512g_bits(lo, hi);
    if (s == 1) {
      m->l0[kx] = m->out[kx];
      m->l1[kx] = 0;
    } else {
      const int64_t r0 = 2 * lo, r1 = hi > lo ? 2 * hi - 1 : r0;
      m->l0[kx] = xn_avx512g_bits(r0 < 16 ? r0 : 16, r1 < 16 ? r1 : 16);
      m->l1[kx] = xn_avx512g_bits(r0 > 16 ? r0 - 16 : 0, r1 > 16 ? r1 - 16 : 0);
    }
  }
}

// The 16 taps at kernel column kx of a block whose lane 0 reads src (others 0).
template <int S>
XN_AVX512G_TARGET inline __m512 xn_avx512g_load(const float *src, const xn_avx512g_cols *m,
                                                int64_t kx) {
  if (S == 1)
    return _mm512_maskz_loadu_ps(m->l0[kx], src);
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  return _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(m->l0[kx], src), even,
                                _mm512_maskz_loadu_ps(m->l1[kx], src + 16));
}

// B blocks of 16 output pixels at a time: independent max / add chains, so the vmaxps /
// vaddps latency of one block's tap sequence hides behind the others'.
template <int S, int B>
XN_AVX512G_TARGET inline void xn_avx512_maxpool_s(const xn_x86_pool2d *g, const float *x,
                                                  float *y) {
  xn_avx512g_cols cm[B];
  for (int64_t pl = 0; pl < g->planes; ++pl) {
    const float *xp = x + pl * g->ih * g->iw;
    float *yp = y + pl * g->oh * g->ow;
    for (int64_t ox0 = 0; ox0 < g->ow; ox0 += 16 * B) {
      const int64_t cx = ox0 * S - g->pw; // block 0 lane 0's input column at kx = 0
      __mmask16 st[B];
      XN_X86G_UNROLL
      for (int b = 0; b < B; ++b) {
        const int64_t left = g->ow - ox0 - 16 * b;
        const int64_t lanes = left < 0 ? 0 : left < 16 ? left : 16;
        st[b] = xn_avx512g_bits(0, lanes);
        xn_avx512g_col_masks(cx + 16 * S * b, S, lanes, g->kw, 0, g->iw, &cm[b]);
      }
      for (int64_t oy = 0; oy < g->oh; ++oy) {
        const int64_t y0 = oy * g->sh - g->ph;
        int64_t ky_lo, ky_hi;
        xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
        __m512 m[B];
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b)
          m[b] = _mm512_set1_ps(-INFINITY);
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *xr = xp + (y0 + ky) * g->iw + cx;
          for (int64_t kx = 0; kx < g->kw; ++kx) {
            XN_X86G_UNROLL
            for (int b = 0; b < B; ++b) // v > m ? v : m in the tap's lanes
              m[b] = _mm512_mask_max_ps(m[b], cm[b].out[kx],
                                        xn_avx512g_load<S>(xr + 16 * S * b + kx, &cm[b], kx), m[b]);
          }
        }
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b)
          _mm512_mask_storeu_ps(yp + oy * g->ow + ox0 + 16 * b, st[b], m[b]);
      }
    }
  }
}

inline void xn_avx512_maxpool(const xn_pool_params *p, const float *x, float *y, int part = 0,
                              int parts = 1) {
  xn_x86_pool2d g;
  if (!xn_x86_pool2d_begin(p, part, parts, xn_maxpool, &g, &x, &y))
    return;
  const int64_t blocks = (g.ow + 15) / 16;
  if (g.sw == 1)
    blocks >= 3   ? xn_avx512_maxpool_s<1, 4>(&g, x, y)
    : blocks == 2 ? xn_avx512_maxpool_s<1, 2>(&g, x, y)
                  : xn_avx512_maxpool_s<1, 1>(&g, x, y);
  else
    blocks >= 3   ? xn_avx512_maxpool_s<2, 4>(&g, x, y)
    : blocks == 2 ? xn_avx512_maxpool_s<2, 2>(&g, x, y)
                  : xn_avx512_maxpool_s<2, 1>(&g, x, y);
}

template <int S, int B>
XN_AVX512G_TARGET inline void xn_avx512_avgpool_s(const xn_x86_pool2d *g, int incl, const float *x,
                                                  float *y) {
  xn_avx512g_cols cm[B], cc;
  const __m512 one = _mm512_set1_ps(1.0f);
  for (int64_t pl = 0; pl < g->planes; ++pl) {
    const float *xp = x + pl * g->ih * g->iw;
    float *yp = y + pl * g->oh * g->ow;
    for (int64_t ox0 = 0; ox0 < g->ow; ox0 += 16 * B) {
      const int64_t cx = ox0 * S - g->pw;
      __mmask16 st[B];
      __m512 cols[B]; // per-lane column tap count (small integers: exact)
      XN_X86G_UNROLL
      for (int b = 0; b < B; ++b) {
        const int64_t left = g->ow - ox0 - 16 * b;
        const int64_t lanes = left < 0 ? 0 : left < 16 ? left : 16;
        st[b] = xn_avx512g_bits(0, lanes);
        xn_avx512g_col_masks(cx + 16 * S * b, S, lanes, g->kw, 0, g->iw, &cm[b]);
        if (incl)
          xn_avx512g_col_masks(cx + 16 * S * b, S, lanes, g->kw, -g->pw, g->iw + g->pew, &cc);
        cols[b] = _mm512_setzero_ps();
        for (int64_t kx = 0; kx < g->kw; ++kx)
          cols[b] = _mm512_mask_add_ps(cols[b], incl ? cc.out[kx] : cm[b].out[kx], cols[b], one);
      }
      for (int64_t oy = 0; oy < g->oh; ++oy) {
        const int64_t y0 = oy * g->sh - g->ph;
        int64_t ky_lo, ky_hi, cy_lo, cy_hi;
        xn_tap_range(y0, 1, g->kh, 0, g->ih, &ky_lo, &ky_hi);
        xn_tap_range(y0, 1, g->kh, -g->ph, g->ih + g->peh, &cy_lo, &cy_hi);
        const __m512 rows =
            _mm512_set1_ps(static_cast<float>(incl ? cy_hi - cy_lo : ky_hi - ky_lo));
        __m512 sum[B]; // the generic order: kernel row, then column
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b)
          sum[b] = _mm512_setzero_ps();
        for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
          const float *xr = xp + (y0 + ky) * g->iw + cx;
          for (int64_t kx = 0; kx < g->kw; ++kx) {
            XN_X86G_UNROLL
            for (int b = 0; b < B; ++b)
              sum[b] = _mm512_mask_add_ps(sum[b], cm[b].out[kx], sum[b],
                                          xn_avx512g_load<S>(xr + 16 * S * b + kx, &cm[b], kx));
          }
        }
        XN_X86G_UNROLL
        for (int b = 0; b < B; ++b) {
          const __m512 count = _mm512_mul_ps(rows, cols[b]);
          const __mmask16 nz = _mm512_cmp_ps_mask(count, _mm512_setzero_ps(), _CMP_GT_OQ);
          _mm512_mask_storeu_ps(yp + oy * g->ow + ox0 + 16 * b, st[b],
                                _mm512_maskz_div_ps(nz, sum[b], count));
        }
      }
    }
  }
}

inline void xn_avx512_avgpool(const xn_pool_params *p, const float *x, float *y, int part = 0,
                              int parts = 1) {
  xn_x86_pool2d g;
  if (!xn_x86_pool2d_begin(p, part, parts, xn_avgpool, &g, &x, &y))
    return;
  const int incl = p->count_include_pad != 0;
  const int64_t blocks = (g.ow + 15) / 16;
  if (g.sw == 1)
    blocks >= 3   ? xn_avx512_avgpool_s<1, 4>(&g, incl, x, y)
    : blocks == 2 ? xn_avx512_avgpool_s<1, 2>(&g, incl, x, y)
                  : xn_avx512_avgpool_s<1, 1>(&g, incl, x, y);
  else
    blocks >= 3   ? xn_avx512_avgpool_s<2, 4>(&g, incl, x, y)
    : blocks == 2 ? xn_avx512_avgpool_s<2, 2>(&g, incl, x, y)
                  : xn_avx512_avgpool_s<2, 1>(&g, incl, x, y);
}

XN_AVX512G_TARGET inline void xn_avx512_threshold_v(const xn_threshold_params *p, const float *x,
                                                    const float *tau, const float *dir, uint64_t *y,
                                                    int64_t s_lo, int64_t s_hi) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  const __m512i idx0 = _mm512_setr_epi64(0, cw, 2 * cw, 3 * cw, 4 * cw, 5 * cw, 6 * cw, 7 * cw);
  const __m512i idx1 = _mm512_add_epi64(idx0, _mm512_set1_epi64(8 * cw));
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t s0 = s_lo; s0 < s_hi; s0 += 16) {
      const int64_t lanes = s_n - s0 < 16 ? s_n - s0 : 16;
      const __mmask16 lm = xn_avx512g_bits(0, lanes);
      for (int64_t j = 0; j < cw; ++j) {
        const int64_t c_end = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
        __m512i w0 = _mm512_setzero_si512(), w1 = _mm512_setzero_si512();
        __m512i bit = _mm512_set1_epi64(1);
        for (int64_t cc = 0; cc < c_end; ++cc) {
          const int64_t c = 64 * j + cc;
          const __m512 v = _mm512_maskz_loadu_ps(lm, xn + c * s_n + s0);
          const __m512 t = _mm512_set1_ps(tau ? tau[c] : 0.0f);
          // Bit 1 (-1) where the comparison fails; unordered (NaN) fails too.
          const __mmask16 k = (dir ? dir[c] > 0.0f : true)
                                  ? _mm512_mask_cmp_ps_mask(lm, v, t, _CMP_NGE_UQ)
                                  : _mm512_mask_cmp_ps_mask(lm, v, t, _CMP_NLE_UQ);
          w0 = _mm512_mask_or_epi64(w0, static_cast<__mmask8>(k), w0, bit);
          w1 = _mm512_mask_or_epi64(w1, static_cast<__mmask8>(k >> 8), w1, bit);
          bit = _mm512_add_epi64(bit, bit);
        }
        uint64_t *dst = yn + s0 * cw + j;
        if (cw == 1) {
          _mm512_mask_storeu_epi64(dst, static_cast<__mmask8>(lm), w0);
          _mm512_mask_storeu_epi64(dst + 8, static_cast<__mmask8>(lm >> 8), w1);
        } else {
          _mm512_mask_i64scatter_epi64(dst, static_cast<__mmask8>(lm), idx0, w0, 8);
          _mm512_mask_i64scatter_epi64(dst, static_cast<__mmask8>(lm >> 8), idx1, w1, 8);
        }
      }
    }
  }
}

inline void xn_avx512_threshold(const xn_threshold_params *p, const float *x, const float *tau,
                                const float *dir, uint64_t *y, int part = 0, int parts = 1) {
  if (p->spatial < 4) { // rank-2 inputs: nothing to vectorise along pixels; not split
    if (part == 0)
      xn_threshold(p, x, tau, dir, y);
    return;
  }
  int64_t s_lo, s_hi; // pixels of every image, in whole vectors
  xn_part_range_aligned(p->spatial, 16, part, parts, &s_lo, &s_hi);
  xn_avx512_threshold_v(p, x, tau, dir, y, s_lo, s_hi);
}

#endif // XNORC_RUNTIME_X86_AVX512_GLUE_H
