//===- ThresholdMath.h - Exact thresholds through affine maps ----*- C++ -*-===//
//
// A threshold "+1 iff f(u) >= tau" (or <=) through a monotone f is again a
// threshold on u. Computing the new bound in real arithmetic can be off by an
// ulp from what float evaluation of f decides, so these helpers search for
// the exact boundary under the float evaluation the interpreter performs.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_PASSES_THRESHOLDMATH_H
#define XNORC_PASSES_THRESHOLDMATH_H

#include "compiler/Analysis/BatchNormArith.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace xnorc {

/// A per-channel threshold: +1 iff (Dir > 0 ? v >= Tau : v <= Tau).
struct FloatThreshold {
  float Tau;
  float Dir;
};

/// The threshold on u equivalent to T applied to F(u), F monotone (in float
/// evaluation): found by bisecting over all floats, so it is exact.
FloatThreshold thresholdThroughMonotone(FloatThreshold T, const std::function<float(float)> &F,
                                        bool NonDecreasing);
/// The threshold on u equivalent to T applied to fl(fl(u * Scale) + Shift).
FloatThreshold thresholdThroughAffine(FloatThreshold T, float Scale, float Shift);

/// The threshold on x equivalent to T applied to one BatchNorm channel, in the
/// channel's own float arithmetic (gamma = 0: a constant channel).
FloatThreshold thresholdThroughBatchNorm(FloatThreshold T, const BnChannelArith &F);

/// True if some value fl(fl(Scale * d) + Bias), d an integer in [-N, N], lies within
/// MaxUlps float ulps of the real number X: a threshold at X is decided by
/// rounding there, so frameworks with different float arithmetic may disagree.
bool attainableNear(double X, float Scale, float Bias, int64_t N, int MaxUlps);

/// An integer threshold on d in [-N, N]: +1 iff (Dir >= 0 ? d >= T : d <= T).
/// Constant channels use T = INT32_MIN (always +1) or INT32_MAX (never), Dir = +1.
struct IntThreshold {
  int32_t T;
  int32_t Dir;
};

/// The integer threshold equivalent to T applied to fl(fl(Scale * d) + Bias)
/// for every integer d in [-N, N] (exact: the passing d are a prefix or a suffix of
/// [-N, N], whose edge is bisected).
IntThreshold integerThreshold(FloatThreshold T, float Scale, float Bias, int64_t N);

class Graph;
class Op;
/// The number of nonzero products summed into output channel M's accumulator of
/// the binary layer L (bconv or bdense): d lies in [-N, N]. Binary weights give
/// every channel the filter size; ternary weights (i8 levels) the filter's
/// nonzero count, so a channel's always/never decisions are exact. (Border
/// windows and the parity of d shrink the set of attained d further; a bound
/// exact on [-N, N] is exact on any subset of it.)
int64_t accumulatorRange(const Op &L, int64_t M);
/// The per-channel thresholds of a threshold op (defaults: tau 0, dir +1).
std::vector<FloatThreshold> channelThresholds(const Op &T);
/// Replaces T's tau/dir operands by new constants holding Th.
void setChannelThresholds(Graph &G, Op &T, const std::vector<FloatThreshold> &Th);
/// True if T's tau/dir (if any) are constants.
bool hasConstantThresholds(const Op &T);

} // namespace xnorc

#endif
