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
#include "compiler/Analysis/ChannelAffine.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

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

class BnSignToThresholdPass : public Pass {
public:
  const char *name() const override { return "bn-sign-to-threshold"; }
  llvm::Error run(Graph &G) override {
    for (Op *T : G.ops()) {
      if (T->kind() != OpKind::Threshold)
        continue;
      if (!hasConstantThresholds(*T)) {
        missed(*T, "its thresholds are computed at run time");
        continue;
      }
      while (Op *A = T->operand(0)->definingOp()) {
        auto Th = channelThresholds(*T);
        if (auto Affine = channelAffine(*A)) {
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
};
} // namespace

std::unique_ptr<Pass> createBnSignToThresholdPass() {
  return std::make_unique<BnSignToThresholdPass>();
}

} // namespace xnorc
