// Plain-C++ pieces shared by the SIMD binary kernels of every ISA (x86/, neon/).
//
// Weight layout of the SIMD binary conv and dense kernels: output channels across vector
// lanes. Output channels are grouped into blocks of L (8 for AVX-512, 4 for AVX2, 2 for
// NEON); the packed weights are [ceil(c_out / L)][taps][cw][L] words, i.e. for one block,
// tap and input-channel word, the L output channels' weight words sit side by side and load
// as one vector. The micro-kernel broadcasts one activation word, XORs it with that vector
// and popcounts each 64-bit lane: one lane = one output channel, so no horizontal reduction
// across channels is ever needed. Lanes past c_out hold zero words; their results are never
// stored.
//
// No intrinsics here: the compiler calls the packing functions at compile time and emits the
// packed words as constants, and the kernels call the rest.
#ifndef XNORC_RUNTIME_COMMON_OC_BLOCKED_H
#define XNORC_RUNTIME_COMMON_OC_BLOCKED_H

#include "../generic/bconv.h"
#include "../generic/bdense.h"
#include "../generic/bitpack.h"
#include "../generic/bpool.h"
#include "../generic/qlinear.h"
#include "oc_pack.h"

// Words of the packed layout for m output channels of `taps * cw` words each.
inline size_t xn_oc_packed_words(int64_t m, int64_t taps, int64_t cw, int64_t lanes) {
  return xn_oc_packed_size(m, taps * cw, lanes);
}

// generic_w is [m][taps][cw] (the generic kernels' weight layout); packed receives
// xn_oc_packed_words(m, taps, cw, lanes) words: common/oc_pack.h's order with one block per
// group.
inline void xn_oc_pack(int64_t m, int64_t taps, int64_t cw, int64_t lanes,
                       const uint64_t *generic_w, uint64_t *packed) {
  xn_oc_pack_elems(m, taps * cw, lanes, 1, 0, generic_w, packed);
}

// Window rows fully inside the input: [*lo, *hi) of output positions o (0 <= o < out) whose
// taps start + k * dil, start = o * stride - pad, all land in [0, size).
inline void xn_oc_interior(int64_t out, int64_t stride, int64_t pad, int64_t dil, int64_t taps,
                           int64_t size, int64_t *lo, int64_t *hi) {
  // o * stride - pad >= 0  and  o * stride - pad + (taps - 1) * dil <= size - 1.
  int64_t a = pad <= 0 ? 0 : (pad + stride - 1) / stride;
  const int64_t last = size - 1 + pad - (taps - 1) * dil; // o * stride <= last
  int64_t b = last < 0 ? 0 : last / stride + 1;
  if (b > out)
    b = out;
  if (a > b)
    a = b;
  *lo = a;
  *hi = b;
}

// A dense layer is a 1x1 conv over n "images" of one pixel.
inline xn_bconv_params xn_oc_bdense_as_conv(const xn_bdense_params *p) {
  xn_bconv_params q = {
      p->n, p->k,        p->m,         1,          1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0,
      0,    p->act_kind, p->act_alpha, p->act_beta};
  return q;
}

// The summed-bit count n of a pixel's d = n - 2 * popcount, as the walk of common/
// oc_bconv_walk.h hands it to an epilogue: one count for every channel (binary weights: the
// window's bits) or one per channel (ternary weights: its nonzero weights in the window).
// xn_oc_lane gives channel k's count, xn_oc_lanes_from the counts from channel k on.
inline int64_t xn_oc_lane(int64_t n, int64_t) { return n; }
inline int64_t xn_oc_lane(const int64_t *n, int64_t k) { return n[k]; }
inline int64_t xn_oc_lanes_from(int64_t n, int64_t) { return n; }
inline const int64_t *xn_oc_lanes_from(const int64_t *n, int64_t k) { return n + k; }
// Whether the count is n_full for every channel (a whole window of binary weights); per-channel
// counts share no bound.
inline bool xn_oc_whole(int64_t n, int64_t n_full) { return n == n_full; }
inline bool xn_oc_whole(const int64_t *, int64_t) { return false; }

// Float epilogue of the SIMD conv/dense kernels for output channels [m0, m_end) of pixel
// pix of image n: pop[m - m0] is the popcount of channel m (n_bits: xn_oc_lane). The same
// expression as the generic kernel, in a function of its own compiled for the baseline ISA
// (noinline, no target attribute), so scale * d + bias rounds exactly as in the generic
// kernel built with the same compiler and flags: inside an AVX2/AVX-512 function a compiler
// may contract it into an FMA that the baseline generic code does not use. On ARM the
// product is always rounded on its own: g++ contracts a * b + c into a fused multiply-add on
// AArch64 by default (C++ modes imply -ffp-contract=fast) whenever it likes, and the empty
// asm makes the product a value it cannot see through, so the NEON kernels round as the
// interpreter and x86 do, whatever the flags.
#if defined(__ARM_NEON) || defined(__ARM_NEON__)
#define XN_OC_ROUNDED(v) __asm__("" : "+w"(v))
#else
#define XN_OC_ROUNDED(v) (void)(v)
#endif
template <typename N>
__attribute__((noinline)) inline void
xn_oc_bconv_epilogue(const xn_bconv_params *p, int64_t n, int64_t pix, int64_t m0, int64_t m_end,
                     const int64_t *pop, N n_bits, const float *scale, const float *bias,
                     const float *residual, float *y, const xn_qout *yq = NULL) {
  const int64_t plane = p->out_h * p->out_w;
  for (int64_t m = m0; m < m_end; ++m) {
    const int64_t d = xn_oc_lane(n_bits, m - m0) - 2 * pop[m - m0];
    const int64_t idx = (n * p->c_out + m) * plane + pix;
    float prod = (scale ? scale[m] : 1.0f) * (float)d;
    XN_OC_ROUNDED(prod);
    float v = prod + (bias ? bias[m] : 0.0f);
    if (residual)
      v += residual[idx];
    v = xn_act_apply(p->act_kind, p->act_alpha, p->act_beta, v);
    if (yq) // bconv_quantize: the value quantized, bytes out
      xn_qout_store(yq, idx, v);
    else
      y[idx] = v;
  }
}

#endif // XNORC_RUNTIME_COMMON_OC_BLOCKED_H
