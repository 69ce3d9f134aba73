//===- CpuTarget.h - The base of every C++-for-a-CPU target -------*- C++ -*-===//
//
// A CPU target emits self-contained C++ (CppEmitter.cpp): one call of a runtime
// kernel per op, every tensor in one arena. What distinguishes one CPU target
// from another is declared here: the kernels of its ISA it may use (by KernelId,
// in priority order; the generic kernels are always there), the headers its
// kernels need first, its run-time CPU check and system headers. Kernel
// properties (header, splitting, weight packing) come from the kernel registry
// (compiler/Lowering/Kernels.def), never from the target.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_COMMON_CPUTARGET_H
#define XNORC_TARGETS_COMMON_CPUTARGET_H

#include "compiler/Lowering/KernelCall.h"
#include "targets/Target.h"

#include <functional>
#include <optional>
#include <unordered_map>

namespace xnorc {

/// A kernel a CPU target may use, and the target's own condition for preferring it
/// for an op it implements (empty: always).
struct KernelChoice {
  KernelId Id;
  std::function<bool(const Op &)> Prefer = nullptr;
};

class CpuTarget : public Target {
public:
  const char *name() const override { return Name.c_str(); }
  std::vector<TargetOption> options() const override;
  llvm::Error addPasses(PassManager &PM) const override;
  /// Every op the generic kernels take (binary ops included); the ISA kernels only
  /// ever replace a generic one.
  OpSupport isOpSupported(const Op &O) const override;
  llvm::Expected<std::vector<OutputFile>> emit(const Graph &G, const EmitOptions &Opts) override;
  bool supportsProfile() const override { return true; }

  /// O's call on this target: the generic lowering, switched to the first of
  /// kernelChoices() that implements O and that the target prefers for it.
  llvm::Expected<KernelCall> lower(const Op &O) const;
  /// The threshold ops this target computes in the layer producing their float input, each
  /// with that layer (threshold -> producer): the producer's kernel has a variant that also
  /// writes the sign bits (XNORC_KERNEL_SIGN_OUTPUT), tau and dir are constants (or absent),
  /// and the threshold is the first reading the output. The producer's call takes the
  /// threshold's result (addSignOutput); the threshold's own call is dropped, and its result
  /// lives from the producer on (planMemory's WrittenBy). Empty if the target does not fuse.
  std::unordered_map<const Op *, const Op *> signOutputs(const Graph &G) const;
  /// Call (a producer's call of signOutputs) switched to the kernel that also writes the
  /// result of threshold Thr.
  static void addSignOutput(const Op &Thr, KernelCall &Call);
  /// The runtime headers a call needs, in paste order.
  std::vector<std::string> headersFor(const KernelCall &Call) const;
  /// A C++ expression true when the CPU runs this code (empty: always).
  const std::string &cpuCheck() const { return CpuCheck; }
  /// System headers the target's kernels need (e.g. "immintrin.h"), included once at
  /// the top of the generated .cpp: runtime headers' own #include lines are stripped.
  const std::vector<std::string> &systemIncludes() const { return SystemIncludes; }
  /// The runtime header defining xn_peak_ceilings() for this target's kernels (common/peak.h):
  /// the --profile harness measures the roofline's ceilings with it.
  const std::string &peakHeader() const { return PeakHeader; }

protected:
  CpuTarget(std::string Name, KernelIsa Isa) : Name(std::move(Name)), Isa(Isa) {}
  llvm::Error setOption(llvm::StringRef Key, llvm::StringRef Value) override;
  /// The kernels of the target's ISA it may use, in priority order: for each op the
  /// first that implements it (KernelInfo::implements) and that Prefer accepts wins;
  /// ops none takes keep their generic kernel.
  virtual std::vector<KernelChoice> kernelChoices() const { return {}; }

  std::string Name;
  KernelIsa Isa;
  /// Headers pasted before the first kernel of the target's ISA (NEON: the tile sizes).
  std::vector<std::string> IsaPrelude;
  std::string CpuCheck;
  std::vector<std::string> SystemIncludes;
  std::string PeakHeader = "generic/peak.h";
  /// Whether signOutputs fuses (x86's --target-opt sign-epilogue=fused; off by default: it did
  /// not pay on the machine measured, docs/Benchmarks.md, session 22).
  bool FuseSignOutputs = false;

private:
  /// The sparse kernel O runs under --target-opt sparse= (auto: where its share of zero
  /// weights reaches the break-even measured for this ISA, compiler/Analysis/SparseBreakEven),
  /// if any.
  std::optional<KernelId> sparseKernel(const Op &O) const;

  std::string ExtraPasses; ///< --target-opt extra-passes=a,b
  enum class SparseMode { Auto, Off, On } Sparse = SparseMode::Auto;
};

} // namespace xnorc

#endif
