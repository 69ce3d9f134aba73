//===- OnnxImporter.h - ONNX model -> xnorc IR -------------------*- C++ -*-===//
#ifndef XNORC_FRONTEND_ONNXIMPORTER_H
#define XNORC_FRONTEND_ONNXIMPORTER_H

#include "compiler/Analysis/BatchNormArith.h"
#include "compiler/IR/Graph.h"
#include "compiler/IR/Limits.h"

#include <functional>
#include <llvm/Support/Error.h>
#include <memory>
#include <optional>

namespace xnorc {

struct ImportOptions {
  /// Value substituted for a symbolic leading (batch) dimension of a graph input.
  int64_t Batch = 1;
  /// sign(0) = +1, the convention of binary networks (Larq, LCE, QONNX), instead
  /// of ONNX's sign(0) = 0: bits cannot hold 0. See docs/XnorMath.md.
  bool SignZeroIsOne = true;
  /// The float arithmetic BatchNorm ops follow (their 'arith' attribute); nullopt
  /// picks it from the model's producer_name and says so in a note.
  std::optional<BnArith> BatchNormArith;
  /// Receives one-line notes about conventions the import applied (may be empty).
  std::function<void(const std::string &)> Note;
  /// Bounds on node count and tensor sizes (docs/Reliability.md).
  ModelLimits Limits;
};

/// Reads FileName (.onnx binary protobuf, or .onnxtext in ONNX's text syntax)
/// and lowers it to IR. Errors name the node and the reason; the caller adds
/// the file name. External data is read from FileName's folder.
llvm::Expected<std::unique_ptr<Graph>> importOnnxFile(const std::string &FileName,
                                                      const ImportOptions &Opts);

/// Lowers an in-memory model in ONNX's binary protobuf encoding (no external data).
llvm::Expected<std::unique_ptr<Graph>> importOnnxProto(const std::string &Bytes,
                                                       const ImportOptions &Opts);

/// Lowers an in-memory model given in ONNX's text syntax (no external data).
llvm::Expected<std::unique_ptr<Graph>> importOnnxText(const std::string &Text,
                                                      const ImportOptions &Opts);

} // namespace xnorc

#endif
