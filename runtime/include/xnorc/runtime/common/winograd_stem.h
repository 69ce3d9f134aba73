// The arithmetic of the Winograd stem (x86/avx512_winograd_stem.h), shared by the compiler's
// weight packing (compile time) and the kernel: the transforms of F(3x3, 4x4) and the layers
// the kernel takes.
//
// A conv of stride 2 with a kernel of at most 8x8 taps is four stride-1 convs of at most 4x4
// taps (polyphase): with x's rows and columns split by parity, phase (p, q) of input channel c
// is the plane P[c,p,q][i][j] = x[c][2i + p - pad_top][2j + q - pad_left] (0 outside x), and
//   y[m][oy][ox] = sum over c, p, q, a, b < 4 of g[m][c,p,q][a][b] * P[c,p,q][oy + a][ox + b]
// with g[m][c,p,q][a][b] = w[m][c][2a + p][2b + q] (0 past the kernel). Each of those 4 c_in
// stride-1 convs is computed as Winograd F(3x3, 4x4) (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016): a tile of 3x3 outputs from a 6x6 input patch d is
//   Y = AT [ (G g GT) o (BT d B) ] A
// (o: elementwise), 36 multiplications per input channel and tile where the direct conv takes
// 3 * 3 * 16. The 36 products of every input channel are summed before the output transform,
// so per tile and output channel the products are 36 * 4 c_in against the direct conv's
// 9 * c_in * kh * kw: the ResNet stem (3 -> 64, 7x7/2) 432 against 1323 MACs per 9 outputs.
//
// The interpolation points are 0, 1, -1, 2, -1/2 and infinity: BT and AT have entries that
// are exact in binary (halves and quarters), and of the F(3, 4) point sets tried
// (scripts/winograd_points.py, which derives these matrices) this one had the smallest fp32
// error: 3.3e-7 on a unit-variance 6x6 patch, where the direct sum errs by 4.7e-8. G (thirds,
// fifteenths) is applied at compile time in double and rounded once (xn_wino_stem_pack).
#ifndef XNORC_RUNTIME_COMMON_WINOGRAD_STEM_H
#define XNORC_RUNTIME_COMMON_WINOGRAD_STEM_H

#include "../generic/conv_pool.h"

#include <stddef.h>
#include <stdint.h>

#define XN_WINO_NN 36    // transform points of a tile: 6 x 6 (3 outputs + 4 taps - 1 per side)
#define XN_WINO_OC 64    // output channels per group of the transformed weights
#define XN_WINO_CHUNK 16 // tiles per input transform (one vector of tiles)
#define XN_WINO_MAX_C_IN 4
// Floats from one (point row, output column) slab of the row-transformed chunk to the next:
// a chunk's 16 tiles x 64 channels and one line more. Without the line the slabs are 4 KiB
// apart, and the 18 slabs one output tile reads (and the 3 a row transform writes) fall in
// one L1 set of 12 ways: 0.961x the stem's time with it on AVX-512, 0.988x on AVX2
// (bench/stem_ab.sh, docs/Benchmarks.md session 28).
#define XN_WINO_NB_SLAB (XN_WINO_CHUNK * XN_WINO_OC + 16)
// Every stack buffer of the kernel together (the polyphase rows, the transformed chunk, its
// products and the conv rows the pool reads): at most this many bytes, else the direct
// kernel takes the layer.
#define XN_WINO_STACK_BYTES (384 * 1024)
// Inputs and weights below this magnitude: then no product, transform or sum comes near
// FLT_MAX (|w x| < 2^64, the transforms' gains and the sums of at most 16 * 36 terms
// below 2^20), so the Winograd conv overflows nowhere (the direct conv neither), and what
// exceeds it takes the direct kernel.
#define XN_WINO_MAX_ABS 0x1p32f

struct xn_wino_stem_mats {
  // Output transform (3 x 6), input transform (6 x 6), weight transform (6 x 4).
  static constexpr float at[3][6] = {
      {1, 1, 1, 1, 1, 0}, {0, 1, -1, 2, -0.5f, 0}, {0, 1, 1, 4, 0.25f, 1}};
  static constexpr float bt[6][6] = {{1, 1.5f, -2, -1.5f, 1, 0}, {0, -1, -2.5f, -0.5f, 1, 0},
                                     {0, 1, 0.5f, -2.5f, 1, 0},  {0, -0.5f, -1, 0.5f, 1, 0},
                                     {0, 2, -1, -2, 1, 0},       {0, 1, 1.5f, -2, -1.5f, 1}};
  static constexpr double g[6][4] = {{1, 0, 0, 0},
                                     {-1.0 / 3, -1.0 / 3, -1.0 / 3, -1.0 / 3},
                                     {1.0 / 3, -1.0 / 3, 1.0 / 3, -1.0 / 3},
                                     {1.0 / 15, 2.0 / 15, 4.0 / 15, 8.0 / 15},
                                     {-16.0 / 15, 8.0 / 15, -4.0 / 15, 2.0 / 15},
                                     {0, 0, 0, 1}};
};

// The layer's geometry as the kernel sees it (2-D NCHW; conv stride 2, kernel <= 8x8).
struct xn_wino_stem_geom {
  int64_t c_in, c_out, ih, iw, oh, ow, pt, pl;
  int64_t ic;        // phase channels: 4 c_in
  int64_t tiles;     // tiles per conv row: ceil(ow / 3)
  int64_t chunks;    // chunks of 16 tiles per conv row
  int64_t qw;        // floats per polyphase sub-row: chunks * 16 + 2 (a tile reads 2 past its own)
  int64_t ring_rows; // conv rows in the pool's ring: pool kernel rows + 2 (a tile row is 3)
  // Whether the output transform reduces the pool's W itself (a window 3 wide of stride 2
  // from pixel -1: ResNet's stem pool), the ring then holding pooled columns; the pixels of
  // a ring row: ring_w (the pooled width, or the conv's).
  int64_t w_pairs, ring_w;
};

// Where each of the kernel's buffers starts in its one stack array (in floats, each on a
// 64-byte line), and the floats of all: the polyphase rows [6 slots][ic][3 residues][qw], the
// transformed chunk [36][ic][16 tiles], one point row's products [6][at most 6 tiles x 64],
// the row-transformed chunk [6][3][XN_WINO_NB_SLAB] (16 tiles x 64 each), the ring
// [ring_rows][ring_w][c_out], the pool's pending column [c_out / 64][3 rows][64], an input row with
// its padding.
struct xn_wino_stem_buffers {
  double q, u, prod, nb, ring, carry, row, total;
};
inline xn_wino_stem_buffers xn_wino_stem_layout(const xn_wino_stem_geom &g) {
  xn_wino_stem_buffers b;
  double at = 0;
  auto take = [&at](double floats) {
    const double start = at;
    at += 16 * (double)(int64_t)((floats + 15) / 16);
    return start;
  };
  b.q = take(6.0 * (double)g.ic * 3 * (double)g.qw);
  b.u = take((double)XN_WINO_NN * (double)g.ic * XN_WINO_CHUNK);
  b.prod = take(6.0 * 6 * XN_WINO_OC);
  b.nb = take(6.0 * 3 * XN_WINO_NB_SLAB);
  b.ring = take((double)g.ring_rows * (double)g.ring_w * (double)g.c_out);
  b.carry = take((double)g.c_out * 3);
  b.row = take(96.0 * ((double)g.chunks + 1));
  b.total = at;
  return b;
}

// Float multiplications of the layer: per image, tile and output channel 36 per phase channel.
inline int64_t xn_wino_stem_multiplies(const xn_conv_pool_params *p) {
  return p->n * ((p->out_dims[0] + 2) / 3) * ((p->out_dims[1] + 2) / 3) * XN_WINO_NN * 4 * p->c_in *
         p->c_out;
}

// The transformed weights: [c_out / 64][36 points][4 c_in phase channels][64], floats.
inline size_t xn_wino_stem_weights_size(int64_t c_out, int64_t c_in) {
  return (size_t)(c_out * XN_WINO_NN * 4 * c_in);
}

// w: ONNX's [c_out][c_in][kh][kw] (kh, kw <= 8) -> out (xn_wino_stem_weights_size floats):
// the phase kernels' G g GT in double, rounded once.
inline void xn_wino_stem_pack(const float *w, int64_t c_out, int64_t c_in, int64_t kh, int64_t kw,
                              float *out) {
  typedef xn_wino_stem_mats W;
  const int64_t ic_n = 4 * c_in;
  for (int64_t m = 0; m < c_out; ++m)
    for (int64_t c = 0; c < c_in; ++c)
      for (int p = 0; p < 2; ++p)
        for (int q = 0; q < 2; ++q) {
          double g[4][4] = {};
          for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b)
              if (2 * a + p < kh && 2 * b + q < kw)
                g[a][b] = w[((m * c_in + c) * kh + 2 * a + p) * kw + 2 * b + q];
          double t[6][4] = {};
          for (int i = 0; i < 6; ++i)
            for (int b = 0; b < 4; ++b)
              for (int a = 0; a < 4; ++a)
                t[i][b] += W::g[i][a] * g[a][b];
          const int64_t ic = (c * 2 + p) * 2 + q;
          for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) {
              double s = 0;
              for (int b = 0; b < 4; ++b)
                s += t[i][b] * W::g[j][b];
              out[(((m / XN_WINO_OC) * XN_WINO_NN + i * 6 + j) * ic_n + ic) * XN_WINO_OC +
                  m % XN_WINO_OC] = (float)s;
            }
        }
}

// The geometry of p for the kernel, and whether the kernel takes p: 2-D, one group, conv
// stride 2 with kernel <= 8x8 (phase kernels <= 4x4), no dilation, at most 4 input channels,
// output channels in groups of 64, activation none or Relu, the pool a max-pool the ring
// rows take (fuse-conv-max-pool makes only undilated ones), the stack buffers within
// XN_WINO_STACK_BYTES.
inline bool xn_wino_stem_geometry(const xn_conv_pool_params *p, xn_wino_stem_geom *g) {
  if (p->spatial_rank != 2 || p->group != 1 || p->c_in < 1 || p->c_in > XN_WINO_MAX_C_IN ||
      p->c_out < XN_WINO_OC || p->c_out % XN_WINO_OC != 0)
    return false;
  if (p->strides[0] != 2 || p->strides[1] != 2 || p->dilations[0] != 1 || p->dilations[1] != 1 ||
      p->kernel[0] > 8 || p->kernel[1] > 8 || p->kernel[0] < 1 || p->kernel[1] < 1)
    return false;
  if (p->act_kind != XN_ACT_NONE && p->act_kind != XN_ACT_RELU)
    return false;
  g->c_in = p->c_in;
  g->c_out = p->c_out;
  g->ih = p->in_dims[0];
  g->iw = p->in_dims[1];
  g->oh = p->out_dims[0];
  g->ow = p->out_dims[1];
  g->pt = p->pads_begin[0];
  g->pl = p->pads_begin[1];
  if (g->ih < 1 || g->iw < 1 || g->oh < 1 || g->ow < 1 || g->pt < 0 || g->pl < 0 || g->pl > 64)
    return false;
  g->ic = 4 * g->c_in;
  g->tiles = (g->ow + 2) / 3;
  g->chunks = (g->tiles + XN_WINO_CHUNK - 1) / XN_WINO_CHUNK;
  g->qw = g->chunks * XN_WINO_CHUNK + 2;
  g->ring_rows = p->pool_kernel[0] + 2;
  g->w_pairs = p->pool_kernel[1] == 3 && p->pool_strides[1] == 2 && p->pool_pads_begin[1] == 1;
  g->ring_w = g->w_pairs ? p->pool_out_dims[1] : g->ow;
  if (g->ring_w < 1)
    return false;
  // The padded input row (96 columns per chunk, one chunk's worth of reads past it) holds
  // the input row.
  if ((double)g->pl + (double)g->iw > 96.0 * ((double)g->chunks + 1))
    return false;
  return xn_wino_stem_layout(*g).total * sizeof(float) <= XN_WINO_STACK_BYTES;
}

#endif // XNORC_RUNTIME_COMMON_WINOGRAD_STEM_H
