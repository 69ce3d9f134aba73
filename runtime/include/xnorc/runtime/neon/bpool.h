// Binary max-pool on packed bits for ARM NEON: 2 channel words per q-register (4 per
// iteration), scalar tail word, vandq/vorrq over the window's valid taps. Same contract as
// xn_bmaxpool (generic/bpool.h), bit for bit.
#ifndef XNORC_RUNTIME_NEON_BPOOL_H
#define XNORC_RUNTIME_NEON_BPOOL_H

#include "common.h"

inline void xn_neon_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x,
                             const uint64_t *min_mask, uint64_t *y) {
  const int64_t cw = xn_bit_words(p->c);
  const uint64_t tail = xn_bit_word_mask(p->c, cw - 1);
  for (int64_t n = 0; n < p->n; ++n) {
    const uint64_t *xn = x + n * p->in_h * p->in_w * cw;
    for (int64_t oh = 0; oh < p->out_h; ++oh) {
      const int64_t iy0 = oh * p->stride_h - p->pad_top;
      int64_t ky_lo, ky_hi;
      xn_tap_range(iy0, p->dil_h, p->kh, 0, p->in_h, &ky_lo, &ky_hi);
      for (int64_t ow = 0; ow < p->out_w; ++ow) {
        const int64_t ix0 = ow * p->stride_w - p->pad_left;
        int64_t kx_lo, kx_hi;
        xn_tap_range(ix0, p->dil_w, p->kw, 0, p->in_w, &kx_lo, &kx_hi);
        uint64_t *yp = y + ((n * p->out_h + oh) * p->out_w + ow) * cw;
        int64_t j = 0;
        for (; j + 2 <= cw; j += 2) {
          uint64x2_t all = vdupq_n_u64(~(uint64_t)0), any = vdupq_n_u64(0);
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const uint64_t *xr = xn + (iy0 + ky * p->dil_h) * p->in_w * cw + j;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              const uint64x2_t v = vld1q_u64(xr + (ix0 + kx * p->dil_w) * cw);
              all = vandq_u64(all, v);
              any = vorrq_u64(any, v);
            }
          }
          const uint64x2_t mn = min_mask ? vld1q_u64(min_mask + j) : vdupq_n_u64(0);
          // (all & ~mn) | (any & mn): vbslq picks any where mn is set.
          uint64x2_t r = vbslq_u64(mn, any, all);
          if (j + 2 == cw)
            r = vandq_u64(r, vcombine_u64(vcreate_u64(~(uint64_t)0), vcreate_u64(tail)));
          vst1q_u64(yp + j, r);
        }
        for (; j < cw; ++j) {
          uint64_t all = ~(uint64_t)0, any = 0;
          for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
            const uint64_t *xr = xn + (iy0 + ky * p->dil_h) * p->in_w * cw + j;
            for (int64_t kx = kx_lo; kx < kx_hi; ++kx) {
              const uint64_t v = xr[(ix0 + kx * p->dil_w) * cw];
              all &= v;
              any |= v;
            }
          }
          const uint64_t mn = min_mask ? min_mask[j] : 0;
          yp[j] = ((all & ~mn) | (any & mn)) & xn_bit_word_mask(p->c, j);
        }
      }
    }
  }
}

#endif // XNORC_RUNTIME_NEON_BPOOL_H
