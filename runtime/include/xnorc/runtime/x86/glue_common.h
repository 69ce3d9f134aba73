// Shared plain-C++ pieces of the x86 float "glue" kernels (x86/avx512_glue.h,
// x86/avx2_glue.h): 2-D views of pool parameters and lane ranges. No intrinsics.
#ifndef XNORC_RUNTIME_X86_GLUE_COMMON_H
#define XNORC_RUNTIME_X86_GLUE_COMMON_H

#include "../common/parts.h"
#include "../generic/bitpack.h"
#include "../generic/pool.h"

// Loops over a tile's blocks must be unrolled (the accumulators must stay in registers).
#define XN_X86G_UNROLL _Pragma("GCC unroll 8")

// Widest kernel the vector pools take (their per-column lane masks live on the stack).
#define XN_X86_GLUE_MAX_KW 16

// A 1-D or 2-D pool as one H x W plane loop (1-D: H = 1).
struct xn_x86_pool2d {
  int64_t planes, ih, iw, oh, ow, kh, kw, sh, sw, ph, pw, peh, pew;
};

// False (use the generic kernel) unless the pool is 1-D/2-D, undilated, with a W stride
// of 1 or 2 and a kernel width of at most XN_X86_GLUE_MAX_KW.
inline bool xn_x86_pool2d_view(const xn_pool_params *p, xn_x86_pool2d *g) {
  if (p->spatial_rank < 1 || p->spatial_rank > 2)
    return false;
  const xn_window wd = xn_window_of(p);
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad,
                *pe = wd.pad_end;
  if (dl[1] != 1 || dl[2] != 1 || (s[2] != 1 && s[2] != 2) || k[2] > XN_X86_GLUE_MAX_KW)
    return false;
  g->planes = p->n * p->c;
  g->ih = id[1];
  g->iw = id[2];
  g->oh = od[1];
  g->ow = od[2];
  g->kh = k[1];
  g->kw = k[2];
  g->sh = s[1];
  g->sw = s[2];
  g->ph = pb[1];
  g->pw = pb[2];
  g->peh = pe[1];
  g->pew = pe[2];
  return true;
}

// Start of a vector pool's entry point: the 2-D view of part `part` of `parts` of its
// planes (--threads), x and y moved to that part's first plane. False when the vector paths
// do not take the pool: then `generic` has computed it, on part 0 alone (it does not split).
inline bool xn_x86_pool2d_begin(const xn_pool_params *p, int part, int parts,
                                void (*generic)(const xn_pool_params *, const float *, float *),
                                xn_x86_pool2d *g, const float **x, float **y) {
  if (!xn_x86_pool2d_view(p, g)) {
    if (part == 0)
      generic(p, *x, *y);
    return false;
  }
  int64_t lo, hi;
  xn_part_range(g->planes, part, parts, &lo, &hi);
  *x += lo * g->ih * g->iw;
  *y += lo * g->oh * g->ow;
  g->planes = hi - lo;
  return true;
}

// Lanes [*lo, *hi) of `lanes` whose column c0 + lane * sw lies in [a, b); the interior case
// skips xn_tap_range's divisions.
inline void xn_x86_lane_span(int64_t c0, int64_t sw, int64_t lanes, int64_t a, int64_t b,
                             int64_t *lo, int64_t *hi) {
  if (c0 >= a && c0 + sw * (lanes - 1) < b) {
    *lo = 0;
    *hi = lanes;
    return;
  }
  xn_tap_range(c0, sw, lanes, a, b, lo, hi);
}

#endif // XNORC_RUNTIME_X86_GLUE_COMMON_H
