//===- Target.h - The interface every backend implements ---------*- C++ -*-===//
#ifndef XNORC_TARGETS_TARGET_H
#define XNORC_TARGETS_TARGET_H

#include "compiler/IR/Graph.h"

#include <functional>
#include <llvm/Support/Error.h>
#include <memory>
#include <string>
#include <vector>

namespace xnorc {

/// Upper bound of EmitOptions::Threads (the generated code keeps its threads on the stack).
constexpr int MaxThreads = 64;

struct EmitOptions {
  std::string Name;       ///< C identifier prefixing every emitted symbol
  std::string SourceFile; ///< the model file, quoted in comments
  bool EmitMain = false;  ///< also emit <name>_main.cpp
  /// Threads one <name>_run call uses: layers whose kernel can split its work
  /// (KernelCall::Splittable) run on all of them, the rest on the caller's.
  int Threads = 1;
  /// Where the target reports notes about the code it chose (null: silent).
  std::function<void(const std::string &)> Note;
};

struct OutputFile {
  std::string Name; ///< file name relative to the output directory
  std::string Contents;
};

class Target {
public:
  virtual ~Target() = default;
  virtual const char *name() const = 0;
  /// Generates all files in memory; nothing touches the disk, so a failure
  /// leaves no partial output behind.
  virtual llvm::Expected<std::vector<OutputFile>> emit(const Graph &G, const EmitOptions &Opts) = 0;
};

struct TargetInfo {
  const char *Name;
  const char *Description;
  std::unique_ptr<Target> (*Create)();
};
const std::vector<TargetInfo> &registeredTargets();
/// The target called Name, or an error listing the known ones.
llvm::Expected<std::unique_ptr<Target>> createTarget(const std::string &Name);

} // namespace xnorc

#endif
