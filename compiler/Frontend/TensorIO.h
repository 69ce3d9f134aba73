//===- TensorIO.h - Tensors from and to files (.npy, .pb) --------*- C++ -*-===//
#ifndef XNORC_FRONTEND_TENSORIO_H
#define XNORC_FRONTEND_TENSORIO_H

#include "compiler/IR/Tensor.h"

#include <llvm/Support/Error.h>

namespace xnorc {

/// Reads a NumPy .npy (float32/float64 little-endian, C order) or an ONNX
/// TensorProto .pb file, by extension. Float64 is narrowed to float32.
llvm::Expected<Tensor> readTensorFile(const std::string &Path);

/// Writes T (f32 or i64) as .npy.
llvm::Error writeNpy(const std::string &Path, const Tensor &T);

} // namespace xnorc

#endif
