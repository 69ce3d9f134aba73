// Activations fused into HLS layers, with the float comparisons of the CPU kernels
// (xn_act_apply in generic/xn_common.h), so a NaN propagates the same way.
#ifndef XNORC_RUNTIME_HLS_LAYERS_ACT_H
#define XNORC_RUNTIME_HLS_LAYERS_ACT_H

namespace xnorc_hls {

enum act_kind { ACT_NONE = 0, ACT_RELU = 1, ACT_LEAKY_RELU = 2, ACT_CLIP = 3 };

template <int ACT> inline float activate(float v, float alpha, float beta) {
  if (ACT == ACT_RELU)
    return v < 0.0f ? 0.0f : v;
  if (ACT == ACT_LEAKY_RELU)
    return v < 0.0f ? alpha * v : v;
  if (ACT == ACT_CLIP) {
    const float lo = v < alpha ? alpha : v;
    return lo > beta ? beta : lo;
  }
  return v;
}

} // namespace xnorc_hls

#endif // XNORC_RUNTIME_HLS_LAYERS_ACT_H
