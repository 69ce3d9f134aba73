//===- Limits.h - Bounds on what a model may ask of the compiler -*- C++ -*-===//
//
// A model file is untrusted input: one dim of 2^40, a rank of a million or a
// billion nodes would make the compiler allocate until it dies. The importer
// and the .xir parser check every tensor type and the node count against
// these limits before allocating anything, and fail with a diagnostic naming
// the tensor or node and the limit. The tools set them from --max-tensor-bytes,
// --max-nodes, --max-rank and --max-dim (tools/Driver/ImportFlags.cpp;
// docs/Reliability.md).
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_LIMITS_H
#define XNORC_IR_LIMITS_H

#include "compiler/IR/Type.h"

#include <llvm/Support/Error.h>

namespace xnorc {

struct ModelLimits {
  /// Largest storage of one tensor (a weight, an input or an intermediate), in bytes.
  int64_t MaxTensorBytes = int64_t(1) << 30;
  /// Most nodes (ONNX) or ops and constants (.xir) in a graph.
  int64_t MaxNodes = 1000000;
  /// Highest rank of a tensor.
  int64_t MaxRank = 16;
  /// Largest extent of one dimension.
  int64_t MaxDim = (int64_t(1) << 31) - 1;
};

/// Checks T against L: rank, every dim in [0, MaxDim], and the storage size
/// (computed without overflow) at most MaxTensorBytes. What names the tensor
/// in the message ("tensor 'w'", "the result"); the caller adds the node.
llvm::Error checkTensorLimits(const TensorType &T, const ModelLimits &L, const std::string &What);

/// Checks a node count against L.MaxNodes.
llvm::Error checkNodeLimit(int64_t Nodes, const ModelLimits &L);

} // namespace xnorc

#endif
