//===- HostTarget.cpp - "host": the best target for the CPU xnorc runs on ----===//
//
// A convenience for building on the machine that runs the model: AVX-512 or AVX2 on
// x86 (the features each target's own run-time check tests, targets/x86/X86Features.h),
// NEON on ARM (AArch64: always; 32-bit ARM: when xnorc itself was built with NEON),
// otherwise generic. The driver says which target it picked.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"
#include "targets/x86/X86Features.h"

namespace xnorc {

std::unique_ptr<Target> createGenericTarget();
std::unique_ptr<Target> createAvx2Target();
std::unique_ptr<Target> createAvx512Target();
std::unique_ptr<Target> createNeonTarget();
std::unique_ptr<Target> createNeonArmv7Target();

std::unique_ptr<Target> createHostTarget() {
  if (hostRunsAvx512())
    return createAvx512Target();
  if (hostRunsAvx2())
    return createAvx2Target();
#if defined(__aarch64__)
  return createNeonTarget();
#elif defined(__arm__) && defined(__ARM_NEON)
  return createNeonArmv7Target();
#endif
  return createGenericTarget();
}

} // namespace xnorc
