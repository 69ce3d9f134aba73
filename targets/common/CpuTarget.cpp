//===- CpuTarget.cpp - Kernel choice, headers, options of CPU targets -----===//
#include "targets/common/CpuTarget.h"
#include "passes/Pass.h"
#include "targets/common/CppEmitter.h"

#include <cassert>

namespace xnorc {

std::vector<TargetOption> CpuTarget::options() const {
  return {{"extra-passes", "comma-separated passes appended to the pipeline (--passes)", {}}};
}

llvm::Error CpuTarget::setOption(llvm::StringRef Key, llvm::StringRef Value) {
  if (Key == "extra-passes") {
    ExtraPasses = Value.str();
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
