// One side of bench/stem_ab.sh: the x86 fused conv + max-pool of one runtime include tree, in a
// namespace of its own (XN_AB_NS) so two trees link into one program. The runtime's system
// headers come first: their include guards then keep them out of the namespace.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <float.h>
#include <immintrin.h>
#include <limits.h>
#include <math.h>
#include <mutex>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace XN_AB_NS {
#include "xnorc/runtime/x86/avx2_conv_pool.h"
#include "xnorc/runtime/x86/avx512_conv_pool.h"
#ifdef XN_AB_WINOGRAD
#include "xnorc/runtime/x86/avx2_winograd_stem.h"
#include "xnorc/runtime/x86/avx512_winograd_stem.h"
#endif
} // namespace XN_AB_NS

#include "stem_shape.h"

// w: ONNX's [64][3][7][7]; each kernel gets it packed as the compiler packs it, once.
void XN_AB_FN(bool avx512, const float *w, const float *x, const float *bias, float *y) {
  using namespace XN_AB_NS;
  static const xn_conv_pool_params p = XN_STEM_PARAMS;
  static const xn_conv_params cp = xn_conv_pool_conv(&p);
  static std::vector<float> packed[2]; // AVX2's, AVX-512's
  std::vector<float> &k = packed[avx512];
  if (k.empty()) {
#ifdef XN_AB_WINOGRAD // the Winograd stem reads its transformed weights, then the oc packing
    const size_t wino = xn_wino_stem_weights_size(p.c_out, p.c_in);
#else
    const size_t wino = 0;
#endif
    k.resize(wino +
             (avx512 ? xn_avx512_conv_oc_packed_floats(&cp) : xn_avx2_conv_oc_packed_floats(&cp)));
    if (avx512)
      xn_avx512_conv_oc_pack(&cp, w, k.data() + wino);
    else
      xn_avx2_conv_oc_pack(&cp, w, k.data() + wino);
#ifdef XN_AB_WINOGRAD
    xn_wino_stem_pack(w, p.c_out, p.c_in, p.kernel[0], p.kernel[1], k.data());
#endif
  }
#ifdef XN_AB_WINOGRAD // this side: the ISA's Winograd stem
  if (avx512)
    xn_avx512_conv_max_pool_winograd(&p, x, k.data(), bias, y);
  else
    xn_avx2_conv_max_pool_winograd(&p, x, k.data(), bias, y);
  return;
#endif
  if (avx512)
    xn_avx512_conv_max_pool(&p, x, k.data(), bias, y);
  else
    xn_avx2_conv_max_pool(&p, x, k.data(), bias, y);
}
