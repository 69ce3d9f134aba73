//===- ChannelAffine.h - Per-channel affine maps in the graph ----*- C++ -*-===//
//
// BatchNorm at inference, and add/sub/mul/div by a per-channel constant, are
// all y = x * scale[c] + shift[c]. Passes fold them into convolutions and
// thresholds; the generic BatchNorm kernel runs the same scale/shift. A
// BatchNorm that names its framework arithmetic ('arith', BatchNormArith.h)
// rounds differently: thresholds go through that arithmetic instead.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_ANALYSIS_CHANNELAFFINE_H
#define XNORC_ANALYSIS_CHANNELAFFINE_H

#include "compiler/IR/Graph.h"

#include <optional>

namespace xnorc {

struct ChannelAffine {
  Value *Input = nullptr; ///< x
  std::vector<float> Scale, Shift;
};

/// BatchNorm's scale = gamma / sqrt(var + eps) and shift = beta - mean * scale,
/// computed in double and rounded once; nullopt unless all parameters are constant.
std::optional<ChannelAffine> batchNormAffine(const Op &BN);

/// The per-channel values of a constant that broadcasts against X along dim 1
/// only (shape [C,1,...], [1,C,1,...], a scalar, or [C] when X is [N,C]).
std::optional<std::vector<float>> perChannel(const Value *Const, const Value *X);

/// O as a per-channel affine map of one operand over channel dim 1 (batch_norm,
/// or add/sub/mul with a constant broadcasting per channel), else nullopt.
std::optional<ChannelAffine> channelAffine(const Op &O);

} // namespace xnorc

#endif
