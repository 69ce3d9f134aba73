//===- Importers.h - Declarations of the per-op importers --------*- C++ -*-===//
#ifndef XNORC_FRONTEND_IMPORTERS_H
#define XNORC_FRONTEND_IMPORTERS_H

#include "compiler/Frontend/ImportContext.h"

namespace xnorc {
#define ONNX_IMPORTER(OpType, Fn) llvm::Error Fn(ImportContext &Ctx);
#include "compiler/Frontend/OnnxOps.def"
llvm::Error importBipolarQuant(ImportContext &Ctx);
llvm::Error importQonnxQuant(ImportContext &Ctx);
/// Conv's window attributes and group, explicit (ONNX Conv and QLinearConv).
llvm::Expected<Attributes> convAttrs(ImportContext &Ctx, const Value &X, const Value &W);
} // namespace xnorc

#endif
