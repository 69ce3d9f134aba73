// AVX2 + FMA output-channels-across-lanes convs (design: x86/oc_conv.h): xn_avx2_bwconv,
// xn_avx2_bwdense and the float conv xn_avx2_conv_oc, the AVX-512 kernels
// (x86/avx512_oc_conv.h) on 8-lane vectors with 16 registers.
//
// Register tile: XN_AVX2_OC_B blocks x XN_AVX2_OC_P pixels (2 x 6: 16 channels x 6 pixels,
// 12 accumulators + 2 weight vectors + 1 broadcast). Bit weights: one byte holds the signs
// of a block's 8 channels at one tap; a 256-entry table of 8 floats (8 KB, built at compile
// time) turns it into the +-1.0f vector with one load, so the expansion costs no ALU work.
#ifndef XNORC_RUNTIME_X86_AVX2_OC_CONV_H
#define XNORC_RUNTIME_X86_AVX2_OC_CONV_H

#include "oc_conv.h"

#include <immintrin.h>

#define XN_AVX2_OC_TARGET __attribute__((target("avx2,fma")))
#define XN_AVX2_OC_INLINE __attribute__((always_inline, target("avx2,fma"))) inline
#define XN_AVX2_OC_P 6 // output pixels per register tile

// ---- compile-time weight packing (plain C++) ----

inline size_t xn_avx2_bwconv_packed_words(const xn_bwconv_params *p) {
  return xn_x86_oc_bits_size(p->c_out, p->c_in * p->kh * p->kw, XN_AVX2_OC_L);
}
inline void xn_avx2_bwconv_pack(const xn_bwconv_params *p, const uint64_t *generic_w,
                                uint64_t *packed) {
  xn_x86_oc_pack_bits(p->c_out, p->c_in, p->kh * p->kw, XN_AVX2_OC_L, XN_AVX2_OC_B, generic_w,
                      packed);
}
inline size_t xn_avx2_bwdense_packed_words(const xn_bwdense_params *p) {
  return xn_x86_oc_bits_size(p->m, p->k, XN_AVX2_OC_L);
}
inline void xn_avx2_bwdense_pack(const xn_bwdense_params *p, const uint64_t *generic_w,
                                 uint64_t *packed) {
  xn_x86_oc_pack_bits(p->m, p->k, 1, XN_AVX2_OC_L, XN_AVX2_OC_B, generic_w, packed);
}
inline size_t xn_avx2_conv_oc_packed_floats(const xn_conv_params *p) {
  return xn_x86_oc_floats_size(p->c_out, xn_x86_conv_oc_taps(p), XN_AVX2_OC_L);
}
inline void xn_avx2_conv_oc_pack(const xn_conv_params *p, const float *generic_w, float *packed) {
  xn_x86_oc_pack_floats(p->c_out, xn_x86_conv_oc_taps(p), XN_AVX2_OC_L, XN_AVX2_OC_B, generic_w,
                        packed);
}

// ---- weight sources (see x86/avx512_oc_conv.h) ----

struct xn_avx2_oc_floats {
  typedef const float *ptr;
  static const int64_t step = 8; // floats per vector
  const float *w;
  int64_t qn;
  ptr group(int64_t ob) const { return w + ob * 8 * qn; }
  XN_AVX2_OC_TARGET static inline __m256 get(ptr p) { return _mm256_loadu_ps(p); }
};

// Row s of the table is the 8 weights whose sign bits are s (bit l set: lane l is -1).
struct xn_avx2_sign_table {
  float v[256][8];
};
constexpr xn_avx2_sign_table xn_avx2_make_sign_table() {
  xn_avx2_sign_table t = {};
  for (int s = 0; s < 256; ++s)
    for (int l = 0; l < 8; ++l)
      t.v[s][l] = (s >> l) & 1 ? -1.0f : 1.0f;
  return t;
}
alignas(32) inline constexpr xn_avx2_sign_table xn_avx2_signs = xn_avx2_make_sign_table();

struct xn_avx2_oc_bits {
  typedef const unsigned char *ptr;
  static const int64_t step = 1; // bytes per vector: 8 sign bits
  const uint64_t *w;
  int64_t qn;
  ptr group(int64_t ob) const { return (const unsigned char *)w + ob * qn; }
  XN_AVX2_OC_TARGET static inline __m256 get(ptr p) { return _mm256_load_ps(xn_avx2_signs.v[*p]); }
};

// ---- register tile ----

// 8x8 transpose: in[i] holds channels 0..7 of pixel i, out[l] pixels 0..7 of channel l.
// Steps 1 and 2 transpose the 4x4 blocks within 128-bit lanes, step 3 pairs the lanes of
// pixels 0-3 and 4-7.
XN_AVX2_OC_INLINE void xn_avx2_oc_transpose8(const __m256 *in, __m256 *out) {
  __m256 u[8];
  XN_X86F_UNROLL
  for (int h = 0; h < 8; h += 4) {
    const __m256 t0 = _mm256_unpacklo_ps(in[h + 0], in[h + 1]);
    const __m256 t1 = _mm256_unpackhi_ps(in[h + 0], in[h + 1]);
    const __m256 t2 = _mm256_unpacklo_ps(in[h + 2], in[h + 3]);
    const __m256 t3 = _mm256_unpackhi_ps(in[h + 2], in[h + 3]);
    u[h + 0] = _mm256_shuffle_ps(t0, t2, 0x44);
    u[h + 1] = _mm256_shuffle_ps(t0, t2, 0xEE);
    u[h + 2] = _mm256_shuffle_ps(t1, t3, 0x44);
    u[h + 3] = _mm256_shuffle_ps(t1, t3, 0xEE);
  }
  XN_X86F_UNROLL
  for (int k = 0; k < 4; ++k) {
    out[k] = _mm256_permute2f128_ps(u[k], u[4 + k], 0x20);
    out[4 + k] = _mm256_permute2f128_ps(u[k], u[4 + k], 0x31);
  }
}

// One weight index q: the B weight vectors at ws times the P pixels' inputs (xs, sw apart).
template <int P, int B, class W>
XN_AVX2_OC_INLINE void xn_avx2_oc_fma(__m256 (&acc)[B][P], const float *xs, int64_t sw,
                                      typename W::ptr ws) {
  __m256 wv[B];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b)
    wv[b] = W::get(ws + b * W::step);
  XN_X86F_UNROLL
  for (int i = 0; i < P; ++i) {
    const __m256 xb = _mm256_broadcast_ss(xs + i * sw);
    XN_X86F_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b][i] = _mm256_fmadd_ps(xb, wv[b], acc[b][i]);
  }
}

// P pixels x B blocks at t (see xn_x86_oc_pos); the epilogue stores them.
template <int P, int B, class W>
XN_AVX2_OC_TARGET inline void xn_avx2_oc_tile(const xn_x86_oc_ctx *c, const W &w,
                                              const xn_x86_oc_pos &t) {
  const xn_x86_conv_geom &g = c->g;
  __m256 acc[B][P];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b) {
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i)
      acc[b][i] = _mm256_setzero_ps();
  }
  const int64_t sw = g.sw, dw = g.dw, nkx = t.kx_hi - t.kx_lo;
  const int64_t wstep = B * W::step; // one weight index q
  // Pixel 0's first tap inside the input, and its weights, for input channel 0.
  const float *x0 = c->x + t.n * c->x_img + t.ox0 * sw - g.pw + t.kx_lo * dw;
  const typename W::ptr w0 = w.group(t.ob) + t.kx_lo * wstep;
  if (g.kh * g.kw == 1) {
    // 1x1 kernels and dense layers: the channel loop is the only loop.
    if (t.ky_lo < t.ky_hi && nkx > 0) {
      const float *xs = x0 + t.iy0 * g.iw;
      typename W::ptr ws = w0;
      for (int64_t ch = 0; ch < c->c_in; ++ch, xs += c->x_cs, ws += wstep)
        xn_avx2_oc_fma<P, B, W>(acc, xs, sw, ws);
    }
  } else {
    for (int64_t ch = 0; ch < c->c_in; ++ch) {
      for (int64_t ky = t.ky_lo; ky < t.ky_hi; ++ky) {
        const float *xs = x0 + ch * c->x_cs + (t.iy0 + ky * g.dh) * g.iw;
        typename W::ptr ws = w0 + (ch * g.kh + ky) * g.kw * wstep;
        for (int64_t k = 0; k < nkx; ++k, xs += dw, ws += wstep)
          xn_avx2_oc_fma<P, B, W>(acc, xs, sw, ws);
      }
    }
  }
  if (c->y_cs != 1) {
    // NCHW: each block's 8 channel rows of P pixels into the segment's stage (unmasked: the
    // columns past P are overwritten by the next tile, or are slack).
    float *col = t.stage + (t.ox0 - t.s0);
    XN_X86F_UNROLL
    for (int b = 0; b < B; ++b) {
      __m256 v[8], r[8];
      XN_X86F_UNROLL
      for (int i = 0; i < 8; ++i)
        v[i] = i < P ? acc[b][i] : _mm256_setzero_ps();
      xn_avx2_oc_transpose8(v, r);
      XN_X86F_UNROLL
      for (int l = 0; l < 8; ++l)
        _mm256_storeu_ps(col + (b * 8 + l) * XN_X86_OC_STAGE, r[l]);
    }
    return;
  }
  alignas(32) float buf[B * 8 * 8];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b) {
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i)
      _mm256_store_ps(buf + (b * 8 + i) * 8, acc[b][i]);
  }
  xn_x86_oc_store_direct(c, buf, 8, B, P, t);
}

struct xn_avx2_oc {
  static const int L = XN_AVX2_OC_L, B = XN_AVX2_OC_B, P = XN_AVX2_OC_P;
  template <int P_, int B_, class W>
  static void tile(const xn_x86_oc_ctx *c, const W &w, const xn_x86_oc_pos &t) {
    xn_avx2_oc_tile<P_, B_>(c, w, t);
  }
};

// ---- kernels ----

// Same contract as xn_bwconv (generic/bwconv.h) with group == 1 and w packed by
// xn_avx2_bwconv_pack; computes part `part` of `parts` of the output (common/parts.h).
XN_AVX2_OC_TARGET inline void xn_avx2_bwconv(const xn_bwconv_params *p, const float *x,
                                             const uint64_t *w, const float *scale,
                                             const float *bias, const float *residual, float *y,
                                             int part = 0, int parts = 1) {
  const xn_x86_oc_ctx c = xn_x86_oc_bwconv_ctx(p, x, scale, bias, residual, y);
  const xn_avx2_oc_bits ws = {w, p->c_in * p->kh * p->kw};
  xn_x86_oc_run<xn_avx2_oc>(&c, ws, part, parts);
}

// Same contract as xn_bwdense (generic/bwconv.h) with w packed by xn_avx2_bwdense_pack. Not
// split for --threads, like the binary dense layers: one output row per image.
XN_AVX2_OC_TARGET inline void xn_avx2_bwdense(const xn_bwdense_params *p, const float *x,
                                              const uint64_t *w, const float *scale,
                                              const float *bias, const float *residual, float *y) {
  const xn_x86_oc_ctx c = xn_x86_oc_bwdense_ctx(p, x, scale, bias, residual, y);
  const xn_avx2_oc_bits ws = {w, p->k};
  xn_x86_oc_run<xn_avx2_oc>(&c, ws, 0, 1);
}

// Same contract as xn_conv (generic/conv.h) for convs xn_x86_conv_oc_supported() accepts,
// with w packed by xn_avx2_conv_oc_pack; computes part `part` of `parts` of the output.
XN_AVX2_OC_TARGET inline void xn_avx2_conv_oc(const xn_conv_params *p, const float *x,
                                              const float *w, const float *bias, float *y,
                                              int part = 0, int parts = 1) {
  const xn_x86_oc_ctx c = xn_x86_oc_conv_ctx(p, x, bias, y);
  const xn_avx2_oc_floats ws = {w, xn_x86_conv_oc_taps(p)};
  xn_x86_oc_run<xn_avx2_oc>(&c, ws, part, parts);
}

#endif // XNORC_RUNTIME_X86_AVX2_OC_CONV_H
