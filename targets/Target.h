//===- Target.h - The interface every backend implements ---------*- C++ -*-===//
#ifndef XNORC_TARGETS_TARGET_H
#define XNORC_TARGETS_TARGET_H

#include "compiler/IR/Graph.h"

#include <functional>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <memory>
#include <string>
#include <vector>

namespace xnorc {

/// Upper bound of EmitOptions::Threads (the generated code keeps its threads on the stack).
constexpr int MaxThreads = 64;

/// --profile: whether the emitted code times its layers, and how its --emit-main program
/// prints the per-layer profile (docs/GeneratedAPI.md#per-layer-profile---profile).
enum class ProfileFormat { Off, Table, Json };

struct EmitOptions {
  std::string Name;       ///< C identifier prefixing every emitted symbol
  std::string SourceFile; ///< the model file, quoted in comments
  bool EmitMain = false;  ///< also emit <name>_main.cpp
  /// Threads one <name>_run call uses: layers whose kernel can split its work
  /// (KernelCall::Splittable) run on all of them, the rest on the caller's.
  int Threads = 1;
  /// Timers around every layer call and <name>_run_profiled() (CPU targets only).
  ProfileFormat Profile = ProfileFormat::Off;
  /// Where the target reports notes about the code it chose (null: silent).
  std::function<void(const std::string &)> Note;
};

struct OutputFile {
  std::string Name; ///< file name relative to the output directory
  std::string Contents;
};

class PassManager;

/// One option a target accepts with --target-opt key=value.
struct TargetOption {
  std::string Key;
  std::string Help;
  std::vector<std::string> Values; ///< the values it accepts (empty: any)
};

/// Whether a target can run an op, and if not why.
struct OpSupport {
  bool Supported = true;
  std::string Reason; ///< e.g. "operand %x has element type i64; ..."
  static OpSupport yes() { return {}; }
  static OpSupport no(std::string Why) { return {false, std::move(Why)}; }
};

/// A backend. The driver calls, in order: configure() with the --target-opt
/// options, addPasses() after building the pass pipeline, isOpSupported() on
/// every op of the optimised graph (a clear error naming the layer otherwise),
/// then emit().
class Target {
public:
  virtual ~Target() = default;
  virtual const char *name() const = 0;

  /// The options this target accepts (--target-opt key=value).
  virtual std::vector<TargetOption> options() const { return {}; }
  /// Applies "key=value" settings in order: an unknown key is an error listing the
  /// known ones, a value outside TargetOption::Values one listing the accepted values.
  llvm::Error configure(const std::vector<std::string> &KeyValues);

  /// Adds or replaces passes of the pipeline the driver built (e.g. a dataflow
  /// target's own graph rewrites). Runs after --passes is parsed.
  virtual llvm::Error addPasses(PassManager &PM) const {
    (void)PM;
    return llvm::Error::success();
  }

  /// Whether emit() honours EmitOptions::Profile (the CPU targets' per-layer timers).
  virtual bool supportsProfile() const { return false; }

  /// Whether emit() can generate code for O.
  virtual OpSupport isOpSupported(const Op &O) const = 0;

  /// Text the target appends to `--report`'s table (e.g. the HLS target's throughput and
  /// memory estimates); empty: nothing.
  virtual llvm::Expected<std::string> report(const Graph &G) {
    (void)G;
    return std::string();
  }

  /// Generates all files in memory; nothing touches the disk, so a failure
  /// leaves no partial output behind.
  virtual llvm::Expected<std::vector<OutputFile>> emit(const Graph &G, const EmitOptions &Opts) = 0;

protected:
  /// Sets one option; Key is one of options() and Value passed its Values check.
  virtual llvm::Error setOption(llvm::StringRef Key, llvm::StringRef Value);
};

/// The first op of G that Target cannot run, as an error naming the layer and the reason.
llvm::Error checkOpsSupported(const Target &T, const Graph &G);

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
