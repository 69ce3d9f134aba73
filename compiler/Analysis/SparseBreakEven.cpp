//===- SparseBreakEven.cpp - When a layer runs a sparse kernel ------------===//
#include "compiler/Analysis/SparseBreakEven.h"

#include "compiler/Analysis/SparsityAnalysis.h"
#include "compiler/IR/OpViews.h"

namespace xnorc {

namespace {

struct BreakEven {
  const char *Target;
  OpKind Kind;
  double ZeroShare; ///< below 0: the sparse kernel never won
  /// The measured kernel needs a unit stride along the last spatial dim: the x86 sparse convs
  /// tile only such convs and run the others' rows one output at a time, which nothing measured.
  bool UnitColumnStride;
};

// Measured with
//   nice -n 10 build/bin/xnorc-sparse-kernel-bench --quick
// (bench/sparse_kernel_bench.cpp: the layers the shipped pruned Fashion-MNIST models prune,
// a 3x3 64->64 conv on 28x28 and a 512->512 classifier; dense against sparse at 0..95 % zero
// weights; bench/results/sparse_kernels.json) on an AMD EPYC (Zen 4: AVX2, AVX-512) under
// load, as ratios of one run, the worst of three runs -- docs/Benchmarks.md. A kernel's entry
// is the smallest share from which the sparse kernel was faster on every shape at every larger
// share, but at least 34 %, from which the packed weights (6 bytes per non-zero weight,
// common/sparse_pack.h) are smaller than the dense ones (4 per weight): the generic sparse
// conv is faster from 0 % (its per-channel plane walk beats xn_conv's per-row one) and the
// generic Gemm from 20 %. The x86 sparse convs (register tiles of output rows, one load,
// multiply and add per product) pay a load per product where the dense convs reuse each load
// across 16-32 output channels: AVX2 wins from 85 %, AVX-512 from 95 %; the x86 Gemms from
// 95 % (512->512; the Fashion-MNIST classifier from 70-80 %). NEON was not measured (no ARM
// hardware here, and qemu's timings mean nothing): its layers stay dense unless forced
// (sparse=on).
constexpr BreakEven Table[] = {
    {"generic", OpKind::Conv, 0.34, false}, {"generic", OpKind::Gemm, 0.34, false},
    {"avx2", OpKind::Conv, 0.85, true},     {"avx2", OpKind::Gemm, 0.95, false},
    {"avx512", OpKind::Conv, 0.95, true},   {"avx512", OpKind::Gemm, 0.95, false},
};

bool hasUnitColumnStride(const Op &O) {
  if (!isa<ConvOp>(O))
    return true;
  const std::vector<int64_t> S = ConvOp(O).strides();
  return S.empty() || S.back() == 1;
}

/// Whether O, analysed as L, reaches Target's measured break-even (ISAs the table does not
/// list, and kernels that never won, never do).
bool reaches(const Op &O, const LayerSparsity &L, llvm::StringRef Target) {
  if ((!isa<ConvOp>(O) && !isa<GemmOp>(O)) || L.Weights == 0)
    return false;
  for (const BreakEven &B : Table)
    if (Target == B.Target && O.kind() == B.Kind)
      return B.ZeroShare >= 0 && (!B.UnitColumnStride || hasUnitColumnStride(O)) &&
             static_cast<double>(L.ZeroWeights) >= B.ZeroShare * static_cast<double>(L.Weights);
  return false;
}

} // namespace

bool pastSparseBreakEven(const Op &O, llvm::StringRef Target) {
  std::optional<LayerSparsity> L = analyzeLayer(O);
  return L && reaches(O, *L, Target);
}

std::vector<std::string> sparseKernelIsas(const Op &O, const LayerSparsity &L) {
  std::vector<std::string> Isas;
  for (const BreakEven &B : Table)
    if (B.Kind == O.kind() && reaches(O, L, B.Target))
      Isas.push_back(B.Target);
  return Isas;
}

} // namespace xnorc
