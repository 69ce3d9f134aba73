// Shared pieces of xnorc's x86 "output channels across lanes" convs (x86/avx512_oc_conv.h,
// x86/avx2_oc_conv.h) for float inputs: the binary-weight (BWN) conv and dense layer, and the
// float conv xnorc picks for strided convs (the stem) and most others (targets/x86/
// X86Targets.cpp, useOcConv).
//
// Design. A vector holds L consecutive output channels of one output pixel (L = 16 for
// AVX-512, 8 for AVX2). For one input channel and kernel tap the kernel builds the vector of
// the L channels' weights once, then does one FMA per output pixel of the register tile with
// that pixel's input value broadcast: a tile of B weight vectors (B * L channels) x P pixels
// of one output row holds B * P accumulators. Unlike the pixels-across-lanes float conv
// (x86/<isa>_float.h), nothing depends on the stride (a strided input is just a farther
// broadcast) and a conv with 3 input channels still runs full vectors. The weight vectors
// come from a "weight source" (packed at compile time, order below):
//   - float weights (xn_x86_oc_pack_floats): one vector load;
//   - bit weights (BWN, xn_x86_oc_pack_bits): the L sign bits, expanded to +-1.0f (AVX-512:
//     mask blend; AVX2: table). x * +-1 is exact, so each FMA rounds like the generic
//     kernel's addition. The weights stay 32x smaller than floats in the generated code.
// Only the weight source differs: the row walk (xn_x86_oc_run), the register tile, border
// handling and the epilogue are the same code for both.
//
// Borders: kernel rows outside the input are skipped for the whole output row. Pixels run P
// at a time over the whole kernel width; a tile with pixels whose window crosses the left or
// right edge first copies the input it reads (every input channel, the kernel rows inside the
// input, the tile's columns) into a small stack buffer with the columns outside the input as
// zeros (xn_x86_oc_strip). A padded tap adds 0 * w = +-0, which leaves every sum but an exact
// zero unchanged (and there only its sign): the generic kernel's exact zero padding. Border
// pixels used to run one at a time over their taps inside the input: a one-pixel tile has
// only B accumulator chains, too few to cover the FMA latency, and the stem's three border
// pixels per row (of 112) took 7 % of its time. A tile whose input would not fit in
// XN_X86_OC_STRIP_BYTES still runs that way.
//
// Output: a tile's accumulators are [pixel][channel]; NCHW wants [channel][pixel]. Each
// output row is done in segments of XN_X86_OC_SEG pixels: the ISA's tile transposes its P <= 8
// pixel vectors into the segment's stage (a small [channel][pixel] buffer on the stack,
// in-register transposes amortised over the c_in * kh * kw FMAs of every accumulator), then
// xn_x86_oc_flush (shared) writes the stage row by row with scale, bias, residual and
// activation, so each cache line of y is written whole and at once. A dense layer's output
// [n][m] already has channels contiguous, as has the pixel-major ring of the fused conv +
// max-pool (x86/conv_pool.h): their vectors go straight to y (y_cs = 1, y_ps floats apart),
// each pixel tile for every channel group in turn (one strip per border tile), and with no
// residual, no activation or Relu and whole vectors (the stem) from the registers.
// Channels past c_out (zero float weights, +1 bits) are computed and never stored.
//
// NEON has its own engine of this kind (neon/fconv.h), not this one over a NEON policy: it
// multiplies by lane, 4 pixels' inputs per load, where x86 (no FMA by lane) broadcasts one
// input per pixel, so tile, input fetch and epilogue transpose all differ; the weight order
// (common/oc_pack.h) is shared. docs/Architecture.md ("Runtime: one walk per family") has
// the details.
//
// Results equal the generic kernels' up to float summation order (FMA), not bit for bit.
#ifndef XNORC_RUNTIME_X86_OC_CONV_H
#define XNORC_RUNTIME_X86_OC_CONV_H

#include "../common/parts.h"
#include "../generic/bwconv.h"
#include "common.h"
#include "float_common.h"

#include <immintrin.h>
#include <math.h>
#include <string.h>

// ---- the conv seen by the kernels ----

// Every layer as a 2-D conv over NCHW-like strides. A dense layer [n][k] x [m][k]^T is one
// "image" whose output row holds the n batch rows as pixels: input channel stride 1, pixel
// stride k (the conv's W stride), output channel stride 1 and pixel stride m.
struct xn_x86_oc_ctx {
  xn_x86_conv_geom g;
  int64_t n, c_in, c_out;
  int64_t x_img, x_cs;       // input floats per image, per channel
  int64_t y_img, y_cs, y_ps; // output floats per image, per channel, per pixel
  int64_t y_rows;            // output rows y holds: row oy goes to row oy % y_rows (a ring)
  int32_t act_kind;
  float act_alpha, act_beta;
  const float *x, *scale, *bias, *residual;
  float *y;
  // Non-null: the conv + max-pool's W reduction (x86/conv_pool.h, xn_x86_conv_pool_by_pairs):
  // each tile writes the max of every 3 consecutive pixels from an odd one (the previous tile's
  // last pixel, kept here per channel, first) instead of its pixels.
  float *pool_carry;
};

// Output pixels per segment of an output row: NCHW results are staged for a segment, then
// written row by row (xn_x86_oc_flush). A multiple of the tiles' P and of 8.
#define XN_X86_OC_SEG 48
// Floats per staged channel row: 8 of slack past the segment take a tile's unmasked rows.
#define XN_X86_OC_STAGE (XN_X86_OC_SEG + 8)
// The largest copy of a border tile's input (xn_x86_oc_strip), on the stack.
#define XN_X86_OC_STRIP_BYTES 32768

// One register tile: image n, output row oy (input rows from iy0, kernel rows [ky_lo, ky_hi)
// inside the input), output pixels from ox0 (kernel columns [kx_lo, kx_hi) for every one of
// them), channel blocks from ob; its segment starts at pixel s0 and is staged in stage.
struct xn_x86_oc_pos {
  int64_t n, oy, ox0, ob, iy0, ky_lo, ky_hi, kx_lo, kx_hi, s0;
  float *stage;
};

inline xn_x86_oc_ctx xn_x86_oc_make_ctx(xn_x86_conv_geom g, int64_t n, int64_t c_in, int64_t c_out,
                                        int32_t act_kind, float act_alpha, float act_beta,
                                        const float *x, const float *scale, const float *bias,
                                        const float *residual, float *y) {
  xn_x86_oc_ctx c;
  c.g = g;
  c.n = n;
  c.c_in = c_in;
  c.c_out = c_out;
  c.x_cs = g.ih * g.iw;
  c.x_img = c_in * c.x_cs;
  c.y_cs = g.oh * g.ow;
  c.y_img = c_out * c.y_cs;
  c.y_ps = 1;
  c.y_rows = g.oh;
  c.act_kind = act_kind;
  c.act_alpha = act_alpha;
  c.act_beta = act_beta;
  c.x = x;
  c.scale = scale;
  c.bias = bias;
  c.residual = residual;
  c.y = y;
  c.pool_carry = NULL;
  return c;
}

inline xn_x86_oc_ctx xn_x86_oc_conv_ctx(const xn_conv_params *p, const float *x, const float *bias,
                                        float *y) {
  return xn_x86_oc_make_ctx(xn_x86_conv_view(p), p->n, p->c_in, p->c_out, p->act_kind, p->act_alpha,
                            p->act_beta, x, NULL, bias, NULL, y);
}

inline xn_x86_oc_ctx xn_x86_oc_bwconv_ctx(const xn_bwconv_params *p, const float *x,
                                          const float *scale, const float *bias,
                                          const float *residual, float *y) {
  const xn_x86_conv_geom g = {p->in_h,  p->in_w,  p->out_h,    p->out_w,
                              p->kh,    p->kw,    p->stride_h, p->stride_w,
                              p->dil_h, p->dil_w, p->pad_top,  p->pad_left};
  return xn_x86_oc_make_ctx(xn_x86_conv_flatten_1x1(g), p->n, p->c_in, p->c_out, p->act_kind,
                            p->act_alpha, p->act_beta, x, scale, bias, residual, y);
}

inline xn_x86_oc_ctx xn_x86_oc_bwdense_ctx(const xn_bwdense_params *p, const float *x,
                                           const float *scale, const float *bias,
                                           const float *residual, float *y) {
  // Row r's input starts at r * k: a W stride of k over a "row" of n * k floats, all of it
  // interior.
  const xn_x86_conv_geom g = {1, p->n * p->k, 1, p->n, 1, 1, 1, p->k, 1, 1, 0, 0};
  xn_x86_oc_ctx c = xn_x86_oc_make_ctx(g, 1, p->k, p->m, p->act_kind, p->act_alpha, p->act_beta, x,
                                       scale, bias, residual, y);
  c.x_cs = 1;
  c.y_cs = 1;
  c.y_ps = p->m;
  return c;
}

// What the float conv of this family takes (the compiler checks the same on the op): 1-D
// or 2-D, ungrouped; any kernel size, stride and dilation.
inline bool xn_x86_conv_oc_supported(const xn_conv_params *p) {
  return p->spatial_rank >= 1 && p->spatial_rank <= 2 && p->group == 1;
}

// ---- the epilogue (both ISAs) ----

// AVX2 + FMA is all the epilogue needs: it serves the AVX2 and the AVX-512 kernels.
#define XN_X86_OC_EPI_TARGET __attribute__((target("avx2,fma")))
#define XN_X86_OC_EPI_INLINE __attribute__((always_inline, target("avx2,fma"))) inline

// Lanes [0, n) of 8 as a vmaskmovps mask.
XN_X86_OC_EPI_INLINE __m256i xn_x86_oc_mask8(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// The epilogue's operands, copied out of the context so they stay in registers across the
// stores (a float store could otherwise alias them for the compiler).
struct xn_x86_oc_out {
  float *y;
  const float *residual;
  float alpha, beta;
};

// y[off .. off + cnt) (m: xn_x86_oc_mask8(cnt)) = Act(v + residual), v with scale and bias
// applied, Act and the residual's presence fixed at compile time (xn_x86_oc_dispatch).
// xn_act_apply's operations and NaN rules: Relu is a max with the NaN operand second, Leaky
// Relu and Clip compare and blend; Sigmoid and Tanh run on the stored values on the baseline
// ISA, as in the generic kernel. The residual is read before y is written, so it may alias y.
template <int Act, bool Res>
XN_X86_OC_EPI_INLINE void xn_x86_oc_put(const xn_x86_oc_out &o, __m256 v, int64_t off, int64_t cnt,
                                        __m256i m) {
  if (Res)
    v = _mm256_add_ps(v, cnt == 8 ? _mm256_loadu_ps(o.residual + off)
                                  : _mm256_maskload_ps(o.residual + off, m));
  const __m256 zero = _mm256_setzero_ps();
  if (Act == XN_ACT_RELU) {
    v = _mm256_max_ps(zero, v);
  } else if (Act == XN_ACT_LEAKY_RELU) {
    v = _mm256_blendv_ps(v, _mm256_mul_ps(_mm256_set1_ps(o.alpha), v),
                         _mm256_cmp_ps(v, zero, _CMP_LT_OQ));
  } else if (Act == XN_ACT_CLIP) {
    const __m256 lo = _mm256_set1_ps(o.alpha), hi = _mm256_set1_ps(o.beta);
    v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(v, lo, _CMP_LT_OQ));
    v = _mm256_blendv_ps(v, hi, _mm256_cmp_ps(v, hi, _CMP_GT_OQ));
  }
  float *y = o.y + off;
  if (cnt == 8)
    _mm256_storeu_ps(y, v);
  else
    _mm256_maskstore_ps(y, m, v);
  if (Act == XN_ACT_SIGMOID || Act == XN_ACT_TANH)
    xn_x86_act_row(Act, o.alpha, o.beta, y, cnt);
}

// F::run<Act, Res>(args...) for the context's activation and residual: the epilogue's
// loops then carry no per-vector branches.
template <class F, bool Res, class... A>
XN_X86_OC_EPI_INLINE void xn_x86_oc_dispatch_act(int32_t act, A... a) {
  switch (act) {
  case XN_ACT_RELU:
    return F::template run<XN_ACT_RELU, Res>(a...);
  case XN_ACT_LEAKY_RELU:
    return F::template run<XN_ACT_LEAKY_RELU, Res>(a...);
  case XN_ACT_CLIP:
    return F::template run<XN_ACT_CLIP, Res>(a...);
  case XN_ACT_SIGMOID:
    return F::template run<XN_ACT_SIGMOID, Res>(a...);
  case XN_ACT_TANH:
    return F::template run<XN_ACT_TANH, Res>(a...);
  default:
    return F::template run<XN_ACT_NONE, Res>(a...);
  }
}
template <class F, class... A>
XN_X86_OC_EPI_INLINE void xn_x86_oc_dispatch(const xn_x86_oc_ctx *c, A... a) {
  if (c->residual)
    xn_x86_oc_dispatch_act<F, true>(c->act_kind, a...);
  else
    xn_x86_oc_dispatch_act<F, false>(c->act_kind, a...);
}

inline xn_x86_oc_out xn_x86_oc_out_of(const xn_x86_oc_ctx *c) {
  const xn_x86_oc_out o = {c->y, c->residual, c->act_alpha, c->act_beta};
  return o;
}

// Where a tile's first pixel goes in an output with channels contiguous (y_cs = 1): the
// pixel's channel 0, in row t.oy of image t.n (rows kept modulo y_rows: the ring).
inline int64_t xn_x86_oc_direct_base(const xn_x86_oc_ctx *c, const xn_x86_oc_pos &t) {
  return t.n * c->y_img + (t.oy % c->y_rows * c->g.ow + t.ox0) * c->y_ps;
}

// The epilogue of outputs with contiguous channels (a dense layer, the conv + max-pool ring):
// pixel i's vectors of 8 channels, scale and bias per lane, straight into y (output row oy at
// row oy % y_rows: the ring).
struct xn_x86_oc_direct {
  template <int Act, bool Res>
  XN_X86_OC_EPI_INLINE static void run(const xn_x86_oc_ctx *c, const float *acc, int64_t lanes,
                                       int64_t nb, int64_t np, const xn_x86_oc_pos *t) {
    const xn_x86_oc_out o = xn_x86_oc_out_of(c);
    const int64_t base = xn_x86_oc_direct_base(c, *t);
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t h = 0; h < lanes; h += 8) {
        const int64_t m0 = (t->ob + b) * lanes + h;
        if (m0 >= c->c_out)
          return;
        const int64_t nch = c->c_out - m0 < 8 ? c->c_out - m0 : 8;
        const __m256i cm = xn_x86_oc_mask8(nch);
        const __m256 sc = c->scale ? _mm256_maskload_ps(c->scale + m0, cm) : _mm256_set1_ps(1.0f);
        const __m256 bi = c->bias ? _mm256_maskload_ps(c->bias + m0, cm) : _mm256_setzero_ps();
        for (int64_t i = 0; i < np; ++i)
          xn_x86_oc_put<Act, Res>(
              o, _mm256_fmadd_ps(_mm256_loadu_ps(acc + (b * 8 + i) * lanes + h), sc, bi),
              base + i * c->y_ps + m0, nch, cm);
      }
  }
};

// The end of a register tile whose output has its channels contiguous; acc holds its
// accumulators as [nb blocks][8 pixels][lanes] floats, pixels [0, np). NCHW output goes
// through the stage instead (the ISA's tile transposes into it, xn_x86_oc_flush finishes).
__attribute__((noinline)) XN_X86_OC_EPI_TARGET inline void
xn_x86_oc_store_direct(const xn_x86_oc_ctx *c, const float *acc, int64_t lanes, int64_t nb,
                       int64_t np, const xn_x86_oc_pos &t) {
  xn_x86_oc_dispatch<xn_x86_oc_direct>(c, c, acc, lanes, nb, np, &t);
}

// Writes the staged segment (pixels [s0, s0 + width) of output row oy, channels m0 ..
// m0 + nch - 1) to NCHW y: per channel row, scale and bias, then the row epilogue, so every
// cache line of y is written whole and at once.
struct xn_x86_oc_flush_rows {
  template <int Act, bool Res>
  __attribute__((noinline)) XN_X86_OC_EPI_TARGET static void
  run(const xn_x86_oc_ctx *c, const xn_x86_oc_pos *t, int64_t m0, int64_t nch, int64_t width) {
    const xn_x86_oc_out o = xn_x86_oc_out_of(c);
    const int64_t base = t->n * c->y_img + t->oy % c->y_rows * c->g.ow + t->s0;
    const int64_t full = width / 8 * 8;
    const __m256i tm = xn_x86_oc_mask8(width - full);
    for (int64_t l = 0; l < nch; ++l) {
      const int64_t m = m0 + l;
      const __m256 sc = _mm256_set1_ps(c->scale ? c->scale[m] : 1.0f);
      const __m256 bi = _mm256_set1_ps(c->bias ? c->bias[m] : 0.0f);
      const float *row = t->stage + l * XN_X86_OC_STAGE;
      const int64_t off = base + m * c->y_cs;
      int64_t x = 0;
      for (; x < full; x += 8)
        xn_x86_oc_put<Act, Res>(o, _mm256_fmadd_ps(_mm256_loadu_ps(row + x), sc, bi), off + x, 8,
                                tm);
      if (x < width)
        xn_x86_oc_put<Act, Res>(o, _mm256_fmadd_ps(_mm256_loadu_ps(row + x), sc, bi), off + x,
                                width - x, tm);
    }
  }
};

XN_X86_OC_EPI_TARGET inline void xn_x86_oc_flush(const xn_x86_oc_ctx *c, const xn_x86_oc_pos &t,
                                                 int64_t m0, int64_t nch, int64_t width) {
  xn_x86_oc_dispatch<xn_x86_oc_flush_rows>(c, c, &t, m0, nch, width);
}

// ---- the register tile, once for every ISA (vector policy V: x86/avx2_policy.h) ----

// Weight sources. group(ob): the packed weights of the tile's channel group (first block ob)
// at q = 0; a tile of B blocks then finds weight index q's vector b at group + (q * B + b) *
// step, read by get.
template <class V> struct xn_x86_oc_floats {
  typedef const float *ptr;
  static const int64_t step = V::L; // floats per vector
  const float *w;
  int64_t qn;
  ptr group(int64_t ob) const { return w + ob * V::L * qn; }
  static void get(typename V::vec &v, ptr p) { V::load(v, p); }
};

template <class V> struct xn_x86_oc_bits {
  typedef const unsigned char *ptr;
  static const int64_t step = V::L / 8; // bytes per vector: L sign bits
  const uint64_t *w;
  int64_t qn;
  ptr group(int64_t ob) const { return (const unsigned char *)w + ob * step * qn; }
  static void get(typename V::vec &v, ptr p) { V::signs(v, p); }
};

// One weight index q: the B weight vectors at ws times the P pixels' inputs (xs, sw apart).
template <class V, int P, int B, class W>
inline void xn_x86_oc_fma(typename V::vec (&acc)[B][P], const float *xs, int64_t sw,
                          typename W::ptr ws) {
  typename V::vec wv[B], xb;
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b)
    W::get(wv[b], ws + b * W::step);
  XN_UNROLL(16)
  for (int i = 0; i < P; ++i) {
    V::broadcast(xb, xs + i * sw);
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b)
      V::fma(acc[b][i], xb, wv[b]);
  }
}

// Channels m0 .. m0 + L - 1 of a tile's P pixels as the direct epilogue (channels contiguous,
// no residual, no activation or Relu) stores them: scale and bias by one FMA, then Relu.
template <class V, int P>
inline void xn_x86_oc_direct_values(const xn_x86_oc_ctx *c, int64_t m0,
                                    const typename V::vec (&acc)[P], typename V::vec (&v)[P]) {
  typename V::vec sc, bi;
  if (c->scale)
    V::load(sc, c->scale + m0);
  else
    V::set1(sc, 1.0f);
  if (c->bias)
    V::load(bi, c->bias + m0);
  else
    V::zero(bi);
  XN_UNROLL(16)
  for (int i = 0; i < P; ++i) {
    v[i] = bi;
    V::fma(v[i], acc[i], sc);
    if (c->act_kind == XN_ACT_RELU)
      V::relu(v[i]);
  }
}

// The conv + max-pool's epilogue for a 3-wide, stride-2 pool window from pixel -1 (the
// ResNet stem's; x86/conv_pool.h checks the geometry): the tile's P (even) pixels from t.ox0
// (even) with scale, bias and Relu as the direct epilogue below, then pooled column
// t.ox0 / 2 + k of row t.oy % y_rows (y_ps floats per column) = the max of pixels 2k - 1, 2k,
// 2k + 1 in that order (pixel -1: the previous tile's last, c->pool_carry; none at the row's
// start), with the max-pool's comparison from -inf. The tile's last pixel becomes the carry.
template <class V, int P, int B>
inline void xn_x86_oc_pool_pairs(const xn_x86_oc_ctx *c, const xn_x86_oc_pos &t,
                                 typename V::vec (&acc)[B][P]) {
  float *const h = c->y + (t.oy % c->y_rows * (c->g.ow / 2) + t.ox0 / 2) * c->y_ps;
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b) {
    const int64_t m0 = (t.ob + b) * V::L;
    typename V::vec v[P];
    xn_x86_oc_direct_values<V, P>(c, m0, acc[b], v);
    XN_UNROLL(16)
    for (int k = 0; k < P / 2; ++k) {
      typename V::vec m, left;
      V::set1(m, -INFINITY);
      if (k > 0) {
        V::max(m, v[2 * k - 1]);
      } else if (t.ox0 > 0) {
        V::load(left, c->pool_carry + m0);
        V::max(m, left);
      }
      V::max(m, v[2 * k]);
      V::max(m, v[2 * k + 1]);
      V::store_n(h + k * c->y_ps + m0, m, V::L);
    }
    V::store_n(c->pool_carry + m0, v[P - 1], V::L);
  }
}

// P pixels x B blocks at t (see xn_x86_oc_pos); the epilogue stores them. Compiled for the
// ISA by its K::tile (target attribute and `flatten`).
template <class V, int P, int B, class W>
inline void xn_x86_oc_tile_v(const xn_x86_oc_ctx *c, const W &w, const xn_x86_oc_pos &t) {
  const xn_x86_conv_geom &g = c->g;
  typename V::vec acc[B][P];
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b) {
    XN_UNROLL(16)
    for (int i = 0; i < P; ++i)
      V::zero(acc[b][i]);
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
        xn_x86_oc_fma<V, P, B, W>(acc, xs, sw, ws);
    }
  } else {
    for (int64_t ch = 0; ch < c->c_in; ++ch) {
      for (int64_t ky = t.ky_lo; ky < t.ky_hi; ++ky) {
        const float *xs = x0 + ch * c->x_cs + (t.iy0 + ky * g.dh) * g.iw;
        typename W::ptr ws = w0 + (ch * g.kh + ky) * g.kw * wstep;
        for (int64_t k = 0; k < nkx; ++k, xs += dw, ws += wstep)
          xn_x86_oc_fma<V, P, B, W>(acc, xs, sw, ws);
      }
    }
  }
  if (c->y_cs != 1) {
    // NCHW: each block's L channel rows of P pixels into the segment's stage (unmasked: the
    // columns past P are overwritten by the next tile, or are slack).
    float *col = t.stage + (t.ox0 - t.s0);
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b)
      V::template stage<P>(acc[b], col + b * V::L * XN_X86_OC_STAGE, XN_X86_OC_STAGE);
    return;
  }
  if constexpr (P % 2 == 0)
    if (c->pool_carry) {
      xn_x86_oc_pool_pairs<V, P, B>(c, t, acc);
      return;
    }
  // Channels contiguous, no residual, no activation or relu, whole blocks (the stem's conv +
  // max-pool ring): xn_x86_oc_direct's epilogue, fma(acc, scale, bias), on the accumulators in
  // registers rather than through a buffer and xn_x86_oc_store_direct.
  if (!c->residual && (c->act_kind == XN_ACT_NONE || c->act_kind == XN_ACT_RELU) &&
      (t.ob + B) * V::L <= c->c_out) {
    float *const y = c->y + xn_x86_oc_direct_base(c, t);
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b) {
      const int64_t m0 = (t.ob + b) * V::L;
      typename V::vec v[P];
      xn_x86_oc_direct_values<V, P>(c, m0, acc[b], v);
      XN_UNROLL(16)
      for (int i = 0; i < P; ++i)
        V::store_n(y + i * c->y_ps + m0, v[i], V::L);
    }
    return;
  }
  alignas(64) float buf[B * 8 * V::L];
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b) {
    XN_UNROLL(16)
    for (int i = 0; i < P; ++i)
      V::store_aligned(buf + (b * 8 + i) * V::L, acc[b][i]);
  }
  xn_x86_oc_store_direct(c, buf, V::L, B, P, t);
}

// ---- the row walk ----

// K is the ISA's kernel class: lanes K::L, the largest tile K::B blocks x K::P pixels
// (K::P <= 8), and K::tile<P, B>(ctx, weights, pos). P and B are template parameters so that
// the accumulators live in registers; these two pick the instantiation for a runtime count.
template <class K, class W, int B, int P>
inline void xn_x86_oc_tile_p(const xn_x86_oc_ctx *c, const W &w, const xn_x86_oc_pos &t,
                             int64_t np) {
  if constexpr (P > 1)
    if (np < P)
      return xn_x86_oc_tile_p<K, W, B, P - 1>(c, w, t, np);
  K::template tile<P, B>(c, w, t);
}

template <class K, class W, int B>
inline void xn_x86_oc_tile(const xn_x86_oc_ctx *c, const W &w, const xn_x86_oc_pos &t, int64_t nb,
                           int64_t np) {
  if constexpr (B > 1)
    if (nb < B)
      return xn_x86_oc_tile<K, W, B - 1>(c, w, t, nb, np);
  xn_x86_oc_tile_p<K, W, B, K::P>(c, w, t, np);
}

template <class K, class W>
inline void xn_x86_oc_border(const xn_x86_oc_ctx *c, const W &w, xn_x86_oc_pos &t, int64_t nb) {
  const xn_x86_conv_geom &g = c->g;
  xn_tap_range(t.ox0 * g.sw - g.pw, g.dw, g.kw, 0, g.iw, &t.kx_lo, &t.kx_hi);
  xn_x86_oc_tile<K, W, K::B>(c, w, t, nb, 1);
}

inline int64_t xn_x86_oc_clamp(int64_t v, int64_t lo, int64_t hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

// Whether the input of a tile of np pixels fits xn_x86_oc_strip's buffer.
inline bool xn_x86_oc_strip_fits(const xn_x86_conv_geom &g, int64_t c_in, int64_t np) {
  const int64_t width = (np - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  const int64_t rows = (int64_t)(XN_X86_OC_STRIP_BYTES / sizeof(float)) / width;
  return g.kh <= rows && c_in <= rows / g.kh;
}

// The input of the tile of np pixels from t.ox0 (kernel rows [t.ky_lo, t.ky_hi) of every input
// channel, the columns its windows read) copied into strip, columns outside the input as zeros:
// kernel row ky of channel ch at strip + (ch * kh + ky) * width. *sc becomes c reading it there
// (the caller sets t.iy0 = 0). False, and nothing written, if it does not fit in
// XN_X86_OC_STRIP_BYTES.
inline bool xn_x86_oc_strip(const xn_x86_oc_ctx *c, const xn_x86_oc_pos &t, int64_t np,
                            float *strip, xn_x86_oc_ctx *sc) {
  const xn_x86_conv_geom &g = c->g;
  const int64_t width = (np - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  if (!xn_x86_oc_strip_fits(g, c->c_in, np))
    return false;
  const int64_t cs = g.kh * width;
  const int64_t x0 = t.ox0 * g.sw - g.pw; // the input column of strip column 0
  // Strip columns [lo, hi) are inside the input.
  const int64_t lo = xn_x86_oc_clamp(-x0, 0, width), hi = xn_x86_oc_clamp(g.iw - x0, lo, width);
  for (int64_t ch = 0; ch < c->c_in; ++ch)
    for (int64_t ky = t.ky_lo; ky < t.ky_hi; ++ky) {
      const float *src = c->x + t.n * c->x_img + ch * c->x_cs + (t.iy0 + ky * g.dh) * g.iw;
      float *dst = strip + ch * cs + ky * width;
      memset(dst, 0, (size_t)lo * sizeof(float));
      memcpy(dst + lo, src + (x0 + lo), (size_t)(hi - lo) * sizeof(float));
      memset(dst + hi, 0, (size_t)(width - hi) * sizeof(float));
    }
  *sc = *c;
  sc->x = strip;
  sc->x_img = 0;
  sc->x_cs = cs;
  sc->g.iw = width;
  sc->g.pw = t.ox0 * g.sw; // pixel t.ox0's window starts at strip column 0
  sc->g.dh = 1;
  return true;
}

// The tiles of np pixels from t.ox0 that reach into the W padding, for channel groups
// [ob_lo, ob_hi) (K::B blocks at a time): on one strip for all of them, or, if it does not
// fit, one pixel at a time over each pixel's taps inside the input.
template <class K, class W>
inline void xn_x86_oc_border_tiles(const xn_x86_oc_ctx *c, const W &w, xn_x86_oc_pos &t,
                                   int64_t ob_lo, int64_t ob_hi, int64_t np) {
  alignas(64) float strip[XN_X86_OC_STRIP_BYTES / sizeof(float)];
  xn_x86_oc_ctx sc;
  const xn_x86_oc_pos at = t;
  const bool on_strip = xn_x86_oc_strip(c, t, np, strip, &sc);
  for (int64_t ob = ob_lo; ob < ob_hi; ob += K::B) {
    const int64_t nb = ob_hi - ob < K::B ? ob_hi - ob : K::B;
    t = at;
    t.ob = ob;
    if (on_strip) {
      t.iy0 = 0;
      xn_x86_oc_tile<K, W, K::B>(&sc, w, t, nb, np);
    } else {
      for (int64_t i = 0; i < np; ++i, ++t.ox0)
        xn_x86_oc_border<K>(c, w, t, nb);
    }
  }
  t = at;
}

// Output row r (image r / oh, row r % oh), pixels [x_lo, x_hi), channel groups from ob_lo: K::P
// pixels at a time, per channel group in segments of XN_X86_OC_SEG pixels staged and flushed
// (NCHW), or, written straight (a dense layer's output, the conv + max-pool ring: channels
// contiguous), every channel group per pixel tile. [ow_lo, ow_hi) is the interior
// (xn_x86_interior): a tile with pixels outside it runs on its strip.
template <class K, class W>
inline void xn_x86_oc_row(const xn_x86_oc_ctx *c, const W &w, xn_x86_oc_pos &t, int64_t r,
                          int64_t ow_lo, int64_t ow_hi, int64_t x_lo, int64_t x_hi, int64_t ob_lo,
                          int64_t blocks) {
  const xn_x86_conv_geom &g = c->g;
  const bool staged = c->y_cs != 1;
  t.n = r / g.oh;
  t.oy = r % g.oh;
  t.iy0 = t.oy * g.sh - g.ph;
  xn_tap_range(t.iy0, g.dh, g.kh, 0, g.ih, &t.ky_lo, &t.ky_hi);
  t.kx_lo = 0;
  t.kx_hi = g.kw;
  if (!staged) {
    // Output with channels contiguous (a dense layer, the conv + max-pool ring): nothing is
    // staged per channel group, so pixels go outermost and a border tile's strip serves every
    // channel group (AVX2 rebuilt the stem's strips for each of its 4 groups: 4 % of its time).
    for (t.ox0 = x_lo; t.ox0 < x_hi; t.ox0 += K::P) {
      const int64_t np = x_hi - t.ox0 < K::P ? x_hi - t.ox0 : K::P;
      if (t.ox0 >= ow_lo && t.ox0 + np <= ow_hi) {
        for (t.ob = ob_lo; t.ob < blocks; t.ob += K::B)
          xn_x86_oc_tile<K, W, K::B>(c, w, t, blocks - t.ob < K::B ? blocks - t.ob : K::B, np);
      } else {
        xn_x86_oc_border_tiles<K>(c, w, t, ob_lo, blocks, np);
      }
    }
    return;
  }
  for (t.ob = ob_lo; t.ob < blocks; t.ob += K::B) {
    const int64_t nb = blocks - t.ob < K::B ? blocks - t.ob : K::B;
    const int64_t m0 = t.ob * K::L, m1 = c->c_out < m0 + nb * K::L ? c->c_out : m0 + nb * K::L;
    for (t.s0 = x_lo; t.s0 < x_hi;) {
      const int64_t s1 = x_hi - t.s0 < XN_X86_OC_SEG ? x_hi : t.s0 + XN_X86_OC_SEG;
      // Left to right, as the unmasked stage rows need; K::P pixels at a time over the whole
      // kernel width, on a zero-padded copy of their input where a window crosses an edge.
      for (t.ox0 = t.s0; t.ox0 < s1; t.ox0 += K::P) {
        const int64_t np = s1 - t.ox0 < K::P ? s1 - t.ox0 : K::P;
        if (t.ox0 >= ow_lo && t.ox0 + np <= ow_hi)
          xn_x86_oc_tile<K, W, K::B>(c, w, t, nb, np);
        else
          xn_x86_oc_border_tiles<K>(c, w, t, t.ob, t.ob + nb, np);
      }
      xn_x86_oc_flush(c, t, m0, m1 - m0, s1 - t.s0);
      t.s0 = s1;
    }
  }
}

// Every output pixel of part `part` of `parts` (--threads), for the float and the bit weights
// alike: a range of the n * oh output rows or, when there is a single output row (one image's
// flattened 1x1 conv or 1-D conv), a range of its pixels in whole segments, or, for small NCHW
// planes, a range of its channel groups (xn_part_channel_blocks: Bi-Real-18's 1x1 shortcuts at
// 14x14 and 7x7). Each output takes the same operations however the work is split, so results
// do not depend on the number of threads. Output rows outermost, so the kh input rows of an
// output row stay in cache across the channel groups.
template <class K, class W>
inline void xn_x86_oc_run(const xn_x86_oc_ctx *c, const W &w, int part, int parts) {
  const xn_x86_conv_geom &g = c->g;
  int64_t ow_lo, ow_hi;
  xn_x86_interior(g.ow, g.sw, g.pw, g.dw, g.kw, g.iw, &ow_lo, &ow_hi);
  int64_t r_lo = 0, r_hi = c->n * g.oh, x_lo = 0, x_hi = g.ow;
  const int64_t blocks = (c->c_out + K::L - 1) / K::L;
  int64_t ob_lo = 0, ob_hi = blocks;
  // (A dense layer's output has its channels contiguous: it never splits them.)
  const bool by_channels = c->y_cs != 1 && xn_part_channel_blocks(g.oh * g.ow, blocks, K::B, part,
                                                                  parts, &ob_lo, &ob_hi);
  if (!by_channels && r_hi == 1)
    xn_part_range_aligned(g.ow, XN_X86_OC_SEG, part, parts, &x_lo, &x_hi);
  else if (!by_channels)
    xn_part_range(r_hi, part, parts, &r_lo, &r_hi);
  alignas(64) float stage[K::B * K::L * XN_X86_OC_STAGE];
  xn_x86_oc_pos t;
  t.stage = stage;
  for (int64_t r = r_lo; r < r_hi; ++r)
    xn_x86_oc_row<K>(c, w, t, r, ow_lo, ow_hi, x_lo, x_hi, ob_lo, ob_hi);
}

// ---- the entry points, once for every ISA (K: x86/<isa>_oc_conv.h) ----

// Same contract as xn_bwconv (generic/bwconv.h) with group == 1 and w packed by
// xn_<isa>_bwconv_pack; computes part `part` of `parts` of the output (common/parts.h).
template <class K>
inline void xn_x86_oc_bwconv(const xn_bwconv_params *p, const float *x, const uint64_t *w,
                             const float *scale, const float *bias, const float *residual, float *y,
                             int part, int parts) {
  const xn_x86_oc_ctx c = xn_x86_oc_bwconv_ctx(p, x, scale, bias, residual, y);
  const xn_x86_oc_bits<typename K::V> ws = {w, p->c_in * p->kh * p->kw};
  xn_x86_oc_run<K>(&c, ws, part, parts);
}

// Same contract as xn_bwdense (generic/bwconv.h) with w packed by xn_<isa>_bwdense_pack. Not
// split for --threads, like the binary dense layers: one output row per image.
template <class K>
inline void xn_x86_oc_bwdense(const xn_bwdense_params *p, const float *x, const uint64_t *w,
                              const float *scale, const float *bias, const float *residual,
                              float *y) {
  const xn_x86_oc_ctx c = xn_x86_oc_bwdense_ctx(p, x, scale, bias, residual, y);
  const xn_x86_oc_bits<typename K::V> ws = {w, p->k};
  xn_x86_oc_run<K>(&c, ws, 0, 1);
}

// Same contract as xn_conv (generic/conv.h) for convs xn_x86_conv_oc_supported() accepts,
// with w packed by xn_<isa>_conv_oc_pack; computes part `part` of `parts` of the output.
template <class K>
inline void xn_x86_oc_conv(const xn_conv_params *p, const float *x, const float *w,
                           const float *bias, float *y, int part, int parts) {
  const xn_x86_oc_ctx c = xn_x86_oc_conv_ctx(p, x, bias, y);
  const xn_x86_oc_floats<typename K::V> ws = {w, xn_x86_conv_taps(p)};
  xn_x86_oc_run<K>(&c, ws, part, parts);
}

// The kernel type xn_<isa>_oc (policy V, L channels per vector, B vectors x P pixels per
// register tile) and the entry points xn_<isa>_bwconv, xn_<isa>_bwdense, xn_<isa>_conv_oc
// (the three above) of ISA `isa` with target attribute ATTR. (A macro: the target attribute
// cannot be a template parameter.)
#define XN_X86_OC_KERNELS(isa, V_, L_, B_, P_, ATTR)                                               \
  struct xn_##isa##_oc {                                                                           \
    typedef V_ V;                                                                                  \
    static const int L = L_, B = B_, P = P_;                                                       \
    template <int TP, int TB, class W>                                                             \
    ATTR __attribute__((flatten)) static void tile(const xn_x86_oc_ctx *c, const W &w,             \
                                                   const xn_x86_oc_pos &t) {                       \
      xn_x86_oc_tile_v<V, TP, TB>(c, w, t);                                                        \
    }                                                                                              \
  };                                                                                               \
  inline void xn_##isa##_bwconv(const xn_bwconv_params *p, const float *x, const uint64_t *w,      \
                                const float *scale, const float *bias, const float *residual,      \
                                float *y, int part = 0, int parts = 1) {                           \
    xn_x86_oc_bwconv<xn_##isa##_oc>(p, x, w, scale, bias, residual, y, part, parts);               \
  }                                                                                                \
  inline void xn_##isa##_bwdense(const xn_bwdense_params *p, const float *x, const uint64_t *w,    \
                                 const float *scale, const float *bias, const float *residual,     \
                                 float *y) {                                                       \
    xn_x86_oc_bwdense<xn_##isa##_oc>(p, x, w, scale, bias, residual, y);                           \
  }                                                                                                \
  inline void xn_##isa##_conv_oc(const xn_conv_params *p, const float *x, const float *w,          \
                                 const float *bias, float *y, int part = 0, int parts = 1) {       \
    xn_x86_oc_conv<xn_##isa##_oc>(p, x, w, bias, y, part, parts);                                  \
  }

#endif // XNORC_RUNTIME_X86_OC_CONV_H
