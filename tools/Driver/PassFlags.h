//===- PassFlags.h - Pass options on the command line ------------*- C++ -*-===//
#ifndef XNORC_TOOLS_DRIVER_PASSFLAGS_H
#define XNORC_TOOLS_DRIVER_PASSFLAGS_H

#include "passes/Pass.h"

#include <llvm/Support/CommandLine.h>

namespace xnorc {

/// The "Binarization" option category, shared by xnorc, xnorc-opt and xnorc-run
/// so that the interpreter can run exactly the pipeline the compiler runs.
llvm::cl::OptionCategory &binarizationCategory();

/// PassOptions from --binarize, --binarize-first-last and --k-scaling. Remarks
/// go to Remarks (null: dropped).
PassOptions passOptionsFromFlags(std::function<void(const Remark &)> Remarks);

} // namespace xnorc

#endif
