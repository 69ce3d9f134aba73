//===- Binarize.cpp - Turn binary layers into packed-bit ops --------------===//
//
// Recognises, per conv/gemm/matmul layer, what exporters produce for binary
// networks and rewrites it to the b1 ops of the IR:
//   - weights that are ±alpha per output channel (const-fold has already turned
//     Sign(W) * mean|W| and QONNX BipolarQuant(W) * s into such constants), or
//     {-alpha, 0, +alpha} (ternary: TWN/TBN), which become i8 levels and need a
//     binary input (the xnor ops run them as sign and mask bit planes);
//   - an input that is Sign(x) (sign(0) = +1) or BipolarQuant(x): the layer
//     becomes xnor (bconv / bdense) fed by threshold(x); otherwise, with binary
//     weights and a float input, it becomes binary-weight (bwconv / bwdense);
//   - Pad(value = ±1) around the Sign is "one padding" (pad_value = ±1); the
//     conv's own zero padding stays exact zero padding (pad_value = 0);
//   - a max-pool of the Sign (the BinaryNet / FINN CNV order conv -> BN ->
//     Sign -> MaxPool -> conv) runs on the bits: bmax_pool(threshold(x)).
// Every layer gets a line in the report: what it became, or why it stayed float.
//
// The pool on bits is exact because it is the same max over the same values:
// threshold(x) is sign(x) elementwise (bit 1 = -1, sign(0) = +1), and
// bmax_pool takes the max of those ±1 values over the float pool's window,
// skipping padded taps as ONNX's -inf pads never win. It is a max on every
// channel, also where bn-sign-to-threshold later absorbs a BatchNorm with
// gamma < 0 into the threshold (a decreasing threshold, +1 iff y <= tau): that
// changes how each bit is computed, not the ±1 values the pool compares, so a
// min (reorder-pool's min_mask, for a pool *before* the BatchNorm) never
// arises here. Equivalently sign(max y) = max sign(y) for the monotone
// non-decreasing sign. A window of padding only would be -inf in float and
// has no ±1 value; shape inference rejects max-pools that have one.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "compiler/Support/Error.h"
#include "passes/BinaryWeights.h"
#include "passes/Passes.h"

#include <map>
#include <optional>

namespace xnorc {

namespace {

/// Where a binary activation comes from: the float tensor thresholded at 0,
/// plus the padding applied to the ±1 values before the layer.
struct BinarySource {
  Value *Float = nullptr;
  const Op *Pool = nullptr;  ///< a 2-D max-pool of the ±1 values, run on the bits
  std::vector<int64_t> Pads; ///< spatial [top, left, bottom, right], empty if none
  int64_t PadValue = 0;
  const Op *Reshape = nullptr; ///< a reshape between the sign and a dense layer
};

bool isBinarySign(const Op *O) {
  return O && O->kind() == OpKind::Sign && SignOp(*O).zero() == 1.0;
}

/// A conv, gemm or matmul layer's input and weights (x and w, or a and b).
std::pair<Value *, Value *> inputAndWeights(const Op &L) {
  if (auto C = dyn_cast<ConvOp>(L))
    return {C->x(), C->w()};
  if (auto G = dyn_cast<GemmOp>(L))
    return {G->a(), G->b()};
  MatMulOp M(L);
  return {M.a(), M.b()};
}

/// Spatial pads [t, l, b, r] of a rank-4 pad op that pads only H and W.
std::optional<std::vector<int64_t>> spatialPads(const PadOp &Pad) {
  auto P = Pad.pads();
  if (P.size() != 8 || P[0] || P[1] || P[4] || P[5])
    return std::nullopt;
  for (int64_t V : P)
    if (V < 0)
      return std::nullopt;
  return std::vector<int64_t>{P[2], P[3], P[6], P[7]};
}

/// The 2-D max-pool defining V, or null.
const Op *maxPool2D(const Value *V) {
  const Op *D = V->definingOp();
  return isa<MaxPoolOp>(D) && V->type().rank() == 4 ? D : nullptr;
}

std::optional<BinarySource> binarySource(Value *A, std::string &WhyNot) {
  Op *D = A->definingOp();
  if (!D)
    return std::nullopt;
  const Op *Pool = maxPool2D(A);
  const Op *S = Pool ? MaxPoolOp(*Pool).x()->definingOp() : D;
  if (S && S->kind() == OpKind::Sign && !isBinarySign(S)) {
    WhyNot = "its input Sign keeps ONNX's Sign(0) = 0 (--sign-zero=zero): bits cannot hold 0";
    return std::nullopt;
  }
  if (Pool && isBinarySign(S)) // the pool of a Sign: bmax_pool(threshold(x))
    return BinarySource{SignOp(*S).x(), Pool, {}, 0, nullptr};
  if (isBinarySign(D)) {
    BinarySource S{SignOp(*D).x(), nullptr, {}, 0, nullptr};
    // sign(pad(x, v)) pads the ±1 image with sign(v), where sign(0) = +1.
    if (auto P = dyn_cast<PadOp>(SignOp(*D).x()->definingOp()))
      if (auto SP = spatialPads(*P)) {
        S.Float = P->x();
        S.Pads = *SP;
        S.PadValue = P->value() < 0 ? -1 : 1;
      }
    return S;
  }
  // What the binary sign defining V reads, or null.
  auto SignInput = [](Value *V) -> Value * {
    const Op *S = V->definingOp();
    return isBinarySign(S) ? SignOp(*S).x() : nullptr;
  };
  // The pool of a binary sign defining V, or null.
  auto PoolOfSign = [&](Value *V) -> const Op * {
    const Op *P = maxPool2D(V);
    return P && SignInput(MaxPoolOp(*P).x()) ? P : nullptr;
  };
  if (auto P = dyn_cast<PadOp>(D); P && (SignInput(P->x()) || PoolOfSign(P->x()))) {
    double V = P->value();
    auto SP = spatialPads(*P);
    if (!SP || (V != 0 && V != 1 && V != -1)) {
      WhyNot = "its input is padded with a value other than 0 or ±1, or not only spatially";
      return std::nullopt;
    }
    // The pad applies to the pooled image: bmax_pool first, then the layer's padding.
    const Op *PP = PoolOfSign(P->x());
    return BinarySource{PP ? SignInput(MaxPoolOp(*PP).x()) : SignInput(P->x()), PP, *SP,
                        static_cast<int64_t>(V), nullptr};
  }
  if (auto R = dyn_cast<ReshapeOp>(D); R && SignInput(R->x()))
    return BinarySource{SignInput(R->x()), nullptr, {}, 0, D};
  // Bits cannot be reshaped (their words run along channels), so a flattened
  // pool of signs is thresholded after the float pool: its values are ±1 already.
  if (auto R = dyn_cast<ReshapeOp>(D); R && PoolOfSign(R->x()))
    return BinarySource{R->x(), nullptr, {}, 0, D};
  return std::nullopt;
}

class BinarizePass : public Pass {
public:
  const char *name() const override { return "binarize"; }

  llvm::Error run(Graph &G) override {
    const std::string &Mode = options().Binarize;
    if (Mode != "auto" && Mode != "none" && Mode != "weights" && Mode != "all")
      return makeError("unknown --binarize mode '{}' (auto, none, weights, all)", Mode);
    std::vector<Op *> Layers;
    bool AnySign = false;
    for (Op *O : G.ops()) {
      if (O->kind() == OpKind::Conv || O->kind() == OpKind::Gemm || O->kind() == OpKind::MatMul)
        Layers.push_back(O);
      AnySign |= O->kind() == OpKind::Sign;
    }
    struct LayerRemark {
      Remark::Kind K;
      std::string Op, Layer, Outcome;
    };
    std::vector<LayerRemark> Report;
    int Xnor = 0, Bwn = 0;
    for (size_t I = 0; I < Layers.size(); ++I) {
      bool Edge = I == 0 || I + 1 == Layers.size();
      LayerRemark R{Remark::Kind::Missed, Layers[I]->describe(), describe(*Layers[I]), ""};
      int Rewritten = Xnor + Bwn;
      R.Outcome = Mode == "none" ? std::string("float: --binarize=none")
                                 : rewrite(G, Layers[I], Edge, Xnor, Bwn);
      if (Xnor + Bwn > Rewritten)
        R.K = Remark::Kind::Applied;
      Report.push_back(std::move(R));
    }
    // The report (summary and one line per layer) is shown when binarization is
    // in play; the remarks are there either way.
    bool Interesting = AnySign || Xnor || Bwn || Mode != "auto";
    auto ReportLine = [&](std::string Line) { return Interesting ? Line : std::string(); };
    std::string Summary = fmt::format("binarization: {} of {} conv/dense layers xnor (binary "
                                      "weights and inputs), {} binary-weight, {} float",
                                      Xnor, Layers.size(), Bwn, Layers.size() - Xnor - Bwn);
    remark(Remark::Kind::Analysis, "", Summary,
           {{"layers", std::to_string(Layers.size())},
            {"xnor", std::to_string(Xnor)},
            {"binary_weight", std::to_string(Bwn)},
            {"float", std::to_string(Layers.size() - Xnor - Bwn)}},
           ReportLine(Summary));
    for (const LayerRemark &R : Report)
      remark(R.K, R.Op, R.Outcome, {{"layer", R.Layer}},
             ReportLine("  " + R.Layer + ": " + R.Outcome));
    if (Mode == "weights" || Mode == "all") {
      std::string Warning = "warning: --binarize=" + Mode +
                            " binarized float weights post hoc; accuracy needs retraining";
      remark(Remark::Kind::Analysis, "", Warning, {}, ReportLine(Warning));
    }
    return llvm::Error::success();
  }

private:
  std::map<Value *, Value *> Thresholds;
  std::map<const Op *, Value *> BitPools; ///< float max-pool -> its bmax_pool result

  static std::string describe(const Op &L) {
    const Shape &W = inputAndWeights(L).second->type().Dims;
    if (L.kind() == OpKind::Conv && W.size() == 4)
      return fmt::format("{} [{}->{}, {}x{}]", L.describe(), W[1] * ConvOp(L).group(), W[0], W[2],
                         W[3]);
    return L.describe();
  }

  Value *thresholdOf(Graph &G, Op *Before, Value *X) {
    auto It = Thresholds.find(X);
    if (It != Thresholds.end())
      return It->second;
    Op *T = G.insertOpBefore(Before, OpKind::Threshold, Before->name(), {X}, {},
                             G.uniqueName(X->name() + ".bits"),
                             TensorType{ElemType::B1, X->type().Dims});
    return Thresholds[X] = T->result();
  }

  /// bmax_pool(Bits) with Pool's window, once per pool.
  Value *bitPoolOf(Graph &G, Op *Before, const Op *Pool, Value *Bits) {
    auto It = BitPools.find(Pool);
    if (It != BitPools.end())
      return It->second;
    Op *P = G.insertOpBefore(Before, OpKind::BMaxPool, Pool->name(), {Bits},
                             PoolOp(*Pool).declaredAttrs(),
                             G.uniqueName(Pool->result()->name() + ".bits"),
                             TensorType{ElemType::B1, Pool->result()->type().Dims});
    return BitPools[Pool] = P->result();
  }

  /// y * K + bias with K = avg_pool(mean_c |x|) over the conv's window (the
  /// paper's box filter k, same stride and zero padding). Returns the last op.
  static Op *applyKScaling(Graph &G, Op *L, Op *BConv, Value *X, const std::vector<float> &Bias) {
    const Shape &XS = X->type().Dims, &YS = L->result()->type().Dims;
    const Shape &WS = ConvOp(*L).w()->type().Dims;
    auto Insert = [&](OpKind K, std::vector<Value *> Ops, Attributes A, Shape Dims) {
      return G.insertOpBefore(L, K, L->name(), std::move(Ops), std::move(A),
                              G.uniqueName(L->result()->name() + ".k"),
                              TensorType{ElemType::F32, std::move(Dims)});
    };
    Op *Abs = Insert(OpKind::Abs, {X}, {}, XS);
    Attributes Mean;
    ReduceMeanOp::set_axes(Mean, std::vector<int64_t>{1});
    ReduceMeanOp::set_keepdims(Mean, int64_t(1));
    Op *A = Insert(OpKind::ReduceMean, {Abs->result()}, Mean, {XS[0], 1, XS[2], XS[3]});
    Attributes Box;
    AvgPoolOp::set_kernel_shape(Box, std::vector<int64_t>{WS[2], WS[3]});
    ConvOp C(*L);
    AvgPoolOp::set_strides(Box, C.strides());
    AvgPoolOp::set_pads(Box, C.pads());
    AvgPoolOp::set_count_include_pad(Box, int64_t(1));
    AvgPoolOp::set_ceil_mode(Box, int64_t(0));
    Op *K = Insert(OpKind::AvgPool, {A->result()}, Box, {YS[0], 1, YS[2], YS[3]});
    Op *Scaled = Insert(OpKind::Mul, {BConv->result(), K->result()}, {}, YS);
    Value *B = G.addConstant(G.uniqueName(L->result()->name() + ".bias"),
                             Tensor::fromFloats(Bias, {static_cast<int64_t>(Bias.size()), 1, 1}));
    return Insert(OpKind::Add, {Scaled->result(), B}, {}, YS);
  }

  /// Rewrites one layer; returns its report text.
  std::string rewrite(Graph &G, Op *L, bool Edge, int &Xnor, int &Bwn) {
    bool IsConv = L->kind() == OpKind::Conv;
    auto [A, W] = inputAndWeights(*L);
    if (!W->isConstant())
      return "float: its weights are computed at run time";
    if (IsConv && W->type().rank() != 4)
      return "float: only 2-D convolutions are binarized";
    if (!IsConv && (A->type().rank() != 2 || W->type().rank() != 2))
      return "float: only 2-D matrix products are binarized";
    auto Gemm = dyn_cast<GemmOp>(L);
    if (Gemm && Gemm->transA())
      return "float: gemm with transA is not binarized";

    // Dense weights as [M, K] rows, one per output.
    Tensor WT = W->constant();
    if (!IsConv && !(Gemm && Gemm->transB()))
      WT = transpose2D(WT);
    std::string WhyNot;
    auto BW = matchBinaryWeights(WT, WhyNot);
    std::optional<TernaryWeights> TW;
    if (!BW) {
      std::string TernaryWhyNot; // the binary reason stays the one reported
      TW = matchTernaryWeights(WT, TernaryWhyNot);
    }
    const std::string &Mode = options().Binarize;
    bool PostHoc = false;
    if (!BW && !TW) {
      if (Mode == "auto" || (Edge && !options().BinarizeFirstLast))
        return "float: " + WhyNot + (Mode != "auto" ? " (first/last layer kept float)" : "");
      BW = binarizeWeights(WT);
      PostHoc = true;
    }

    // Scale and bias of the epilogue: alpha, times Gemm's alpha; bias or beta * C.
    int64_t M = WT.dims()[0];
    std::vector<float> Scale = BW ? BW->Alpha : TW->Alpha, Bias(M, 0.0f);
    if (Gemm) {
      float GA = Gemm->alpha(), GB = Gemm->beta();
      for (float &S : Scale)
        S *= GA;
      if (Value *C = Gemm->c()) {
        Shape CS = C->type().Dims;
        bool PerOutput = C->isConstant() &&
                         (C->type().numElements() == 1 || CS == Shape{M} || CS == Shape{1, M});
        if (!PerOutput)
          return "float: gemm's C is not a constant per-output bias";
        for (int64_t J = 0; J < M; ++J)
          Bias[J] = GB * C->constant().data<float>()[C->type().numElements() == 1 ? 0 : J];
      }
    } else if (Value *B = IsConv ? ConvOp(*L).bias() : nullptr) {
      if (!B->isConstant())
        return "float: its bias is computed at run time";
      for (int64_t J = 0; J < M; ++J)
        Bias[J] = B->constant().data<float>()[J];
    }

    std::string SourceWhyNot;
    auto Src = binarySource(A, SourceWhyNot);
    if (!Src && Mode == "all" && !(Edge && !options().BinarizeFirstLast))
      Src = BinarySource{A, nullptr, {}, 0, nullptr};
    Attributes Attrs;
    std::string Padding;
    if (IsConv) {
      Attrs = L->attrs();
      if (Src) {
        ConvOp C(*L);
        int64_t G = C.group(), CPerG = A->type().Dims[1] / G;
        auto P = C.pads();
        bool ConvPads = P[0] || P[1] || P[2] || P[3];
        if (G != 1 && CPerG % 64) {
          SourceWhyNot = fmt::format("grouped conv with {} channels per group (xnor needs a "
                                     "multiple of 64)",
                                     CPerG);
          Src.reset();
        } else if (!Src->Pads.empty() && Src->PadValue != 0 && ConvPads) {
          SourceWhyNot = "one padding (Pad ±1) combined with the conv's own zero padding";
          Src.reset();
        } else {
          for (size_t K = 0; K < Src->Pads.size(); ++K)
            P[K] += Src->Pads[K];
          BConvOp::set_pads(Attrs, P);
          BConvOp::set_pad_value(Attrs, Src->PadValue);
          bool AnyPad = P[0] || P[1] || P[2] || P[3];
          Padding = !AnyPad              ? ""
                    : Src->PadValue == 0 ? ", exact zero padding"
                    : Src->PadValue == 1 ? ", one padding (+1)"
                                         : ", one padding (-1)";
        }
      }
    }

    // Ternary weights run as two bit planes against binary inputs only: there is no
    // ternary-weight kernel for a float input.
    if (TW && !Src)
      return "float: ternary weights with a float input" +
             (SourceWhyNot.empty() ? std::string() : " (" + SourceWhyNot + ")");
    std::string Base = L->name().empty() ? L->result()->name() : L->name();
    Value *Bits = BW ? G.addConstant(G.uniqueName(W->name() + ".bits"), std::move(BW->Bits))
                     : G.addConstant(G.uniqueName(W->name() + ".ternary"), std::move(TW->Levels));
    Value *ScaleV = G.addConstant(G.uniqueName(Base + ".scale"), Tensor::fromFloats(Scale, {M}));
    Value *BiasV = G.addConstant(G.uniqueName(Base + ".bias"), Tensor::fromFloats(Bias, {M}));
    std::string Suffix = PostHoc ? " [weights binarized post hoc]" : "";

    bool KScale = PostHoc && IsConv && options().KScaling && Src && Src->Float == A &&
                  ConvOp(*L).dilations() == std::vector<int64_t>{1, 1};
    if (KScale) // the bias is added after the K product
      BiasV = G.addConstant(G.uniqueName(Base + ".zero_bias"),
                            Tensor::fromFloats(std::vector<float>(M, 0.0f), {M}));

    if (Src) {
      Value *X = Src->Float;
      if (Src->Reshape) // sign then reshape == reshape then threshold
        X = G.insertOpBefore(L, OpKind::Reshape, Src->Reshape->name(), {X}, Src->Reshape->attrs(),
                             G.uniqueName(X->name() + ".flat"),
                             TensorType{ElemType::F32, Src->Reshape->result()->type().Dims})
                ->result();
      Value *XBits = thresholdOf(G, L, X);
      if (Src->Pool)
        XBits = bitPoolOf(G, L, Src->Pool, XBits);
      OpKind K = IsConv ? OpKind::BConv : OpKind::BDense;
      Op *New = G.insertOpBefore(L, K, L->name(), {XBits, Bits, ScaleV, BiasV}, Attrs,
                                 G.uniqueName(L->result()->name() + ".x"), L->result()->type());
      if (KScale)
        New = applyKScaling(G, L, New, A, Bias);
      G.replaceOp(L, New->result());
      ++Xnor;
      std::string Weights =
          BW ? "binary weights"
             : fmt::format("ternary weights, {:.1f}% zero",
                           100.0 * static_cast<double>(TW->Zeros) / static_cast<double>(WT.size()));
      return "xnor (" + Weights + " and inputs" + Padding + ")" +
             (KScale ? " with K scaling" : "") + Suffix;
    }
    if (IsConv)
      XnorConvOp::unset_pad_value(Attrs);
    OpKind K = IsConv ? OpKind::BWConv : OpKind::BWDense;
    G.replaceOp(L, G.insertOpBefore(L, K, L->name(), {A, Bits, ScaleV, BiasV}, Attrs,
                                    G.uniqueName(L->result()->name() + ".bw"), L->result()->type())
                       ->result());
    ++Bwn;
    return "binary-weight (float input" +
           (SourceWhyNot.empty() ? std::string() : ": " + SourceWhyNot) + ")" + Suffix;
  }
};

} // namespace

std::unique_ptr<Pass> createBinarizePass() { return std::make_unique<BinarizePass>(); }

} // namespace xnorc
