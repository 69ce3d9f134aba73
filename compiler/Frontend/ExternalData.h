//===- ExternalData.h - ONNX tensors stored beside the model -----*- C++ -*-===//
//
// Large ONNX exports keep weights in separate files (TensorProto.data_location
// = EXTERNAL, with "location", "offset" and "length" entries). The file named
// by a model is untrusted: it must stay inside the model's folder, by the
// rules of ONNX's checker (a relative path, no ".." component, and no symbolic
// link leading out, compared after resolving with realpath), be a regular
// file, and hold exactly the tensor's bytes at the stated offset.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_FRONTEND_EXTERNALDATA_H
#define XNORC_FRONTEND_EXTERNALDATA_H

#include <llvm/Support/Error.h>
#include <onnx/onnx_pb.h>
#include <string>

namespace xnorc {

/// The Bytes bytes of external tensor P, read from the file its location names
/// relative to ModelDir (the folder of the model file). Errors name the tensor
/// and the rule it breaks.
llvm::Expected<std::string> readExternalData(const onnx::TensorProto &P,
                                             const std::string &ModelDir, int64_t Bytes);

} // namespace xnorc

#endif
