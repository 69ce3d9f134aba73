//===- Passes.h - Factories of the registered passes -------------*- C++ -*-===//
#ifndef XNORC_PASSES_PASSES_H
#define XNORC_PASSES_PASSES_H

#include "passes/Pass.h"

namespace xnorc {
#define XNORC_PASS(Name, Factory, Description) std::unique_ptr<Pass> Factory();
#include "passes/Passes.def"
} // namespace xnorc

#endif
