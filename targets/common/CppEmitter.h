//===- CppEmitter.h - The C++ emitter shared by all C++ targets --*- C++ -*-===//
#ifndef XNORC_TARGETS_COMMON_CPPEMITTER_H
#define XNORC_TARGETS_COMMON_CPPEMITTER_H

#include "compiler/Lowering/KernelCall.h"
#include "targets/Target.h"

#include <functional>

namespace xnorc {

/// What distinguishes one C++ target from another.
struct KernelFlavor {
  std::string TargetName;
  /// Rewrites a generic kernel call into the target's (another Function, and
  /// weights repacked at compile time into the order that kernel reads them).
  /// Leaves calls it has no faster kernel for untouched.
  std::function<llvm::Error(const Op &, KernelCall &)> Specialize;
  /// Runtime headers (relative to runtime/include/xnorc/runtime) a call needs;
  /// empty = the call's own Header.
  std::function<std::vector<std::string>(const KernelCall &)> HeaderMap;
  /// A C++ expression true when the CPU runs this code (empty: always).
  std::string CpuCheck;
  /// System headers the flavor's kernels need (e.g. "immintrin.h"), included at the top of
  /// the generated .cpp: runtime headers' own #include lines are stripped.
  std::vector<std::string> SystemIncludes;

  std::vector<std::string> HeadersFor(const KernelCall &Call) const;
};

llvm::Expected<std::vector<OutputFile>> emitCpp(const Graph &G, const EmitOptions &Opts,
                                               const KernelFlavor &Flavor);

/// A target that is nothing but the C++ emitter with Flavor (every C++ target).
std::unique_ptr<Target> makeCppTarget(KernelFlavor Flavor);

} // namespace xnorc

#endif
