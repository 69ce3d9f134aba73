// Binary-weight convolution and dense layer (XNOR-Net paper section 3.1): float inputs,
// packed ±1 weights, so the sums need only additions and subtractions.
#ifndef XNORC_RUNTIME_GENERIC_BWCONV_H
#define XNORC_RUNTIME_GENERIC_BWCONV_H

#include "bitpack.h"

// x is float NCHW, w packed [c_out][kh][kw][ceil(cg/64)] with cg = c_in / group (any
// group, including depthwise). Padding is ordinary float zero padding. Fields mean the same
// as in xn_bconv_params.
#define XN_BWCONV_PARAMS(F, A)                                                                     \
  F(int64_t, n)                                                                                    \
  F(int64_t, c_in)                                                                                 \
  F(int64_t, c_out)                                                                                \
  F(int64_t, group)                                                                                \
  XN_WINDOW2D_FIELDS(F, A)                                                                         \
  F(int64_t, pad_bottom)                                                                           \
  F(int64_t, pad_right)                                                                            \
  F(int32_t, act_kind) /* xn_act_kind */                                                           \
  F(float, act_alpha)                                                                              \
  F(float, act_beta)
XN_DECLARE_PARAMS(xn_bwconv_params, XN_BWCONV_PARAMS)

// Output columns accumulated at once. A local buffer rather than y itself lets residual
// alias y, and 64 floats of accumulator stay in L1 while every (channel, tap) streams in.
#define XN_BW_CHUNK 64

// y = act(scale[m] * sum(x * w_sign) + bias[m] + residual), NCHW float. scale NULL means 1,
// bias NULL means 0, residual NULL means none. residual may alias y; y must not alias x.
inline void xn_bwconv(const xn_bwconv_params *p, const float *x, const uint64_t *w,
                      const float *scale, const float *bias, const float *residual, float *y) {
  const int64_t cg = p->c_in / p->group;
  const int64_t mg = p->c_out / p->group;
  const int64_t cwg = xn_bit_words(cg);
  const int64_t in_plane = p->in_h * p->in_w;
  const int64_t out_plane = p->out_h * p->out_w;
  const int64_t sw = p->stride_w;
  for (int64_t n = 0; n < p->n; ++n) {
    for (int64_t m = 0; m < p->c_out; ++m) {
      const int64_t gi = m / mg;
      const float *xg = x + (n * p->c_in + gi * cg) * in_plane;
      const uint64_t *wm = w + m * p->kh * p->kw * cwg;
      const float sc = scale ? scale[m] : 1.0f;
      const float b = bias ? bias[m] : 0.0f;
      const int64_t ybase = (n * p->c_out + m) * out_plane;
      for (int64_t oh = 0; oh < p->out_h; ++oh) {
        const int64_t iy0 = oh * p->stride_h - p->pad_top;
        int64_t ky_lo, ky_hi;
        xn_tap_range(iy0, p->dil_h, p->kh, 0, p->in_h, &ky_lo, &ky_hi);
        for (int64_t ox0 = 0; ox0 < p->out_w; ox0 += XN_BW_CHUNK) {
          const int64_t ox1 = p->out_w - ox0 < XN_BW_CHUNK ? p->out_w : ox0 + XN_BW_CHUNK;
          float acc[XN_BW_CHUNK] = {0.0f};
          for (int64_t kx = 0; kx < p->kw; ++kx) {
            const int64_t off = kx * p->dil_w - p->pad_left;
            // Output columns whose tap kx lands inside the row: 0 <= ox * sw + off < in_w.
            int64_t lo, hi;
            xn_tap_range(off, sw, p->out_w, 0, p->in_w, &lo, &hi);
            lo = lo < ox0 ? ox0 : lo;
            hi = hi > ox1 ? ox1 : hi;
            if (lo >= hi)
              continue;
            // a[i] and xr[i * sw] are output column lo + i and its input.
            float *a = acc + (lo - ox0);
            const int64_t cnt = hi - lo;
            for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
              const int64_t iy = iy0 + ky * p->dil_h;
              const uint64_t *wt = wm + (ky * p->kw + kx) * cwg;
              for (int64_t c = 0; c < cg; ++c) {
                const float *xr = xg + c * in_plane + iy * p->in_w + (lo * sw + off);
                // The weight sign is fixed across the column loop, so it picks the loop
                // instead of being applied per element; unit stride gets its own loops so
                // they vectorize.
                const bool neg = (wt[c >> 6] >> (c & 63)) & 1;
                if (sw == 1) {
                  if (neg)
                    for (int64_t i = 0; i < cnt; ++i)
                      a[i] -= xr[i];
                  else
                    for (int64_t i = 0; i < cnt; ++i)
                      a[i] += xr[i];
                } else if (neg) {
                  for (int64_t i = 0; i < cnt; ++i)
                    a[i] -= xr[i * sw];
                } else {
                  for (int64_t i = 0; i < cnt; ++i)
                    a[i] += xr[i * sw];
                }
              }
            }
          }
          float *yr = y + ybase + oh * p->out_w;
          const float *rr = residual ? residual + ybase + oh * p->out_w : NULL;
          for (int64_t ox = ox0; ox < ox1; ++ox) {
            float v = sc * acc[ox - ox0] + b;
            if (rr)
              v += rr[ox];
            yr[ox] = xn_act_apply(p->act_kind, p->act_alpha, p->act_beta, v);
          }
        }
      }
    }
  }
}

#define XN_BWDENSE_PARAMS(F, A)                                                                    \
  F(int64_t, n)                                                                                    \
  F(int64_t, k)                                                                                    \
  F(int64_t, m)                                                                                    \
  F(int32_t, act_kind) /* xn_act_kind */                                                           \
  F(float, act_alpha)                                                                              \
  F(float, act_beta)
XN_DECLARE_PARAMS(xn_bwdense_params, XN_BWDENSE_PARAMS)

// Flipping the sign bit is exact negation, so the sum is additions only and branch-free.
inline float xn_negate_if(float v, uint64_t bit) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  u ^= (uint32_t)bit << 31;
  memcpy(&v, &u, sizeof v);
  return v;
}

// x float [n][k], w packed [m][ceil(k/64)]. y[n][m] = act(scale[m] * sum_k(x * w_sign) +
// bias[m] + residual[n][m]). NULL scale/bias/residual as in xn_bwconv. residual may alias y;
// y must not alias x.
inline void xn_bwdense(const xn_bwdense_params *p, const float *x, const uint64_t *w,
                       const float *scale, const float *bias, const float *residual, float *y) {
  const int64_t kw = xn_bit_words(p->k);
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->k;
    for (int64_t m = 0; m < p->m; ++m) {
      const uint64_t *wm = w + m * kw;
      // Four partial sums break the add dependency chain.
      float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
      for (int64_t j = 0; j < kw; ++j) {
        const uint64_t word = wm[j];
        const float *xj = xn + j * 64;
        const int64_t nb = p->k - j * 64 < 64 ? p->k - j * 64 : 64;
        int64_t b = 0;
        for (; b + 4 <= nb; b += 4) {
          s0 += xn_negate_if(xj[b], (word >> b) & 1);
          s1 += xn_negate_if(xj[b + 1], (word >> (b + 1)) & 1);
          s2 += xn_negate_if(xj[b + 2], (word >> (b + 2)) & 1);
          s3 += xn_negate_if(xj[b + 3], (word >> (b + 3)) & 1);
        }
        for (; b < nb; ++b)
          s0 += xn_negate_if(xj[b], (word >> b) & 1);
      }
      const int64_t idx = n * p->m + m;
      float v = (scale ? scale[m] : 1.0f) * ((s0 + s1) + (s2 + s3)) + (bias ? bias[m] : 0.0f);
      if (residual)
        v += residual[idx];
      y[idx] = xn_act_apply(p->act_kind, p->act_alpha, p->act_beta, v);
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_BWCONV_H
