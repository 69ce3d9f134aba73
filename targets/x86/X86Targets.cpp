//===- X86Targets.cpp - AVX2 and AVX-512 C++ ------------------------------===//
//
// The generic emitter with the x86 binary kernels of runtime/include/xnorc/
// runtime/x86 swapped in for bconv, bconv_threshold, bdense, bdense_threshold
// and bmax_pool, the x86 float kernels for conv (1-D/2-D, ungrouped) and
// Gemm with constant B, and the x86 float glue kernels for MaxPool, AveragePool and
// threshold (x86/<isa>_glue.h). Weights are repacked here, at compile time, into the
// order the kernels stream (x86/common.h, x86/float_common.h). The
// kernels carry per-function target attributes, so the generated code builds
// with a plain `c++ -std=c++17 -O2`; <name>_run returns
// <NAME>_ERROR_UNSUPPORTED_CPU on a CPU without the instructions. Other float
// ops, grouped convs and 3-D convs keep the generic kernels.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"
#include "targets/common/OcBlockedBinary.h"
#include "xnorc/runtime/x86/avx2_bconv.h"
#include "xnorc/runtime/x86/avx2_float.h"
#include "xnorc/runtime/x86/avx512_bconv.h"
#include "xnorc/runtime/x86/avx512_float.h"

#include <llvm/Support/raw_ostream.h>

namespace xnorc {

namespace {

struct Isa {
  const char *Name;   ///< target name, also the kernels' prefix: xn_<Name>_...
  int64_t Lanes;      ///< output channels per vector
  int64_t ConvBlock;  ///< float conv: output channels per packed weight block
  int64_t GemmBlock;  ///< float Gemm: columns per packed weight block
  const char *Check;  ///< CPU check expression
};

const Isa Avx512{"avx512", 8, XN_AVX512F_T, XN_AVX512F_V,
                 "__builtin_cpu_supports(\"avx512f\") && __builtin_cpu_supports(\"avx512bw\") && "
                 "__builtin_cpu_supports(\"avx512vl\") && "
                 "__builtin_cpu_supports(\"avx512vpopcntdq\") && __builtin_cpu_supports(\"fma\")"};
const Isa Avx2{"avx2", 4, XN_AVX2F_T, XN_AVX2F_V,
               "__builtin_cpu_supports(\"avx2\") && __builtin_cpu_supports(\"fma\") && "
               "__builtin_cpu_supports(\"popcnt\")"};

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
    // 1-D and 2-D ungrouped convs with constant weights, kernel width <= the kernel's
    // limit (xn_x86_conv_supported); the rest stays on the generic conv.
    const Value *W = O.operand(1);
    const Shape &D = W->type().Dims; // [M, C, (KH,) KW]
    if (!W->isConstant() || W->type().Elem != ElemType::F32 || (D.size() != 3 && D.size() != 4) ||
        O.attrs().getInt("group", 1) != 1 || D.back() > XN_X86_CONV_MAX_KW)
      return llvm::Error::success();
    int64_t Taps = 1;
    for (size_t J = 1; J < D.size(); ++J)
      Taps *= D[J];
    Tensor Packed(TensorType{ElemType::F32, {static_cast<int64_t>(xn_x86_conv_packed_floats(
                                                D[0], Taps, I.ConvBlock))}});
    xn_x86_conv_pack(D[0], Taps, I.ConvBlock, W->constant().data<float>(), Packed.data<float>());
    Call.Args.at(1) = KernelArg::derived(std::move(Packed), "packed");
    Call.Function = Prefix + "conv";
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
    Tensor Packed(TensorType{
        ElemType::F32, {static_cast<int64_t>(xn_x86_gemm_packed_floats(N, K, I.GemmBlock))}});
    xn_x86_gemm_pack(N, K, I.GemmBlock, TransB, B->constant().data<float>(),
                     Packed.data<float>());
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
