//===- NeonTargets.cpp - ARM NEON C++: "neon" (AArch64), "neon-armv7" ----===//
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
//    weights repacked by neon/float_pack.h, BWN weights staying 1 bit each.
// Other float ops, grouped convs and 3-D convs keep the generic kernels.
//
// Both targets paste the same kernels; they differ in the register tiles
// (neon/config_*.h, for AArch64's 32 q-registers and ARMv7's 16), in the
// multiply-add (fused vfmaq on AArch64; ARMv7 NEON without VFPv4 has only
// vmla) and in what they check at compile time. NEON is baseline on AArch64,
// so "neon" code builds with a plain aarch64-linux-gnu-g++ -std=c++17 -O2;
// "neon-armv7" code needs -mfpu=neon -mfloat-abi=hard. No runtime CPU check.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"
#include "targets/common/OcBlockedBinary.h"
#include "xnorc/runtime/common/oc_blocked.h"
#include "xnorc/runtime/neon/float_pack.h"

namespace xnorc {

namespace {

constexpr int64_t NeonLanes = 2; // output channels per q-register (XN_NEON_LANES)

struct NeonIsa {
  const char *Name;   ///< target name
  const char *Config; ///< runtime header with the tile sizes and the compile-time check
};

const NeonIsa Aarch64{"neon", "neon/config_aarch64.h"};
const NeonIsa Armv7{"neon-armv7", "neon/config_armv7.h"};

/// Product of the dimensions of D from index From on.
int64_t product(const Shape &D, size_t From) {
  int64_t P = 1;
  for (size_t J = From; J < D.size(); ++J)
    P *= D[J];
  return P;
}

/// Float weights packed for neon/fconv.h: M output channels of K weights, at W[m * K + k],
/// or W[k * M + m] when ByColumn.
KernelArg packFloats(const Tensor &W, int64_t M, int64_t K, bool ByColumn) {
  Tensor Packed(TensorType{ElemType::F32, {static_cast<int64_t>(xn_neon_fpack_floats(M, K))}});
  xn_neon_fpack(M, K, ByColumn, W.data<float>(), Packed.data<float>());
  return KernelArg::derived(std::move(Packed), "packed");
}

/// Binary weights [M][Taps][cw] packed for neon/bwconv.h, still one bit per weight.
KernelArg packBits(const Tensor &W, int64_t M, int64_t C, int64_t Taps) {
  const size_t Words = xn_neon_bwpack_words(M, C * Taps);
  Tensor Packed(TensorType{ElemType::B1, {static_cast<int64_t>(Words) * 64}});
  xn_neon_bwpack(M, C, Taps, W.data<uint64_t>(), Packed.data<uint64_t>());
  return KernelArg::derived(std::move(Packed), "packed");
}

/// Float-input layers with constant weights (neon/fconv.h, neon/bwconv.h); false (call
/// untouched, generic kernel) for the shapes those kernels do not take.
bool specializeFloatInput(const Op &O, KernelCall &Call) {
  const Value *W = O.operand(1);
  if (!W->isConstant())
    return false;
  const Shape &D = W->type().Dims;
  switch (O.kind()) {
  case OpKind::Conv: {
    // 1-D and 2-D ungrouped (xn_neon_conv_supported); ONNX's [M][C][k...] is already the
    // (channel, tap) order the kernel streams.
    if (W->type().Elem != ElemType::F32 || (D.size() != 3 && D.size() != 4) ||
        O.attrs().getInt("group", 1) != 1)
      return false;
    Call.Args.at(1) = packFloats(W->constant(), D[0], product(D, 1), false);
    Call.Function = "xn_neon_conv";
    return true;
  }
  case OpKind::Gemm: {
    // Constant B (a classifier's weights), A untransposed (xn_neon_gemm_supported).
    if (W->type().Elem != ElemType::F32 || D.size() != 2 || O.attrs().getInt("transA", 0) != 0)
      return false;
    const bool TransB = O.attrs().getInt("transB", 0) != 0;
    Call.Args.at(1) =
        packFloats(W->constant(), TransB ? D[0] : D[1], TransB ? D[1] : D[0], !TransB);
    Call.Function = "xn_neon_gemm";
    return true;
  }
  case OpKind::BWConv: // b1 [M][C][KH][KW], ungrouped (xn_neon_bwconv_supported)
    if (D.size() != 4 || O.attrs().getInt("group", 1) != 1)
      return false;
    Call.Args.at(1) = packBits(W->constant(), D[0], D[1], D[2] * D[3]);
    Call.Function = "xn_neon_bwconv";
    return true;
  case OpKind::BWDense: // b1 [M][K]
    if (D.size() != 2)
      return false;
    Call.Args.at(1) = packBits(W->constant(), D[0], D[1], 1);
    Call.Function = "xn_neon_bwdense";
    return true;
  default:
    return false;
  }
}

llvm::Error specialize(const Op &O, KernelCall &Call) {
  if (specializeOcBlockedBinary(O, Call, NeonLanes, "xn_neon_")) {
    // The binary convs split their output rows (--threads; common/oc_bconv_walk.h).
    Call.Splittable = O.kind() == OpKind::BConv || O.kind() == OpKind::BConvThreshold;
    return llvm::Error::success();
  }
  switch (O.kind()) {
  case OpKind::Threshold:
    if (Call.Function == "xn_threshold")
      Call.Function = "xn_neon_threshold";
    return llvm::Error::success();
  case OpKind::Conv:
  case OpKind::Gemm:
  case OpKind::BWConv:
  case OpKind::BWDense:
    // Convs split their output rows (--threads); dense layers and Gemm stay whole.
    if (specializeFloatInput(O, Call))
      Call.Splittable = O.kind() == OpKind::Conv || O.kind() == OpKind::BWConv;
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
    // -mfpu=neon), then the kernels, which reuse the generic structs and helpers. The
    // float-input kernel headers pull in what they include.
    if (Call.Function == "xn_neon_conv" || Call.Function == "xn_neon_gemm")
      return {I.Config, "neon/fconv.h"};
    if (Call.Function == "xn_neon_bwconv" || Call.Function == "xn_neon_bwdense")
      return {I.Config, "neon/bwconv.h"};
    std::vector<std::string> H{I.Config,           "generic/bitpack.h", "generic/bconv.h",
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
