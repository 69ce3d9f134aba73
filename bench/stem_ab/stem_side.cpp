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
} // namespace XN_AB_NS

#include "stem_shape.h"

void XN_AB_FN(bool avx512, const float *x, const float *w, const float *bias, float *y) {
  using namespace XN_AB_NS;
  static const xn_conv_pool_params p = XN_STEM_PARAMS;
  if (avx512)
    xn_avx512_conv_max_pool(&p, x, w, bias, y);
  else
    xn_avx2_conv_max_pool(&p, x, w, bias, y);
}
