// Binary (XNOR) 2-D convolution: packed ±1 activations and weights, XOR + popcount.
#ifndef XNORC_RUNTIME_GENERIC_BCONV_H
#define XNORC_RUNTIME_GENERIC_BCONV_H

#include "bitpack.h"

// x is packed [n][in_h][in_w][ceil(c_in/64)], w is packed [c_out][kh][kw][ceil(cg/64)] with
// cg = c_in / group. group is 1, or cg % 64 == 0 so every group starts on a word boundary
// (c_out / group is arbitrary). out_h/out_w are resolved by the compiler; pad_bottom and
// pad_right are not needed to compute anything but keep the struct a full description.
// pad_value 0 is ONNX zero padding, done exactly: only valid taps count, so the number of
// summed bits shrinks at the borders. pad_value +1 / -1 means the padded taps are
// activations of that value on every channel (an explicit Pad before the conv).
#define XN_BCONV_PARAMS(F, A)                                                                      \
  F(int64_t, n)                                                                                    \
  F(int64_t, c_in)                                                                                 \
  F(int64_t, c_out)                                                                                \
  F(int64_t, group)                                                                                \
  XN_WINDOW2D_FIELDS(F, A)                                                                         \
  F(int64_t, pad_bottom)                                                                           \
  F(int64_t, pad_right)                                                                            \
  F(int32_t, pad_value)                                                                            \
  F(int32_t, act_kind) /* xn_act_kind */                                                           \
  F(float, act_alpha)                                                                              \
  F(float, act_beta)
XN_DECLARE_PARAMS(xn_bconv_params, XN_BCONV_PARAMS)

// Per-call constants, computed once so the per-output dot product does no division.
struct xn_bconv_geom {
  int64_t cw;   // words per input pixel
  int64_t cg;   // input channels per group
  int64_t cwg;  // words per weight tap
  int64_t mg;   // output channels per group
  int64_t goff; // word offset between consecutive groups' input channels
  int64_t ksize;
  bool row_run; // a window row is one contiguous word run in both x and w
};

inline xn_bconv_geom xn_bconv_make_geom(const xn_bconv_params *p) {
  xn_bconv_geom g;
  g.cw = xn_bit_words(p->c_in);
  g.cg = p->c_in / p->group;
  g.cwg = xn_bit_words(g.cg);
  g.mg = p->c_out / p->group;
  g.goff = p->group > 1 ? g.cg / 64 : 0;
  g.ksize = p->kh * p->kw;
  g.row_run = g.cwg == g.cw && p->dil_w == 1;
  return g;
}

// Valid tap range [lo, hi) of one window dimension. Interior windows, the common case,
// skip xn_tap_range's divisions.
inline void xn_bwindow(int64_t start, int64_t dil, int64_t taps, int64_t size, int64_t *lo,
                       int64_t *hi) {
  if (start >= 0 && start + (taps - 1) * dil < size) {
    *lo = 0;
    *hi = taps;
    return;
  }
  xn_tap_range(start, dil, taps, 0, size, lo, hi);
}

// f(t) for every tap t = ky * kw + kx of a window outside its valid taps
// [ky_lo, ky_hi) x [kx_lo, kx_hi).
template <class F>
inline void xn_padded_taps(const xn_bconv_params *p, int64_t ky_lo, int64_t ky_hi, int64_t kx_lo,
                           int64_t kx_hi, const F &f) {
  for (int64_t ky = 0; ky < p->kh; ++ky) {
    const bool row_valid = ky >= ky_lo && ky < ky_hi;
    for (int64_t kx = 0; kx < p->kw; ++kx)
      if (!row_valid || kx < kx_lo || kx >= kx_hi)
        f(ky * p->kw + kx);
  }
}

// d for one window and one output channel. xg points at the window's group's first word
// of image n; wm at the output channel's filter.
inline int64_t xn_bconv_dot(const xn_bconv_params *p, const xn_bconv_geom *g, const uint64_t *xg,
                            const uint64_t *wm, int64_t iy0, int64_t ix0, int64_t ky_lo,
                            int64_t ky_hi, int64_t kx_lo, int64_t kx_hi) {
  int64_t pop = 0;
  for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
    const uint64_t *xr = xg + (iy0 + ky * p->dil_h) * p->in_w * g->cw;
    const uint64_t *wr = wm + ky * p->kw * g->cwg;
    if (g->row_run) {
      pop +=
          xn_popcount_xor(xr + (ix0 + kx_lo) * g->cw, wr + kx_lo * g->cwg, (kx_hi - kx_lo) * g->cw);
    } else {
      for (int64_t kx = kx_lo; kx < kx_hi; ++kx)
        pop += xn_popcount_xor(xr + (ix0 + kx * p->dil_w) * g->cw, wr + kx * g->cwg, g->cwg);
    }
  }
  const int64_t n_valid = (ky_hi - ky_lo) * (kx_hi - kx_lo);
  int64_t n_bits = n_valid * g->cg;
  if (p->pad_value != 0 && n_valid < g->ksize) {
    // A padded tap of +1 has all-zero bits, so x ^ w = w; one of -1 has all valid bits set,
    // so popcount(x ^ w) = cg - popcount(w). Tail bits of w are 0 in both cases.
    int64_t wpop = 0;
    xn_padded_taps(p, ky_lo, ky_hi, kx_lo, kx_hi,
                   [&](int64_t t) { wpop += xn_popcount_words(wm + t * g->cwg, g->cwg); });
    const int64_t n_pad = g->ksize - n_valid;
    pop += p->pad_value > 0 ? wpop : n_pad * g->cg - wpop;
    n_bits = g->ksize * g->cg;
  }
  return n_bits - 2 * pop;
}

// The walk of the generic xnor layers: out(n, pix, m, d) for every output, pix its pixel and
// m its channel, d = dot(g, xg, m, iy0, ix0, ky_lo, ky_hi, kx_lo, kx_hi) its window's sum
// (xg: the window's group's first word of image n; the rest as xn_bconv_dot's).
template <class Dot, class Out>
inline void xn_bconv_walk(const xn_bconv_params *p, const uint64_t *x, const Dot &dot,
                          const Out &out) {
  const xn_bconv_geom g = xn_bconv_make_geom(p);
  // Pixel-outer: the window stays in L1 and its tap ranges are computed once for all m.
  for (int64_t n = 0; n < p->n; ++n) {
    const uint64_t *xn = x + n * p->in_h * p->in_w * g.cw;
    for (int64_t oh = 0; oh < p->out_h; ++oh) {
      const int64_t iy0 = oh * p->stride_h - p->pad_top;
      int64_t ky_lo, ky_hi;
      xn_bwindow(iy0, p->dil_h, p->kh, p->in_h, &ky_lo, &ky_hi);
      for (int64_t ow = 0; ow < p->out_w; ++ow) {
        const int64_t ix0 = ow * p->stride_w - p->pad_left;
        int64_t kx_lo, kx_hi;
        xn_bwindow(ix0, p->dil_w, p->kw, p->in_w, &kx_lo, &kx_hi);
        const int64_t pix = oh * p->out_w + ow;
        int64_t m = 0;
        for (int64_t gi = 0; gi < p->group; ++gi) {
          const uint64_t *xg = xn + gi * g.goff;
          for (int64_t mi = 0; mi < g.mg; ++mi, ++m)
            out(n, pix, m, dot(&g, xg, m, iy0, ix0, ky_lo, ky_hi, kx_lo, kx_hi));
        }
      }
    }
  }
}

// xn_bconv_dot over the filters of w, a Dot of xn_bconv_walk.
inline auto xn_bconv_filters(const xn_bconv_params *p, const uint64_t *w) {
  return [=](const xn_bconv_geom *g, const uint64_t *xg, int64_t m, int64_t iy0, int64_t ix0,
             int64_t ky_lo, int64_t ky_hi, int64_t kx_lo, int64_t kx_hi) {
    return xn_bconv_dot(p, g, xg, w + m * g->ksize * g->cwg, iy0, ix0, ky_lo, ky_hi, kx_lo, kx_hi);
  };
}

// The walk of xn_bconv: out(idx, m, d) for every output, idx its NCHW index, m its channel.
template <class Out>
inline void xn_bconv_each(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                          const Out &out) {
  const int64_t out_plane = p->out_h * p->out_w;
  xn_bconv_walk(p, x, xn_bconv_filters(p, w), [&](int64_t n, int64_t pix, int64_t m, int64_t d) {
    out((n * p->c_out + m) * out_plane + pix, m, d);
  });
}

// y[n][m][oh][ow] = act(scale[m] * d + bias[m] + residual[same index]), NCHW float.
// scale NULL means 1, bias NULL means 0, residual NULL means none. residual may alias y
// (each element is read before the same element is written); y must not alias x or w.
inline void xn_bconv(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                     const float *scale, const float *bias, const float *residual, float *y) {
  xn_bconv_each(p, x, w, [=](int64_t idx, int64_t m, int64_t d) {
    y[idx] = xn_binary_epilogue(p->act_kind, p->act_alpha, p->act_beta, scale, bias, residual, m,
                                idx, d);
  });
}

// xn_bconv_threshold's output for the sums d of xn_bconv_walk's dot.
template <class Dot>
inline void xn_bconv_threshold_walk(const xn_bconv_params *p, const uint64_t *x, const Dot &dot,
                                    const int32_t *thresh, const int32_t *dir, uint64_t *y) {
  const int64_t cwo = xn_bit_words(p->c_out), plane = p->out_h * p->out_w;
  memset(y, 0, (size_t)(p->n * plane * cwo) * sizeof(uint64_t));
  xn_bconv_walk(p, x, dot, [&](int64_t n, int64_t pix, int64_t m, int64_t d) {
    const bool plus = (dir == NULL || dir[m] >= 0) ? d >= thresh[m] : d <= thresh[m];
    y[(n * plane + pix) * cwo + (m >> 6)] |= (uint64_t)(!plus) << (m & 63);
  });
}

// Fused threshold: y is packed [n][out_h][out_w][ceil(c_out/64)], bit 0 (+1) where
// (dir[m] >= 0 ? d >= thresh[m] : d <= thresh[m]), tail bits 0. dir NULL means all >=.
// INT32_MIN / INT32_MAX thresholds give constant outputs (see XNOR-MATH.md, gamma = 0).
// y must not alias x or w.
inline void xn_bconv_threshold(const xn_bconv_params *p, const uint64_t *x, const uint64_t *w,
                               const int32_t *thresh, const int32_t *dir, uint64_t *y) {
  xn_bconv_threshold_walk(p, x, xn_bconv_filters(p, w), thresh, dir, y);
}

#endif // XNORC_RUNTIME_GENERIC_BCONV_H
