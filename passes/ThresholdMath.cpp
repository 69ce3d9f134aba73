#include "passes/ThresholdMath.h"

#include "compiler/IR/Graph.h"
#include "compiler/IR/OpViews.h"

#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>
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

namespace {
/// Floats (not NaN) as integers in the same order, so a monotone predicate can
/// be bisected over every float exactly: -inf ... -0 == +0 ... +inf.
int64_t orderKey(float F) {
  uint32_t B;
  std::memcpy(&B, &F, 4);
  return (B & 0x80000000u) ? -static_cast<int64_t>(B & 0x7fffffffu) : static_cast<int64_t>(B);
}
float fromKey(int64_t K) {
  uint32_t B = K >= 0 ? static_cast<uint32_t>(K) : (static_cast<uint32_t>(-K) | 0x80000000u);
  float F;
  std::memcpy(&F, &B, 4);
  return F;
}
} // namespace

FloatThreshold thresholdThroughMonotone(FloatThreshold T, const std::function<float(float)> &F,
                                        bool NonDecreasing) {
  constexpr float Inf = std::numeric_limits<float>::infinity();
  constexpr float NaN = std::numeric_limits<float>::quiet_NaN();
  auto Pass = [&](float U) { return passes(T, F(U)); };
  // The passing set of u is an up-set [u*, inf] or a down-set [-inf, u*].
  bool UpSet = NonDecreasing == (T.Dir > 0);
  float Far = UpSet ? Inf : -Inf, Near = UpSet ? -Inf : Inf;
  if (std::isnan(T.Tau) || !Pass(Far))
    return {NaN, 1.0f}; // nothing passes
  if (Pass(Near))
    return {-Inf, 1.0f}; // everything passes
  // Bisect the boundary between Near (fails) and Far (passes) over float order.
  int64_t Fail = orderKey(Near), Ok = orderKey(Far);
  while (std::llabs(Ok - Fail) > 1) {
    int64_t Mid = Fail + (Ok - Fail) / 2;
    (Pass(fromKey(Mid)) ? Ok : Fail) = Mid;
  }
  return {fromKey(Ok), UpSet ? 1.0f : -1.0f};
}

FloatThreshold thresholdThroughAffine(FloatThreshold T, float Scale, float Shift) {
  if (Scale == 0) // constant: inf * 0 would be NaN, so decide it at 0
    return passes(T, Shift) ? FloatThreshold{-std::numeric_limits<float>::infinity(), 1.0f}
                            : FloatThreshold{std::numeric_limits<float>::quiet_NaN(), 1.0f};
  return thresholdThroughMonotone(
      T, [&](float U) { return affine(U, Scale, Shift); }, Scale > 0);
}

FloatThreshold thresholdThroughBatchNorm(FloatThreshold T, const BnChannelArith &F) {
  if (F.direction() == 0) // decide at 0: an infinite input would make 0 * inf = NaN
    return passes(T, F(0.0f)) ? FloatThreshold{-std::numeric_limits<float>::infinity(), 1.0f}
                              : FloatThreshold{std::numeric_limits<float>::quiet_NaN(), 1.0f};
  return thresholdThroughMonotone(T, F, F.direction() > 0);
}

bool attainableNear(double X, float Scale, float Bias, int64_t N, int MaxUlps) {
  if (!std::isfinite(X) || Scale == 0 || !std::isfinite(Scale))
    return false;
  float XF = static_cast<float>(X);
  double Ulp = std::nextafter(std::fabs(XF), std::numeric_limits<float>::infinity()) -
               std::fabs(static_cast<double>(XF));
  // The epilogue is monotone in d: only the integers next to the real solution
  // of Scale * d + Bias = X can come close.
  double D0 = std::round((X - Bias) / Scale);
  // Far outside [-N, N] no integer qualifies; there ++D would also stop changing D
  // (found by tools/fuzz: a model that hung bn-sign-to-threshold).
  if (!(D0 >= -N - 2 && D0 <= N + 2))
    return false;
  for (double D = D0 - 2; D <= D0 + 2; ++D)
    if (D >= -N && D <= N &&
        std::fabs(affine(static_cast<float>(D), Scale, Bias) - X) <= MaxUlps * Ulp)
      return true;
  return false;
}

IntThreshold integerThreshold(FloatThreshold T, float Scale, float Bias, int64_t N) {
  // affine() rounds monotonically in d and passes() is a one-sided test, so the
  // passing d form a prefix or a suffix of [-N, N]: the two ends say which, and a
  // binary search finds its edge (N can be ~1e9 for a wide dense layer, so no scan).
  auto Pass = [&](int64_t D) { return passes(T, affine(static_cast<float>(D), Scale, Bias)); };
  bool Low = Pass(-N), High = Pass(N);
  if (Low && High)
    return {INT32_MIN, 1};
  if (!Low && !High)
    return {INT32_MAX, 1};
  // Lo fails and Hi passes (suffix) or the reverse (prefix); keep it so while narrowing.
  int64_t Lo = -N, Hi = N;
  while (Hi - Lo > 1) {
    int64_t Mid = Lo + (Hi - Lo) / 2;
    (Pass(Mid) == High ? Hi : Lo) = Mid;
  }
  if (High)
    return {static_cast<int32_t>(Hi), 1};
  return {static_cast<int32_t>(Lo), -1};
}

int64_t accumulatorRange(const Op &L, int64_t M) {
  const Value &WV = *WeightedLayerOp(L).w();
  const Shape &W = WV.type().Dims;
  int64_t N = 1;
  for (size_t D = 1; D < W.size(); ++D)
    N *= W[D];
  if (WV.type().Elem != ElemType::I8)
    return N;
  int64_t NonZero = 0;
  for (int64_t I = M * N; I < (M + 1) * N; ++I)
    NonZero += WV.constant().getAsInt(I) != 0;
  return NonZero;
}

std::vector<FloatThreshold> channelThresholds(const Op &T) {
  ThresholdOp View(T);
  const TensorType &X = View.x()->type();
  int64_t C = X.rank() >= 2 ? X.Dims[1] : X.Dims[0];
  std::vector<FloatThreshold> Out(C, {0.0f, 1.0f});
  for (int64_t I = 0; I < C; ++I) {
    if (View.tau())
      Out[I].Tau = View.tau()->constant().data<float>()[I];
    if (View.dir())
      Out[I].Dir = View.dir()->constant().data<float>()[I];
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
  Value *TauV =
      G.addConstant(G.uniqueName(T.result()->name() + ".tau"), Tensor::fromFloats(Tau, {C}));
  Value *DirV =
      G.addConstant(G.uniqueName(T.result()->name() + ".dir"), Tensor::fromFloats(Dir, {C}));
  // tau and dir are optional and trailing: make room for both.
  while (T.numOperands() < ThresholdOp::NumOperandRoles)
    G.appendOperand(&T, nullptr);
  T.setOperand(ThresholdOp::tauIndex, TauV);
  T.setOperand(ThresholdOp::dirIndex, DirV);
}

bool hasConstantThresholds(const Op &T) {
  ThresholdOp View(T);
  for (const Value *V : {View.tau(), View.dir()})
    if (V && !V->isConstant())
      return false;
  return true;
}

} // namespace xnorc
