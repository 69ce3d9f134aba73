//===- ImportFlags.h - Command-line flags shared by the tools ----*- C++ -*-===//
#ifndef XNORC_TOOLS_DRIVER_IMPORTFLAGS_H
#define XNORC_TOOLS_DRIVER_IMPORTFLAGS_H

#include "compiler/Frontend/OnnxImporter.h"

#include <llvm/Support/CommandLine.h>

namespace xnorc {

/// The "Model import" option category of xnorc, xnorc-opt and xnorc-run.
llvm::cl::OptionCategory &importCategory();

/// ImportOptions from --batch, --sign-zero, --bn-arith and the limits (--max-tensor-bytes,
/// --max-nodes, --max-rank, --max-dim); notes go to stderr as "xnorc: note: ...".
ImportOptions importOptionsFromFlags(const char *ToolName);

} // namespace xnorc

#endif
