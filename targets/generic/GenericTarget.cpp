//===- GenericTarget.cpp - Portable C++17, any CPU ------------------------===//
//
// The reference backend: the generic runtime kernels as they are. Every other
// target is tested against it and against the interpreter.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CpuTarget.h"

namespace xnorc {

namespace {
class GenericTarget : public CpuTarget {
public:
  GenericTarget() : CpuTarget("generic", KernelIsa::Generic) {}
};
} // namespace

std::unique_ptr<Target> createGenericTarget() { return std::make_unique<GenericTarget>(); }

} // namespace xnorc
