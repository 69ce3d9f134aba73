//===- ImportQonnxQuant.cpp - QONNX's integer Quant (Brevitas, FINN) -----===//
//
// Quant(x, scale, zeropt, bitwidth) fake-quantizes x to a bit width of at most 8:
//   y = (clamp(round(x / scale + zeropt), min, max) - zeropt) * scale
// with [min, max] the bit width's range (signed, narrow) and round QONNX's
// rounding_mode. With constant parameters and a zero zeropt that is
// quantize (clamped to [min, max], the mode's rounding) then dequantize, in i8
// (signed) or u8: the quantize-layers pass then sees the same DQ -> conv -> Q
// chains as in ONNX's QDQ models, and a Quant of constant weights folds.
// docs/XnorMath.md, "QONNX Quant".
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/Importers.h"
#include "compiler/IR/OpViews.h"

#include <cctype>
#include <cmath>

namespace xnorc {

namespace {

/// QONNX's rounding_mode (any case) as quantize's rounding, or "" if unknown.
std::string roundingOf(std::string Mode) {
  for (char &C : Mode)
    C = static_cast<char>(std::tolower(static_cast<unsigned char>(C)));
  if (Mode == "round" || Mode == "half_even")
    return "half_even";
  if (Mode == "round_to_zero")
    return "down";
  for (const char *Known : {"ceil", "floor", "up", "down", "half_up", "half_down"})
    if (Mode == Known)
      return Mode;
  return "";
}

/// The axis of X a broadcast scale S varies along (right-aligned), or -1 for one value.
llvm::Expected<int64_t> scaleAxis(ImportContext &Ctx, const Shape &X, const Shape &S) {
  if (numElements(S) == 1)
    return -1;
  int64_t Axis = -1;
  for (size_t I = 0; I < S.size(); ++I) {
    if (S[I] == 1)
      continue;
    int64_t XAxis =
        static_cast<int64_t>(X.size()) - static_cast<int64_t>(S.size()) + static_cast<int64_t>(I);
    if (Axis >= 0 || XAxis < 0 || S[I] != X[XAxis])
      return Ctx.error("scale of shape " + shapeToString(S) + " for input of shape " +
                       shapeToString(X) + ": only one value or one per channel is supported");
    Axis = XAxis;
  }
  return Axis;
}

} // namespace

llvm::Error importQonnxQuant(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  auto Scale = Ctx.constantInput(1);
  if (!Scale)
    return Scale.takeError();
  auto Zero = Ctx.constantInput(2);
  if (!Zero)
    return Zero.takeError();
  auto Bits = Ctx.constantInput(3);
  if (!Bits)
    return Bits.takeError();
  if ((*Bits)->size() != 1)
    return Ctx.error("bitwidth must be one value");
  double B = (*Bits)->getAsDouble(0);
  if (!(B >= 2 && B <= 8) || B != static_cast<int64_t>(B))
    return Ctx.error(fmt::format("bitwidth {} is unsupported: only integers 2 to 8 are (1 bit "
                                 "is BipolarQuant)",
                                 B));
  for (int64_t I = 0; I < (*Zero)->size(); ++I)
    if ((*Zero)->getAsDouble(I) != 0)
      return Ctx.error("a non-zero zero point is unsupported");
  for (int64_t I = 0; I < (*Scale)->size(); ++I)
    if (!((*Scale)->getAsDouble(I) > 0) || !std::isfinite((*Scale)->getAsDouble(I)))
      return Ctx.error("scale must be positive and finite");
  std::string Mode = roundingOf(Ctx.attrString("rounding_mode", "ROUND"));
  if (Mode.empty())
    return Ctx.error("unknown rounding_mode '" + Ctx.attrString("rounding_mode") + "'");

  const bool Signed = Ctx.attrInt("signed", 1) != 0, Narrow = Ctx.attrInt("narrow", 0) != 0;
  const int64_t Levels = int64_t(1) << static_cast<int>(B);
  const int64_t Lo = Signed ? -Levels / 2 + (Narrow ? 1 : 0) : 0;
  const int64_t Hi = Signed ? Levels / 2 - 1 : Levels - 1 - (Narrow ? 1 : 0);

  auto Axis = scaleAxis(Ctx, (*X)->type().Dims, (*Scale)->dims());
  if (!Axis)
    return Axis.takeError();
  const int64_t C = (*Scale)->size();
  Tensor S(TensorType{ElemType::F32, *Axis < 0 ? Shape{} : Shape{C}});
  for (int64_t I = 0; I < C; ++I)
    S.data<float>()[I] = static_cast<float>((*Scale)->getAsDouble(I));
  Value *SV = Ctx.constant(std::move(S), "scale");
  Value *Zp = Ctx.constant(
      Tensor(TensorType{Signed ? ElemType::I8 : ElemType::U8, SV->type().Dims}), "zero_point");
  Attributes A;
  if (*Axis >= 0)
    QLinearOp::set_axis(A, *Axis);
  QuantizeOp::set_lo(A, Lo);
  QuantizeOp::set_hi(A, Hi);
  if (Mode != "half_even") // the default
    QuantizeOp::set_rounding(A, Mode);
  auto Q = Ctx.emit(OpKind::Quantize, {*X, SV, Zp}, A, -1);
  if (!Q)
    return Q.takeError();
  Attributes DA;
  if (*Axis >= 0)
    QLinearOp::set_axis(DA, *Axis);
  return Ctx.emit(OpKind::Dequantize, {*Q, SV, Zp}, DA).takeError();
}

} // namespace xnorc
