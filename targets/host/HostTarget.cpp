//===- HostTarget.cpp - "host": the best target for the CPU xnorc runs on ----===//
//
// A convenience for building on the machine that runs the model: AVX-512 or AVX2 on
// x86 (checked with __builtin_cpu_supports, the same features the targets' run-time
// checks test), NEON on ARM (AArch64: always; 32-bit ARM: when xnorc itself was built
// with NEON), otherwise generic. The driver says which target it picked.
//
//===----------------------------------------------------------------------===//
#include "targets/Target.h"

namespace xnorc {

std::unique_ptr<Target> createGenericTarget();
std::unique_ptr<Target> createAvx2Target();
std::unique_ptr<Target> createAvx512Target();
std::unique_ptr<Target> createNeonTarget();
std::unique_ptr<Target> createNeonArmv7Target();

std::unique_ptr<Target> createHostTarget() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vpopcntdq") &&
      __builtin_cpu_supports("fma"))
    return createAvx512Target();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
      __builtin_cpu_supports("popcnt"))
    return createAvx2Target();
#elif defined(__aarch64__)
  return createNeonTarget();
#elif defined(__arm__) && defined(__ARM_NEON)
  return createNeonArmv7Target();
#endif
  return createGenericTarget();
}

} // namespace xnorc
