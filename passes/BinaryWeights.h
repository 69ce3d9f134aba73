//===- BinaryWeights.h - Recognising and packing ±alpha weights --*- C++ -*-===//
#ifndef XNORC_PASSES_BINARYWEIGHTS_H
#define XNORC_PASSES_BINARYWEIGHTS_H

#include "compiler/IR/Tensor.h"

#include <optional>
#include <string>

namespace xnorc {

/// Weights W[m, ...] = alpha[m] * B[m, ...] with B in {-1, +1}, B packed as b1.
struct BinaryWeights {
  Tensor Bits; ///< b1, same logical shape as the float weights
  std::vector<float> Alpha;
};

/// Relative tolerance within which |W[m, i]| must equal alpha[m] (exporters
/// write Sign(W) * alpha exactly; the slack absorbs re-quantised checkpoints).
constexpr double BinaryWeightTolerance = 1e-3;

/// Recognises W (dim 0 = output channel) as ±alpha per output channel; on
/// failure sets WhyNot to the first offending filter and value.
std::optional<BinaryWeights> matchBinaryWeights(const Tensor &W, std::string &WhyNot);

/// Weights W[m, ...] = alpha[m] * T[m, ...] with T in {-1, 0, +1} (ternary weight
/// networks: TWN, TBN; QONNX 2-bit signed narrow-range Quant), T as i8 levels.
struct TernaryWeights {
  Tensor Levels; ///< i8, same shape as the float weights
  std::vector<float> Alpha;
  int64_t Zeros = 0; ///< how many levels are 0
};

/// Recognises W (dim 0 = output channel) as {-alpha, 0, +alpha} per output
/// channel (alpha = the filter's largest |w|, the same relative tolerance as
/// binary weights) with at least one zero; on failure sets WhyNot.
std::optional<TernaryWeights> matchTernaryWeights(const Tensor &W, std::string &WhyNot);

/// Post-hoc XNOR-Net binarization (paper section 3.1): alpha = mean |W| per
/// output filter, B = sign(W) with sign(0) = +1.
BinaryWeights binarizeWeights(const Tensor &W);

/// W transposed from [K, M] to [M, K] (MatMul / Gemm weights to dense rows).
Tensor transpose2D(const Tensor &W);

} // namespace xnorc

#endif
