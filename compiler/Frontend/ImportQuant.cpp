//===- ImportQuant.cpp - ONNX's 8-bit quantization ops --------------------===//
//
// QuantizeLinear / DequantizeLinear become quantize / dequantize, QLinearConv
// and QLinearMatMul become qconv / qgemm, ConvInteger and MatMulInteger qconv /
// qgemm with an int32 result (docs/IR.md, "8-bit integer ops").
// INT8/UINT8 tensors keep their type on import; INT32 ones (biases, int32
// DequantizeLinear inputs) arrive as i64 and are narrowed here.
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/Importers.h"
#include "compiler/IR/OpViews.h"

#include <tuple>

namespace xnorc {

namespace {

/// V as i32: an i64 constant (an ONNX INT32 tensor, widened on import) is
/// narrowed, with its values range-checked; other values are returned as they are.
llvm::Expected<Value *> narrowInt32(ImportContext &Ctx, Value *V, const char *Role) {
  if (!V->isConstant() || V->type().Elem != ElemType::I64)
    return V;
  const Tensor &C = V->constant();
  Tensor T(TensorType{ElemType::I32, C.dims()});
  for (int64_t I = 0; I < C.size(); ++I) {
    int64_t X = C.getAsInt(I);
    if (X < INT32_MIN || X > INT32_MAX)
      return Ctx.error(fmt::format("{} value {} does not fit int32", Role, X));
    T.data<int32_t>()[I] = static_cast<int32_t>(X);
  }
  return Ctx.constant(std::move(T), V->name());
}

/// Input I, narrowed to i32 if it is a constant INT32 tensor.
llvm::Expected<Value *> quantInput(ImportContext &Ctx, int I, const char *Role) {
  auto V = Ctx.input(I);
  if (!V)
    return V.takeError();
  return narrowInt32(Ctx, *V, Role);
}

/// The zero point at input I, or (absent: ONNX's default) zeros of type Elem
/// with the scale's shape.
llvm::Expected<Value *> zeroPoint(ImportContext &Ctx, int I, ElemType Elem, const Value &Scale) {
  if (Ctx.hasInput(I))
    return quantInput(Ctx, I, "zero point");
  Tensor Zero(TensorType{Elem, Scale.type().Dims});
  return Ctx.constant(std::move(Zero), "zero_point");
}

/// Inputs [0, N) of a node whose operands are listed in the IR op's order.
llvm::Expected<std::vector<Value *>> quantInputs(ImportContext &Ctx, int N) {
  std::vector<Value *> Ops;
  for (int I = 0; I < N; ++I) {
    auto V = quantInput(Ctx, I, "input");
    if (!V)
      return V.takeError();
    Ops.push_back(*V);
  }
  return Ops;
}

llvm::Error importQuantLinear(ImportContext &Ctx, OpKind Kind) {
  auto X = quantInput(Ctx, 0, "input");
  if (!X)
    return X.takeError();
  auto Scale = Ctx.input(1);
  if (!Scale)
    return Scale.takeError();
  ElemType ZeroElem = Kind == OpKind::Quantize ? ElemType::U8 : (*X)->type().Elem;
  auto Zp = zeroPoint(Ctx, 2, ZeroElem, **Scale);
  if (!Zp)
    return Zp.takeError();
  Attributes A;
  // The axis matters for a per-channel scale only (one of rank 1 and more than one value).
  if ((*Scale)->type().numElements() != 1) {
    auto Axis = Ctx.normalizeAxis(Ctx.attrInt("axis", 1), (*X)->type().rank());
    if (!Axis)
      return Axis.takeError();
    QLinearOp::set_axis(A, *Axis);
  }
  return Ctx.emit(Kind, {*X, *Scale, *Zp}, A).takeError();
}

/// Fails unless operand V of a matrix product is 2-D (as qgemm needs).
llvm::Error expect2D(ImportContext &Ctx, const Value &V, const char *OpType) {
  if (V.type().rank() == 2)
    return llvm::Error::success();
  return Ctx.error(fmt::format("operand of shape {}: only 2-D {} is supported (batched is "
                               "unsupported)",
                               shapeToString(V.type().Dims), OpType));
}

/// Ones of shape Dims: the unit scales of an integer op's operands.
Value *unitScale(ImportContext &Ctx, const Shape &Dims) {
  Tensor T(TensorType{ElemType::F32, Dims});
  for (int64_t I = 0; I < T.size(); ++I)
    T.data<float>()[I] = 1.0F;
  return Ctx.constant(std::move(T), "unit_scale");
}

/// ConvInteger / MatMulInteger (x, w[, x_zp, w_zp]) as qconv / qgemm operands: unit scales
/// (each of its zero point's shape) and an i32 zero point for y, which makes the result the
/// int32 accumulator (docs/IR.md).
llvm::Expected<std::vector<Value *>> integerOperands(ImportContext &Ctx) {
  auto X = quantInput(Ctx, 0, "input");
  if (!X)
    return X.takeError();
  auto W = quantInput(Ctx, 1, "input");
  if (!W)
    return W.takeError();
  std::vector<Value *> Ops(QLayerOp::NumOperandRoles - 1);
  Ops[QLayerOp::xIndex] = *X;
  Ops[QLayerOp::wIndex] = *W;
  const Shape Scalar;
  Value *One = unitScale(Ctx, Scalar);
  for (auto [In, Q, Zp, Scale] :
       {std::tuple{2, *X, QLayerOp::x_zero_pointIndex, QLayerOp::x_scaleIndex},
        std::tuple{3, *W, QLayerOp::w_zero_pointIndex, QLayerOp::w_scaleIndex}}) {
    auto Z = zeroPoint(Ctx, In, Q->type().Elem, *One);
    if (!Z)
      return Z.takeError();
    Ops[Zp] = *Z;
    Ops[Scale] = unitScale(Ctx, (*Z)->type().Dims);
  }
  Ops[QLayerOp::y_scaleIndex] = One;
  Ops[QLayerOp::y_zero_pointIndex] =
      Ctx.constant(Tensor(TensorType{ElemType::I32, Scalar}), "zero");
  return Ops;
}

} // namespace

llvm::Error importQuantizeLinear(ImportContext &Ctx) {
  return importQuantLinear(Ctx, OpKind::Quantize);
}

llvm::Error importDequantizeLinear(ImportContext &Ctx) {
  return importQuantLinear(Ctx, OpKind::Dequantize);
}

// QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp[, B]): qconv's operand order.
llvm::Error importQLinearConv(ImportContext &Ctx) {
  auto Ops = quantInputs(Ctx, 8);
  if (!Ops)
    return Ops.takeError();
  if (Ctx.hasInput(8)) {
    auto B = quantInput(Ctx, 8, "bias");
    if (!B)
      return B.takeError();
    Ops->push_back(*B);
  }
  auto A = convAttrs(Ctx, *(*Ops)[QConvOp::xIndex], *(*Ops)[QConvOp::wIndex]);
  if (!A)
    return A.takeError();
  return Ctx.emit(OpKind::QConv, *Ops, *A).takeError();
}

// QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp): qgemm's operand order.
llvm::Error importQLinearMatMul(ImportContext &Ctx) {
  auto Ops = quantInputs(Ctx, 8);
  if (!Ops)
    return Ops.takeError();
  for (unsigned I : {QGemmOp::xIndex, QGemmOp::wIndex})
    if (auto E = expect2D(Ctx, *(*Ops)[I], "QLinearMatMul"))
      return E;
  return Ctx.emit(OpKind::QGemm, *Ops, {}).takeError();
}

// ConvInteger(x, w[, x_zero_point, w_zero_point]): qconv's unrequantized int32 accumulator.
llvm::Error importConvInteger(ImportContext &Ctx) {
  auto Ops = integerOperands(Ctx);
  if (!Ops)
    return Ops.takeError();
  auto A = convAttrs(Ctx, *(*Ops)[QConvOp::xIndex], *(*Ops)[QConvOp::wIndex]);
  if (!A)
    return A.takeError();
  return Ctx.emit(OpKind::QConv, *Ops, *A).takeError();
}

// MatMulInteger(a, b[, a_zero_point, b_zero_point]): qgemm's int32 accumulator, 2-D.
llvm::Error importMatMulInteger(ImportContext &Ctx) {
  auto Ops = integerOperands(Ctx);
  if (!Ops)
    return Ops.takeError();
  for (unsigned I : {QGemmOp::xIndex, QGemmOp::wIndex})
    if (auto E = expect2D(Ctx, *(*Ops)[I], "MatMulInteger"))
      return E;
  return Ctx.emit(OpKind::QGemm, *Ops, {}).takeError();
}

} // namespace xnorc
