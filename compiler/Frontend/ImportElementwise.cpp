//===- ImportElementwise.cpp - Unary activations and broadcasting binaries ===//
#include "compiler/Frontend/Importers.h"

#include "compiler/IR/OpViews.h"

#include <cmath>
#include <limits>
#include <tuple>

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

/// Variadic Max/Min (opset 8+ broadcast) as a chain of binary ops.
llvm::Error importVariadic(ImportContext &Ctx, OpKind Kind) {
  auto Acc = Ctx.input(0);
  if (!Acc)
    return Acc.takeError();
  if (Ctx.node().input_size() == 1) {
    Ctx.bindOutput(0, *Acc);
    return llvm::Error::success();
  }
  for (int I = 1; I < Ctx.node().input_size(); ++I) {
    auto Next = Ctx.input(I);
    if (!Next)
      return Next.takeError();
    // Only the last link of the chain defines the node's output.
    Acc = Ctx.emit(Kind, {*Acc, *Next}, {}, I + 1 == Ctx.node().input_size() ? 0 : -1);
    if (!Acc)
      return Acc.takeError();
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error importRelu(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Relu); }
llvm::Error importSigmoid(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Sigmoid); }
llvm::Error importTanh(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Tanh); }
llvm::Error importSign(ImportContext &Ctx) {
  Attributes A;
  if (Ctx.options().SignZeroIsOne) {
    SignOp::set_zero(A, 1.0);
    Ctx.noteOnce("Sign(0) is taken as +1, the convention of binary networks (Larq, LCE, "
                 "QONNX); --sign-zero=zero keeps ONNX's Sign(0) = 0");
  }
  return importUnary(Ctx, OpKind::Sign, A);
}
llvm::Error importAbs(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Abs); }
llvm::Error importNeg(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Neg); }
llvm::Error importExp(ImportContext &Ctx) { return importUnary(Ctx, OpKind::Exp); }

llvm::Error importLeakyRelu(ImportContext &Ctx) {
  Attributes A;
  LeakyReluOp::set_alpha(A, static_cast<double>(Ctx.attrFloat("alpha", 0.01f)));
  return importUnary(Ctx, OpKind::LeakyRelu, A);
}

llvm::Error importClip(ImportContext &Ctx) {
  constexpr double Inf = std::numeric_limits<double>::infinity();
  Attributes A;
  ClipOp::set_min(A, -Inf);
  ClipOp::set_max(A, Inf);
  if (Ctx.opset() < 11) {
    ClipOp::set_min(A, static_cast<double>(Ctx.attrFloat("min", -INFINITY)));
    ClipOp::set_max(A, static_cast<double>(Ctx.attrFloat("max", INFINITY)));
    return importUnary(Ctx, OpKind::Clip, A);
  }
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  // Constant bounds become attributes of one clip; bounds computed at run time
  // become max(x, min) then min(., max), which is Clip's definition.
  std::vector<std::pair<OpKind, Value *>> RuntimeBounds;
  for (auto [Input, Name, Kind] : {std::tuple{1, "min", OpKind::Max}, {2, "max", OpKind::Min}}) {
    if (!Ctx.hasInput(Input))
      continue;
    auto B = Ctx.input(Input);
    if (!B)
      return B.takeError();
    if ((*B)->type().numElements() != 1)
      return Ctx.error(std::string(Name) + " must be a scalar");
    if ((*B)->isConstant()) {
      double Bound = (*B)->constant().getAsDouble(0);
      Input == 1 ? ClipOp::set_min(A, Bound) : ClipOp::set_max(A, Bound);
    } else
      RuntimeBounds.push_back({Kind, *B});
  }
  Value *Y = *X;
  std::vector<Value *> ClipOperands{Y};
  ClipOp Bounds(OpKind::Clip, ClipOperands, A);
  if (Bounds.min() != -Inf || Bounds.max() != Inf || RuntimeBounds.empty()) {
    auto C = Ctx.emit(OpKind::Clip, {Y}, A, RuntimeBounds.empty() ? 0 : -1);
    if (!C)
      return C.takeError();
    Y = *C;
  }
  for (size_t I = 0; I < RuntimeBounds.size(); ++I) {
    auto C = Ctx.emit(RuntimeBounds[I].first, {Y, RuntimeBounds[I].second}, {},
                      I + 1 == RuntimeBounds.size() ? 0 : -1);
    if (!C)
      return C.takeError();
    Y = *C;
  }
  return llvm::Error::success();
}

llvm::Error importPRelu(ImportContext &Ctx) { return importBinary(Ctx, OpKind::PRelu); }
llvm::Error importAdd(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Add); }
llvm::Error importSub(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Sub); }
llvm::Error importMul(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Mul); }
llvm::Error importDiv(ImportContext &Ctx) { return importBinary(Ctx, OpKind::Div); }
llvm::Error importMax(ImportContext &Ctx) { return importVariadic(Ctx, OpKind::Max); }
llvm::Error importMin(ImportContext &Ctx) { return importVariadic(Ctx, OpKind::Min); }

} // namespace xnorc
