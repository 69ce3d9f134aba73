//===- OpTableDoc.h - The op reference printed from Ops.def -------*- C++ -*-===//
//
// docs/OpTable.md is this function's output (`xnorc-opt --print-op-table`), so
// the documented operands, attributes, defaults, constraints, traits and
// interfaces are the ones the verifier and the views use.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_OPTABLEDOC_H
#define XNORC_IR_OPTABLEDOC_H

#include <string>

namespace xnorc {

/// The op table of Ops.def and OpTraits.def as a Markdown document.
std::string printOpTableMarkdown();

} // namespace xnorc

#endif
