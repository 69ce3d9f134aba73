// Shared pieces of xnorc's x86 float kernels (AVX2 and AVX-512): direct conv and Gemm.
//
// Conv weight layout: output channels in blocks of T (8 for AVX-512, 4 for AVX2); the packed
// weights are [ceil(c_out / T)][c_in][kh][kw][T] floats, i.e. for one block, input channel
// and tap the T output channels' weights sit side by side. The micro-kernel holds a
// register tile of T output channels x P vectors of consecutive output pixels of one output
// row (NCHW: a vector of pixels is contiguous in the output), broadcasts each weight and
// multiplies it into the input vector of its tap. Channels past c_out are zero weights and
// are never stored.
//
// Gemm weight layout (B constant): column blocks of V (16 / 8), [ceil(N / V)][K][V] floats,
// whatever trans_b says: one row of a block is one vector load.
//
// The packing functions are plain C++: the compiler runs them at compile time and emits the
// packed floats as constants.
#ifndef XNORC_RUNTIME_X86_FLOAT_COMMON_H
#define XNORC_RUNTIME_X86_FLOAT_COMMON_H

#include "../common/unroll.h"
#include "../common/x86_pack.h"

// A conv seen as 2-D (1-D convs have height 1). A 1x1 conv with stride 1 and no padding is a
// matrix product over all pixels: it is seen as one row of H*W pixels, so short rows (7x7
// feature maps) still fill whole vectors.
struct xn_x86_conv_geom {
  int64_t ih, iw, oh, ow, kh, kw, sh, sw, dh, dw, ph, pw;
};

inline xn_x86_conv_geom xn_x86_conv_flatten_1x1(xn_x86_conv_geom g) {
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0 && g.oh == g.ih &&
      g.ow == g.iw) {
    g.iw = g.ow = g.ih * g.iw;
    g.ih = g.oh = 1;
  }
  return g;
}

// The conv's 2-D geometry as it is (conv_pool.h needs its rows)...
inline xn_x86_conv_geom xn_x86_conv_geom_of(const xn_conv_params *p) {
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad;
  const xn_x86_conv_geom g = {id[1], id[2], od[1], od[2], k[1],  k[2],
                              s[1],  s[2],  dl[1], dl[2], pb[1], pb[2]};
  return g;
}

// ... and as the convs walk it: a pointwise conv as one long row.
inline xn_x86_conv_geom xn_x86_conv_view(const xn_conv_params *p) {
  return xn_x86_conv_flatten_1x1(xn_x86_conv_geom_of(p));
}

// What the x86 float convs take (the compiler checks the same on the op): 1-D or 2-D,
// ungrouped, kernel width at most XN_X86_CONV_MAX_KW.
inline bool xn_x86_conv_supported(const xn_conv_params *p) {
  return p->spatial_rank >= 1 && p->spatial_rank <= 2 && p->group == 1 &&
         p->kernel[p->spatial_rank - 1] <= XN_X86_CONV_MAX_KW;
}

// Fused activations other than Relu run on the stored row, on the baseline ISA (as in the
// generic kernel).
__attribute__((noinline)) inline void xn_x86_act_row(int32_t kind, float alpha, float beta,
                                                     float *y, int64_t n) {
  xn_act_apply_n(kind, alpha, beta, y, n);
}

// Gemm's alpha / beta * C epilogue (the generic kernel's), on columns [j0, j1) of one output
// row.
inline void xn_x86_gemm_epilogue_row(const xn_gemm_params *p, const float *c, int64_t m, float *yr,
                                     int64_t j0, int64_t j1) {
  const float alpha = p->alpha, beta = p->beta;
  if (c != NULL && beta != 0.0f) {
    const float *cr = c + m * p->c_stride_m;
    const int64_t cs = p->c_stride_n;
    for (int64_t j = j0; j < j1; ++j)
      yr[j] = alpha * yr[j] + beta * cr[j * cs];
  } else if (alpha != 1.0f) {
    for (int64_t j = j0; j < j1; ++j)
      yr[j] = alpha * yr[j];
  }
}

#endif // XNORC_RUNTIME_X86_FLOAT_COMMON_H
