//===- QuantOps.h - Reference semantics of the 8-bit integer ops -*- C++ -*-===//
#ifndef XNORC_INTERPRETER_QUANTOPS_H
#define XNORC_INTERPRETER_QUANTOPS_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>

namespace xnorc {

/// Evaluates the 8-bit integer ops from their definition (docs/XnorMath.md,
/// "8-bit layers"): element by element, int64 accumulators, padding by a bounds
/// test, with none of the kernels' code, so that the kernels have an independent
/// oracle.
llvm::Expected<Tensor> evaluateQuantOp(const Op &O, const std::vector<const Tensor *> &In);

/// quantize of one value, V = x / scale: rounded as Mode says (QONNX's rounding_mode names;
/// "half_even" is ONNX's), plus the zero point Zp, clamped to [Lo, Hi] (NaN: Lo).
double quantizeValue(float V, int64_t Zp, int64_t Lo, int64_t Hi, const std::string &Mode);

} // namespace xnorc

#endif
