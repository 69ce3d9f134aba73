//===- X86Targets.cpp - AVX2 and AVX-512 C++ ------------------------------===//
//
// The generic emitter with the x86 kernels of runtime/include/xnorc/runtime/x86
// swapped in: the binary kernels for bconv, bconv_threshold, bdense,
// bdense_threshold and bmax_pool; the output-channels-across-lanes kernels
// (x86/<isa>_oc_conv.h) for the binary-weight bwconv and bwdense, and for the
// float convs where they are faster (useOcConv); the pixels-across-lanes float
// conv (x86/<isa>_float.h) for the other 1-D/2-D ungrouped convs; the fused conv + max-pool
// (x86/conv_pool.h), or for the stems it takes the Winograd one (x86/winograd_stem.h); the packed
// Gemm for Gemm with constant B; and the float glue kernels for MaxPool,
// AveragePool and threshold (x86/<isa>_glue.h); the exact 8-bit kernels
// (x86/<isa>_q8.h) for qconv and qgemm with constant weights, quantize and
// dequantize. Weights are repacked at compile time into the order the kernels
// stream (the Pack column of compiler/Lowering/Kernels.def, with the packers of
// runtime/common/x86_pack.h and common/q8_pack.h). The kernels carry per-function
// target attributes, so the generated code builds with a plain `c++ -std=c++17 -O2`; <name>_run
// returns <NAME>_ERROR_UNSUPPORTED_CPU on a CPU without the instructions. Other float ops, grouped
// convs and 3-D convs keep the generic kernels.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Pass.h"
#include "targets/common/CpuTarget.h"
#include "targets/x86/X86Features.h"
#include "xnorc/runtime/common/x86_pack.h"

#include <fmt/format.h>

namespace xnorc {

namespace {

#define XNORC_CHECK_TEXT(Feature) "__builtin_cpu_supports(\"" #Feature "\")",

/// The generated run-time check: every feature of the list.
std::string cpuCheckOf(const std::vector<const char *> &Features) {
  return fmt::format("{}", fmt::join(Features, " && "));
}

/// Which float kernel a 1-D/2-D ungrouped conv with weights W = [M, C, (KH,) KW] gets: the
/// output-channels-across-lanes xn_<isa>_conv_oc, or the pixels-across-lanes xn_<isa>_conv.
/// Picked from xnorc-float-kernel-bench (built -O2, as generated code is; docs/Benchmarks.md)
/// and a sweep of the same kernels over channel counts; AVX-512 GFLOP/s oc / pixels:
///  - W stride > 1: the pixels-across-lanes kernel permutes or gathers its input vectors,
///    the oc one just broadcasts farther (stem 7x7/2: 133 / 90; AlexNet 11x11/4: 142 / 64;
///    3x3/2 64>128: 117 / 76), except at W stride 2 with at most 16 output channels: one oc
///    block, whose tile of 6 pixels keeps too few FMAs in flight (on an Intel Xeon: QuickNet's
///    stem 3x3/2 3>16: 60-64 / 75-78; 3>8: 33-34 / 70-71; 16>16 on 112x112: 77-79 / 81-83;
///    7x7/2 3>16: 91-94 / 94-95; with 32 channels the oc kernel is even or ahead again);
///  - stride 1: the oc kernel pays a transpose per output, amortised over C * kh * kw FMAs,
///    while a 1x1 conv is one long row the pixels-across-lanes kernel writes as it is. The
///    latter keeps 1x1 convs with fewer than 128 input channels (16>64 on 56x56: 91 / 115;
///    64>128 on 28x28: 138 / 144; 128>256 on 14x14: 137 / 128; 256>512 on 7x7: 141 / 86)
///    and larger kernels with fewer than 64 weights per output channel unless 64 output
///    channels fill the oc tile (3x3 3>32 on 224x224: 83 / 96; 3x3 3>64 on 56x56: ~93 / ~81;
///    3x3 64>64: 127 / 93).
/// With AVX2 the oc kernel was never slower (3x3 64>64: 66 / 60; 1x1 16>64: 61 / 38; 3x3/2
/// 3>16: 50-52 / 39-40). Kernels wider than XN_X86_CONV_MAX_KW only have the oc kernel.
bool useOcConv(bool OcConvAlways, const Shape &W, int64_t StrideW) {
  if (OcConvAlways || W.back() > XN_X86_CONV_MAX_KW)
    return true;
  if (StrideW > 1)
    return StrideW > 2 || W[0] > 16;
  int64_t Window = 1; // kh * kw
  for (size_t J = 2; J < W.size(); ++J)
    Window *= W[J];
  if (Window == 1)
    return W[1] >= 128;
  return W[1] * Window >= 64 || W[0] >= 64;
}

/// How the float conv is chosen (--target-opt float-conv=).
enum class FloatConv { Auto, Oc, Pixels };

/// The kernels of one x86 ISA, in priority order for each op (Kernels.def rows).
#define XNORC_X86_CHOICES(IsaId)                                                                   \
  KernelId::IsaId##BConv, KernelId::IsaId##BConvThreshold, KernelId::IsaId##BDense,                \
      KernelId::IsaId##BDenseThreshold, KernelId::IsaId##BConvQuantize,                            \
      KernelId::IsaId##BDenseQuantize, KernelId::IsaId##BMaxPool, KernelId::IsaId##MaxPool,        \
      KernelId::IsaId##AvgPool, KernelId::IsaId##Threshold, KernelId::IsaId##BatchNorm,            \
      KernelId::IsaId##Unary, KernelId::IsaId##Binary, KernelId::IsaId##DwConv,                    \
      KernelId::IsaId##ConvOc, KernelId::IsaId##Conv, KernelId::IsaId##Gemm,                       \
      KernelId::IsaId##BWConv, KernelId::IsaId##BWDense, KernelId::IsaId##ConvMaxPool,             \
      KernelId::IsaId##AvgPoolConv, KernelId::IsaId##ConvMaxPoolWinograd

struct X86Kernels {
  KernelId BConv, BConvThreshold, BDense, BDenseThreshold, BConvQuantize, BDenseQuantize, BMaxPool,
      MaxPool, AvgPool, Threshold, BatchNorm, Unary, Binary, DwConv, ConvOc, Conv, Gemm, BWConv,
      BWDense, ConvMaxPool, AvgPoolConv, ConvMaxPoolWinograd;
  /// Ternary-weight layers (x86/<isa>_tconv.h).
  std::vector<KernelId> Ternary = {};
  /// 8-bit conv, gemm, quantize, dequantize, qthreshold.
  std::vector<KernelId> Quant = {};
};

class X86Target : public CpuTarget {
public:
  X86Target(const char *Name, KernelIsa Isa, std::vector<const char *> Features, X86Kernels Kernels,
            bool OcConvAlways)
      : CpuTarget(Name, Isa), K(Kernels), OcConvAlways(OcConvAlways) {
    CpuCheck = cpuCheckOf(Features);
    SystemIncludes = {"immintrin.h"};
    PeakHeader = std::string("x86/") + Name + "_peak.h";
  }

  std::vector<TargetOption> options() const override {
    std::vector<TargetOption> O = CpuTarget::options();
    O.push_back({"float-conv",
                 "float conv kernel: auto (measured choice), oc (output channels across lanes) "
                 "or pixels (pixels across lanes, where it takes the conv)",
                 {"auto", "oc", "pixels"}});
    O.push_back({"conv-max-pool",
                 "fused: a float conv and the max-pool that alone reads it run as one layer "
                 "(fuse-conv-max-pool, the default: docs/Benchmarks.md), separate: as two",
                 {"separate", "fused"}});
    O.push_back({"avg-pool-conv",
                 "separate: an average pool and the 1x1 float conv that alone reads it run as two "
                 "layers (the default: docs/Benchmarks.md), fused: as one (fuse-avg-pool-conv)",
                 {"separate", "fused"}});
    O.push_back({"winograd",
                 "auto: a stride-2 float conv of at most 4 input channels (kernel up to 8x8, "
                 "output channels in 64s) and its max-pool, the stem, run as Winograd "
                 "F(3x3, 4x4) (0.65x the time on ResNet's, not bit-identical: "
                 "docs/XnorMath.md); off: the direct conv (also under float-conv=oc/pixels)",
                 {"auto", "off"}});
    O.push_back({"sign-epilogue",
                 "separate: a threshold of a binary conv's float output runs as its own layer "
                 "(the default: docs/Benchmarks.md), fused: the conv's epilogue writes it",
                 {"separate", "fused"}});
    return O;
  }

  /// The fused conv + max-pool kernel is this target's; on by default since it pays on one
  /// and two threads (docs/Benchmarks.md measures it).
  llvm::Error addPasses(PassManager &PM) const override {
    if (FuseConvPool)
      if (auto E = PM.parsePipeline("fuse-conv-max-pool"))
        return E;
    if (FusePoolConv)
      if (auto E = PM.parsePipeline("fuse-avg-pool-conv"))
        return E;
    return CpuTarget::addPasses(PM);
  }

protected:
  llvm::Error setOption(llvm::StringRef Key, llvm::StringRef Value) override {
    if (Key == "conv-max-pool") {
      FuseConvPool = Value == "fused";
      return llvm::Error::success();
    }
    if (Key == "avg-pool-conv") {
      FusePoolConv = Value == "fused";
      return llvm::Error::success();
    }
    if (Key == "winograd") {
      Winograd = Value == "auto";
      return llvm::Error::success();
    }
    if (Key == "sign-epilogue") {
      FuseSignOutputs = Value == "fused";
      return llvm::Error::success();
    }
    if (Key != "float-conv")
      return CpuTarget::setOption(Key, Value);
    Conv = Value == "oc" ? FloatConv::Oc : Value == "pixels" ? FloatConv::Pixels : FloatConv::Auto;
    return llvm::Error::success();
  }

  std::vector<KernelChoice> kernelChoices() const override {
    auto PreferOc = [this](const Op &O) {
      if (Conv != FloatConv::Auto)
        return Conv == FloatConv::Oc;
      ConvOp C(O);
      return useOcConv(OcConvAlways, C.w()->type().Dims, C.strides().back());
    };
    // The Winograd stem only where the float conv is the target's choice.
    auto PreferWinograd = [this](const Op &) { return Winograd && Conv == FloatConv::Auto; };
    // The oc conv once more after the pixels one: it takes the convs the latter does not; the
    // direct conv + max-pool after the Winograd one: it takes the layers the latter does not.
    std::vector<KernelChoice> C = {{K.BConv},
                                   {K.BConvThreshold},
                                   {K.BDense},
                                   {K.BDenseThreshold},
                                   {K.BConvQuantize},
                                   {K.BDenseQuantize},
                                   {K.BMaxPool},
                                   {K.MaxPool},
                                   {K.AvgPool},
                                   {K.Threshold},
                                   {K.BatchNorm},
                                   {K.Unary},
                                   {K.Binary},
                                   {K.DwConv},
                                   {K.ConvOc, PreferOc},
                                   {K.Conv},
                                   {K.ConvOc},
                                   {K.Gemm},
                                   {K.BWConv},
                                   {K.BWDense},
                                   {K.ConvMaxPoolWinograd, PreferWinograd},
                                   {K.ConvMaxPool},
                                   {K.AvgPoolConv}};
    for (KernelId T : K.Ternary)
      C.push_back({T});
    for (KernelId Q : K.Quant)
      C.push_back({Q});
    return C;
  }

private:
  X86Kernels K;
  /// Every float conv gets the oc kernel under float-conv=auto (see useOcConv).
  bool OcConvAlways;
  FloatConv Conv = FloatConv::Auto;
  bool FuseConvPool = true;
  /// The Winograd stem under float-conv=auto (docs/Benchmarks.md, session 27).
  bool Winograd = true;
  /// Off by default: neutral on Bi-Real-18 (docs/Benchmarks.md, session 23).
  bool FusePoolConv = false;
};

} // namespace

std::unique_ptr<Target> createAvx2Target() {
  return std::make_unique<X86Target>(
      "avx2", KernelIsa::Avx2, std::vector<const char *>{XNORC_AVX2_FEATURES(XNORC_CHECK_TEXT)},
      X86Kernels{XNORC_X86_CHOICES(Avx2),
                 {KernelId::Avx2TConv, KernelId::Avx2TConvThreshold, KernelId::Avx2TDense,
                  KernelId::Avx2TDenseThreshold},
                 {KernelId::Avx2QConv, KernelId::Avx2QGemm, KernelId::Avx2Quantize,
                  KernelId::Avx2Dequantize, KernelId::Avx2QThreshold}},
      true);
}
std::unique_ptr<Target> createAvx512Target() {
  return std::make_unique<X86Target>(
      "avx512", KernelIsa::Avx512,
      std::vector<const char *>{XNORC_AVX512_FEATURES(XNORC_CHECK_TEXT)},
      X86Kernels{XNORC_X86_CHOICES(Avx512),
                 {KernelId::Avx512TConv, KernelId::Avx512TConvThreshold, KernelId::Avx512TDense,
                  KernelId::Avx512TDenseThreshold},
                 {KernelId::Avx512QConv, KernelId::Avx512QGemm, KernelId::Avx512Quantize,
                  KernelId::Avx512Dequantize, KernelId::Avx512QThreshold}},
      false);
}

#if defined(__x86_64__) || defined(__i386__)
#define XNORC_HOST_HAS(Feature) __builtin_cpu_supports(#Feature) &&
bool hostRunsAvx512() {
  __builtin_cpu_init();
  return XNORC_AVX512_FEATURES(XNORC_HOST_HAS) true;
}
bool hostRunsAvx2() {
  __builtin_cpu_init();
  return XNORC_AVX2_FEATURES(XNORC_HOST_HAS) true;
}
#else
bool hostRunsAvx512() { return false; }
bool hostRunsAvx2() { return false; }
#endif

} // namespace xnorc
