//===- KernelRegistry.h - The typed registry of runtime kernels ---*- C++ -*-===//
//
// Every kernel the generated code can call, declared once in Kernels.def: its
// function, header(s), parameter struct, the op kinds it implements and which
// of those ops it takes, whether its work splits across threads, its weight
// packer and the ISA it needs. Lowerings and targets refer to kernels by
// KernelId only.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_LOWERING_KERNELREGISTRY_H
#define XNORC_LOWERING_KERNELREGISTRY_H

#include "compiler/IR/Graph.h"
#include "xnorc/runtime/generic/all.h"

#include <llvm/ADT/ArrayRef.h>
#include <optional>
#include <string>
#include <vector>

namespace xnorc {

struct KernelCall;

enum class KernelId : unsigned {
#define XNORC_KERNEL(Id, ...) Id,
#include "compiler/Lowering/Kernels.def"
};

/// The instruction set a kernel needs; a target may choose kernels of its own ISA
/// (and always the generic ones).
enum class KernelIsa { Generic, Avx2, Avx512, Neon };

struct KernelInfo {
  KernelId Id;
  const char *IdName;     ///< e.g. "Avx2ConvOc", for diagnostics
  const char *Function;   ///< e.g. "xn_avx2_conv_oc"
  const char *ParamsType; ///< e.g. "xn_conv_params"
  KernelIsa Isa;
  /// Takes trailing `int part, int parts` and computes only that part (--threads).
  bool Splittable;
  std::vector<OpKind> Ops;
  std::vector<std::string> Headers;       ///< relative to runtime/include/xnorc/runtime
  bool (*Supports)(const Op &);           ///< null: every op of its kinds
  void (*Pack)(const Op &, KernelCall &); ///< null: reads the generic operands

  /// Whether this kernel can run O: its kind is one of Ops and Supports accepts it.
  bool implements(const Op &O) const;
};

const KernelInfo &kernelInfo(KernelId Id);
llvm::ArrayRef<KernelInfo> registeredKernels();
/// The kernel that is Id and also writes the sign bits of its float output
/// (XNORC_KERNEL_SIGN_OUTPUT), if Id has one.
std::optional<KernelId> signOutputKernel(KernelId Id);

/// The parameter struct of kernel Id, for typed lowerings.
template <KernelId Id> struct KernelParams;
#define XNORC_KERNEL(Id, Function, Params, ...)                                                    \
  template <> struct KernelParams<KernelId::Id> { using type = Params; };
#include "compiler/Lowering/Kernels.def"

/// The aggregate initializer of a parameter struct, e.g. "{2, 1, {3, 3, 0}, 0.5f}",
/// printed field by field from the struct's X-macro field list (XN_DECLARE_PARAMS).
#define XNORC_KERNEL_PARAMS(Type, Fields) std::string paramsInitializer(const Type &P);
#include "compiler/Lowering/Kernels.def"

} // namespace xnorc

#endif
