//===- KernelCall.h - An IR op lowered to a runtime kernel call --*- C++ -*-===//
//
// The generic runtime kernels (runtime/include/xnorc/runtime/generic) define
// xnorc's float semantics. lowerToKernel() turns an op into one call of one of
// them, with its parameter struct filled in. The same KernelCall serves two
// consumers, so they cannot drift apart:
//   - the reference interpreter invokes Run on tensors;
//   - the C++ targets print ParamsInit as a `static const` struct and emit a
//     call of the kernel with the same arguments (after a target may have
//     switched it to another kernel of the same parameters: retargetCall).
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_LOWERING_KERNELCALL_H
#define XNORC_LOWERING_KERNELCALL_H

#include "compiler/IR/Graph.h"
#include "compiler/Lowering/KernelRegistry.h"

#include <functional>
#include <llvm/Support/Error.h>
#include <string>
#include <vector>

namespace xnorc {

/// One pointer argument of a kernel call, in call order.
struct KernelArg {
  enum class Kind {
    Operand, ///< The op's operand number OperandIndex.
    Derived, ///< A constant computed at compile time from constant operands.
    Null,    ///< An absent optional input (e.g. no bias).
    Fused,   ///< A value of an op fused into this call: an operand or the result it also
             ///< writes (CpuTarget::signOutputs). C++ targets only: Run ignores it.
  };
  Kind K = Kind::Null;
  unsigned OperandIndex = 0;
  Tensor Derived;
  std::string DerivedName; ///< Suffix for the emitted array's name, e.g. "scale".
  const Value *FusedValue = nullptr;

  static KernelArg operand(unsigned I) { return {Kind::Operand, I, {}, {}, nullptr}; }
  static KernelArg derived(Tensor T, std::string Name) {
    return {Kind::Derived, 0, std::move(T), std::move(Name), nullptr};
  }
  static KernelArg null() { return {}; }
  static KernelArg fused(const Value *V) { return {Kind::Fused, 0, {}, {}, V}; }
};

struct KernelCall {
  KernelId Kernel;        ///< what is called (function, header, splitting: kernelInfo)
  std::string ParamsInit; ///< aggregate initializer of the kernel's parameter struct
  std::vector<KernelArg> Args;
  /// Inputs are passed as one `const float *const *` array (variadic kernels: concat).
  bool ArgsAsArray = false;
  /// Executes the generic kernel: Args resolved to pointers in order, then the output.
  /// Pointers are untyped because binary kernels take packed uint64 words.
  std::function<void(const void *const *Args, void *Out)> Run;
  /// The float multiplications of a kernel that does fewer than the op's MACs (the Winograd
  /// stem); -1: the op's. --profile's roofline counts these.
  int64_t Multiplies = -1;

  const KernelInfo &info() const { return kernelInfo(Kernel); }
};

/// Lowers an op to its generic kernel call; an error for ops the generic
/// runtime does not implement (they must have been folded or rewritten).
llvm::Expected<KernelCall> lowerToKernel(const Op &O);

/// Switches Call (the generic lowering of O) to kernel Id, which takes the same
/// parameters and must implement O: repacks the weights Id reads in its own order.
/// Run keeps executing the generic kernel.
void retargetCall(const Op &O, KernelCall &Call, KernelId Id);

} // namespace xnorc

#endif
