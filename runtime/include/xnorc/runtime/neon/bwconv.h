// Binary-weight (BWN) conv and dense for ARM NEON: float input, +-1 weights kept bit-packed
// (1 bit per weight, common/neon_pack.h: a byte holds 8 output channels' signs for one
// (input channel, tap) pair).
//
// The float conv's engine (neon/fconv.h: row walk, register tiles, border pixels, epilogue)
// with another weight source: per pair, the byte of 2 blocks is loaded once and each nibble
// picks a float32x4 of +-1 from a 16-entry table (ldrb, and / lsr, 2 q-register loads), so
// the multiply-add by it (x * +-1 is exact) costs what a float weight's does. Same contract
// as xn_bwconv / xn_bwdense (generic/bwconv.h), group 1, up to float summation order.
#ifndef XNORC_RUNTIME_NEON_BWCONV_H
#define XNORC_RUNTIME_NEON_BWCONV_H

#include "fconv.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "xnorc NEON BWN kernels read the packed weight words as little-endian bytes"
#endif

// Row n: the 4 lanes' weights for nibble n, bit l = lane l, 1 = -1.
// clang-format off
alignas(16) static const float xn_neon_pm1[16 * 4] = {
    1,  1,  1,  1,   -1,  1,  1,  1,    1, -1,  1,  1,   -1, -1,  1,  1,
    1,  1, -1,  1,   -1,  1, -1,  1,    1, -1, -1,  1,   -1, -1, -1,  1,
    1,  1,  1, -1,   -1,  1,  1, -1,    1, -1,  1, -1,   -1, -1,  1, -1,
    1,  1, -1, -1,   -1,  1, -1, -1,    1, -1, -1, -1,   -1, -1, -1, -1};
// clang-format on

// Bit weights packed by xn_neon_bwpack: group g (blocks 2 g, 2 g + 1) at w + g * group.
struct xn_neon_wsrc_b {
  const uint8_t *w;
  ptrdiff_t group; // bytes per group of 8 channels: K

  // ob is even (xn_neon_fconv_groups), so block b of the tile is nibble b % 2.
  xn_neon_wsrc_b at(int64_t ob) const { return {w + ob / 2 * group, group}; }

  template <int B>
  __attribute__((always_inline)) inline void load(ptrdiff_t k, float32x4_t (&v)[B]) const {
    XN_UNROLL(16)
    for (int b = 0; b < B; b += 2) {
      const uint32_t byte = w[b / 2 * group + k];
      v[b] = vld1q_f32(xn_neon_pm1 + 4 * (byte & 15));
      if (b + 1 < B)
        v[b + 1] = vld1q_f32(xn_neon_pm1 + 4 * (byte >> 4));
    }
  }
};

inline xn_neon_wsrc_b xn_neon_wsrc_bits(const uint64_t *w, int64_t k) {
  return {reinterpret_cast<const uint8_t *>(w), (ptrdiff_t)k};
}

// Same contract as xn_bwconv (generic/bwconv.h) with group == 1, w packed by
// xn_neon_bwconv_pack.
inline void xn_neon_bwconv(const xn_bwconv_params *p, const float *x, const uint64_t *w,
                           const float *scale, const float *bias, const float *residual, float *y,
                           int part = 0, int parts = 1) {
  xn_neon_fconv_ctx c;
  memset(&c, 0, sizeof c);
  c.n = p->n;
  c.c_in = p->c_in;
  c.c_out = p->c_out;
  c.ih = p->in_h;
  c.iw = p->in_w;
  c.oh = p->out_h;
  c.ow = p->out_w;
  c.kh = p->kh;
  c.kw = p->kw;
  c.sh = p->stride_h;
  c.sw = p->stride_w;
  c.dh = p->dil_h;
  c.dw = p->dil_w;
  c.ph = p->pad_top;
  c.pw = p->pad_left;
  c.x = x;
  c.scale = scale;
  c.bias = bias;
  c.residual = residual;
  c.act_kind = p->act_kind;
  c.act_alpha = p->act_alpha;
  c.act_beta = p->act_beta;
  c.y = y;
  xn_neon_fconv_run(c, xn_neon_wsrc_bits(w, p->c_in * p->kh * p->kw), part, parts);
}

// Same contract as xn_bwdense (generic/bwconv.h), w packed by xn_neon_bwdense_pack.
inline void xn_neon_bwdense(const xn_bwdense_params *p, const float *x, const uint64_t *w,
                            const float *scale, const float *bias, const float *residual,
                            float *y) {
  xn_neon_fconv_ctx c = xn_neon_fconv_dense_ctx(p->n, p->k, p->m, x, y);
  c.scale = scale;
  c.bias = bias;
  c.residual = residual;
  c.act_kind = p->act_kind;
  c.act_alpha = p->act_alpha;
  c.act_beta = p->act_beta;
  xn_neon_fconv_run(c, xn_neon_wsrc_bits(w, p->k));
}

#endif // XNORC_RUNTIME_NEON_BWCONV_H
