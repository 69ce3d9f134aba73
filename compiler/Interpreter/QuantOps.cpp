//===- QuantOps.cpp - Reference semantics of the 8-bit integer ops --------===//
//
// ONNX's linear quantization as ONNX Runtime computes it (docs/XnorMath.md):
//   quantize:    q = clamp(round(x / scale) + zero_point, lo, hi), round half to even
//                unless `rounding` names another of QONNX's modes, [lo, hi] the type's
//                range unless narrowed (a QONNX Quant of fewer bits or narrow range)
//   dequantize:  x = float(q - zero_point) * scale
//   qconv/qgemm: acc = sum (x - x_zp)(w - w_zp) + bias (exact integers), then
//                y = saturate(round_half_even(float(acc) * M) + y_zp) with the
//                multiplier M = x_scale * w_scale / y_scale rounded to float
//                after each operation, left to right; an i32 result (ConvInteger,
//                MatMulInteger: scales 1, zero point 0) is acc itself.
//
//===----------------------------------------------------------------------===//
#include "compiler/Interpreter/QuantOps.h"

#include "compiler/IR/OpViews.h"
#include "compiler/Support/Error.h"

#include <algorithm>
#include <cmath>

namespace xnorc {

namespace {

/// The value of a scale or zero point for channel C: per tensor, or per channel.
double paramAt(const Tensor &T, int64_t C) { return T.getAsDouble(T.size() == 1 ? 0 : C); }

/// round_half_even(V) + Zp saturated to the range of type E.
int64_t saturateRound(float V, int64_t Zp, ElemType E) {
  double R = std::nearbyint(static_cast<double>(V)) + static_cast<double>(Zp);
  if (std::isnan(R))
    return integerTypeMin(E);
  return static_cast<int64_t>(std::clamp(R, static_cast<double>(integerTypeMin(E)),
                                         static_cast<double>(integerTypeMax(E))));
}

/// V rounded to an integer as QONNX's Quant rounding_mode names it (half_even is ONNX's).
double roundAs(double V, const std::string &Mode) {
  if (Mode == "ceil")
    return std::ceil(V);
  if (Mode == "floor")
    return std::floor(V);
  if (Mode == "up") // away from zero
    return V < 0 ? std::floor(V) : std::ceil(V);
  if (Mode == "down") // toward zero
    return std::trunc(V);
  double Floor = std::floor(V), Frac = V - Floor;
  if (Frac != 0.5)
    return std::nearbyint(V);
  // A tie: away from zero, toward zero, or to the even neighbour.
  if (Mode == "half_up")
    return V < 0 ? Floor : Floor + 1;
  if (Mode == "half_down")
    return V < 0 ? Floor + 1 : Floor;
  return std::fmod(Floor, 2.0) == 0 ? Floor : Floor + 1;
}

/// The channel of element I along Axis, for a per-channel Scale (else 0).
int64_t channelOf(const Shape &Dims, const Tensor &Scale, int64_t Axis, int64_t I) {
  if (Scale.size() == 1)
    return 0;
  int64_t Inner = numElements(Shape(Dims.begin() + Axis + 1, Dims.end()));
  return I / Inner % Dims[Axis];
}

} // namespace

double quantizeValue(float V, int64_t Zp, int64_t Lo, int64_t Hi, const std::string &Mode) {
  double R = roundAs(static_cast<double>(V), Mode) + static_cast<double>(Zp);
  if (std::isnan(R))
    return static_cast<double>(Lo);
  return std::clamp(R, static_cast<double>(Lo), static_cast<double>(Hi));
}

namespace {

/// quantize of one element, V = x / scale, in the op's rounding and range.
double quantizeOne(const QuantizeOp &Q, float V, int64_t Zp) {
  auto [Lo, Hi] = quantizeBounds(Q);
  return quantizeValue(V, Zp, Lo, Hi, Q.rounding());
}

Tensor evalQuantLinear(const Op &O, const std::vector<const Tensor *> &In) {
  QLinearOp Q(O);
  const Tensor &X = *In[QLinearOp::xIndex], &S = *In[QLinearOp::scaleIndex],
               &Z = *In[QLinearOp::zero_pointIndex];
  Tensor Y(O.result()->type());
  for (int64_t I = 0; I < X.size(); ++I) {
    int64_t C = channelOf(X.dims(), S, Q.axis(), I);
    float Scale = static_cast<float>(paramAt(S, C));
    int64_t Zp = static_cast<int64_t>(paramAt(Z, C));
    if (O.kind() == OpKind::Quantize)
      Y.setFromDouble(I,
                      quantizeOne(QuantizeOp(O), static_cast<float>(X.getAsDouble(I)) / Scale, Zp));
    else
      Y.data<float>()[I] = static_cast<float>(X.getAsInt(I) - Zp) * Scale;
  }
  return Y;
}

/// Requantizes accumulator Acc of output channel M of a qconv/qgemm.
int64_t requantize(const QLayerOp &L, const std::vector<const Tensor *> &In, int64_t M, int64_t Acc,
                   ElemType YElem) {
  using Q = QLayerOp;
  // An i32 result is the accumulator (ConvInteger, MatMulInteger): every scale is 1.
  if (YElem == ElemType::I32)
    return Acc;
  float Mult = static_cast<float>(paramAt(*In[Q::x_scaleIndex], 0)) *
               static_cast<float>(paramAt(*In[Q::w_scaleIndex], M));
  Mult = Mult / static_cast<float>(paramAt(*In[Q::y_scaleIndex], 0));
  int64_t Zp = static_cast<int64_t>(paramAt(*In[Q::y_zero_pointIndex], 0));
  int64_t Y = saturateRound(static_cast<float>(Acc) * Mult, Zp, YElem);
  // relu before quantization: real 0 quantizes to the zero point.
  return L.relu() ? std::max(Y, Zp) : Y;
}

int64_t biasOf(const std::vector<const Tensor *> &In, int64_t M) {
  return In.size() > QLayerOp::biasIndex ? In[QLayerOp::biasIndex]->getAsInt(M) : 0;
}

Tensor evalQConv(const Op &O, const std::vector<const Tensor *> &In) {
  using Q = QLayerOp;
  QConvOp C(O);
  const Tensor &X = *In[Q::xIndex], &W = *In[Q::wIndex];
  const Shape &XD = X.dims(), &WD = W.dims();
  Tensor Y(O.result()->type());
  const Shape &YD = Y.dims();
  size_t NSp = XD.size() - 2;
  auto Strides = C.strides(), Dil = C.dilations(), Pads = C.pads();
  int64_t G = C.group(), Cg = XD[1] / G, Mg = WD[0] / G;
  int64_t XZp = static_cast<int64_t>(paramAt(*In[Q::x_zero_pointIndex], 0));
  Shape Kernel(WD.begin() + 2, WD.end()), OutSp(YD.begin() + 2, YD.end());
  int64_t Taps = numElements(Kernel), Pixels = numElements(OutSp);
  std::vector<int64_t> OutCoord(NSp), TapCoord(NSp);
  auto Unflatten = [](int64_t I, const Shape &D, std::vector<int64_t> &Out) {
    for (size_t K = D.size(); K-- > 0;) {
      Out[K] = I % D[K];
      I /= D[K];
    }
  };
  for (int64_t N = 0; N < YD[0]; ++N)
    for (int64_t M = 0; M < YD[1]; ++M) {
      int64_t WZp = static_cast<int64_t>(paramAt(*In[Q::w_zero_pointIndex], M));
      for (int64_t P = 0; P < Pixels; ++P) {
        Unflatten(P, OutSp, OutCoord);
        int64_t Acc = biasOf(In, M);
        for (int64_t Ch = 0; Ch < Cg; ++Ch)
          for (int64_t T = 0; T < Taps; ++T) {
            Unflatten(T, Kernel, TapCoord);
            int64_t XIndex = N * XD[1] + (M / Mg) * Cg + Ch;
            bool Inside = true;
            for (size_t D = 0; D < NSp; ++D) {
              int64_t Pos = OutCoord[D] * Strides[D] - Pads[D] + TapCoord[D] * Dil[D];
              Inside &= Pos >= 0 && Pos < XD[D + 2];
              XIndex = XIndex * XD[D + 2] + Pos;
            }
            if (!Inside) // a padded tap holds x's zero point: it adds 0
              continue;
            int64_t WIndex = (M * Cg + Ch) * Taps + T;
            Acc += (X.getAsInt(XIndex) - XZp) * (W.getAsInt(WIndex) - WZp);
          }
        Y.setFromDouble((N * YD[1] + M) * Pixels + P,
                        static_cast<double>(requantize(C.as<QLayerOp>(), In, M, Acc, Y.elem())));
      }
    }
  return Y;
}

Tensor evalQGemm(const Op &O, const std::vector<const Tensor *> &In) {
  using Q = QLayerOp;
  QGemmOp G(O);
  const Tensor &X = *In[Q::xIndex], &W = *In[Q::wIndex];
  Tensor Y(O.result()->type());
  int64_t Rows = Y.dims()[0], Cols = Y.dims()[1], K = X.dims()[1];
  int64_t XZp = static_cast<int64_t>(paramAt(*In[Q::x_zero_pointIndex], 0));
  for (int64_t R = 0; R < Rows; ++R)
    for (int64_t Col = 0; Col < Cols; ++Col) {
      int64_t WZp = static_cast<int64_t>(paramAt(*In[Q::w_zero_pointIndex], Col));
      int64_t Acc = biasOf(In, Col);
      for (int64_t I = 0; I < K; ++I) {
        int64_t WIndex = G.transB() ? Col * K + I : I * Cols + Col;
        Acc += (X.getAsInt(R * K + I) - XZp) * (W.getAsInt(WIndex) - WZp);
      }
      Y.setFromDouble(R * Cols + Col,
                      static_cast<double>(requantize(G.as<QLayerOp>(), In, Col, Acc, Y.elem())));
    }
  return Y;
}

} // namespace

llvm::Expected<Tensor> evaluateQuantOp(const Op &O, const std::vector<const Tensor *> &In) {
  switch (O.kind()) {
  case OpKind::Quantize:
  case OpKind::Dequantize:
    return evalQuantLinear(O, In);
  case OpKind::QConv:
    return evalQConv(O, In);
  case OpKind::QGemm:
    return evalQGemm(O, In);
  default:
    break;
  }
  return makeError("{}: not an 8-bit integer op", O.describe());
}

} // namespace xnorc
