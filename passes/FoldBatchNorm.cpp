//===- FoldBatchNorm.cpp - BatchNorm into the preceding layer -------------===//
//
// BN(conv(x)) with constant statistics is conv'(x) with W' = W * s and
// b' = b * s + h (s, h: BatchNorm's per-channel scale and shift). Binary
// layers keep their bits and fold BN into their per-channel multiplier and
// bias epilogue instead. The same holds for any per-channel affine map: an
// add/sub/mul by a per-channel constant (ReActNet's RPReLU starts with such a
// shift). Only when the layer's result has no other user and no activation or
// residual sits between the two, and not when a threshold reads the map:
// bn-sign-to-threshold turns that into a threshold that rounds as the model's
// framework does, which a folded epilogue would not.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/ChannelAffine.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

#include <algorithm>
#include <unordered_set>

namespace xnorc {

namespace {

/// An activation or residual in L's epilogue sits between L and what follows.
bool hasEpilogueExtras(const Op &L) {
  if (auto S = dyn_cast<ScaledLayerOp>(L); S && S->residual())
    return true;
  auto A = dyn_cast<FusedActivationOp>(L);
  return A && !A->activation().empty();
}

bool decides(const Graph &G, const Op &U, const Value &V);

/// True if a threshold (or a float sign with sign(0) = +1) reads V, directly or
/// through what bn-sign-to-threshold absorbs (per-channel affine maps, relu,
/// leaky_relu, prelu). That threshold decides on the map's own float result:
/// folding the map into the layer would round differently and move ties
/// (docs/XnorMath.md).
bool thresholdReads(const Graph &G, const Value &V) {
  auto Users = G.users(&V);
  return std::any_of(Users.begin(), Users.end(), [&](const Op *U) { return decides(G, *U, V); });
}

/// True if U, reading V, is such a threshold or leads to one.
bool decides(const Graph &G, const Op &U, const Value &V) {
  auto Sign = dyn_cast<SignOp>(U); // bn-sign-to-threshold makes it a threshold
  if (U.kind() == OpKind::Threshold || (Sign && Sign->zero() == 1.0))
    return true;
  auto PRelu = dyn_cast<PReluOp>(U);
  bool Absorbable =
      U.kind() == OpKind::Relu || U.kind() == OpKind::LeakyRelu || (PRelu && PRelu->x() == &V);
  if (!Absorbable)
    if (auto A = channelAffine(U))
      Absorbable = A->Input == &V;
  return Absorbable && thresholdReads(G, *U.result());
}

/// A BatchNorm left as a float op runs xnorc's kernel in compiled code (scale
/// and shift folded in double), not the framework's arithmetic: its float
/// readers (and a graph output) get it without 'arith', so that the compiled
/// code equals the interpreter; the thresholds read a copy that keeps the
/// framework's arithmetic (bn-sign-to-threshold absorbs it).
void floatReadersGetKernelArithmetic(Graph &G, Op &BN) {
  if (!BatchNormOp(BN).isSet("arith"))
    return;
  std::vector<Op *> Deciders;
  bool FloatUse = G.isGraphOutput(BN.result());
  for (Op *U : G.users(BN.result())) {
    if (decides(G, *U, *BN.result()))
      Deciders.push_back(U);
    else
      FloatUse = true;
  }
  if (!FloatUse)
    return;
  Attributes Framework = BN.attrs();
  BatchNormOp::unset_arith(BN);
  if (Deciders.empty())
    return;
  Op *Copy = G.insertOpBefore(&BN, OpKind::BatchNorm, BN.name(), BN.operands(), Framework,
                              G.uniqueName(BN.result()->name() + ".decided"), BN.result()->type());
  for (Op *U : Deciders)
    for (unsigned I = 0; I < U->numOperands(); ++I)
      if (U->operand(I) == BN.result())
        U->setOperand(I, Copy->result());
}

/// A conv (weights and bias) or binary layer (epilogue) can take an affine map.
bool foldable(const Op &L) {
  switch (L.kind()) {
  case OpKind::Conv:
  case OpKind::BConv:
  case OpKind::BWConv:
  case OpKind::BDense:
  case OpKind::BWDense:
    return true;
  default:
    return false;
  }
}

class FoldBatchNormPass : public Pass {
public:
  const char *name() const override { return "fold-batchnorm"; }
  llvm::Error run(Graph &G) override {
    // One fold per layer and run: a second affine map after the first waits
    // for the next run, as the layer's result had two readers when it started.
    std::unordered_set<const Op *> FoldedInto;
    for (Op *BN : G.ops()) {
      auto Affine = channelAffine(*BN);
      if (!Affine)
        continue;
      Op *L = Affine->Input->definingOp();
      if (!L)
        continue;
      const char *Why = FoldedInto.count(L)     ? "it took another affine map in this run"
                        : hasEpilogueExtras(*L) ? "it applies an activation or adds a residual"
                        : foldable(*L) && thresholdReads(G, *BN->result())
                            ? "a threshold reads it: bn-sign-to-threshold absorbs it exactly, in "
                              "the arithmetic the model was trained in"
                            : notSoleUse(G, *L->result());
      if (Why) {
        missed(*BN, fmt::format("not folded into {}: {}", L->describe(), Why));
        continue;
      }
      bool Folded = foldable(*L) && (L->kind() == OpKind::Conv ? foldIntoConv(G, *L, *Affine)
                                                               : foldIntoEpilogue(G, *L, *Affine));
      if (!Folded) {
        missed(*BN, fmt::format("not folded into {}: not a conv or binary layer with constant "
                                "weights and epilogue",
                                L->describe()));
        continue;
      }
      // The layer now produces what BatchNorm did, under BatchNorm's name.
      applied(*BN, "folded into " + L->describe());
      FoldedInto.insert(L);
      G.replaceOp(BN, L->result());
    }
    for (Op *BN : G.ops())
      if (BN->kind() == OpKind::BatchNorm)
        floatReadersGetKernelArithmetic(G, *BN);
    G.removeUnusedConstants();
    return llvm::Error::success();
  }

private:
  static bool foldIntoConv(Graph &G, Op &Conv, const ChannelAffine &A) {
    ConvOp View(Conv);
    Value *W = View.w(), *OldBias = View.bias();
    if (!W->isConstant() || (OldBias && !OldBias->isConstant()))
      return false;
    Tensor NewW = W->constant();
    int64_t M = NewW.dims()[0], Per = NewW.size() / M;
    std::vector<float> Bias(M, 0.0f);
    for (int64_t C = 0; C < M; ++C) {
      for (int64_t I = 0; I < Per; ++I)
        NewW.data<float>()[C * Per + I] *= A.Scale[C];
      float B = OldBias ? OldBias->constant().data<float>()[C] : 0.0f;
      Bias[C] = B * A.Scale[C] + A.Shift[C];
    }
    Conv.setOperand(ConvOp::wIndex,
                    G.addConstant(G.uniqueName(W->name() + ".bn"), std::move(NewW)));
    Value *BV = G.addConstant(G.uniqueName(Conv.result()->name() + ".bn_bias"),
                              Tensor::fromFloats(Bias, {M}));
    if (OldBias)
      Conv.setOperand(ConvOp::biasIndex, BV);
    else
      G.appendOperand(&Conv, BV); // bias is the last operand
    return true;
  }

  static bool foldIntoEpilogue(Graph &G, Op &L, const ChannelAffine &A) {
    ScaledLayerOp View(L);
    Value *OldScale = View.scale(), *OldBias = View.bias();
    if (!OldScale->isConstant() || !OldBias->isConstant())
      return false;
    std::vector<float> Scale, Bias;
    for (size_t C = 0; C < A.Scale.size(); ++C) {
      Scale.push_back(OldScale->constant().data<float>()[C] * A.Scale[C]);
      Bias.push_back(OldBias->constant().data<float>()[C] * A.Scale[C] + A.Shift[C]);
    }
    int64_t M = Scale.size();
    L.setOperand(ScaledLayerOp::scaleIndex, G.addConstant(G.uniqueName(OldScale->name() + ".bn"),
                                                          Tensor::fromFloats(Scale, {M})));
    L.setOperand(ScaledLayerOp::biasIndex, G.addConstant(G.uniqueName(OldBias->name() + ".bn"),
                                                         Tensor::fromFloats(Bias, {M})));
    return true;
  }
};
} // namespace

std::unique_ptr<Pass> createFoldBatchNormPass() { return std::make_unique<FoldBatchNormPass>(); }

} // namespace xnorc
