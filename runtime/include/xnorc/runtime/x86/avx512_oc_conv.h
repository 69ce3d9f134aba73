// AVX-512 output-channels-across-lanes convs (design: x86/oc_conv.h): the binary-weight
// conv and dense layer xn_avx512_bwconv / xn_avx512_bwdense, and the float conv
// xn_avx512_conv_oc, which xnorc prefers to the pixels-across-lanes xn_avx512_conv
// (x86/avx512_float.h) for strided convs (the stem) and convs with many weights per output
// (targets/x86/X86Targets.cpp, useOcConv).
//
// 16 output channels per zmm. Register tile: XN_AVX512_OC_B blocks x XN_AVX512_OC_P pixels
// (4 x 6: 64 channels x 6 pixels, 24 accumulators + 4 weight vectors + 1 broadcast). Per
// input channel and tap: 4 weight vectors (float: 4 loads; bits: 4 kmovw + vblendmps of
// +1/-1), then per pixel one vbroadcastss and 4 FMAs.
//
// Same parameter structs and semantics as generic/bwconv.h and generic/conv.h, equal up to
// float summation order. Per-function target attributes: builds without -m flags; callers
// check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_OC_CONV_H
#define XNORC_RUNTIME_X86_AVX512_OC_CONV_H

#include "oc_conv.h"

#include <immintrin.h>

#define XN_AVX512_OC_TARGET __attribute__((target("avx512f,fma")))
#define XN_AVX512_OC_INLINE __attribute__((always_inline, target("avx512f,fma"))) inline
#define XN_AVX512_OC_P 6  // output pixels per register tile

// ---- compile-time weight packing (plain C++) ----

inline size_t xn_avx512_bwconv_packed_words(const xn_bwconv_params *p) {
  return xn_x86_oc_bits_size(p->c_out, p->c_in * p->kh * p->kw, XN_AVX512_OC_L);
}
inline void xn_avx512_bwconv_pack(const xn_bwconv_params *p, const uint64_t *generic_w,
                                  uint64_t *packed) {
  xn_x86_oc_pack_bits(p->c_out, p->c_in, p->kh * p->kw, XN_AVX512_OC_L, XN_AVX512_OC_B, generic_w,
                      packed);
}
inline size_t xn_avx512_bwdense_packed_words(const xn_bwdense_params *p) {
  return xn_x86_oc_bits_size(p->m, p->k, XN_AVX512_OC_L);
}
inline void xn_avx512_bwdense_pack(const xn_bwdense_params *p, const uint64_t *generic_w,
                                   uint64_t *packed) {
  xn_x86_oc_pack_bits(p->m, p->k, 1, XN_AVX512_OC_L, XN_AVX512_OC_B, generic_w, packed);
}
inline size_t xn_avx512_conv_oc_packed_floats(const xn_conv_params *p) {
  return xn_x86_oc_floats_size(p->c_out, xn_x86_conv_oc_taps(p), XN_AVX512_OC_L);
}
inline void xn_avx512_conv_oc_pack(const xn_conv_params *p, const float *generic_w, float *packed) {
  xn_x86_oc_pack_floats(p->c_out, xn_x86_conv_oc_taps(p), XN_AVX512_OC_L, XN_AVX512_OC_B, generic_w,
                        packed);
}

// ---- weight sources ----
// group(ob): the packed weights of the tile's channel group (first block ob) at q = 0; a
// tile of B blocks then finds weight index q's vector b at get(group + (q * B + b) * step).

struct xn_avx512_oc_floats {
  typedef const float *ptr;
  static const int64_t step = 16; // floats per vector
  const float *w;
  int64_t qn;
  ptr group(int64_t ob) const { return w + ob * 16 * qn; }
  XN_AVX512_OC_TARGET static inline __m512 get(ptr p) { return _mm512_loadu_ps(p); }
};

struct xn_avx512_oc_bits {
  typedef const unsigned char *ptr;
  static const int64_t step = 2; // bytes per vector: 16 sign bits (x86 is little-endian)
  const uint64_t *w;
  int64_t qn;
  ptr group(int64_t ob) const { return (const unsigned char *)w + ob * 2 * qn; }
  XN_AVX512_OC_TARGET static inline __m512 get(ptr p) {
    uint16_t s;
    memcpy(&s, p, sizeof s);
    return _mm512_mask_blend_ps((__mmask16)s, _mm512_set1_ps(1.0f), _mm512_set1_ps(-1.0f));
  }
};

// ---- register tile ----

// Transposes P <= 8 pixel vectors of 16 channels into 16 rows of 8 pixels, XN_X86_OC_STAGE
// floats apart. Steps 1 and 2 transpose the 4x4 blocks within 128-bit lanes: lane j of u[k]
// then holds pixels 0-3 of channel 4j + k, lane j of u[4 + k] pixels 4-7; step 3 pairs them
// (channels k and 4 + k in one vector, 8 + k and 12 + k in another).
template <int P> XN_AVX512_OC_INLINE void xn_avx512_oc_transpose(const __m512 *acc, float *rows) {
  // (Intrinsics whose pass-through operand is undefined are avoided, as in x86/avx512_bconv.h:
  // g++ 12 reports -Wmaybe-uninitialized inside them.)
  const __mmask16 all = 0xffff;
  __m512 v[8], u[8];
  XN_X86F_UNROLL
  for (int i = 0; i < 8; ++i)
    v[i] = i < P ? acc[i] : _mm512_setzero_ps();
  XN_X86F_UNROLL
  for (int h = 0; h < 8; h += 4) {
    const __m512 t0 = _mm512_maskz_unpacklo_ps(all, v[h + 0], v[h + 1]);
    const __m512 t1 = _mm512_maskz_unpackhi_ps(all, v[h + 0], v[h + 1]);
    const __m512 t2 = _mm512_maskz_unpacklo_ps(all, v[h + 2], v[h + 3]);
    const __m512 t3 = _mm512_maskz_unpackhi_ps(all, v[h + 2], v[h + 3]);
    u[h + 0] = _mm512_shuffle_ps(t0, t2, 0x44);
    u[h + 1] = _mm512_shuffle_ps(t0, t2, 0xEE);
    u[h + 2] = _mm512_shuffle_ps(t1, t3, 0x44);
    u[h + 3] = _mm512_shuffle_ps(t1, t3, 0xEE);
  }
  const __m512i lo = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(8));
  XN_X86F_UNROLL
  for (int k = 0; k < 4; ++k) {
    const __m512 a = _mm512_permutex2var_ps(u[k], lo, u[4 + k]);
    const __m512 b = _mm512_permutex2var_ps(u[k], hi, u[4 + k]);
    // Masked stores of the low and the high 8 lanes: no extracts (port 5) needed.
    _mm512_mask_storeu_ps(rows + k * XN_X86_OC_STAGE, 0x00ff, a);
    _mm512_mask_storeu_ps(rows + (4 + k) * XN_X86_OC_STAGE - 8, 0xff00, a);
    _mm512_mask_storeu_ps(rows + (8 + k) * XN_X86_OC_STAGE, 0x00ff, b);
    _mm512_mask_storeu_ps(rows + (12 + k) * XN_X86_OC_STAGE - 8, 0xff00, b);
  }
}

// One weight index q: the B weight vectors at ws times the P pixels' inputs (xs, sw apart).
template <int P, int B, class W>
XN_AVX512_OC_INLINE void xn_avx512_oc_fma(__m512 (&acc)[B][P], const float *xs, int64_t sw,
                                          typename W::ptr ws) {
  __m512 wv[B];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b)
    wv[b] = W::get(ws + b * W::step);
  XN_X86F_UNROLL
  for (int i = 0; i < P; ++i) {
    const __m512 xb = _mm512_set1_ps(xs[i * sw]);
    XN_X86F_UNROLL
    for (int b = 0; b < B; ++b)
      acc[b][i] = _mm512_fmadd_ps(xb, wv[b], acc[b][i]);
  }
}

// P pixels x B blocks at t (see xn_x86_oc_pos); the epilogue stores them.
template <int P, int B, class W>
XN_AVX512_OC_TARGET inline void xn_avx512_oc_tile(const xn_x86_oc_ctx *c, const W &w,
                                                  const xn_x86_oc_pos &t) {
  const xn_x86_conv_geom &g = c->g;
  __m512 acc[B][P];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b) {
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i)
      acc[b][i] = _mm512_setzero_ps();
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
        xn_avx512_oc_fma<P, B, W>(acc, xs, sw, ws);
    }
  } else {
    for (int64_t ch = 0; ch < c->c_in; ++ch) {
      for (int64_t ky = t.ky_lo; ky < t.ky_hi; ++ky) {
        const float *xs = x0 + ch * c->x_cs + (t.iy0 + ky * g.dh) * g.iw;
        typename W::ptr ws = w0 + (ch * g.kh + ky) * g.kw * wstep;
        for (int64_t k = 0; k < nkx; ++k, xs += dw, ws += wstep)
          xn_avx512_oc_fma<P, B, W>(acc, xs, sw, ws);
      }
    }
  }
  if (c->y_cs != 1) {
    // NCHW: each block's 16 channel rows of P pixels into the segment's stage (unmasked: the
    // columns past P are overwritten by the next tile, or are slack).
    float *col = t.stage + (t.ox0 - t.s0);
    XN_X86F_UNROLL
    for (int b = 0; b < B; ++b)
      xn_avx512_oc_transpose<P>(acc[b], col + b * 16 * XN_X86_OC_STAGE);
    return;
  }
  alignas(64) float buf[B * 8 * 16];
  XN_X86F_UNROLL
  for (int b = 0; b < B; ++b) {
    XN_X86F_UNROLL
    for (int i = 0; i < P; ++i)
      _mm512_store_ps(buf + (b * 8 + i) * 16, acc[b][i]);
  }
  xn_x86_oc_store_direct(c, buf, 16, B, P, t);
}

struct xn_avx512_oc {
  static const int L = XN_AVX512_OC_L, B = XN_AVX512_OC_B, P = XN_AVX512_OC_P;
  template <int P_, int B_, class W>
  static void tile(const xn_x86_oc_ctx *c, const W &w, const xn_x86_oc_pos &t) {
    xn_avx512_oc_tile<P_, B_>(c, w, t);
  }
};

// ---- kernels ----

// Same contract as xn_bwconv (generic/bwconv.h) with group == 1 and w packed by
// xn_avx512_bwconv_pack; computes part `part` of `parts` of the output (common/parts.h).
XN_AVX512_OC_TARGET inline void xn_avx512_bwconv(const xn_bwconv_params *p, const float *x,
                                                 const uint64_t *w, const float *scale,
                                                 const float *bias, const float *residual, float *y,
                                                 int part = 0, int parts = 1) {
  const xn_x86_oc_ctx c = xn_x86_oc_bwconv_ctx(p, x, scale, bias, residual, y);
  const xn_avx512_oc_bits ws = {w, p->c_in * p->kh * p->kw};
  xn_x86_oc_run<xn_avx512_oc>(&c, ws, part, parts);
}

// Same contract as xn_bwdense (generic/bwconv.h) with w packed by xn_avx512_bwdense_pack. Not
// split for --threads, like the binary dense layers: one output row per image.
XN_AVX512_OC_TARGET inline void xn_avx512_bwdense(const xn_bwdense_params *p, const float *x,
                                                  const uint64_t *w, const float *scale,
                                                  const float *bias, const float *residual,
                                                  float *y) {
  const xn_x86_oc_ctx c = xn_x86_oc_bwdense_ctx(p, x, scale, bias, residual, y);
  const xn_avx512_oc_bits ws = {w, p->k};
  xn_x86_oc_run<xn_avx512_oc>(&c, ws, 0, 1);
}

// Same contract as xn_conv (generic/conv.h) for convs xn_x86_conv_oc_supported() accepts,
// with w packed by xn_avx512_conv_oc_pack; computes part `part` of `parts` of the output.
XN_AVX512_OC_TARGET inline void xn_avx512_conv_oc(const xn_conv_params *p, const float *x,
                                                  const float *w, const float *bias, float *y,
                                                  int part = 0, int parts = 1) {
  const xn_x86_oc_ctx c = xn_x86_oc_conv_ctx(p, x, bias, y);
  const xn_avx512_oc_floats ws = {w, xn_x86_conv_oc_taps(p)};
  xn_x86_oc_run<xn_avx512_oc>(&c, ws, part, parts);
}

#endif // XNORC_RUNTIME_X86_AVX512_OC_CONV_H
