//===- BnSignToThreshold.cpp - Per-channel affine maps into thresholds ----===//
//
// threshold(BN(u)) -> threshold'(u), and likewise for add/sub/mul by a
// per-channel constant (ReActNet's shifted sign, RSign, is sign(x - b)). A
// channel whose BatchNorm has gamma < 0 gets the opposite direction (+1 iff
// u <= tau); gamma = 0 makes it constant. Repeats until no affine op feeds a
// threshold, so BN after a shift after a BN all collapse into one threshold.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/ChannelAffine.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

namespace xnorc {

namespace {
class BnSignToThresholdPass : public Pass {
public:
  const char *name() const override { return "bn-sign-to-threshold"; }
  llvm::Error run(Graph &G) override {
    for (Op *T : G.ops()) {
      if (T->kind() != OpKind::Threshold || !hasConstantThresholds(*T))
        continue;
      while (Op *A = T->operand(0)->definingOp()) {
        auto Affine = channelAffine(*A);
        if (!Affine || Affine->Input->type().Elem != ElemType::F32)
          break;
        auto Th = channelThresholds(*T);
        for (size_t C = 0; C < Th.size(); ++C)
          Th[C] = thresholdThroughAffine(Th[C], Affine->Scale[C], Affine->Shift[C]);
        T->setOperand(0, Affine->Input);
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
