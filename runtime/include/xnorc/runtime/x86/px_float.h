// The x86 float conv and Gemm with pixels across lanes (x86/avx2_float.h,
// x86/avx512_float.h), written once over the vector policies of x86/avx2_policy.h and
// x86/avx512_policy.h (V: arithmetic; V::masked: lane masks, masked and stride-2 loads,
// gathers).
//
// Conv: weights [ceil(c_out/T)][c_in][kh][kw][T] (x86/float_common.h), packed at compile
// time. Register tile: T output channels x P vectors of L consecutive output pixels of one
// output row. For every (input channel, kernel row, kernel column) the tile loads P input
// vectors and does T x P FMAs with broadcast weights. Input vectors by stride along W:
// stride 1 a masked load; stride 2 two masked loads whose even lanes the policy compresses;
// larger strides a masked gather. Zero padding is exact: kernel rows outside the input are
// skipped, and every load is masked to the input row's [0, W) (masked-out lanes read as 0
// and never fault), so borders need no separate path. A 1x1 conv runs a loop over input
// channels alone, and a 1x1 stride-1 conv is one long row of H*W pixels
// (xn_x86_conv_flatten_1x1). Output: masked vector stores straight into NCHW rows, bias as
// the accumulators' initial value, Relu in registers (other fused activations on the stored
// row).
//
// Gemm: B packed as [ceil(N/L)][K][L]; each row of A runs over up to 8 column blocks at a
// time (8 independent accumulators), one broadcast of A[m][k] per k.
//
// An ISA supplies a kernel type K: K::V its policy, K::T channels per weight block, K::P
// pixel vectors per register tile, and K::tiles<P, S>(row, ox0) and K::tile<P, S, K1>(...)
// carrying its target attribute and `flatten` (which compile this walk and the policy for the
// ISA); XN_X86_PX_KERNELS declares it and the entry points. Results equal the generic kernels'
// up to float summation order (FMA, no intermediate rounding).
#ifndef XNORC_RUNTIME_X86_PX_FLOAT_H
#define XNORC_RUNTIME_X86_PX_FLOAT_H

#include "../common/parts.h"
#include "float_common.h"

// One output row of one image, as the tiles see it.
struct xn_x86_px_row {
  const xn_conv_params *p;
  const xn_x86_conv_geom *g;
  const float *xn, *w, *bias; // image n's input, all packed weights, bias or NULL
  float *yn;                  // image n's output
  int64_t oy, iy0;            // output row, its first input row
  int64_t ky_lo, ky_hi;       // kernel rows inside the input
};

// One tap: the P input vectors whose lane 0 reads src (vector i at src + L * i * step; masks
// m[i * mstride + h], h = 1 the second half of a stride-2 load), times the T channels'
// weights w[t], broadcast. S: the W stride when 1 or 2, 0 for any stride (gathers).
template <class K, int P, int S>
inline void xn_x86_px_tap(typename K::V::vec (&acc)[P][K::T], const float *src, int64_t step,
                          const typename K::V::masked::mask *m, int64_t mstride,
                          const typename K::V::masked::index &gidx, const float *w) {
  typedef typename K::V V;
  typedef typename V::masked G;
  typename V::vec xv[P];
  XN_UNROLL(16)
  for (int i = 0; i < P; ++i) {
    const float *s = src + V::L * i * step;
    const typename G::mask *mi = m + i * mstride;
    if (S == 0)
      G::gather(xv[i], s, gidx, mi[0]);
    else
      G::template load<S>(xv[i], s, mi[0], mi[1]);
  }
  XN_UNROLL(16)
  for (int t = 0; t < K::T; ++t) {
    typename V::vec wv;
    V::broadcast(wv, w + t);
    XN_UNROLL(16)
    for (int i = 0; i < P; ++i)
      V::fma(acc[i][t], xv[i], wv);
  }
}

// One register tile: output pixels from ox0 (their first tap's input column ix0), channel
// block ob (weights wb), `rem` output pixels left in the row. K1: the kernel is 1x1 (one tap
// per input channel: the channel loop is the only loop). mk[(i * kw + kx) * 2 + h] masks
// half h of pixel vector i's input at kernel column kx.
//
// Each instance is compiled as a function of its own (K::tile, noinline). Flattened into
// xn_x86_px_tiles beside its other instances, g++ 12 allocated registers over all of them
// and, inside the channel loop, spilled accumulators, the mask vectors and the loop bound
// (re-read through the spilled row pointer): 1x1 convs ran 1.1-1.8x slower, AVX2 and AVX-512
// alike. The loops read locals rather than the fields of r, p and g for the same reason.
template <class K, int P, int S, bool K1>
inline void xn_x86_px_tile(const xn_x86_px_row &r, int64_t ix0,
                           const typename K::V::masked::mask *mk, const float *wb, int64_t ob,
                           int64_t ox0, int64_t rem) {
  typedef typename K::V V;
  typedef typename V::masked G;
  const int T = K::T, L = V::L;
  const xn_conv_params *p = r.p;
  const xn_x86_conv_geom *g = r.g;
  typename V::vec acc[P][T];
  XN_UNROLL(16)
  for (int t = 0; t < T; ++t) {
    const int64_t m = ob * T + t;
    typename V::vec b0;
    V::set1(b0, r.bias != NULL && m < p->c_out ? r.bias[m] : 0.0f);
    XN_UNROLL(16)
    for (int i = 0; i < P; ++i)
      acc[i][t] = b0;
  }
  const int64_t c_in = p->c_in, kh = g->kh, kw = g->kw, iw = g->iw, dh = g->dh, dw = g->dw;
  const int64_t plane = g->ih * iw;
  const int64_t step = S ? S : g->sw;
  const int64_t iy0 = r.iy0, ky_lo = r.ky_lo, ky_hi = r.ky_hi;
  const float *const xn = r.xn;
  typename G::index gidx;
  G::strided(gidx, g->sw);
  if (K1) {
    if (ky_lo < ky_hi) {
      typename G::mask m[2 * P];
      XN_UNROLL(16)
      for (int k = 0; k < 2 * P; ++k)
        m[k] = mk[k];
      const float *src = xn + iy0 * iw + ix0;
      const float *wc = wb;
      for (int64_t c = 0; c < c_in; ++c, src += plane, wc += T)
        xn_x86_px_tap<K, P, S>(acc, src, step, m, 2, gidx, wc);
    }
  } else {
    for (int64_t c = 0; c < c_in; ++c) {
      const float *xc = xn + c * plane;
      const float *wc = wb + c * kh * kw * T;
      for (int64_t ky = ky_lo; ky < ky_hi; ++ky) {
        const float *src = xc + (iy0 + ky * dh) * iw + ix0;
        const float *wk = wc + ky * kw * T;
        for (int64_t kx = 0; kx < kw; ++kx, src += dw, wk += T)
          xn_x86_px_tap<K, P, S>(acc, src, step, mk + kx * 2, kw * 2, gidx, wk);
      }
    }
  }
  const int64_t tv = p->c_out - ob * T < T ? p->c_out - ob * T : T;
  const int64_t width = rem < L * P ? rem : L * P;
  const bool relu = p->act_kind == XN_ACT_RELU;
  XN_UNROLL(16)
  for (int t = 0; t < T; ++t) {
    if (t >= tv)
      break;
    float *yr = r.yn + ((ob * T + t) * g->oh + r.oy) * g->ow + ox0;
    XN_UNROLL(16)
    for (int i = 0; i < P; ++i) {
      typename V::vec v = acc[i][t];
      if (relu)
        V::relu(v);
      V::store_n(yr + L * i, v, width - L * i);
    }
    if (p->act_kind != XN_ACT_NONE && !relu)
      xn_x86_act_row(p->act_kind, p->act_alpha, p->act_beta, yr, width);
  }
}

// Every channel block of the tile of P pixel vectors at output pixel ox0 of row r: the
// input lane masks once, then the blocks.
template <class K, int P, int S> inline void xn_x86_px_tiles(const xn_x86_px_row &r, int64_t ox0) {
  typedef typename K::V::masked G;
  const int L = K::V::L;
  const xn_x86_conv_geom *g = r.g;
  const int64_t ix0 = ox0 * g->sw - g->pw;
  typename G::mask mk[P * XN_X86_CONV_MAX_KW * 2];
  for (int i = 0; i < P; ++i)
    for (int64_t kx = 0; kx < g->kw; ++kx) {
      int64_t lo, hi;
      if (S == 2) // 2L consecutive input columns, 2L * i on
        xn_tap_range(ix0 + 2 * L * i + kx * g->dw, 1, 2 * L, 0, g->iw, &lo, &hi);
      else // L input columns, sw apart
        xn_tap_range(ix0 + L * i * g->sw + kx * g->dw, g->sw, L, 0, g->iw, &lo, &hi);
      typename G::mask *m = mk + (i * g->kw + kx) * 2;
      G::lanes(m[0], lo, hi, 0);
      G::lanes(m[1], lo, hi, L);
    }
  const int64_t blocks = (r.p->c_out + K::T - 1) / K::T;
  const int64_t wblock = r.p->c_in * g->kh * g->kw * K::T;
  for (int64_t ob = 0; ob < blocks; ++ob)
    if (g->kh == 1 && g->kw == 1)
      K::template tile<P, S, true>(r, ix0, mk, r.w + ob * wblock, ob, ox0, g->ow - ox0);
    else
      K::template tile<P, S, false>(r, ix0, mk, r.w + ob * wblock, ob, ox0, g->ow - ox0);
}

// Every output row of the part: whole tiles of K::P pixel vectors, then one narrower tile.
template <class K, int S>
inline void xn_x86_px_run(const xn_conv_params *p, const xn_x86_conv_geom *g, const float *x,
                          const float *w, const float *bias, float *y, int part, int parts) {
  static_assert(K::P == 3, "the remainder below takes up to 3 pixel vectors");
  const int L = K::V::L;
  xn_x86_px_row r;
  r.p = p;
  r.g = g;
  r.w = w;
  r.bias = bias;
  // Part `part` of the output (common/parts.h): chunks of L pixels of all rows of all images,
  // so that a 1x1 stride-1 conv, one long row, splits too. A part ends on a chunk boundary
  // (or the row's end), so its last tile of 1-3 vectors stores exactly its pixels; every
  // pixel sums its taps in the same order whichever part and tile hold it.
  const int64_t chunks = (g->ow + L - 1) / L;
  int64_t lo, hi;
  xn_part_range(p->n * g->oh * chunks, part, parts, &lo, &hi);
  for (int64_t row = lo / chunks; row * chunks < hi; ++row) {
    const int64_t n = row / g->oh, oy = row % g->oh;
    r.xn = x + n * p->c_in * g->ih * g->iw;
    r.yn = y + n * p->c_out * g->oh * g->ow;
    r.oy = oy;
    r.iy0 = oy * g->sh - g->ph;
    xn_tap_range(r.iy0, g->dh, g->kh, 0, g->ih, &r.ky_lo, &r.ky_hi);
    const int64_t end = (hi - row * chunks) * L < g->ow ? (hi - row * chunks) * L : g->ow;
    int64_t ox0 = lo > row * chunks ? (lo - row * chunks) * L : 0;
    for (; ox0 + L * K::P <= end; ox0 += L * K::P)
      K::template tiles<K::P, S>(r, ox0);
    const int64_t rem = end - ox0;
    if (rem > 2 * L)
      K::template tiles<3, S>(r, ox0);
    else if (rem > L)
      K::template tiles<2, S>(r, ox0);
    else if (rem > 0)
      K::template tiles<1, S>(r, ox0);
  }
}

// xn_conv's contract (generic/conv.h) for convs xn_x86_conv_supported() accepts, with w
// packed by xn_<isa>_conv_pack.
template <class K>
inline void xn_x86_px_conv(const xn_conv_params *p, const float *x, const float *w,
                           const float *bias, float *y, int part, int parts) {
  const xn_x86_conv_geom g = xn_x86_conv_view(p);
  if (g.sw == 1)
    xn_x86_px_run<K, 1>(p, &g, x, w, bias, y, part, parts);
  else if (g.sw == 2)
    xn_x86_px_run<K, 2>(p, &g, x, w, bias, y, part, parts);
  else
    xn_x86_px_run<K, 0>(p, &g, x, w, bias, y, part, parts);
}

// Columns [nb * L, (nb + B) * L) of output row yr.
template <class V, int B>
inline void xn_x86_px_gemv(int64_t N, int64_t K, const float *am, int64_t a_sk, const float *bp,
                           int64_t nb, float *yr) {
  const int L = V::L;
  typename V::vec acc[B];
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b)
    V::zero(acc[b]);
  const float *w = bp + nb * K * L;
  for (int64_t k = 0; k < K; ++k) {
    typename V::vec av;
    V::broadcast(av, am + k * a_sk);
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b) {
      typename V::vec wv;
      V::load(wv, w + (b * K + k) * L);
      V::fma(acc[b], av, wv);
    }
  }
  XN_UNROLL(16)
  for (int b = 0; b < B; ++b)
    V::store_n(yr + (nb + b) * L, acc[b], N - (nb + b) * L);
}

// xn_gemm's contract (generic/gemm.h) with b packed by xn_<isa>_gemm_pack. Part `part` of
// `parts` computes a range of column blocks of every row (common/parts.h): a column sums its
// K products in the same order whichever gemv width takes its block, so parts do not
// change a result.
template <class V>
inline void xn_x86_px_gemm(const xn_gemm_params *p, const float *a, const float *bp, const float *c,
                           float *y, int part, int parts) {
  const int L = V::L;
  const int64_t M = p->M, N = p->N, K = p->K;
  const int64_t a_sm = p->trans_a ? 1 : K;
  const int64_t a_sk = p->trans_a ? M : 1;
  int64_t nb_lo, nb_hi;
  xn_part_range((N + L - 1) / L, part, parts, &nb_lo, &nb_hi);
  for (int64_t m = 0; m < M; ++m) {
    const float *am = a + m * a_sm;
    float *yr = y + m * N;
    int64_t nb = nb_lo;
    for (; nb + 8 <= nb_hi; nb += 8)
      xn_x86_px_gemv<V, 8>(N, K, am, a_sk, bp, nb, yr);
    for (; nb + 4 <= nb_hi; nb += 4)
      xn_x86_px_gemv<V, 4>(N, K, am, a_sk, bp, nb, yr);
    for (; nb < nb_hi; ++nb)
      xn_x86_px_gemv<V, 1>(N, K, am, a_sk, bp, nb, yr);
    xn_x86_gemm_epilogue_row(p, c, m, yr, nb_lo * L, nb_hi * L < N ? nb_hi * L : N);
  }
}

// The kernel type xn_<isa>_px (policy V, T channels per block, P pixel vectors per tile; tile
// and tiles compile xn_x86_px_tile and xn_x86_px_tiles for the ISA) and the entry points of
// ISA `isa` with target attribute ATTR:
//   xn_<isa>_conv: xn_conv's contract (generic/conv.h) for convs xn_x86_conv_supported()
//     accepts, w packed by xn_<isa>_conv_pack;
//   xn_<isa>_gemm: xn_gemm's contract (generic/gemm.h), b packed by xn_<isa>_gemm_pack.
// (A macro: the target attribute cannot be a template parameter.)
#define XN_X86_PX_KERNELS(isa, V_, T_, P_, ATTR)                                                   \
  struct xn_##isa##_px {                                                                           \
    typedef V_ V;                                                                                  \
    static const int T = T_, P = P_;                                                               \
    template <int TP, int S, bool K1>                                                              \
    ATTR __attribute__((flatten, noinline)) static void                                            \
    tile(const xn_x86_px_row &r, int64_t ix0, const V::masked::mask *mk, const float *wb,          \
         int64_t ob, int64_t ox0, int64_t rem) {                                                   \
      xn_x86_px_tile<xn_##isa##_px, TP, S, K1>(r, ix0, mk, wb, ob, ox0, rem);                      \
    }                                                                                              \
    template <int TP, int S>                                                                       \
    ATTR __attribute__((flatten)) static void tiles(const xn_x86_px_row &r, int64_t ox0) {         \
      xn_x86_px_tiles<xn_##isa##_px, TP, S>(r, ox0);                                               \
    }                                                                                              \
  };                                                                                               \
  inline void xn_##isa##_conv(const xn_conv_params *p, const float *x, const float *w,             \
                              const float *bias, float *y, int part = 0, int parts = 1) {          \
    xn_x86_px_conv<xn_##isa##_px>(p, x, w, bias, y, part, parts);                                  \
  }                                                                                                \
  ATTR __attribute__((flatten)) inline void xn_##isa##_gemm(                                       \
      const xn_gemm_params *p, const float *a, const float *bp, const float *c, float *y,          \
      int part = 0, int parts = 1) {                                                               \
    xn_x86_px_gemm<V_>(p, a, bp, c, y, part, parts);                                               \
  }

#endif // XNORC_RUNTIME_X86_PX_FLOAT_H
