// Max pooling on packed ±1 activations, word-parallel over channels.
#ifndef XNORC_RUNTIME_GENERIC_BPOOL_H
#define XNORC_RUNTIME_GENERIC_BPOOL_H

#include "bitpack.h"

// x packed [n][in_h][in_w][ceil(c/64)], y packed [n][out_h][out_w][ceil(c/64)]. out_h/out_w
// come from the compiler (ceil mode and end pads included); only begin pads are needed to
// place the windows.
#define XN_BMAXPOOL_PARAMS(F, A)                                                                   \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, in_h)                                                                                 \
  F(int64_t, in_w)                                                                                 \
  F(int64_t, out_h)                                                                                \
  F(int64_t, out_w)                                                                                \
  F(int64_t, kh)                                                                                   \
  F(int64_t, kw)                                                                                   \
  F(int64_t, stride_h)                                                                             \
  F(int64_t, stride_w)                                                                             \
  F(int64_t, dil_h)                                                                                \
  F(int64_t, dil_w)                                                                                \
  F(int64_t, pad_top)                                                                              \
  F(int64_t, pad_left)
XN_DECLARE_PARAMS(xn_bmaxpool_params, XN_BMAXPOOL_PARAMS)

// With bit 1 = -1, max over ±1 is AND of bits and min is OR. Channels set in min_mask
// ([ceil(c/64)] words, NULL = none) take the min: they are the gamma < 0 channels of a
// MaxPool -> BatchNorm -> Sign that was moved behind the threshold (XNOR-MATH.md).
// Padded taps never count. A window with no valid tap gives -1 for max channels and +1 for
// min channels, the sign of float MaxPool's -inf after the (decreasing) BatchNorm.
// Tail bits of y are 0. y must not alias x.
inline void xn_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x, const uint64_t *min_mask,
                        uint64_t *y) {
  const int64_t cw = xn_bit_words(p->c);
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
        for (int64_t j = 0; j < cw; ++j) {
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

#endif // XNORC_RUNTIME_GENERIC_BPOOL_H
