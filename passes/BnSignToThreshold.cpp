//===- BnSignToThreshold.cpp - Per-channel affine maps into thresholds ----===//
//
// threshold(BN(u)) -> threshold'(u), and likewise for add/sub/mul by a
// per-channel constant (ReActNet's shifted sign, RSign, is sign(x - b)). A
// channel whose BatchNorm has gamma < 0 gets the opposite direction (+1 iff
// u <= tau); gamma = 0 makes it constant. Monotone activations are absorbed
// too: relu, leaky_relu and prelu with non-negative slopes (ReActNet's RPReLU
// is a shift, a prelu and a shift, so a whole RPReLU + RSign collapses).
// Repeats until nothing absorbable feeds a threshold.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/BatchNormArith.h"
#include "compiler/Analysis/ChannelAffine.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

#include <cmath>
#include <optional>

namespace xnorc {

namespace {

/// Per-channel negative-side slopes of relu (0), leaky_relu (alpha) and prelu
/// (a constant slope per channel or scalar), when all are >= 0 (monotone).
std::optional<std::vector<float>> monotoneSlopes(const Op &A, size_t C) {
  if (A.operand(0)->type().Elem != ElemType::F32 || A.operand(0)->type() != A.result()->type())
    return std::nullopt;
  std::vector<float> S(C, 0.0f);
  if (auto Leaky = dyn_cast<LeakyReluOp>(A))
    S.assign(C, static_cast<float>(Leaky->alpha()));
  else if (A.kind() == OpKind::PRelu) {
    auto PerChannel = perChannel(A.operand(1), A.operand(0));
    if (!PerChannel || PerChannel->size() != C)
      return std::nullopt;
    S = *PerChannel;
  } else if (A.kind() != OpKind::Relu)
    return std::nullopt;
  for (float V : S)
    if (!(V >= 0.0f))
      return std::nullopt;
  return S;
}

/// The binary layer (bconv / bdense, no residual or activation, constant
/// epilogue) whose integer accumulator decides X, looking through a max-pool
/// (it picks one of the layer's values); null if there is none.
const Op *integerSource(const Value *X) {
  const Op *P = X->definingOp();
  if (P && P->kind() == OpKind::MaxPool)
    P = P->operand(0)->definingOp();
  if (!P || (P->kind() != OpKind::BConv && P->kind() != OpKind::BDense))
    return nullptr;
  ScaledLayerOp L(*P);
  if (L.residual() || !L.activation().empty() || !L.scale()->isConstant() ||
      !L.bias()->isConstant())
    return nullptr;
  return P;
}

/// Channels of BN where the threshold Th (on BN's output), moved to BN's input
/// in real arithmetic, lies within a few ulps of a value the binary layer
/// before BN attains: the framework's rounding decides them.
std::vector<int64_t> tieSensitiveChannels(const Op &BN, const std::vector<FloatThreshold> &Th) {
  constexpr int MaxUlps = 4;
  std::vector<int64_t> Out;
  BatchNormOp View(BN);
  const Op *L = integerSource(View.x());
  if (!L)
    return Out;
  ScaledLayerOp Layer(*L);
  const float *Scale = Layer.scale()->constant().data<float>(),
              *Bias = Layer.bias()->constant().data<float>(),
              *Gamma = View.scale()->constant().data<float>(),
              *Beta = View.bias()->constant().data<float>(),
              *Mean = View.mean()->constant().data<float>(),
              *Var = View.var()->constant().data<float>();
  int64_t N = accumulatorRange(*L);
  for (size_t C = 0; C < Th.size(); ++C) {
    double Tau = Th[C].Tau;
    bool Tie =
        Gamma[C] == 0
            ? Beta[C] == Tau // every input lands on the threshold
            : attainableNear(Mean[C] + (Tau - Beta[C]) *
                                           std::sqrt(double(Var[C]) + View.epsilon()) / Gamma[C],
                             Scale[C], Bias[C], N, MaxUlps);
    if (Tie)
      Out.push_back(C);
  }
  return Out;
}

class BnSignToThresholdPass : public Pass {
public:
  const char *name() const override { return "bn-sign-to-threshold"; }
  llvm::Error run(Graph &G) override {
    signsToThresholds(G);
    for (Op *T : G.ops()) {
      if (T->kind() != OpKind::Threshold)
        continue;
      if (!hasConstantThresholds(*T)) {
        missed(*T, "its thresholds are computed at run time");
        continue;
      }
      while (Op *A = T->operand(0)->definingOp()) {
        auto Th = channelThresholds(*T);
        if (auto Bn = batchNormChannels(*A)) {
          reportTies(*A, Th);
          for (size_t C = 0; C < Th.size(); ++C)
            Th[C] = thresholdThroughBatchNorm(Th[C], (*Bn)[C]);
          T->setOperand(0, A->operand(0));
        } else if (auto Affine = channelAffine(*A)) {
          for (size_t C = 0; C < Th.size(); ++C)
            Th[C] = thresholdThroughAffine(Th[C], Affine->Scale[C], Affine->Shift[C]);
          T->setOperand(0, Affine->Input);
        } else if (auto Slopes = monotoneSlopes(*A, Th.size())) {
          for (size_t C = 0; C < Th.size(); ++C) {
            float S = (*Slopes)[C];
            // As the kernels compute it: x < 0 ? slope * x : x.
            Th[C] = thresholdThroughMonotone(
                Th[C], [S](float X) { return X < 0.0f ? S * X : X; }, true);
          }
          T->setOperand(0, A->operand(0));
        } else {
          break;
        }
        applied(*T, "absorbed " + A->describe());
        setChannelThresholds(G, *T, Th);
      }
    }
    G.removeUnusedConstants();
    return llvm::Error::success();
  }

private:
  /// A float sign with sign(0) = +1 (a graph output, say) is unpack(threshold):
  /// rewritten so, it absorbs the BatchNorm before it like every threshold, and
  /// decides ties in the BatchNorm's own arithmetic.
  void signsToThresholds(Graph &G) const {
    for (Op *S : G.ops()) {
      auto Sign = dyn_cast<SignOp>(*S);
      const Op *A = S->operand(0)->definingOp();
      if (!Sign || Sign->zero() != 1.0 || S->result()->type().Elem != ElemType::F32 || !A ||
          S->result()->type().rank() < 2)
        continue;
      size_t C = S->result()->type().Dims[1];
      if (!batchNormChannels(*A) && !channelAffine(*A) && !monotoneSlopes(*A, C))
        continue;
      const std::string &Name = S->result()->name();
      Op *T = G.insertOpBefore(S, OpKind::Threshold, S->name(), {S->operand(0)}, {},
                               G.uniqueName(Name + ".bits"),
                               TensorType{ElemType::B1, S->result()->type().Dims});
      Op *U = G.insertOpBefore(S, OpKind::Unpack, S->name(), {T->result()}, {},
                               G.uniqueName(Name + ".unpacked"), S->result()->type());
      applied(*S, "became unpack(threshold) to absorb " + A->describe());
      G.replaceOp(S, U->result());
    }
  }

  /// An analysis remark per BatchNorm with the tie-sensitive channels (the
  /// report's "tie-sensitive channels" section reads them).
  void reportTies(const Op &BN, const std::vector<FloatThreshold> &Th) const {
    auto Channels = tieSensitiveChannels(BN, Th);
    std::string Arith = BatchNormOp(BN).arith();
    remark(Remark::Kind::Analysis, BN.describe(),
           fmt::format("{} of {} channels tie-sensitive in {} arithmetic", Channels.size(),
                       Th.size(), Arith),
           {{"layer", BN.name().empty() ? BN.result()->name() : BN.name()},
            {"arith", Arith},
            {"channels", fmt::format("{}", fmt::join(Channels, ","))},
            {"num_channels", std::to_string(Th.size())}});
  }
};
} // namespace

std::unique_ptr<Pass> createBnSignToThresholdPass() {
  return std::make_unique<BnSignToThresholdPass>();
}

} // namespace xnorc
