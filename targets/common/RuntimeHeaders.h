//===- RuntimeHeaders.h - Pasting runtime headers into generated code -*- C++ -*-===//
//
// Generated files are self-contained: the runtime headers they use (embedded in xnorc,
// compiler/Support/EmbeddedRuntime.h) are pasted in, each after the project headers it
// includes, whose `#include "..."` lines are dropped.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_COMMON_RUNTIMEHEADERS_H
#define XNORC_TARGETS_COMMON_RUNTIMEHEADERS_H

#include <llvm/Support/Error.h>
#include <string>
#include <vector>

namespace xnorc {

/// Appends runtime header H (e.g. "generic/conv.h") to Headers after the project headers it
/// includes, each once: "name.h" is in H's directory, "../dir/name.h" relative to it,
/// anything else relative to the runtime root.
llvm::Error collectRuntimeHeader(const std::string &H, std::vector<std::string> &Headers);

/// Runtime header H's text without its #include lines: all of them, or (KeepSystem) only
/// the project ones, `#include "..."`. Empty if H is not embedded (collectRuntimeHeader
/// has reported that).
const std::string &runtimeHeaderText(const std::string &H, bool KeepSystem = false);

/// The headers Hs and their dependencies pasted in order, each under a banner comment, with
/// the project includes removed and the system ones kept (for code pasted at global scope).
/// Pasted lists the headers already in the file (skipped) and receives these.
llvm::Expected<std::string> pasteRuntimeHeaders(const std::vector<std::string> &Hs,
                                                std::vector<std::string> &Pasted);

} // namespace xnorc

#endif
