//===- QuantKernelLowering.cpp - 8-bit integer ops -> kernel calls --------===//
//
// quantize, dequantize, qconv and qgemm call the kernels of generic/qlinear.h,
// which take their quantized operands untyped with the element types in the
// parameters. The interpreter does not run these kernels: it evaluates the ops
// from their definition (compiler/Interpreter/QuantOps.cpp).
//
//===----------------------------------------------------------------------===//
#include "compiler/Lowering/KernelCallBuilder.h"

#include "compiler/Support/Error.h"

namespace xnorc {

namespace {

int32_t qtypeOf(const Value *V) {
  switch (V->type().Elem) {
  case ElemType::I8:
    return XN_QTYPE_I8;
  case ElemType::I32:
    return XN_QTYPE_I32;
  default:
    return XN_QTYPE_U8;
  }
}

bool perChannel(const Value *V) { return V->type().numElements() != 1; }

/// quantize's rounding attribute as the kernels' xn_qround.
int32_t roundingOf(const std::string &Mode) {
  static const std::pair<const char *, int32_t> Modes[] = {
      {"half_even", XN_QROUND_HALF_EVEN}, {"ceil", XN_QROUND_CEIL},
      {"floor", XN_QROUND_FLOOR},         {"up", XN_QROUND_UP},
      {"down", XN_QROUND_DOWN},           {"half_up", XN_QROUND_HALF_UP},
      {"half_down", XN_QROUND_HALF_DOWN}};
  for (auto [Name, Id] : Modes)
    if (Mode == Name)
      return Id;
  return XN_QROUND_HALF_EVEN; // absent (the verifier admits no other name)
}

KernelCall lowerQuantLinear(const Op &O) {
  QLinearOp View(O);
  const Shape &X = dimsOf(O, QLinearOp::xIndex);
  xn_qlinear_params P{};
  // Per tensor: one channel of all elements.
  P.per_channel = perChannel(View.scale());
  int64_t Axis = View.axis();
  P.outer = P.per_channel ? numElements(Shape(X.begin(), X.begin() + Axis)) : 1;
  P.c = P.per_channel ? X[Axis] : 1;
  P.inner = P.per_channel ? numElements(Shape(X.begin() + Axis + 1, X.end())) : numElements(X);
  P.qtype = qtypeOf(View.zero_point());
  if (O.kind() == OpKind::Quantize) {
    QuantizeOp Q(O);
    auto [Lo, Hi] = quantizeBounds(Q);
    P.lo = static_cast<int32_t>(Lo);
    P.hi = static_cast<int32_t>(Hi);
    P.rounding = roundingOf(Q.rounding());
  }
  Args A{KernelArg::operand(QLinearOp::xIndex), KernelArg::operand(QLinearOp::scaleIndex),
         KernelArg::operand(QLinearOp::zero_pointIndex)};
  if (O.kind() == OpKind::Quantize)
    return makeCall<KernelId::Quantize>(
        P, A, [](const xn_qlinear_params *Q, const void *const *In, void *Out) {
          xn_quantize(Q, f32(In[0]), f32(In[1]), In[2], Out);
        });
  return makeCall<KernelId::Dequantize>(
      P, A, [](const xn_qlinear_params *Q, const void *const *In, void *Out) {
        xn_dequantize(Q, In[0], f32(In[1]), In[2], f32Out(Out));
      });
}

/// The fields every qconv/qgemm parameter struct shares (XN_QLAYER_FIELDS).
template <typename Params> void fillQLayer(const Op &O, Params &P) {
  QLayerOp L(O);
  P.x_type = qtypeOf(L.x());
  P.w_type = qtypeOf(L.w());
  P.y_type = qtypeOf(L.y_zero_point());
  P.w_per_channel = perChannel(L.w_scale());
  P.relu = L.relu();
}

Args qLayerArgs(const Op &O) {
  using L = QLayerOp;
  return {KernelArg::operand(L::xIndex),
          KernelArg::operand(L::x_scaleIndex),
          KernelArg::operand(L::x_zero_pointIndex),
          KernelArg::operand(L::wIndex),
          KernelArg::operand(L::w_scaleIndex),
          KernelArg::operand(L::w_zero_pointIndex),
          KernelArg::operand(L::y_scaleIndex),
          KernelArg::operand(L::y_zero_pointIndex),
          optionalOperand(O, L::biasIndex)};
}

KernelCall lowerQConv(const Op &O) {
  xn_qconv_params P{};
  fillConvGeometry(P, O, dimsOf(O, QConvOp::xIndex), dimsOf(O, QConvOp::wIndex),
                   QConvOp(O).group());
  fillQLayer(O, P);
  return makeCall<KernelId::QConv>(
      P, qLayerArgs(O), [](const xn_qconv_params *Q, const void *const *In, void *Out) {
        xn_qconv(Q, In[0], f32(In[1]), In[2], In[3], f32(In[4]), In[5], f32(In[6]), In[7],
                 static_cast<const int32_t *>(In[8]), Out);
      });
}

KernelCall lowerQGemm(const Op &O) {
  QGemmOp G(O);
  const Shape &X = dimsOf(O, QGemmOp::xIndex), &Y = outDims(O);
  xn_qgemm_params P{};
  P.M = Y[0];
  P.N = Y[1];
  P.K = X[1];
  P.trans_b = G.transB();
  fillQLayer(O, P);
  return makeCall<KernelId::QGemm>(
      P, qLayerArgs(O), [](const xn_qgemm_params *Q, const void *const *In, void *Out) {
        xn_qgemm(Q, In[0], f32(In[1]), In[2], In[3], f32(In[4]), In[5], f32(In[6]), In[7],
                 static_cast<const int32_t *>(In[8]), Out);
      });
}

} // namespace

llvm::Expected<KernelCall> lowerQuantOpToKernel(const Op &O) {
  switch (O.kind()) {
  case OpKind::Quantize:
  case OpKind::Dequantize:
    return lowerQuantLinear(O);
  case OpKind::QConv:
    return lowerQConv(O);
  case OpKind::QGemm:
    return lowerQGemm(O);
  default:
    break;
  }
  return makeError("{}: not an 8-bit integer op", O.describe());
}

} // namespace xnorc
