// One side of bench/glue_ab.sh: the x86 average pool, threshold and depthwise conv of one runtime
// include tree,
// in a namespace of its own (XN_AB_NS) so two trees link into one program. The runtime's system
// headers come first: their include guards then keep them out of the namespace.
#include <float.h>
#include <immintrin.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <type_traits>

namespace XN_AB_NS {
#include "xnorc/runtime/x86/avx2_glue.h"
#include "xnorc/runtime/x86/avx512_glue.h"
} // namespace XN_AB_NS

// The 2x2 stride-2 average pool of c planes of hw x hw (Bi-Real's shortcut pools).
void XN_AB_POOL(bool avx512, int64_t c, int64_t hw, const float *x, float *y) {
  using namespace XN_AB_NS;
  const int64_t in[3] = {hw, hw, 1}, out[3] = {hw / 2, hw / 2, 1}, k[3] = {2, 2, 1},
                s[3] = {2, 2, 1}, pad[3] = {0, 0, 0};
  const xn_pool_params p = xn_pool_params_of_window(2, 1, c, in, out, k, s, pad, pad, 1);
  if (avx512)
    xn_avx512_avgpool(&p, x, y);
  else
    xn_avx2_avgpool(&p, x, y);
}

// The sign of c channels of `spatial` pixels into packed bits (Bi-Real's thresholds).
void XN_AB_THRESH(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y) {
  using namespace XN_AB_NS;
  xn_threshold_params p;
  p.n = 1;
  p.c = c;
  p.spatial = spatial;
  if (avx512)
    xn_avx512_threshold(&p, x, NULL, NULL, y);
  else
    xn_avx2_threshold(&p, x, NULL, NULL, y);
}

// The 3x3 stride-2 depthwise conv with pads 1 of c planes of ih x ih into oh x oh (QuickNet's
// blur pools), bias and weights given.
void XN_AB_DW(bool avx512, int64_t c, int64_t ih, int64_t oh, const float *x, const float *w,
              const float *bias, float *y) {
  using namespace XN_AB_NS;
  xn_conv_params p;
  memset(&p, 0, sizeof p);
  p.spatial_rank = 2;
  p.n = 1;
  p.c_in = p.c_out = p.group = c;
  for (int d = 0; d < 2; ++d) {
    p.in_dims[d] = ih;
    p.out_dims[d] = oh;
    p.kernel[d] = 3;
    p.strides[d] = 2;
    p.dilations[d] = 1;
    p.pads_begin[d] = p.pads_end[d] = 1;
  }
  if (avx512)
    xn_avx512_dwconv(&p, x, w, bias, y);
  else
    xn_avx2_dwconv(&p, x, w, bias, y);
}
