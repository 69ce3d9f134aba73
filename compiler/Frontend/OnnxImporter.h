//===- OnnxImporter.h - ONNX model -> xnorc IR -------------------*- C++ -*-===//
#ifndef XNORC_FRONTEND_ONNXIMPORTER_H
#define XNORC_FRONTEND_ONNXIMPORTER_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>
#include <memory>

namespace xnorc {

struct ImportOptions {
  /// Value substituted for a symbolic or zero leading (batch) dimension of a graph input.
  int64_t Batch = 1;
};

/// Reads FileName (.onnx binary protobuf, or .onnxtext in ONNX's text syntax)
/// and lowers it to IR. Errors name the node and the reason; the caller adds
/// the file name.
llvm::Expected<std::unique_ptr<Graph>> importOnnxFile(const std::string &FileName,
                                                      const ImportOptions &Opts);

/// Lowers an in-memory model given in ONNX's text syntax.
llvm::Expected<std::unique_ptr<Graph>> importOnnxText(const std::string &Text,
                                                      const ImportOptions &Opts);

} // namespace xnorc

#endif
