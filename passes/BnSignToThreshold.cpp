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

/// A monotone activation: x < 0 ? Slopes[c] * x : x per channel c.
struct MonotoneSlopes {
  Value *Input = nullptr; ///< x
  std::vector<float> Slopes;
};

/// Per-channel negative-side slopes of relu (0), leaky_relu (alpha) and prelu
/// (a constant slope per channel or scalar), when all are >= 0 (monotone).
std::optional<MonotoneSlopes> monotoneSlopes(const Op &A, size_t C) {
  MonotoneSlopes M{nullptr, std::vector<float>(C, 0.0f)};
  if (auto Relu = dyn_cast<ReluOp>(A))
    M.Input = Relu->x();
  else if (auto Leaky = dyn_cast<LeakyReluOp>(A))
    M.Input = Leaky->x();
  else if (auto PRelu = dyn_cast<PReluOp>(A))
    M.Input = PRelu->x();
  else
    return std::nullopt;
  if (M.Input->type().Elem != ElemType::F32 || M.Input->type() != A.result()->type())
    return std::nullopt;
  if (auto Leaky = dyn_cast<LeakyReluOp>(A))
    M.Slopes.assign(C, static_cast<float>(Leaky->alpha()));
  else if (auto PRelu = dyn_cast<PReluOp>(A)) {
    auto PerChannel = perChannel(PRelu->slope(), PRelu->x());
    if (!PerChannel || PerChannel->size() != C)
      return std::nullopt;
    M.Slopes = *PerChannel;
  }
  for (float V : M.Slopes)
    if (!(V >= 0.0f))
      return std::nullopt;
  return M;
}

/// The binary layer (bconv / bdense, no residual or activation, constant
/// epilogue) whose integer accumulator decides X, looking through a max-pool
/// (it picks one of the layer's values); null if there is none.
const Op *integerSource(const Value *X) {
  const Op *P = X->definingOp();
  if (auto Pool = dyn_cast<MaxPoolOp>(P))
    P = Pool->x()->definingOp();
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
  for (size_t C = 0; C < Th.size(); ++C) {
    double Tau = Th[C].Tau;
    bool Tie =
        Gamma[C] == 0
            ? Beta[C] == Tau // every input lands on the threshold
            : attainableNear(Mean[C] + (Tau - Beta[C]) *
                                           std::sqrt(double(Var[C]) + View.epsilon()) / Gamma[C],
                             Scale[C], Bias[C], accumulatorRange(*L, C), MaxUlps);
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
      while (Op *A = ThresholdOp(*T).x()->definingOp()) {
        auto Th = channelThresholds(*T);
        if (auto Bn = batchNormChannels(*A)) {
          reportTies(*A, Th);
          for (size_t C = 0; C < Th.size(); ++C)
            Th[C] = thresholdThroughBatchNorm(Th[C], (*Bn)[C]);
          T->setOperand(ThresholdOp::xIndex, BatchNormOp(*A).x());
        } else if (auto Affine = channelAffine(*A)) {
          for (size_t C = 0; C < Th.size(); ++C)
            Th[C] = thresholdThroughAffine(Th[C], Affine->Scale[C], Affine->Shift[C]);
          T->setOperand(ThresholdOp::xIndex, Affine->Input);
        } else if (auto Monotone = monotoneSlopes(*A, Th.size())) {
          for (size_t C = 0; C < Th.size(); ++C) {
            float S = Monotone->Slopes[C];
            // As the kernels compute it: x < 0 ? slope * x : x.
            Th[C] = thresholdThroughMonotone(
                Th[C], [S](float X) { return X < 0.0f ? S * X : X; }, true);
          }
          T->setOperand(ThresholdOp::xIndex, Monotone->Input);
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
      if (!Sign)
        continue;
      const Op *A = Sign->x()->definingOp();
      if (Sign->zero() != 1.0 || S->result()->type().Elem != ElemType::F32 || !A ||
          S->result()->type().rank() < 2)
        continue;
      size_t C = S->result()->type().Dims[1];
      if (!batchNormChannels(*A) && !channelAffine(*A) && !monotoneSlopes(*A, C))
        continue;
      const std::string &Name = S->result()->name();
      Op *T = G.insertOpBefore(S, OpKind::Threshold, S->name(), {Sign->x()}, {},
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
