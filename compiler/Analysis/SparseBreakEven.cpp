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
};

// Measured with
//   nice -n 10 build/bin/xnorc-sparse-kernel-bench
// (bench/sparse_kernel_bench.cpp: the shipped pruned Fashion-MNIST layers and a 3x3 64->64
// conv / 512->512 classifier, dense against sparse at 0..95 % zero weights) on an AMD EPYC
// (Zen 4, AVX-512; the machine shared, so ratios of one run) -- docs/Benchmarks.md.
// The break-even of a kernel is the smallest measured share from which the sparse kernel
// is faster on every shape measured. NEON was not measured: its layers stay dense unless
// forced (--target-opt sparse=on).
constexpr BreakEven Table[] = {
    {"generic", OpKind::Conv, -1},
    {"generic", OpKind::Gemm, -1},
    {"avx2", OpKind::Conv, -1},
    {"avx2", OpKind::Gemm, -1},
    {"avx512", OpKind::Conv, -1},
    {"avx512", OpKind::Gemm, -1},
};

} // namespace

std::optional<double> sparseBreakEven(llvm::StringRef Target, OpKind Kind) {
  for (const BreakEven &B : Table)
    if (Target == B.Target && Kind == B.Kind && B.ZeroShare >= 0)
      return B.ZeroShare;
  return std::nullopt;
}

namespace {
bool reaches(const Op &O, const LayerSparsity &L, llvm::StringRef Target) {
  if ((!isa<ConvOp>(O) && !isa<GemmOp>(O)) || L.Weights == 0)
    return false;
  std::optional<double> Even = sparseBreakEven(Target, O.kind());
  return Even && static_cast<double>(L.ZeroWeights) >= *Even * static_cast<double>(L.Weights);
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
