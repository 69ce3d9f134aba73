//===- NeonTargets.cpp - ARM NEON C++: "neon" (AArch64), "neon-armv7" ----===//
//
// The generic emitter with the NEON binary kernels of runtime/include/xnorc/
// runtime/neon swapped in for threshold, bconv, bconv_threshold, bdense,
// bdense_threshold and bmax_pool. Weights are repacked here, at compile time,
// into the output-channels-across-lanes order of common/oc_blocked.h (2 lanes:
// the two 64-bit weight words of a q-register), as the x86 targets do with 4 / 8.
// Float ops (the float stem and classifier), BWN convs and grouped binary convs
// keep the generic kernels.
//
// Both targets paste the same kernels; they differ in the register tile
// (neon/config_*.h: 4 pixels x 8 channels on AArch64's 32 q-registers, 2 x 8 on
// ARMv7's 16) and in what they check at compile time. NEON is baseline on
// AArch64, so "neon" code builds with a plain aarch64-linux-gnu-g++ -std=c++17
// -O2; "neon-armv7" code needs -mfpu=neon -mfloat-abi=hard. No runtime CPU check.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"
#include "targets/common/OcBlockedBinary.h"
#include "xnorc/runtime/common/oc_blocked.h"

namespace xnorc {

namespace {

constexpr int64_t NeonLanes = 2; // output channels per q-register (XN_NEON_LANES)

struct NeonIsa {
  const char *Name;   ///< target name
  const char *Config; ///< runtime header with the tile sizes and the compile-time check
};

const NeonIsa Aarch64{"neon", "neon/config_aarch64.h"};
const NeonIsa Armv7{"neon-armv7", "neon/config_armv7.h"};

llvm::Error specialize(const Op &O, KernelCall &Call) {
  if (specializeOcBlockedBinary(O, Call, NeonLanes, "xn_neon_"))
    return llvm::Error::success();
  switch (O.kind()) {
  case OpKind::Threshold:
    if (Call.Function == "xn_threshold")
      Call.Function = "xn_neon_threshold";
    return llvm::Error::success();
  default:
    return llvm::Error::success();
  }
}

KernelFlavor neonFlavor(const NeonIsa &I) {
  KernelFlavor F;
  F.TargetName = I.Name;
  F.Specialize = specialize;
  F.HeaderMap = [&I](const KernelCall &Call) -> std::vector<std::string> {
    if (Call.Function.rfind("xn_neon_", 0) != 0)
      return {};
    // The tile configuration first (it #errors helpfully on a wrong compiler / missing
    // -mfpu=neon), then the kernels, which reuse the generic structs and helpers.
    std::vector<std::string> H{I.Config,          "generic/bitpack.h", "generic/bconv.h",
                               "generic/bdense.h", "generic/bpool.h",   "neon/common.h"};
    if (Call.Function == "xn_neon_bmaxpool")
      H.push_back("neon/bpool.h");
    else if (Call.Function == "xn_neon_threshold")
      H.push_back("neon/bitpack.h");
    else
      H.push_back("neon/bconv.h");
    return H;
  };
  F.SystemIncludes = {"arm_neon.h"};
  return F;
}

} // namespace

std::unique_ptr<Target> createNeonTarget() { return makeCppTarget(neonFlavor(Aarch64)); }
std::unique_ptr<Target> createNeonArmv7Target() { return makeCppTarget(neonFlavor(Armv7)); }

} // namespace xnorc
