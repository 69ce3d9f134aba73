//===- Parser.h - Reads the text form of the IR ------------------*- C++ -*-===//
#ifndef XNORC_IR_PARSER_H
#define XNORC_IR_PARSER_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>
#include <memory>

namespace xnorc {

/// Parses the text printed by printGraph. Errors carry "line:col: message".
llvm::Expected<std::unique_ptr<Graph>> parseGraph(const std::string &Text);

} // namespace xnorc

#endif
