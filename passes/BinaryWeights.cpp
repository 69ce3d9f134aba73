#include "passes/BinaryWeights.h"

#include "compiler/IR/BitLayout.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace xnorc {

namespace {
Tensor packSigns(const Tensor &W) {
  Tensor Bits(TensorType{ElemType::B1, W.dims()});
  for (int64_t I = 0; I < W.size(); ++I)
    setBinary(Bits, I, W.data<float>()[I] < 0);
  return Bits;
}
} // namespace

std::optional<BinaryWeights> matchBinaryWeights(const Tensor &W, std::string &WhyNot) {
  int64_t M = W.dims().empty() ? 1 : W.dims()[0];
  int64_t PerFilter = M ? W.size() / M : 0;
  BinaryWeights Out;
  for (int64_t F = 0; F < M; ++F) {
    const float *P = W.data<float>() + F * PerFilter;
    double Alpha = std::fabs(P[0]);
    for (int64_t I = 0; I < PerFilter; ++I) {
      double A = std::fabs(P[I]);
      if (std::fabs(A - Alpha) > BinaryWeightTolerance * Alpha || (A == 0) != (Alpha == 0)) {
        WhyNot = fmt::format("weights are not ±alpha per output channel (filter {} holds {} "
                             "and {})",
                             F, P[0], P[I]);
        return std::nullopt;
      }
    }
    Out.Alpha.push_back(static_cast<float>(Alpha));
  }
  Out.Bits = packSigns(W);
  return Out;
}

std::optional<TernaryWeights> matchTernaryWeights(const Tensor &W, std::string &WhyNot) {
  int64_t M = W.dims().empty() ? 1 : W.dims()[0];
  int64_t PerFilter = M ? W.size() / M : 0;
  TernaryWeights Out;
  Out.Levels = Tensor(TensorType{ElemType::I8, W.dims()});
  int8_t *L = Out.Levels.data<int8_t>();
  for (int64_t F = 0; F < M; ++F) {
    const float *P = W.data<float>() + F * PerFilter;
    double Alpha = 0;
    for (int64_t I = 0; I < PerFilter; ++I)
      Alpha = std::max(Alpha, static_cast<double>(std::fabs(P[I])));
    for (int64_t I = 0; I < PerFilter; ++I) {
      double A = std::fabs(P[I]);
      bool Zero = A == 0;
      if (!Zero && std::fabs(A - Alpha) > BinaryWeightTolerance * Alpha) {
        WhyNot = fmt::format("weights are not ±alpha or {{-alpha, 0, +alpha}} per output channel "
                             "(filter {} holds {} and {})",
                             F, Alpha, P[I]);
        return std::nullopt;
      }
      L[F * PerFilter + I] = Zero ? 0 : (P[I] < 0 ? -1 : 1);
      Out.Zeros += Zero;
    }
    Out.Alpha.push_back(static_cast<float>(Alpha));
  }
  if (Out.Zeros == 0) {
    WhyNot = "no zero weight (binary weights, not ternary)";
    return std::nullopt;
  }
  return Out;
}

BinaryWeights binarizeWeights(const Tensor &W) {
  int64_t M = W.dims().empty() ? 1 : W.dims()[0];
  int64_t PerFilter = M ? W.size() / M : 0;
  BinaryWeights Out;
  for (int64_t F = 0; F < M; ++F) {
    double Sum = 0;
    for (int64_t I = 0; I < PerFilter; ++I)
      Sum += std::fabs(W.data<float>()[F * PerFilter + I]);
    Out.Alpha.push_back(static_cast<float>(PerFilter ? Sum / PerFilter : 0));
  }
  Out.Bits = packSigns(W);
  return Out;
}

Tensor transpose2D(const Tensor &W) {
  int64_t K = W.dims()[0], M = W.dims()[1];
  Tensor T(TensorType{W.elem(), {M, K}});
  for (int64_t R = 0; R < K; ++R)
    for (int64_t C = 0; C < M; ++C)
      T.data<float>()[C * K + R] = W.data<float>()[R * M + C];
  return T;
}

} // namespace xnorc
