// Inference-mode BatchNormalization, NC[spatial] float32.
#ifndef XNORC_RUNTIME_GENERIC_BATCHNORM_H
#define XNORC_RUNTIME_GENERIC_BATCHNORM_H

#include "../common/parts.h"
#include "xn_common.h"

#include <math.h>

// The compiler folds gamma, beta, mean, var and epsilon (in double) into
// scale = gamma / sqrt(var + eps) and shift = beta - mean * scale, so the kernel is a
// per-channel affine map y = x * scale[c] + shift[c]. spatial is the product of all
// dims after C (1 for [N, C] input).
#define XN_BATCHNORM_PARAMS(F, A)                                                                  \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, spatial)
XN_DECLARE_PARAMS(xn_batchnorm_params, XN_BATCHNORM_PARAMS)

// f(c, at, len) for each run of part `part` of `parts` (split as the elementwise layers,
// xn_part_map): len floats from offset at, all of channel c. The x86 kernel walks the same runs.
template <typename F>
inline void xn_batchnorm_part_runs(const xn_batchnorm_params *p, int part, int parts, F f) {
  const int64_t sp = p->spatial;
  const xn_map_part m = xn_part_map(p->n * p->c, sp, XN_PART_LINE_FLOATS, part, parts);
  for (int64_t pl = m.pl_lo; pl < m.pl_hi; ++pl)
    f(pl % p->c, pl * sp + m.s_lo, m.s_hi - m.s_lo);
}

// y may alias x exactly.
inline void xn_batchnorm(const xn_batchnorm_params *p, const float *x, const float *scale,
                         const float *shift, float *y, int part = 0, int parts = 1) {
  xn_batchnorm_part_runs(p, part, parts, [&](int64_t c, int64_t at, int64_t len) {
    const float sc = scale[c], sh = shift[c];
    for (int64_t i = at; i < at + len; ++i)
      y[i] = x[i] * sc + sh;
  });
}

// BatchNorm whose statistics are only known at run time (they are graph inputs).
// Compiled models with constant statistics use xn_batchnorm with scale/shift
// precomputed in double by the compiler instead.
#define XN_BATCHNORM_STATS_PARAMS(F, A)                                                            \
  F(int64_t, n)                                                                                    \
  F(int64_t, c)                                                                                    \
  F(int64_t, spatial)                                                                              \
  F(float, epsilon)
XN_DECLARE_PARAMS(xn_batchnorm_stats_params, XN_BATCHNORM_STATS_PARAMS)

inline void xn_batchnorm_stats(const xn_batchnorm_stats_params *p, const float *x,
                               const float *gamma, const float *beta, const float *mean,
                               const float *var, float *y) {
  const int64_t sp = p->spatial;
  for (int64_t n = 0; n < p->n; ++n) {
    for (int64_t c = 0; c < p->c; ++c) {
      const int64_t base = (n * p->c + c) * sp;
      const float sc = gamma[c] / sqrtf(var[c] + p->epsilon);
      const float sh = beta[c] - mean[c] * sc;
      for (int64_t i = 0; i < sp; ++i)
        y[base + i] = x[base + i] * sc + sh;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_BATCHNORM_H
