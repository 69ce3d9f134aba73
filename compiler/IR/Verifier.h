//===- Verifier.h - Structural and type checks of a graph --------*- C++ -*-===//
#ifndef XNORC_IR_VERIFIER_H
#define XNORC_IR_VERIFIER_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>

namespace xnorc {

/// Checks that ops are in topological order, every operand is defined, every
/// result type matches its shape rule, and the graph has outputs. The error
/// names the first offending op.
llvm::Error verifyGraph(const Graph &G);

} // namespace xnorc

#endif
