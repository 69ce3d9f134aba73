//===- QuantizeLayers.cpp - QDQ conv/gemm chains -> 8-bit integer layers --===//
//
// A quantized (QDQ) model says "this layer is 8-bit" as
//   quantize(act(layer(dequantize(x_q), dequantize(w_q)[, dequantize(b_i32)])))
// with layer a conv, gemm or matmul and act an optional relu. Every such chain
// becomes one qconv / qgemm that accumulates the integers and requantizes
// (docs/XnorMath.md, "8-bit layers"), which is what ONNX Runtime runs for it.
// The rewrite is exact where the chain's float arithmetic would only be close:
// it is the integer definition ONNX Runtime itself uses for a QDQ layer.
//
// A layer fed by a dequantize that cannot become integer stays float, and the
// report says why, per layer.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

namespace xnorc {

namespace {

/// The dequantize that defines V, or null.
const Op *dequantizeOf(const Value *V) {
  const Op *D = V ? V->definingOp() : nullptr;
  return D && D->kind() == OpKind::Dequantize ? D : nullptr;
}

bool perTensor(const Value *Scale) { return Scale->type().numElements() == 1; }

/// What the rewrite needs of one layer: its quantized operands, or why not.
struct Chain {
  const Op *X = nullptr, *W = nullptr, *Bias = nullptr; ///< dequantizes
  Op *Relu = nullptr, *Q = nullptr;
  bool TransB = false;
  std::string WhyNot;
};

/// The layer's input, weight and bias roles (conv x/w/bias, gemm a/b/c, matmul a/b).
struct Roles {
  Value *X, *W, *Bias;
};
Roles rolesOf(const Op &L) {
  if (auto C = dyn_cast<ConvOp>(L))
    return {C->x(), C->w(), C->bias()};
  if (auto G = dyn_cast<GemmOp>(L))
    return {G->a(), G->b(), G->c()};
  MatMulOp M(L);
  return {M.a(), M.b(), nullptr};
}

/// The weight channel axis a per-channel weight scale must run along.
int64_t weightAxis(const Op &L, bool TransB) { return L.kind() == OpKind::Conv || TransB ? 0 : 1; }

/// The single reader of V if it is one of Kinds, else null.
Op *soleReader(const Graph &G, const Value *V, std::initializer_list<OpKind> Kinds) {
  auto Users = G.users(V);
  if (Users.size() != 1 || G.isGraphOutput(V))
    return nullptr;
  for (OpKind K : Kinds)
    if (Users[0]->kind() == K)
      return Users[0];
  return nullptr;
}

/// Scale S equals x_scale * w_scale per channel, in float as the bias was made.
bool isProductScale(const Tensor &S, const Tensor &XS, const Tensor &WS) {
  int64_t M = std::max(S.size(), WS.size());
  for (int64_t I = 0; I < M; ++I) {
    float Want = XS.data<float>()[0] * WS.data<float>()[WS.size() == 1 ? 0 : I];
    if (S.data<float>()[S.size() == 1 ? 0 : I] != Want)
      return false;
  }
  return true;
}

Chain match(const Graph &G, Op &L) {
  Chain C;
  Roles R = rolesOf(L);
  C.X = dequantizeOf(R.X);
  C.W = dequantizeOf(R.W);
  C.Bias = dequantizeOf(R.Bias);
  auto Fail = [&](std::string Why) {
    C.WhyNot = std::move(Why);
    return C;
  };
  if (auto Gm = dyn_cast<GemmOp>(L)) {
    C.TransB = Gm->transB();
    if (Gm->alpha() != 1.0 || Gm->beta() != 1.0 || Gm->transA())
      return Fail("gemm with alpha, beta or transA other than 1, 1, 0");
  }
  if (auto Cv = dyn_cast<ConvOp>(L); Cv && !Cv->activation().empty())
    return Fail("it applies a fused activation");
  if (!C.X)
    return Fail("its input is not dequantized");
  if (!C.W || !QLinearOp(*C.W).x()->isConstant())
    return Fail("its weights are not dequantized constants");
  QLinearOp X(*C.X), W(*C.W);
  if (X.x()->type().Elem == ElemType::I32 || W.x()->type().Elem == ElemType::I32)
    return Fail("its input or weights are 32-bit");
  if (!perTensor(X.scale()))
    return Fail("its input is quantized per channel");
  if (!X.scale()->isConstant() || !W.scale()->isConstant())
    return Fail("a scale is computed at run time");
  if (!perTensor(W.scale()) && W.axis() != weightAxis(L, C.TransB))
    return Fail("its weights are quantized along another axis than the output channels");
  if (L.kind() == OpKind::MatMul && (R.X->type().rank() != 2 || R.W->type().rank() != 2))
    return Fail("a batched matmul");
  if (R.Bias) {
    if (!C.Bias || !QLinearOp(*C.Bias).x()->isConstant() ||
        QLinearOp(*C.Bias).x()->type().Elem != ElemType::I32)
      return Fail("its bias is not a dequantized int32 constant");
    QLinearOp B(*C.Bias);
    const Tensor &Zp = B.zero_point()->constant();
    bool ZeroZp = true;
    for (int64_t I = 0; I < Zp.size(); ++I)
      ZeroZp &= Zp.getAsInt(I) == 0;
    if (!ZeroZp || !B.scale()->isConstant() ||
        !isProductScale(B.scale()->constant(), X.scale()->constant(), W.scale()->constant()))
      return Fail("its bias is not quantized with zero point 0 and scale x_scale * w_scale");
    if (R.Bias->type().rank() != 1)
      return Fail("its bias is not a vector");
  }
  C.Relu = soleReader(G, L.result(), {OpKind::Relu});
  const Value *Out = C.Relu ? C.Relu->result() : L.result();
  C.Q = soleReader(G, Out, {OpKind::Quantize});
  if (!C.Q)
    return Fail("its result is not quantized (it is read by another op or is a graph output)");
  QLinearOp Q(*C.Q);
  if (!perTensor(Q.scale()) || !Q.scale()->isConstant())
    return Fail("its output is quantized per channel or with a run-time scale");
  // qconv / qgemm requantize over the whole type, half to even (ONNX's QuantizeLinear).
  QuantizeOp QO(*C.Q);
  auto [Lo, Hi] = quantizeBounds(QO);
  ElemType YE = Q.zero_point()->type().Elem;
  if (Lo != integerTypeMin(YE) || Hi != integerTypeMax(YE) ||
      !(QO.rounding().empty() || QO.rounding() == "half_even"))
    return Fail("its output is quantized to a narrower range or rounded otherwise than half to "
                "even (a QONNX Quant)");
  return C;
}

class QuantizeLayersPass : public Pass {
public:
  const char *name() const override { return "quantize-layers"; }
  llvm::Error run(Graph &G) override {
    struct LayerRemark {
      Remark::Kind K;
      std::string Layer, Outcome;
    };
    std::vector<LayerRemark> Report;
    int Integer = 0;
    // The layers first: a rewrite erases the relu and quantize after its layer.
    std::vector<Op *> Layers;
    for (Op *L : G.ops())
      if (L->kind() == OpKind::Conv || L->kind() == OpKind::Gemm || L->kind() == OpKind::MatMul)
        Layers.push_back(L);
    for (Op *L : Layers) {
      Roles R = rolesOf(*L);
      // Layers outside any QDQ region are not this pass's business.
      if (!dequantizeOf(R.X) && !dequantizeOf(R.W))
        continue;
      std::string Layer = L->describe();
      Chain C = match(G, *L);
      if (!C.WhyNot.empty()) {
        Report.push_back({Remark::Kind::Missed, Layer, "float: " + C.WhyNot});
        continue;
      }
      QLinearOp X(*C.X), W(*C.W), Q(*C.Q);
      std::vector<Value *> Ops(QLayerOp::NumOperandRoles - (C.Bias ? 0 : 1));
      Ops[QLayerOp::xIndex] = X.x();
      Ops[QLayerOp::x_scaleIndex] = X.scale();
      Ops[QLayerOp::x_zero_pointIndex] = X.zero_point();
      Ops[QLayerOp::wIndex] = W.x();
      Ops[QLayerOp::w_scaleIndex] = W.scale();
      Ops[QLayerOp::w_zero_pointIndex] = W.zero_point();
      Ops[QLayerOp::y_scaleIndex] = Q.scale();
      Ops[QLayerOp::y_zero_pointIndex] = Q.zero_point();
      if (C.Bias)
        Ops[QLayerOp::biasIndex] = QLinearOp(*C.Bias).x();
      Attributes A;
      OpKind K = OpKind::QGemm;
      if (auto Cv = dyn_cast<ConvOp>(*L)) {
        A = Cv->as<GroupedConvOp>().declaredAttrs();
        K = OpKind::QConv;
      } else if (C.TransB) {
        QGemmOp::set_transB(A, 1);
      }
      if (C.Relu)
        QLayerOp::set_relu(A, 1);
      Op *New = G.insertOpBefore(C.Q, K, L->name(), Ops, A, G.uniqueName(L->result()->name()),
                                 C.Q->result()->type());
      Report.push_back({Remark::Kind::Applied, Layer,
                        fmt::format("8-bit: {}{}", New->mnemonic(), C.Relu ? " + relu" : "")});
      ++Integer;
      G.replaceOp(C.Q, New->result());
      std::vector<Op *> Dead;
      if (C.Relu)
        Dead.push_back(C.Relu);
      Dead.push_back(L);
      G.eraseOps(Dead);
    }
    if (Report.empty())
      return llvm::Error::success();
    std::string Summary = fmt::format("quantization: {} of {} conv/dense layers in QDQ form "
                                      "8-bit, {} float",
                                      Integer, Report.size(), Report.size() - Integer);
    remark(Remark::Kind::Analysis, "", Summary,
           {{"layers", std::to_string(Report.size())}, {"integer", std::to_string(Integer)}},
           Summary);
    for (const LayerRemark &R : Report)
      remark(R.K, R.Layer, R.Outcome, {{"layer", R.Layer}}, "  " + R.Layer + ": " + R.Outcome);
    return llvm::Error::success();
  }
};

} // namespace

std::unique_ptr<Pass> createQuantizeLayersPass() { return std::make_unique<QuantizeLayersPass>(); }

} // namespace xnorc
