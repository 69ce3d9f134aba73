//===- X86Features.h - The CPU features each x86 target needs ----*- C++ -*-===//
//
// One list per ISA, used both for the run-time check the generated code makes
// (<name>_run returns <NAME>_ERROR_UNSUPPORTED_CPU without them) and for --target=host.
// X-macros because __builtin_cpu_supports takes only string literals.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_X86_X86FEATURES_H
#define XNORC_TARGETS_X86_X86FEATURES_H

// AVX-512 F/BW/VL/VPOPCNTDQ kernels (x86/avx512_*.h), FMA in the float ones.
#define XNORC_AVX512_FEATURES(F) F(avx512f) F(avx512bw) F(avx512vl) F(avx512vpopcntdq) F(fma)
// AVX2 kernels (x86/avx2_*.h), FMA in the float ones, popcnt in the binary ones.
#define XNORC_AVX2_FEATURES(F) F(avx2) F(fma) F(popcnt)

namespace xnorc {

/// Whether the CPU xnorc runs on has every feature of the target (false off x86).
bool hostRunsAvx512();
bool hostRunsAvx2();

} // namespace xnorc

#endif
