//===- Interpreter.h - Reference execution of the IR -------------*- C++ -*-===//
//
// The oracle every backend and every pass is checked against. Float compute
// runs through the generic runtime kernels (see Lowering/KernelCall.h), the
// data movement of shape computations (int64) is implemented here directly.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_INTERPRETER_INTERPRETER_H
#define XNORC_INTERPRETER_INTERPRETER_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>

namespace xnorc {

/// Evaluates one op. Operands[i] may be null only where the op reads just the
/// operand's type (shape).
llvm::Expected<Tensor> evaluateOp(const Op &O, const std::vector<const Tensor *> &Operands);

/// Runs the whole graph on Inputs (one per graph input, matching types).
llvm::Expected<std::vector<Tensor>> interpretGraph(const Graph &G,
                                                   const std::vector<Tensor> &Inputs);

} // namespace xnorc

#endif
