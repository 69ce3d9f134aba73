//===- Printer.h - Text form of the IR ---------------------------*- C++ -*-===//
#ifndef XNORC_IR_PRINTER_H
#define XNORC_IR_PRINTER_H

#include "compiler/IR/Graph.h"

#include <string>

namespace xnorc {

struct PrintOptions {
  /// Constants with more elements than this print as `dense<...>` placeholders
  /// (readable, but the text no longer parses back). 0 = print all.
  int64_t ElideConstantsAbove = 0;
};

/// Prints G in the text form that parseGraph reads back exactly (floats are
/// printed with enough digits to round-trip).
std::string printGraph(const Graph &G, const PrintOptions &Opts = {});

std::string printValueName(const std::string &Name);

/// An attribute value as the text IR writes it: 1, 0.5, [1, 2], "relu".
std::string printAttrValue(const Attr &A);

} // namespace xnorc

#endif
