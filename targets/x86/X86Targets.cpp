//===- X86Targets.cpp - AVX2 and AVX-512 C++ ------------------------------===//
//
// The generic emitter with the x86 kernels of runtime/include/xnorc/runtime/x86
// swapped in: the binary kernels for bconv, bconv_threshold, bdense,
// bdense_threshold and bmax_pool; the output-channels-across-lanes kernels
// (x86/<isa>_oc_conv.h) for the binary-weight bwconv and bwdense, and for the
// float convs where they are faster (useOcConv); the pixels-across-lanes float
// conv (x86/<isa>_float.h) for the other 1-D/2-D ungrouped convs; the packed
// Gemm for Gemm with constant B; and the float glue kernels for MaxPool,
// AveragePool and threshold (x86/<isa>_glue.h). Weights are repacked here, at
// compile time, into the order the kernels stream (x86/pack.h: plain C++, no
// intrinsics). The kernels carry per-function target
// attributes, so the generated code builds with a plain `c++ -std=c++17 -O2`;
// <name>_run returns <NAME>_ERROR_UNSUPPORTED_CPU on a CPU without the
// instructions. Other float ops, grouped convs and 3-D convs keep the generic
// kernels.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"
#include "targets/common/OcBlockedBinary.h"
#include "xnorc/runtime/x86/pack.h"

#include <llvm/Support/raw_ostream.h>

namespace xnorc {

namespace {

struct Isa {
  const char *Name;  ///< target name, also the kernels' prefix: xn_<Name>_...
  int64_t Lanes;     ///< output channels per vector
  int64_t ConvBlock; ///< float conv: output channels per packed weight block
  int64_t GemmBlock; ///< float Gemm: columns per packed weight block
  const char *Check; ///< CPU check expression
  /// oc_conv kernels (x86/<isa>_oc_conv.h): output channels per vector, and vectors per
  /// register tile (the packing's channel groups).
  int64_t OcLanes, OcTile;
  /// Every float conv the x86 kernels take gets xn_<isa>_conv_oc (see useOcConv).
  bool OcConvAlways;
};

const Isa Avx512{"avx512",
                 8,
                 XN_AVX512F_T,
                 XN_AVX512F_V,
                 "__builtin_cpu_supports(\"avx512f\") && __builtin_cpu_supports(\"avx512bw\") && "
                 "__builtin_cpu_supports(\"avx512vl\") && "
                 "__builtin_cpu_supports(\"avx512vpopcntdq\") && __builtin_cpu_supports(\"fma\")",
                 XN_AVX512_OC_L,
                 XN_AVX512_OC_B,
                 false};
const Isa Avx2{"avx2",
               4,
               XN_AVX2F_T,
               XN_AVX2F_V,
               "__builtin_cpu_supports(\"avx2\") && __builtin_cpu_supports(\"fma\") && "
               "__builtin_cpu_supports(\"popcnt\")",
               XN_AVX2_OC_L,
               XN_AVX2_OC_B,
               true};

/// Which float kernel a 1-D/2-D ungrouped conv with weights W = [M, C, (KH,) KW] gets: the
/// output-channels-across-lanes xn_<isa>_conv_oc, or the pixels-across-lanes xn_<isa>_conv.
/// Picked from xnorc-float-kernel-bench (built -O2, as generated code is; docs/Benchmarks.md)
/// and a sweep of the same kernels over channel counts; AVX-512 GFLOP/s oc / pixels:
///  - W stride > 1: the pixels-across-lanes kernel permutes or gathers its input vectors,
///    the oc one just broadcasts farther (stem 7x7/2: 133 / 90; AlexNet 11x11/4: 142 / 64;
///    3x3/2 64>128: 117 / 76);
///  - stride 1: the oc kernel pays a transpose per output, amortised over C * kh * kw FMAs,
///    while a 1x1 conv is one long row the pixels-across-lanes kernel writes as it is. The
///    latter keeps 1x1 convs with fewer than 128 input channels (16>64 on 56x56: 91 / 115;
///    64>128 on 28x28: 138 / 144; 128>256 on 14x14: 137 / 128; 256>512 on 7x7: 141 / 86)
///    and larger kernels with fewer than 64 weights per output channel unless 64 output
///    channels fill the oc tile (3x3 3>32 on 224x224: 83 / 96; 3x3 3>64 on 56x56: ~93 / ~81;
///    3x3 64>64: 127 / 93).
/// With AVX2 the oc kernel was never slower (3x3 64>64: 66 / 60; 1x1 16>64: 61 / 38). Kernels
/// wider than XN_X86_CONV_MAX_KW only have the oc kernel.
bool useOcConv(const Isa &I, const Shape &W, int64_t StrideW) {
  if (I.OcConvAlways || StrideW > 1 || W.back() > XN_X86_CONV_MAX_KW)
    return true;
  int64_t Window = 1; // kh * kw
  for (size_t J = 2; J < W.size(); ++J)
    Window *= W[J];
  if (Window == 1)
    return W[1] >= 128;
  return W[1] * Window >= 64 || W[0] >= 64;
}

/// The b1 weights [M][taps][ceil(C/64)] of a bwconv/bwdense repacked for xn_<isa>_bw*.
Tensor packOcBits(const Isa &I, const Tensor &W, int64_t M, int64_t C, int64_t Taps) {
  const size_t Words = xn_x86_oc_bits_size(M, C * Taps, I.OcLanes);
  Tensor Packed(TensorType{ElemType::B1, {static_cast<int64_t>(Words) * 64}});
  xn_x86_oc_pack_bits(M, C, Taps, I.OcLanes, I.OcTile, W.data<uint64_t>(), Packed.data<uint64_t>());
  return Packed;
}

llvm::Error specialize(const Isa &I, const Op &O, KernelCall &Call) {
  const std::string Prefix = std::string("xn_") + I.Name + "_";
  if (specializeOcBlockedBinary(O, Call, I.Lanes, Prefix)) {
    // The conv and max-pool kernels split their output rows (--threads); dense layers
    // have one row per image and stay whole.
    Call.Splittable = O.kind() != OpKind::BDense && O.kind() != OpKind::BDenseThreshold;
    return llvm::Error::success();
  }
  switch (O.kind()) {
  case OpKind::MaxPool:
  case OpKind::AvgPool:
  case OpKind::Threshold:
    // Float glue (x86/<isa>_glue.h): same parameters, bit-identical results; shapes the
    // vector paths do not cover fall back to the generic kernel inside.
    if (Call.Function == "xn_maxpool" || Call.Function == "xn_avgpool" ||
        Call.Function == "xn_threshold") {
      Call.Function = Prefix + Call.Function.substr(3);
      Call.Splittable = true; // planes (pools) or pixels (threshold)
    }
    return llvm::Error::success();
  case OpKind::Conv: {
    // 1-D and 2-D ungrouped convs with constant weights; the rest stays on the generic conv.
    const Value *W = O.operand(1);
    const Shape &D = W->type().Dims; // [M, C, (KH,) KW]
    if (!W->isConstant() || W->type().Elem != ElemType::F32 || (D.size() != 3 && D.size() != 4) ||
        O.attrs().getInt("group", 1) != 1)
      return llvm::Error::success();
    int64_t Taps = 1;
    for (size_t J = 1; J < D.size(); ++J)
      Taps *= D[J];
    const std::vector<int64_t> Strides = O.attrs().getInts("strides", {});
    if (useOcConv(I, D, Strides.empty() ? 1 : Strides.back())) {
      Tensor Packed(TensorType{
          ElemType::F32, {static_cast<int64_t>(xn_x86_oc_floats_size(D[0], Taps, I.OcLanes))}});
      xn_x86_oc_pack_floats(D[0], Taps, I.OcLanes, I.OcTile, W->constant().data<float>(),
                            Packed.data<float>());
      Call.Args.at(1) = KernelArg::derived(std::move(Packed), "packed");
      Call.Function = Prefix + "conv_oc";
      Call.Splittable = true; // output rows (or one row's pixels)
      return llvm::Error::success();
    }
    Tensor Packed(TensorType{
        ElemType::F32, {static_cast<int64_t>(xn_x86_conv_packed_floats(D[0], Taps, I.ConvBlock))}});
    xn_x86_conv_pack(D[0], Taps, I.ConvBlock, W->constant().data<float>(), Packed.data<float>());
    Call.Args.at(1) = KernelArg::derived(std::move(Packed), "packed");
    Call.Function = Prefix + "conv";
    return llvm::Error::success();
  }
  case OpKind::BWConv: {
    // Binary weights, float input: constant b1 [M, C, KH, KW], ungrouped (grouped ones keep
    // the generic kernel).
    const Value *W = O.operand(1);
    const Shape &D = W->type().Dims;
    if (!W->isConstant() || D.size() != 4 || O.attrs().getInt("group", 1) != 1)
      return llvm::Error::success();
    Call.Args.at(1) =
        KernelArg::derived(packOcBits(I, W->constant(), D[0], D[1], D[2] * D[3]), "packed");
    Call.Function = Prefix + "bwconv";
    Call.Splittable = true; // output rows (or one row's pixels); bwdense stays whole
    return llvm::Error::success();
  }
  case OpKind::BWDense: {
    const Value *W = O.operand(1);
    const Shape &D = W->type().Dims; // [M, K]
    if (!W->isConstant() || D.size() != 2)
      return llvm::Error::success();
    Call.Args.at(1) = KernelArg::derived(packOcBits(I, W->constant(), D[0], D[1], 1), "packed");
    Call.Function = Prefix + "bwdense";
    return llvm::Error::success();
  }
  case OpKind::Gemm: {
    // Constant B (a classifier's weights), repacked into column blocks.
    const Value *B = O.operand(1);
    const Shape &D = B->type().Dims;
    if (!B->isConstant() || B->type().Elem != ElemType::F32 || D.size() != 2)
      return llvm::Error::success();
    const int TransB = static_cast<int>(O.attrs().getInt("transB", 0));
    const int64_t N = TransB ? D[0] : D[1], K = TransB ? D[1] : D[0];
    Tensor Packed(TensorType{ElemType::F32,
                             {static_cast<int64_t>(xn_x86_gemm_packed_floats(N, K, I.GemmBlock))}});
    xn_x86_gemm_pack(N, K, I.GemmBlock, TransB, B->constant().data<float>(), Packed.data<float>());
    Call.Args.at(1) = KernelArg::derived(std::move(Packed), "packed");
    Call.Function = Prefix + "gemm";
    return llvm::Error::success();
  }
  default:
    return llvm::Error::success();
  }
}

KernelFlavor x86Flavor(const Isa &I) {
  KernelFlavor F;
  F.TargetName = I.Name;
  F.Specialize = [&I](const Op &O, KernelCall &Call) { return specialize(I, O, Call); };
  F.HeaderMap = [&I](const KernelCall &Call) -> std::vector<std::string> {
    const std::string Prefix = std::string("xn_") + I.Name + "_";
    if (Call.Function.rfind(Prefix, 0) != 0)
      return {};
    if (Call.Function == Prefix + "conv" || Call.Function == Prefix + "gemm")
      return {std::string("x86/") + I.Name + "_float.h"}; // pulls in its includes
    if (Call.Function == Prefix + "conv_oc" || Call.Function == Prefix + "bwconv" ||
        Call.Function == Prefix + "bwdense")
      return {std::string("x86/") + I.Name + "_oc_conv.h"};
    if (Call.Function == Prefix + "maxpool" || Call.Function == Prefix + "avgpool" ||
        Call.Function == Prefix + "threshold")
      return {std::string("x86/") + I.Name + "_glue.h"}; // pulls in its includes
    // The x86 kernels reuse the generic parameter structs and helpers.
    std::vector<std::string> H{"generic/bitpack.h", "generic/bconv.h", "generic/bdense.h",
                               "generic/bpool.h", "x86/common.h"};
    const bool Pool = Call.Function == Prefix + "bmaxpool";
    H.push_back(std::string("x86/") + I.Name + (Pool ? "_bpool.h" : "_bconv.h"));
    return H;
  };
  F.CpuCheck = I.Check;
  F.SystemIncludes = {"immintrin.h"};
  return F;
}

} // namespace

std::unique_ptr<Target> createAvx2Target() { return makeCppTarget(x86Flavor(Avx2)); }
std::unique_ptr<Target> createAvx512Target() { return makeCppTarget(x86Flavor(Avx512)); }

} // namespace xnorc
