#include "passes/ThresholdMath.h"

#include "compiler/IR/Graph.h"

#include <climits>
#include <cmath>
#include <limits>

namespace xnorc {

namespace {
bool passes(FloatThreshold T, float V) { return T.Dir > 0 ? V >= T.Tau : V <= T.Tau; }

float affine(float U, float Scale, float Shift) {
  // Two roundings, as the BatchNorm kernel computes x * scale + shift.
  volatile float P = U * Scale;
  return P + Shift;
}
} // namespace

FloatThreshold thresholdThroughAffine(FloatThreshold T, float Scale, float Shift) {
  constexpr float Inf = std::numeric_limits<float>::infinity();
  constexpr float NaN = std::numeric_limits<float>::quiet_NaN();
  auto Pass = [&](float U) { return passes(T, affine(U, Scale, Shift)); };
  if (Scale == 0 || std::isnan(T.Tau))
    return Pass(0.0f) ? FloatThreshold{-Inf, 1.0f} : FloatThreshold{NaN, 1.0f};
  // Increasing: the passing set is [u*, inf); decreasing: (-inf, u*].
  bool Increasing = (Scale > 0) == (T.Dir > 0);
  float Toward = Increasing ? -Inf : Inf, Away = Increasing ? Inf : -Inf;
  double Q = (static_cast<double>(T.Tau) - Shift) / Scale;
  float U = std::isfinite(Q) ? static_cast<float>(Q) : (Q > 0 ? Inf : -Inf);
  if (std::isnan(U))
    U = 0;
  // From the real-arithmetic estimate, walk to the exact float boundary.
  for (int Step = 0; Step < 1 << 20 && !Pass(U) && U != Away; ++Step)
    U = std::nextafter(U, Away);
  if (!Pass(U))
    return {NaN, 1.0f}; // nothing passes
  for (int Step = 0; Step < 1 << 20; ++Step) {
    float Next = std::nextafter(U, Toward);
    if (Next == U || !Pass(Next))
      break;
    U = Next;
  }
  if (U == Toward)
    return {-Inf, 1.0f}; // everything passes
  return {U, Increasing ? 1.0f : -1.0f};
}

IntThreshold integerThreshold(FloatThreshold T, float Scale, float Bias, int64_t N) {
  int64_t First = INT64_MAX, Last = INT64_MIN;
  for (int64_t D = -N; D <= N; ++D)
    if (passes(T, affine(static_cast<float>(D), Scale, Bias))) {
      First = std::min(First, D);
      Last = std::max(Last, D);
    }
  if (First == INT64_MAX)
    return {INT32_MAX, 1};
  if (First == -N && Last == N)
    return {INT32_MIN, 1};
  // Monotone in d, so the passing set is a suffix or a prefix of [-N, N].
  if (Last == N)
    return {static_cast<int32_t>(First), 1};
  return {static_cast<int32_t>(Last), -1};
}

std::vector<FloatThreshold> channelThresholds(const Op &T) {
  int64_t C = T.operand(0)->type().rank() >= 2 ? T.operand(0)->type().Dims[1]
                                               : T.operand(0)->type().Dims[0];
  std::vector<FloatThreshold> Out(C, {0.0f, 1.0f});
  for (int64_t I = 0; I < C; ++I) {
    if (T.numOperands() > 1)
      Out[I].Tau = T.operand(1)->constant().data<float>()[I];
    if (T.numOperands() > 2)
      Out[I].Dir = T.operand(2)->constant().data<float>()[I];
  }
  return Out;
}

void setChannelThresholds(Graph &G, Op &T, const std::vector<FloatThreshold> &Th) {
  std::vector<float> Tau, Dir;
  for (const FloatThreshold &F : Th) {
    Tau.push_back(F.Tau);
    Dir.push_back(F.Dir);
  }
  int64_t C = Th.size();
  Value *TauV = G.addConstant(G.uniqueName(T.result()->name() + ".tau"), Tensor::fromFloats(Tau, {C}));
  Value *DirV = G.addConstant(G.uniqueName(T.result()->name() + ".dir"), Tensor::fromFloats(Dir, {C}));
  while (T.numOperands() < 3)
    G.appendOperand(&T, nullptr);
  T.setOperand(1, TauV);
  T.setOperand(2, DirV);
}

bool hasConstantThresholds(const Op &T) {
  for (unsigned I = 1; I < T.numOperands(); ++I)
    if (!T.operand(I)->isConstant())
      return false;
  return true;
}

} // namespace xnorc
