//===- CpuTarget.cpp - Kernel choice, headers, options of CPU targets -----===//
#include "targets/common/CpuTarget.h"
#include "compiler/Analysis/SparseBreakEven.h"
#include "compiler/IR/OpViews.h"
#include "passes/Pass.h"
#include "targets/common/CppEmitter.h"

#include <cassert>

namespace xnorc {

std::vector<TargetOption> CpuTarget::options() const {
  return {{"extra-passes", "comma-separated passes appended to the pipeline (--passes)", {}},
          {"sparse",
           "sparse float conv / Gemm kernels: auto (layers past the measured break-even), off "
           "or on (every layer they take)",
           {"auto", "off", "on"}}};
}

llvm::Error CpuTarget::setOption(llvm::StringRef Key, llvm::StringRef Value) {
  if (Key == "extra-passes") {
    ExtraPasses = Value.str();
    return llvm::Error::success();
  }
  if (Key == "sparse") {
    Sparse = Value == "on" ? SparseMode::On : Value == "off" ? SparseMode::Off : SparseMode::Auto;
    return llvm::Error::success();
  }
  return Target::setOption(Key, Value);
}

llvm::Error CpuTarget::addPasses(PassManager &PM) const { return PM.parsePipeline(ExtraPasses); }

OpSupport CpuTarget::isOpSupported(const Op &O) const {
  auto Call = lowerToKernel(O);
  if (Call)
    return OpSupport::yes();
  // The lowering names the op first; the caller does too.
  std::string Why = llvm::toString(Call.takeError());
  llvm::StringRef Reason(Why);
  Reason.consume_front(O.describe() + ": ");
  return OpSupport::no(Reason.str());
}

llvm::Expected<KernelCall> CpuTarget::lower(const Op &O) const {
  auto Call = lowerToKernel(O);
  if (!Call)
    return Call.takeError();
  if (std::optional<KernelId> S = sparseKernel(O)) {
    retargetCall(O, *Call, *S);
    return Call;
  }
  for (const KernelChoice &C : kernelChoices()) {
    const KernelInfo &K = kernelInfo(C.Id);
    assert(K.Isa == Isa && "a target lists a kernel of another ISA");
    if (K.implements(O) && (!C.Prefer || C.Prefer(O))) {
      retargetCall(O, *Call, C.Id);
      break;
    }
  }
  return Call;
}

std::optional<KernelId> CpuTarget::sparseKernel(const Op &O) const {
  if (Sparse == SparseMode::Off || (O.kind() != OpKind::Conv && O.kind() != OpKind::Gemm))
    return std::nullopt;
  const char *IsaName = "generic";
  KernelId Id = O.kind() == OpKind::Gemm ? KernelId::SparseGemm : KernelId::SparseConv;
  if (Isa == KernelIsa::Avx2 || Isa == KernelIsa::Avx512) {
    const bool Wide = Isa == KernelIsa::Avx512;
    IsaName = Wide ? "avx512" : "avx2";
    if (O.kind() == OpKind::Conv)
      Id = Wide ? KernelId::Avx512SparseConv : KernelId::Avx2SparseConv;
  } else if (Isa == KernelIsa::Neon) {
    IsaName = "neon";
  }
  if (!kernelInfo(Id).implements(O) ||
      (Sparse == SparseMode::Auto && !pastSparseBreakEven(O, IsaName)))
    return std::nullopt;
  return Id;
}

std::unordered_map<const Op *, const Op *> CpuTarget::signOutputs(const Graph &G) const {
  std::unordered_map<const Op *, const Op *> Fused, ByProducer;
  if (!FuseSignOutputs)
    return Fused;
  auto ConstantOrAbsent = [](const Value *V) { return !V || V->isConstant(); };
  for (const Op *O : G.ops()) {
    if (O->kind() != OpKind::Threshold)
      continue;
    ThresholdOp T(*O);
    const Op *P = T.x()->definingOp();
    if (!P || ByProducer.count(P) || !ConstantOrAbsent(T.tau()) || !ConstantOrAbsent(T.dir()))
      continue;
    auto Call = lower(*P);
    if (!Call) {
      llvm::consumeError(Call.takeError());
      continue;
    }
    std::optional<KernelId> WithSign = signOutputKernel(Call->Kernel);
    if (!WithSign || !kernelInfo(*WithSign).implements(*P))
      continue;
    Fused[O] = P;
    ByProducer[P] = O;
  }
  return Fused;
}

void CpuTarget::addSignOutput(const Op &Thr, KernelCall &Call) {
  std::optional<KernelId> WithSign = signOutputKernel(Call.Kernel);
  assert(WithSign && "a sign output on a kernel without one");
  Call.Kernel = *WithSign; // same parameters and packed weights
  ThresholdOp T(Thr);
  for (const Value *V : {T.tau(), T.dir()})
    Call.Args.push_back(V ? KernelArg::fused(V) : KernelArg::null());
  Call.Args.push_back(KernelArg::fused(Thr.result()));
}

std::vector<std::string> CpuTarget::headersFor(const KernelCall &Call) const {
  const KernelInfo &K = Call.info();
  if (K.Isa == KernelIsa::Generic)
    return K.Headers;
  std::vector<std::string> H = IsaPrelude;
  H.insert(H.end(), K.Headers.begin(), K.Headers.end());
  return H;
}

llvm::Expected<std::vector<OutputFile>> CpuTarget::emit(const Graph &G, const EmitOptions &Opts) {
  return emitCpp(G, Opts, *this);
}

} // namespace xnorc
