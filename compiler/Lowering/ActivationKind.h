//===- ActivationKind.h - A fused activation as the runtime computes it -*- C++ -*-===//
//
// Header only (no link to the lowering library): the analysis evaluates a layer's
// epilogue activation on a constant with the same runtime function the kernels use.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_LOWERING_ACTIVATIONKIND_H
#define XNORC_LOWERING_ACTIVATIONKIND_H

#include "compiler/IR/OpViews.h"
#include "xnorc/runtime/generic/xn_common.h"

#include <string>

namespace xnorc {

inline int32_t activationKind(const std::string &Name) {
  if (Name == "relu")
    return XN_ACT_RELU;
  if (Name == "leaky_relu")
    return XN_ACT_LEAKY_RELU;
  if (Name == "clip")
    return XN_ACT_CLIP;
  if (Name == "sigmoid")
    return XN_ACT_SIGMOID;
  if (Name == "tanh")
    return XN_ACT_TANH;
  return XN_ACT_NONE;
}

/// act(V) for the activation in layer L's epilogue (V itself without one).
inline float applyActivation(const FusedActivationOp &L, float V) {
  return xn_act_apply(activationKind(L.activation()), static_cast<float>(L.act_alpha()),
                      static_cast<float>(L.act_beta()), V);
}

} // namespace xnorc

#endif
