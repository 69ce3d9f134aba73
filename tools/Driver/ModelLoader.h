//===- ModelLoader.h - Load a model in any input format ----------*- C++ -*-===//
#ifndef XNORC_TOOLS_DRIVER_MODELLOADER_H
#define XNORC_TOOLS_DRIVER_MODELLOADER_H

#include "compiler/Frontend/OnnxImporter.h"

namespace xnorc {

/// Loads .onnx, .onnxtext or .xir (xnorc's text IR) by extension. The error
/// message is prefixed with the file name.
llvm::Expected<std::unique_ptr<Graph>> loadModel(const std::string &Path,
                                                 const ImportOptions &Opts);

/// A C identifier derived from a file's stem ("models/My-Net.onnx" -> "my_net").
std::string modelNameFromPath(const std::string &Path);

} // namespace xnorc

#endif
