//===- GenericTarget.cpp - Portable C++17, any CPU ------------------------===//
//
// The reference backend: the generic runtime kernels as they are. Every other
// target is tested against it and against the interpreter.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"

namespace xnorc {

namespace {
class GenericTarget : public Target {
public:
  const char *name() const override { return "generic"; }
  llvm::Expected<std::vector<OutputFile>> emit(const Graph &G, const EmitOptions &Opts) override {
    KernelFlavor Flavor;
    Flavor.TargetName = "generic";
    return emitCpp(G, Opts, Flavor);
  }
};
} // namespace

std::unique_ptr<Target> createGenericTarget() { return std::make_unique<GenericTarget>(); }

} // namespace xnorc
