//===- BatchNormArith.h - Inference BatchNorm as frameworks round it -*- C++ -*-===//
//
// Real arithmetic cannot decide sign(BN(x)) when BN(x) is within an ulp of 0:
// a model whose BatchNorm means are integers puts many attainable inputs
// exactly on the threshold, and each framework then decides by its own float
// rounding. The BatchNorm op carries which framework's arithmetic it follows
// (its 'arith' attribute, set by the importer from --bn-arith); this file is
// the one definition of each, used by the interpreter and by the passes that
// turn BatchNorm + threshold into thresholds (docs/XnorMath.md).
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_ANALYSIS_BATCHNORMARITH_H
#define XNORC_ANALYSIS_BATCHNORMARITH_H

#include "compiler/IR/Graph.h"

#include <llvm/ADT/StringRef.h>
#include <optional>

namespace xnorc {

enum class BnArith {
  /// PyTorch 1.13's CPU eval kernel: invstd = 1 / sqrtf(var + eps),
  /// a = invstd * gamma, b = fmaf(-mean, a, beta), y = fmaf(x, a, b).
  PyTorch,
  /// TensorFlow's FusedBatchNorm (Keras): s = (1 / sqrt(var + eps)) * gamma,
  /// y = ((x - mean) * s) + beta, every step rounded to float.
  TensorFlow,
  /// ONNX's formula in its order: ((x - mean) / sqrt(var + eps)) * gamma + beta.
  Onnx,
};

/// The names of --bn-arith and of batch_norm's 'arith' attribute.
const char *bnArithName(BnArith A);
std::optional<BnArith> bnArithFromName(llvm::StringRef Name);
/// What --bn-arith=auto picks for a model's producer_name: pytorch for
/// "pytorch", tensorflow for tf2onnx / keras2onnx, onnx otherwise.
BnArith bnArithForProducer(llvm::StringRef ProducerName);

/// One channel of an inference BatchNorm evaluated in a framework's float
/// arithmetic (the per-channel constants derived as the framework derives them).
class BnChannelArith {
public:
  BnChannelArith(BnArith A, float Gamma, float Beta, float Mean, float Var, float Eps);
  float operator()(float X) const;
  /// +1 if y grows with x, -1 if it falls, 0 if it is constant on finite x (gamma = 0).
  int direction() const { return Dir; }

private:
  BnArith A;
  float Mean, Beta, Gamma; ///< as given
  float K0 = 0, K1 = 0;    ///< pytorch: a, b; tensorflow: s; onnx: sqrt(var + eps)
  int Dir;
};

/// The per-channel evaluators of BN (a batch_norm op with an 'arith' attribute and
/// constant parameters); nullopt otherwise.
std::optional<std::vector<BnChannelArith>> batchNormChannels(const Op &BN);

} // namespace xnorc

#endif
