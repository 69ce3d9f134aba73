// Float-input conv and Gemm for ARM NEON (AArch64 and ARMv7): the float layers of a binary
// network (stem conv, 1x1 downsample convs, classifier Gemm), and the engine the
// binary-weight (BWN) conv and dense layers of neon/bwconv.h share.
//
// Output channels across lanes, input scalar broadcast: a float32x4 accumulator holds 4
// output channels of one output pixel. Weights are packed at compile time
// (common/neon_pack.h) so that for each (input channel, tap) pair the 4 channels of a block
// load as one q-register; where that vector comes from is the weight source's business
// (xn_neon_wsrc_f here: a vld1q_f32 of floats; neon/bwconv.h: +-1 expanded from 4 bits), and
// everything else (row walk, register tiles, border pixels, epilogue) is this file's, once.
//
// Register tile: XN_NEON_FG groups of 4 consecutive output pixels of one row x XN_NEON_FB
// blocks of 4 channels (neon/config_*.h; AArch64 12 x 8, ARMv7 4 x 8). Per (channel, tap)
// it loads the FB weight vectors and, per group, the 4 pixels' inputs as one vector (stride
// 1: vld1q_f32; stride 2: vld2q_f32's even lanes; larger: 4 lane loads), then multiplies
// lane by lane: vfmaq_laneq_f32 on AArch64 (fused), vmlaq_lane_f32 on ARMv7 (NEON without
// VFPv4 has no fused multiply-add; vmla rounds the product). The input is reached by
// stride and dilation arithmetic only, so every stride is the same loop. Zero padding is
// exact: kernel rows outside the input are skipped per output row; pixels whose window
// leaves the input along W (the borders) take a one-pixel path over their valid taps only,
// with the input broadcast (vld1q_dup_f32). A 1x1 stride-1 unpadded conv is one row of H*W
// pixels. Layers with one output pixel per image (dense, Gemm) run the one-pixel path with
// XN_NEON_FB1 blocks: one broadcast per input, FB1 independent accumulators.
//
// Epilogue, generic/bwconv.h's: y = act(scale[m] * sum + bias[m] + residual) (the float
// conv: scale 1, no residual; generic/conv.h's bias + activation), computed on the 4
// channels of a pixel, then a 4x4 transpose makes 4 pixels of one channel a contiguous
// NCHW store. Relu runs in registers, other activations on the stored values through the
// generic xn_act_apply_n. residual may alias y (each element is read before it is written).
//
// Results equal the generic kernels' up to float summation order (and FMA on AArch64; ARMv7
// NEON also flushes denormals to zero). The epilogue's scale * sum is rounded before the bias
// is added (XN_OC_ROUNDED, common/oc_blocked.h): g++ on AArch64 contracts vmulq + vaddq into
// an fmla where it likes, and it liked to in one inlined copy of a kernel and not in another,
// so --threads=4 differed from one thread in the last bit (Targets/neon/threads-exec.test).
//
// Why this is not x86/oc_conv.h's engine over a NEON policy: that engine broadcasts one input
// per pixel (x86 has no multiply-add by lane) and transposes [pixel][channel] tiles of up to
// 8 pixels; this one loads 4 pixels' inputs at once and multiplies by lane, with 4 x 4
// transposes, and rounds per ARM flavour (vfmaq / vmla). Sharing the walk would make the
// tile's input fetch, FMA and transpose policy operations, i.e. all of it
// (docs/Architecture.md, "Runtime: one walk per family").
#ifndef XNORC_RUNTIME_NEON_FCONV_H
#define XNORC_RUNTIME_NEON_FCONV_H

#include "../common/neon_pack.h"
#include "../common/parts.h"
#include "common.h"

static_assert(XN_NEON_FB % 2 == 0 && XN_NEON_FB1 % 2 == 0,
              "channel groups start at even blocks (neon/bwconv.h reads a byte per 2 blocks)");

// acc + w * x[L]: fused on AArch64; ARMv7's vmla rounds the product (VFMA needs VFPv4).
template <int L>
inline float32x4_t xn_neon_mla_lane(float32x4_t acc, float32x4_t w, float32x4_t x) {
#if defined(__aarch64__)
  return vfmaq_laneq_f32(acc, w, x, L);
#else
  return vmlaq_lane_f32(acc, w, L < 2 ? vget_low_f32(x) : vget_high_f32(x), L & 1);
#endif
}

inline float32x4_t xn_neon_mla(float32x4_t acc, float32x4_t w, float32x4_t x) {
#if defined(__aarch64__)
  return vfmaq_f32(acc, w, x);
#else
  return vmlaq_f32(acc, w, x);
#endif
}

// A conv seen as 2-D NCHW (1-D convs, dense layers and Gemm have height and width 1), with
// the epilogue's operands.
struct xn_neon_fconv_ctx {
  int64_t n, c_in, c_out, ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, ph, pw;
  int64_t row_lo, row_hi; // output rows of this part (--threads), counted over all n * oh
  const float *x;
  const float *scale, *bias, *residual; // NULL: 1, 0, none
  int32_t act_kind;
  float act_alpha, act_beta;
  float *y;
};

// A 1x1 stride-1 conv without padding is a matrix product over all pixels: one row of H*W
// pixels, so short rows (7x7 feature maps) still fill whole tiles.
inline void xn_neon_fconv_flatten_1x1(xn_neon_fconv_ctx *c) {
  if (c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1 && c->ph == 0 && c->pw == 0 &&
      c->oh == c->ih && c->ow == c->iw) {
    c->iw = c->ow = c->ih * c->iw;
    c->ih = c->oh = 1;
  }
}

// Float weights packed by xn_neon_fpack: block b's vector for pair k at w + b * block + 4 k.
struct xn_neon_wsrc_f {
  const float *w;
  ptrdiff_t block; // floats per block: 4 K

  // The source of the tile whose first block is ob.
  xn_neon_wsrc_f at(int64_t ob) const { return {w + ob * block, block}; }

  template <int B>
  __attribute__((always_inline)) inline void load(ptrdiff_t k, float32x4_t (&v)[B]) const {
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b)
      v[b] = vld1q_f32(w + b * block + k * XN_NEON_FL);
  }
};

// Inputs of 4 output pixels, sw apart from src. S = 2 reads src[0..7] (the caller checks
// that src[7] is inside the input), S = 0 any stride.
template <int S>
__attribute__((always_inline)) inline float32x4_t xn_neon_load4(const float *src, int64_t sw) {
  if (S == 1)
    return vld1q_f32(src);
  if (S == 2)
    return vld2q_f32(src).val[0];
  float32x4_t v = vld1q_dup_f32(src);
  v = vld1q_lane_f32(src + sw, v, 1);
  v = vld1q_lane_f32(src + 2 * sw, v, 2);
  return vld1q_lane_f32(src + 3 * sw, v, 3);
}

// Channels m0 .. m0 + 3 of a per-channel vector (NULL: dflt), zero past c_out.
inline float32x4_t xn_neon_chan4(const float *v, int64_t m0, int64_t c_out, float dflt) {
  if (v == NULL)
    return vdupq_n_f32(dflt);
  if (m0 + 4 <= c_out)
    return vld1q_f32(v + m0);
  float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int64_t l = 0; m0 + l < c_out; ++l)
    t[l] = v[m0 + l];
  return vld1q_f32(t);
}

// scale * acc + bias with the product rounded before the add (see the header comment).
inline float32x4_t xn_neon_scale_bias(float32x4_t acc, float32x4_t scale, float32x4_t bias) {
  float32x4_t prod = vmulq_f32(acc, scale);
  XN_OC_ROUNDED(prod);
  return vaddq_f32(prod, bias);
}

// 4 consecutive outputs of one channel at y[idx]: + residual, activation, store.
inline void xn_neon_fconv_out4(const xn_neon_fconv_ctx *c, int64_t idx, float32x4_t v) {
  if (c->residual)
    v = vaddq_f32(v, vld1q_f32(c->residual + idx));
  if (c->act_kind == XN_ACT_RELU) // v < 0 ? 0 : v, as the generic kernels: NaN and -0 stay
    v = vbslq_f32(vcltq_f32(v, vdupq_n_f32(0.0f)), vdupq_n_f32(0.0f), v);
  vst1q_f32(c->y + idx, v);
  if (c->act_kind != XN_ACT_NONE && c->act_kind != XN_ACT_RELU)
    xn_act_apply_n(c->act_kind, c->act_alpha, c->act_beta, c->y + idx, 4);
}

// Epilogue of a tile: acc[p][b] holds channels m0 + 4 b .. + 3 of pixel pix0 + p. Always
// inlined: accumulators passed out of line would live in memory throughout the tile's loop.
template <int G, int B>
__attribute__((always_inline)) inline void
xn_neon_fconv_store_tile(const xn_neon_fconv_ctx *c, int64_t n, int64_t pix0, int64_t m0,
                         float32x4_t (&acc)[4 * G][B]) {
  const int64_t plane = c->oh * c->ow;
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b) {
    const int64_t mb = m0 + 4 * b;
    if (mb >= c->c_out)
      break;
    const int64_t tv = c->c_out - mb < 4 ? c->c_out - mb : 4;
    const float32x4_t sv = xn_neon_chan4(c->scale, mb, c->c_out, 1.0f);
    const float32x4_t bv = xn_neon_chan4(c->bias, mb, c->c_out, 0.0f);
    XN_UNROLL(16)
    for (int g = 0; g < G; ++g) {
      float32x4_t r[4];
      XN_UNROLL(16)
      for (int l = 0; l < 4; ++l)
        r[l] = xn_neon_scale_bias(acc[4 * g + l][b], sv, bv);
      // Transpose: pixels x channels -> channels x pixels.
      const float32x4x2_t t01 = vtrnq_f32(r[0], r[1]), t23 = vtrnq_f32(r[2], r[3]);
      const float32x4_t col[4] = {
          vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0])),
          vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1])),
          vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0])),
          vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1]))};
      for (int64_t t = 0; t < tv; ++t)
        xn_neon_fconv_out4(c, (n * c->c_out + mb + t) * plane + pix0 + 4 * g, col[t]);
    }
  }
}

// One register tile: 4 G pixels of output row oy from column ox0 (their windows inside the
// input along W; rows ky_lo .. ky_hi - 1 of the kernel inside it along H) x B blocks from
// channel m0. K1: the kernel is 1x1, so the channel loop is the only loop.
template <int G, int B, int S, bool K1, typename W>
inline void xn_neon_fconv_tile(const xn_neon_fconv_ctx *c, int64_t n, int64_t oy, int64_t ox0,
                               int64_t ky_lo, int64_t ky_hi, W w, int64_t m0) {
  float32x4_t acc[4 * G][B];
  XN_UNROLL(16)
  for (int p = 0; p < 4 * G; ++p) {
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b)
      acc[p][b] = vdupq_n_f32(0.0f);
  }
  const int64_t plane = c->ih * c->iw, sw = c->sw;
  const int64_t iy0 = oy * c->sh - c->ph, ix0 = ox0 * sw - c->pw;
  const float *xn = c->x + n * c->c_in * plane;
  // Per (channel, tap) pair k: B weight vectors, G input vectors, 4 G B multiply-adds. The
  // loops over pairs count in ptrdiff_t: 64-bit counters cost ARMv7 an adds / adc pair each.
  auto step = [&](ptrdiff_t k, const float *src) __attribute__((always_inline)) {
    float32x4_t wv[B];
    w.template load<B>(k, wv);
    XN_UNROLL(16)
    for (int g = 0; g < G; ++g) {
      const float32x4_t xv = xn_neon_load4<S>(src + 4 * g * sw, sw);
      XN_UNROLL(16)
      for (int b = 0; b < B; ++b) {
        acc[4 * g + 0][b] = xn_neon_mla_lane<0>(acc[4 * g + 0][b], wv[b], xv);
        acc[4 * g + 1][b] = xn_neon_mla_lane<1>(acc[4 * g + 1][b], wv[b], xv);
        acc[4 * g + 2][b] = xn_neon_mla_lane<2>(acc[4 * g + 2][b], wv[b], xv);
        acc[4 * g + 3][b] = xn_neon_mla_lane<3>(acc[4 * g + 3][b], wv[b], xv);
      }
    }
  };
  if (K1) {
    if (ky_lo < ky_hi) {
      const float *src = xn + iy0 * c->iw + ix0;
      const ptrdiff_t c_in = (ptrdiff_t)c->c_in, step_c = (ptrdiff_t)plane;
      for (ptrdiff_t ci = 0; ci < c_in; ++ci, src += step_c)
        step(ci, src);
    }
  } else {
    const ptrdiff_t kw = (ptrdiff_t)c->kw, dw = (ptrdiff_t)c->dw;
    for (int64_t ci = 0; ci < c->c_in; ++ci)
      for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
        const float *src = xn + ci * plane + (iy0 + ky * c->dh) * c->iw + ix0;
        const ptrdiff_t k0 = (ptrdiff_t)((ci * c->kh + ky) * c->kw);
        for (ptrdiff_t kx = 0; kx < kw; ++kx, src += dw)
          step(k0 + kx, src);
      }
  }
  xn_neon_fconv_store_tile<G, B>(c, n, oy * c->ow + ox0, m0, acc);
}

// The tile at (oy, ox0) with the input loads its W stride allows: vld2q_f32 reads one float
// past the last pixel's input, so stride 2 takes lane loads where that float would lie
// beyond the input (the last pixels of the last channel of the last image).
template <int G, int B, bool K1, typename W>
inline void xn_neon_fconv_tile_any(const xn_neon_fconv_ctx *c, int64_t n, int64_t oy, int64_t ox0,
                                   int64_t ky_lo, int64_t ky_hi, W w, int64_t m0) {
  if (c->sw == 1)
    return xn_neon_fconv_tile<G, B, 1, K1>(c, n, oy, ox0, ky_lo, ky_hi, w, m0);
  if (c->sw == 2) {
    const int64_t plane = c->ih * c->iw;
    const int64_t last = ((n + 1) * c->c_in - 1) * plane +
                         (oy * c->sh - c->ph + (ky_hi - 1) * c->dh) * c->iw +
                         (ox0 + 4 * G - 1) * 2 - c->pw + (c->kw - 1) * c->dw + 1;
    if (ky_lo >= ky_hi || last < c->n * c->c_in * plane)
      return xn_neon_fconv_tile<G, B, 2, K1>(c, n, oy, ox0, ky_lo, ky_hi, w, m0);
  }
  xn_neon_fconv_tile<G, B, 0, K1>(c, n, oy, ox0, ky_lo, ky_hi, w, m0);
}

// One output pixel (oy, ox) x B blocks from channel m0, over its valid taps: the border
// pixels, the pixels a row's tiles leave, and the layers with one pixel per image.
template <int B, bool K1, typename W>
inline void xn_neon_fconv_pixel(const xn_neon_fconv_ctx *c, int64_t n, int64_t oy, int64_t ox,
                                int64_t ky_lo, int64_t ky_hi, W w, int64_t m0) {
  float32x4_t acc[B];
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b)
    acc[b] = vdupq_n_f32(0.0f);
  const int64_t plane = c->ih * c->iw;
  const int64_t iy0 = oy * c->sh - c->ph, ix0 = ox * c->sw - c->pw;
  int64_t kx_lo, kx_hi;
  xn_tap_range(ix0, c->dw, c->kw, 0, c->iw, &kx_lo, &kx_hi);
  const float *xn = c->x + n * c->c_in * plane;
  auto step = [&](ptrdiff_t k, const float *src) __attribute__((always_inline)) {
    float32x4_t wv[B];
    w.template load<B>(k, wv);
    const float32x4_t xv = vld1q_dup_f32(src);
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b)
      acc[b] = xn_neon_mla(acc[b], wv[b], xv);
  };
  if (K1) {
    if (ky_lo < ky_hi && kx_lo < kx_hi) {
      const float *src = xn + iy0 * c->iw + ix0;
      const ptrdiff_t c_in = (ptrdiff_t)c->c_in, step_c = (ptrdiff_t)plane;
      for (ptrdiff_t ci = 0; ci < c_in; ++ci, src += step_c)
        step(ci, src);
    }
  } else {
    const ptrdiff_t dw = (ptrdiff_t)c->dw;
    for (int64_t ci = 0; ci < c->c_in; ++ci)
      for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
        const float *row = xn + ci * plane + (iy0 + ky * c->dh) * c->iw + ix0;
        const ptrdiff_t k0 = (ptrdiff_t)((ci * c->kh + ky) * c->kw);
        for (ptrdiff_t kx = (ptrdiff_t)kx_lo; kx < (ptrdiff_t)kx_hi; ++kx)
          step(k0 + kx, row + kx * dw);
      }
  }
  const int64_t plane_out = c->oh * c->ow, pix = oy * c->ow + ox;
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b) {
    const int64_t mb = m0 + 4 * b;
    if (mb >= c->c_out)
      break;
    alignas(16) float v[4];
    vst1q_f32(v, xn_neon_scale_bias(acc[b], xn_neon_chan4(c->scale, mb, c->c_out, 1.0f),
                                    xn_neon_chan4(c->bias, mb, c->c_out, 0.0f)));
    for (int64_t t = 0; t < 4 && mb + t < c->c_out; ++t) {
      const int64_t idx = (n * c->c_out + mb + t) * plane_out + pix;
      const float r = c->residual ? v[t] + c->residual[idx] : v[t];
      c->y[idx] = xn_act_apply(c->act_kind, c->act_alpha, c->act_beta, r);
    }
  }
}

// Every output pixel for the B blocks from channel m0: per row, the border pixels one by
// one, the interior in tiles of 4 XN_NEON_FG then 4 pixels, the rest one by one.
template <int B, bool K1, typename W>
inline void xn_neon_fconv_blocks(const xn_neon_fconv_ctx *c, W w, int64_t m0) {
  const int G = XN_NEON_FG;
  int64_t ox_lo, ox_hi;
  xn_oc_interior(c->ow, c->sw, c->pw, c->dw, c->kw, c->iw, &ox_lo, &ox_hi);
  for (int64_t row = c->row_lo; row < c->row_hi; ++row) {
    const int64_t n = row / c->oh, oy = row % c->oh;
    {
      int64_t ky_lo, ky_hi;
      xn_tap_range(oy * c->sh - c->ph, c->dh, c->kh, 0, c->ih, &ky_lo, &ky_hi);
      int64_t ox = 0;
      for (; ox < ox_lo; ++ox)
        xn_neon_fconv_pixel<B, K1>(c, n, oy, ox, ky_lo, ky_hi, w, m0);
      for (; ox + 4 * G <= ox_hi; ox += 4 * G)
        xn_neon_fconv_tile_any<G, B, K1>(c, n, oy, ox, ky_lo, ky_hi, w, m0);
      if (G > 1)
        for (; ox + 4 <= ox_hi; ox += 4)
          xn_neon_fconv_tile_any<1, B, K1>(c, n, oy, ox, ky_lo, ky_hi, w, m0);
      for (; ox < c->ow; ++ox)
        xn_neon_fconv_pixel<B, K1>(c, n, oy, ox, ky_lo, ky_hi, w, m0);
    }
  }
}

// One output pixel per image: the one-pixel path for every image.
template <int B, bool K1, typename W>
inline void xn_neon_fconv_pixels(const xn_neon_fconv_ctx *c, W w, int64_t m0) {
  int64_t ky_lo, ky_hi;
  xn_tap_range(-c->ph, c->dh, c->kh, 0, c->ih, &ky_lo, &ky_hi);
  for (int64_t n = c->row_lo; n < c->row_hi; ++n) // one row per image
    xn_neon_fconv_pixel<B, K1>(c, n, 0, 0, ky_lo, ky_hi, w, m0);
}

// Channel groups: FB (FB1 for one-pixel layers) blocks at a time, then 2, then 1, so every
// group starts at an even block.
template <bool K1, typename W> inline void xn_neon_fconv_groups(const xn_neon_fconv_ctx *c, W w) {
  const int64_t blocks = (c->c_out + XN_NEON_FL - 1) / XN_NEON_FL;
  int64_t ob = 0;
  if (c->oh * c->ow == 1) {
    for (; ob + XN_NEON_FB1 <= blocks; ob += XN_NEON_FB1)
      xn_neon_fconv_pixels<XN_NEON_FB1, K1>(c, w.at(ob), ob * XN_NEON_FL);
    for (; ob + 2 <= blocks; ob += 2)
      xn_neon_fconv_pixels<2, K1>(c, w.at(ob), ob * XN_NEON_FL);
    if (ob < blocks)
      xn_neon_fconv_pixels<1, K1>(c, w.at(ob), ob * XN_NEON_FL);
    return;
  }
  for (; ob + XN_NEON_FB <= blocks; ob += XN_NEON_FB)
    xn_neon_fconv_blocks<XN_NEON_FB, K1>(c, w.at(ob), ob * XN_NEON_FL);
  for (; ob + 2 <= blocks; ob += 2)
    xn_neon_fconv_blocks<2, K1>(c, w.at(ob), ob * XN_NEON_FL);
  if (ob < blocks)
    xn_neon_fconv_blocks<1, K1>(c, w.at(ob), ob * XN_NEON_FL);
}

// The engine's entry point, for any weight source; part `part` of `parts` of the output
// rows (--threads; a flattened 1x1 conv or a dense layer has one row per image).
template <typename W>
inline void xn_neon_fconv_run(xn_neon_fconv_ctx c, W w, int part = 0, int parts = 1) {
  xn_neon_fconv_flatten_1x1(&c);
  xn_part_range(c.n * c.oh, part, parts, &c.row_lo, &c.row_hi);
  if (c.kh == 1 && c.kw == 1)
    xn_neon_fconv_groups<true>(&c, w);
  else
    xn_neon_fconv_groups<false>(&c, w);
}

// The context of a layer with one output pixel per image: n images of c_in channels -> c_out
// channels (dense layers, Gemm), no epilogue operands.
inline xn_neon_fconv_ctx xn_neon_fconv_dense_ctx(int64_t n, int64_t c_in, int64_t c_out,
                                                 const float *x, float *y) {
  xn_neon_fconv_ctx c;
  memset(&c, 0, sizeof c);
  c.n = n;
  c.c_in = c_in;
  c.c_out = c_out;
  c.ih = c.iw = c.oh = c.ow = c.kh = c.kw = c.sh = c.sw = c.dh = c.dw = 1;
  c.x = x;
  c.y = y;
  return c;
}

// Same contract as xn_conv (generic/conv.h) for convs xn_neon_conv_supported() accepts, with
// w packed by xn_neon_conv_pack.
inline void xn_neon_conv(const xn_conv_params *p, const float *x, const float *w, const float *bias,
                         float *y, int part = 0, int parts = 1) {
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad;
  xn_neon_fconv_ctx c;
  memset(&c, 0, sizeof c);
  c.n = p->n;
  c.c_in = p->c_in;
  c.c_out = p->c_out;
  c.ih = id[1];
  c.iw = id[2];
  c.oh = od[1];
  c.ow = od[2];
  c.kh = k[1];
  c.kw = k[2];
  c.sh = s[1];
  c.sw = s[2];
  c.dh = dl[1];
  c.dw = dl[2];
  c.ph = pb[1];
  c.pw = pb[2];
  c.x = x;
  c.bias = bias;
  c.act_kind = p->act_kind;
  c.act_alpha = p->act_alpha;
  c.act_beta = p->act_beta;
  c.y = y;
  xn_neon_fconv_run(c, xn_neon_wsrc_f{w, (ptrdiff_t)(xn_neon_conv_pairs(p) * XN_NEON_FL)}, part,
                    parts);
}

// Same contract as xn_gemm (generic/gemm.h) for trans_a == 0 (xn_neon_gemm_supported), with
// b packed by xn_neon_gemm_pack: the rows of A are M one-pixel images of K channels, and
// alpha, beta and C are the generic epilogue's, on the product.
inline void xn_neon_gemm(const xn_gemm_params *p, const float *a, const float *bp, const float *c,
                         float *y) {
  xn_neon_fconv_run(xn_neon_fconv_dense_ctx(p->M, p->K, p->N, a, y),
                    xn_neon_wsrc_f{bp, (ptrdiff_t)(p->K * XN_NEON_FL)});
  xn_gemm_epilogue(p, c, y);
}

#endif // XNORC_RUNTIME_NEON_FCONV_H
