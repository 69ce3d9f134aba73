//===- Parser.h - Reads the text form of the IR ------------------*- C++ -*-===//
#ifndef XNORC_IR_PARSER_H
#define XNORC_IR_PARSER_H

#include "compiler/IR/Graph.h"
#include "compiler/IR/Limits.h"

#include <llvm/Support/Error.h>
#include <memory>

namespace xnorc {

/// Parses the text printed by printGraph. Errors carry "line:col: message".
/// Every declared type and the number of ops and constants are checked against
/// Limits before anything is allocated.
llvm::Expected<std::unique_ptr<Graph>> parseGraph(const std::string &Text,
                                                  const ModelLimits &Limits = ModelLimits());

} // namespace xnorc

#endif
