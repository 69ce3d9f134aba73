//===- BinaryOps.h - Reference semantics of the binary ops -------*- C++ -*-===//
#ifndef XNORC_INTERPRETER_BINARYOPS_H
#define XNORC_INTERPRETER_BINARYOPS_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>

namespace xnorc {

/// Evaluates threshold, unpack, bconv*, bdense*, bwconv, bwdense and
/// bmax_pool straight from their definitions on unpacked ±1 values, with no
/// bit tricks, so that backends' packed kernels have an independent oracle.
llvm::Expected<Tensor> evaluateBinaryOp(const Op &O, const std::vector<const Tensor *> &In);

} // namespace xnorc

#endif
