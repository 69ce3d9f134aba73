//===- GenericTarget.cpp - Portable C++17, any CPU ------------------------===//
//
// The reference backend: the generic runtime kernels as they are. Every other
// target is tested against it and against the interpreter.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"

namespace xnorc {

std::unique_ptr<Target> createGenericTarget() {
  KernelFlavor Flavor;
  Flavor.TargetName = "generic";
  return makeCppTarget(std::move(Flavor));
}

} // namespace xnorc
