//===- CppEmitter.h - The C++ emitter shared by all CPU targets --*- C++ -*-===//
#ifndef XNORC_TARGETS_COMMON_CPPEMITTER_H
#define XNORC_TARGETS_COMMON_CPPEMITTER_H

#include "targets/common/CpuTarget.h"

namespace xnorc {

/// <name>.h, <name>.cpp (and <name>_main.cpp) for G on target T.
llvm::Expected<std::vector<OutputFile>> emitCpp(const Graph &G, const EmitOptions &Opts,
                                                const CpuTarget &T);

} // namespace xnorc

#endif
