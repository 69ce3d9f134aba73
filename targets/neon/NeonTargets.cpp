//===- NeonTargets.cpp - ARM NEON C++: "neon", "neon-dotprod", "neon-armv7" ===//
//
// The generic emitter with the NEON kernels of runtime/include/xnorc/runtime/
// neon swapped in:
//  - binary layers (threshold, bconv, bconv_threshold, bdense, bdense_threshold,
//    bmax_pool), weights repacked at compile time into the output-channels-
//    across-lanes order of common/oc_blocked.h (2 lanes: the two 64-bit weight
//    words of a q-register), as the x86 targets do with 4 / 8;
//  - float-input layers with constant weights: conv (1-D / 2-D, ungrouped; the
//    float stem and 1x1 downsample convs), Gemm (transA = 0; the classifier),
//    and the binary-weight bwconv (ungrouped) and bwdense, on one engine
//    (neon/fconv.h, neon/bwconv.h) with 4 output channels per q-register;
//    weights repacked by common/neon_pack.h, BWN weights staying 1 bit each;
//  - 8-bit layers (quantize, dequantize, qconv ungrouped, qgemm; neon/q8.h), weights
//    packed as for x86 (common/q8_pack.h), multiplied with smull + sadalp, or with sdot on
//    "neon-dotprod" (AArch64 with the ARMv8.2 dot product).
//  - ternary-weight layers (i8 levels on bconv, bconv_threshold, bdense,
//    bdense_threshold; ungrouped convs): neon/tconv.h, sign and mask planes
//    packed for 2 lanes (common/oc_tconv_walk.h).
// Other float ops, grouped convs and 3-D convs keep the generic kernels.
//
// Both targets paste the same kernels; they differ in the register tiles
// (neon/config_*.h, for AArch64's 32 q-registers and ARMv7's 16), in the
// multiply-add (fused vfmaq on AArch64; ARMv7 NEON without VFPv4 has only
// vmla) and in what they check at compile time. NEON is baseline on AArch64,
// so "neon" code builds with a plain aarch64-linux-gnu-g++ -std=c++17 -O2;
// "neon-armv7" code needs -mfpu=neon -mfloat-abi=hard, "neon-dotprod" code
// -march=armv8.2-a+dotprod. No runtime CPU check.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CpuTarget.h"

namespace xnorc {

namespace {

class NeonTarget : public CpuTarget {
public:
  /// Config: the runtime header with the tile sizes and the compile-time check.
  NeonTarget(const char *Name, const char *Config) : CpuTarget(Name, KernelIsa::Neon) {
    // The tile configuration first (it #errors helpfully on a wrong compiler / missing
    // -mfpu=neon), then the kernels.
    IsaPrelude = {Config};
    SystemIncludes = {"arm_neon.h"};
  }

protected:
  std::vector<KernelChoice> kernelChoices() const override {
    return {{KernelId::NeonBConv},    {KernelId::NeonBConvThreshold},
            {KernelId::NeonBDense},   {KernelId::NeonBDenseThreshold},
            {KernelId::NeonBMaxPool}, {KernelId::NeonThreshold},
            {KernelId::NeonConv},     {KernelId::NeonGemm},
            {KernelId::NeonBWConv},   {KernelId::NeonBWDense},
            {KernelId::NeonQuantize}, {KernelId::NeonDequantize},
            {KernelId::NeonQConv},    {KernelId::NeonQGemm},
            {KernelId::NeonTConv},    {KernelId::NeonTConvThreshold},
            {KernelId::NeonTDense},   {KernelId::NeonTDenseThreshold},
            {KernelId::NeonQThreshold}};
  }
};

} // namespace

std::unique_ptr<Target> createNeonTarget() {
  return std::make_unique<NeonTarget>("neon", "neon/config_aarch64.h");
}
std::unique_ptr<Target> createNeonDotprodTarget() {
  return std::make_unique<NeonTarget>("neon-dotprod", "neon/config_aarch64_dotprod.h");
}
std::unique_ptr<Target> createNeonArmv7Target() {
  return std::make_unique<NeonTarget>("neon-armv7", "neon/config_armv7.h");
}

} // namespace xnorc
