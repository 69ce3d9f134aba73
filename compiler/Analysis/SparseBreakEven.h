//===- SparseBreakEven.h - When a layer runs a sparse kernel ------*- C++ -*-===//
//
// The share of zero weights from which the sparse float conv and Gemm
// (runtime/generic/sparse.h, x86/sparse.h) beat the dense kernel a CPU target
// would otherwise run, as measured by xnorc-sparse-kernel-bench. The CPU targets
// pick the sparse kernel where a layer reaches it (targets/common/CpuTarget.cpp)
// and --report lists those layers.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_ANALYSIS_SPARSEBREAKEVEN_H
#define XNORC_ANALYSIS_SPARSEBREAKEVEN_H

#include "compiler/IR/Graph.h"

#include <llvm/ADT/StringRef.h>
#include <string>
#include <vector>

namespace xnorc {

struct LayerSparsity;

/// Whether O (a float Conv or Gemm with constant weights) reaches Target's break-even.
bool pastSparseBreakEven(const Op &O, llvm::StringRef Target);

/// The ISAs of the table whose break-even O, analysed as L, reaches.
std::vector<std::string> sparseKernelIsas(const Op &O, const LayerSparsity &L);

} // namespace xnorc

#endif
