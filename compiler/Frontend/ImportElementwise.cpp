//===- ImportElementwise.cpp - Unary activations and broadcasting binaries ===//
#include "compiler/Frontend/Importers.h"

#include <cmath>
#include <limits>

namespace xnorc {

namespace {

llvm::Error importUnary(ImportContext &Ctx, OpKind Kind, Attributes A = {}) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  return Ctx.emit(Kind, {*X}, std::move(A)).takeError();
}

llvm::Error importBinary(ImportContext &Ctx, OpKind Kind) {
  if (Ctx.hasAttr("broadcast") || Ctx.hasAttr("axis"))
    return Ctx.error("legacy (opset < 7) broadcast attributes are unsupported");
  auto L = Ctx.input(0), R = Ctx.input(1);
  if (!L)
    return L.takeError();
  if (!R)
    return R.takeError();
  return Ctx.emit(Kind, {*L, *R}, {}).takeError();
}

/// Clip's bound: an attribute before opset 11, an optional scalar input after.
llvm::Expected<double> clipBound(ImportContext &Ctx, int Input, const char *AttrName,
                                 double Default) {
  if (Ctx.opset() < 11)
    return static_cast<double>(Ctx.attrFloat(AttrName, static_cast<float>(Default)));
  if (!Ctx.hasInput(Input))
    return Default;
  auto T = Ctx.constantInput(Input);
  if (!T)
    return T.takeError();
  if ((*T)->size() != 1)
    return Ctx.error(std::string(AttrName) + " must be a scalar");
  return (*T)->getAsDouble(0);
}

} // namespace

llvm::Error importRelu(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Relu); }
llvm::Error importSigmoid(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Sigmoid); }
llvm::Error importTanh(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Tanh); }
llvm::Error importSign(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Sign); }
llvm::Error importAbs(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Abs); }
llvm::Error importNeg(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Neg); }

llvm::Error importLeakyRelu(ImportContext &Ctx) {
  Attributes A;
  A.set("alpha", static_cast<double>(Ctx.attrFloat("alpha", 0.01f)));
  return importUnary(Ctx, OpKind::LeakyRelu, A);
}

llvm::Error importClip(ImportContext &Ctx) {
  constexpr double Inf = std::numeric_limits<double>::infinity();
  auto Min = clipBound(Ctx, 1, "min", -Inf);
  if (!Min)
    return Min.takeError();
  auto Max = clipBound(Ctx, 2, "max", Inf);
  if (!Max)
    return Max.takeError();
  Attributes A;
  A.set("min", *Min);
  A.set("max", *Max);
  return importUnary(Ctx, OpKind::Clip, A);
}

llvm::Error importPRelu(ImportContext &Ctx) { return importBinary(Ctx, OpKind::PRelu); }
llvm::Error importAdd(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Add); }
llvm::Error importSub(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Sub); }
llvm::Error importMul(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Mul); }
llvm::Error importDiv(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Div); }

} // namespace xnorc
