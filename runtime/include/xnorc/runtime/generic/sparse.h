// Sparse float conv and Gemm: the dense kernels' parameters (conv.h, gemm.h) with the
// constant weights packed as compressed sparse rows (common/sparse_pack.h), zero weights
// skipped. The compiler picks them per layer on every CPU target where the share of zero
// weights reaches the measured break-even (compiler/Lowering/SparseBreakEven.cpp).
//
// Exactness: every output sums the same products in the same order as xn_conv / xn_gemm
// (bias or 0 first, then the (channel, tap) or k order), only without the zero products.
// Adding a zero product leaves a finite sum unchanged, so the results are the dense kernel's
// bit for bit, except where the dense kernel's input holds an infinity or NaN at a zero
// weight (0 * inf = NaN there) and the sign of a zero output whose bias is -0.
#ifndef XNORC_RUNTIME_GENERIC_SPARSE_H
#define XNORC_RUNTIME_GENERIC_SPARSE_H

#include "../common/parts.h"
#include "../common/sparse_pack.h"
#include "conv.h"
#include "gemm.h"

// y[i] += v * x[i * step] for i < n: the inner loop of the sparse conv, one weight along
// one output row. (The x86 convs, x86/sparse.h, tile output rows in registers instead.)
inline void xn_sparse_axpy(float *y, const float *x, float v, int64_t n, int64_t step) {
  if (step == 1)
    for (int64_t i = 0; i < n; ++i)
      y[i] += v * x[i];
  else
    for (int64_t i = 0; i < n; ++i)
      y[i] += v * x[i * step];
}

// Kernel taps the sparse convs take (their per-tap table lives on the stack); the compiler
// keeps convs with larger windows dense.
#define XN_SPARSE_MAX_TAPS 64

// Where one kernel tap reaches: the output ranges [lo, hi) per spatial dim whose input lies
// inside the image, and the input offset of output 0 (per dim, strides applied by the walk).
struct xn_sparse_tap {
  int64_t lo[3], hi[3], off[3];
};

// The taps of a window, computed once per call rather than per non-zero weight.
template <class P> inline void xn_sparse_taps(const P *p, xn_sparse_tap *t) {
  const xn_window wd = xn_window_of(p);
  const int64_t *k = wd.k;
  for (int64_t tap = 0; tap < k[0] * k[1] * k[2]; ++tap) {
    const int64_t kk[3] = {tap / (k[1] * k[2]), tap / k[2] % k[1], tap % k[2]};
    for (int d = 0; d < 3; ++d) {
      t[tap].off[d] = kk[d] * wd.dil[d] - wd.pad[d];
      xn_tap_range(t[tap].off[d], wd.s[d], wd.out[d], 0, wd.in[d], &t[tap].lo[d], &t[tap].hi[d]);
    }
  }
}

// The sparse conv's walk (group 1, at most XN_SPARSE_MAX_TAPS taps): for each image and
// output channel, the channel's plane starts at its bias; each non-zero weight (in the dense
// kernel's order) then adds its products to every output it reaches, one output row at a time
// through Axpy. A macro so the x86 kernels stamp it out with their target attribute and their
// Axpy inlined. --threads splits the (image, output channel) planes: each is computed whole by
// one part, so the results do not depend on the split (common/parts.h).
#define XN_SPARSE_CONV_DEFINE(Name, Attr, Axpy)                                                    \
  Attr void Name(const xn_conv_params *p, const float *x, const uint64_t *w, const float *bias,    \
                 float *y, int part = 0, int parts = 1) {                                          \
    const xn_window wd = xn_window_of(p);                                                          \
    const int64_t *id = wd.in, *od = wd.out, *s = wd.s;                                            \
    const int64_t in_plane = id[0] * id[1] * id[2];                                                \
    const int64_t out_plane = od[0] * od[1] * od[2];                                               \
    const int64_t ksize = wd.k[0] * wd.k[1] * wd.k[2];                                             \
    xn_sparse_tap taps[XN_SPARSE_MAX_TAPS];                                                        \
    xn_sparse_taps(p, taps);                                                                       \
    const xn_sparse_view sw = xn_sparse_view_of(p->c_out, w);                                      \
    int64_t plane_lo, plane_hi;                                                                    \
    xn_part_range(p->n * p->c_out, part, parts, &plane_lo, &plane_hi);                             \
    for (int64_t plane = plane_lo; plane < plane_hi; ++plane) {                                    \
      const int64_t n = plane / p->c_out, m = plane % p->c_out;                                    \
      const float *xn = x + n * p->c_in * in_plane;                                                \
      {                                                                                            \
        float *ym = y + (n * p->c_out + m) * out_plane;                                            \
        const float b = bias ? bias[m] : 0.0f;                                                     \
        for (int64_t i = 0; i < out_plane; ++i)                                                    \
          ym[i] = b;                                                                               \
        const int32_t e_end = xn_sparse_row_start(sw, m + 1);                                      \
        for (int32_t e = xn_sparse_row_start(sw, m); e < e_end; ++e) {                             \
          const int64_t col = xn_sparse_col(sw, e), c = col / ksize;                               \
          const xn_sparse_tap &t = taps[col - c * ksize];                                          \
          if (t.lo[2] >= t.hi[2])                                                                  \
            continue;                                                                              \
          const float v = xn_sparse_value(sw, e);                                                  \
          const float *xc = xn + c * in_plane + t.lo[2] * s[2] + t.off[2];                         \
          for (int64_t oz = t.lo[0]; oz < t.hi[0]; ++oz) {                                         \
            const int64_t iz = oz * s[0] + t.off[0];                                               \
            for (int64_t oy = t.lo[1]; oy < t.hi[1]; ++oy) {                                       \
              const int64_t iy = oy * s[1] + t.off[1];                                             \
              Axpy(ym + (oz * od[1] + oy) * od[2] + t.lo[2], xc + (iz * id[1] + iy) * id[2], v,    \
                   t.hi[2] - t.lo[2], s[2]);                                                       \
            }                                                                                      \
          }                                                                                        \
        }                                                                                          \
        xn_act_apply_n(p->act_kind, p->act_alpha, p->act_beta, ym, out_plane);                     \
      }                                                                                            \
    }                                                                                              \
  }

inline size_t xn_sparse_conv_scratch_bytes(const xn_conv_params *p) {
  (void)p;
  return 0;
}

XN_SPARSE_CONV_DEFINE(xn_sparse_conv, inline, xn_sparse_axpy)

inline size_t xn_sparse_gemm_scratch_bytes(const xn_gemm_params *p) {
  (void)p;
  return 0;
}

// Gemm with B packed as N rows of K (whatever trans_b said): each output is the dot product
// of a row of op(A) with the non-zero weights of its column, summed in k order from 0, then
// the epilogue. --threads splits the N columns (a batch-1 Gemm has one row): each output is
// computed whole by one part.
inline void xn_sparse_gemm(const xn_gemm_params *p, const float *a, const uint64_t *b,
                           const float *c, float *y, int part = 0, int parts = 1) {
  const int64_t M = p->M, N = p->N;
  const int64_t a_sm = p->trans_a ? 1 : p->K;
  const int64_t a_sk = p->trans_a ? M : 1;
  const xn_sparse_view sb = xn_sparse_view_of(N, b);
  int64_t n_lo, n_hi;
  xn_part_range(N, part, parts, &n_lo, &n_hi);
  for (int64_t m = 0; m < M; ++m) {
    const float *am = a + m * a_sm;
    for (int64_t n = n_lo; n < n_hi; ++n) {
      float acc = 0.0f;
      const int32_t e_end = xn_sparse_row_start(sb, n + 1);
      for (int32_t e = xn_sparse_row_start(sb, n); e < e_end; ++e)
        acc += am[xn_sparse_col(sb, e) * a_sk] * xn_sparse_value(sb, e);
      y[m * N + n] = acc;
    }
  }
  xn_gemm_epilogue_cols(p, c, y, n_lo, n_hi);
}

#endif // XNORC_RUNTIME_GENERIC_SPARSE_H
