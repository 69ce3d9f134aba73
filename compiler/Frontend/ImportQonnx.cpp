//===- ImportQonnx.cpp - QONNX custom ops (Brevitas, FINN exports) --------===//
#include "compiler/Frontend/Importers.h"
#include "compiler/IR/OpViews.h"

namespace xnorc {

/// BipolarQuant(X, scale) = (X >= 0 ? +1 : -1) * scale. That is sign with
/// sign(0) = +1 whatever --sign-zero says: QONNX defines 0 -> +1.
llvm::Error importBipolarQuant(ImportContext &Ctx) {
  auto X = Ctx.input(0), Scale = Ctx.input(1);
  if (!X)
    return X.takeError();
  if (!Scale)
    return Scale.takeError();
  bool UnitScale = (*Scale)->isConstant() && (*Scale)->type().numElements() == 1 &&
                   (*Scale)->constant().getAsDouble(0) == 1.0;
  Attributes A;
  SignOp::set_zero(A, 1.0);
  auto S = Ctx.emit(OpKind::Sign, {*X}, A, UnitScale ? 0 : -1);
  if (!S || UnitScale)
    return S.takeError();
  return Ctx.emit(OpKind::Mul, {*S, *Scale}, {}).takeError();
}

} // namespace xnorc
