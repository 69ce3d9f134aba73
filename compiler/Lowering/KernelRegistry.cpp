//===- KernelRegistry.cpp - The kernel table, built from Kernels.def ------===//
#include "compiler/Lowering/KernelRegistry.h"
#include "compiler/Lowering/KernelCall.h"
#include "compiler/Lowering/WeightPacking.h"
#include "compiler/Support/FloatText.h"

#include <algorithm>
#include <cassert>
#include <fmt/format.h>

namespace xnorc {

namespace {

/// The op kinds as plain names, so Kernels.def rows can say XNORC_OPS(Conv, Gemm).
namespace ops_in_scope {
#define XNORC_OP(Kind, ...) constexpr OpKind Kind = OpKind::Kind;
#include "compiler/IR/Ops.def"
} // namespace ops_in_scope

#define XNORC_OPS(...)                                                                             \
  std::vector<OpKind> { __VA_ARGS__ }
#define XNORC_HEADERS(...)                                                                         \
  std::vector<std::string> { __VA_ARGS__ }

const std::vector<KernelInfo> &kernelTable() {
  using namespace kernel_support;
  static const std::vector<KernelInfo> Table = [] {
    std::vector<KernelInfo> T;
#define XNORC_KERNEL(Id, Function, Params, Isa, Split, Ops, Headers, Supports, Pack)               \
  {                                                                                                \
    using namespace ops_in_scope;                                                                  \
    T.push_back({KernelId::Id, #Id, #Function, #Params, KernelIsa::Isa, Split == Parts, Ops,       \
                 Headers, Supports, Pack});                                                        \
  }
    enum SplitKind { Whole, Parts };
#include "compiler/Lowering/Kernels.def"
    return T;
  }();
  return Table;
}

/// Fields of a parameter struct in the initializer's text.
std::string fieldText(int64_t V) { return std::to_string(V); }
std::string fieldText(int32_t V) { return std::to_string(V); }
std::string fieldText(float V) { return floatLiteral(V); }
template <typename T> std::string arrayText(const T *V, size_t N) {
  std::vector<std::string> Parts;
  for (size_t K = 0; K < N; ++K)
    Parts.push_back(fieldText(V[K]));
  return fmt::format("{{{}}}", fmt::join(Parts, ", "));
}

} // namespace

bool KernelInfo::implements(const Op &O) const {
  return std::find(Ops.begin(), Ops.end(), O.kind()) != Ops.end() && (!Supports || Supports(O));
}

const KernelInfo &kernelInfo(KernelId Id) {
  const KernelInfo &I = kernelTable()[static_cast<unsigned>(Id)];
  assert(I.Id == Id && "Kernels.def rows out of enum order");
  return I;
}

llvm::ArrayRef<KernelInfo> registeredKernels() { return kernelTable(); }

std::optional<KernelId> signOutputKernel(KernelId Id) {
#define XNORC_KERNEL_SIGN_OUTPUT(Kernel, WithSign)                                                 \
  if (Id == KernelId::Kernel)                                                                      \
    return KernelId::WithSign;
#include "compiler/Lowering/Kernels.def"
  return std::nullopt;
}

void retargetCall(const Op &O, KernelCall &Call, KernelId Id) {
  const KernelInfo &To = kernelInfo(Id);
  assert(To.implements(O) && std::string(To.ParamsType) == Call.info().ParamsType &&
         "retargetCall to a kernel that does not take this op");
  Call.Kernel = Id;
  if (To.Pack)
    To.Pack(O, Call);
}

#define XNORC_PRINT_SCALAR(Type, Name) Fields.push_back(fieldText(P.Name));
#define XNORC_PRINT_ARRAY(Type, Name, Length) Fields.push_back(arrayText(P.Name, Length));
#define XNORC_KERNEL_PARAMS(Type, FieldList)                                                       \
  std::string paramsInitializer(const Type &P) {                                                   \
    std::vector<std::string> Fields;                                                               \
    FieldList(XNORC_PRINT_SCALAR, XNORC_PRINT_ARRAY) return fmt::format("{{{}}}",                  \
                                                                        fmt::join(Fields, ", "));  \
  }
#include "compiler/Lowering/Kernels.def"

} // namespace xnorc
