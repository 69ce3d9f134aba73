//===- ReorderPool.cpp - Max-pool after the threshold, on bits ------------===//
//
// threshold(max_pool(y)) == pool(threshold(y)) because a threshold is monotone
// per channel: increasing channels (+1 iff y >= tau) commute with max, and
// decreasing ones (+1 iff y <= tau: BatchNorm with gamma < 0) turn max into
// min. Pooling bits moves 32x less data and lets the conv before it emit bits
// directly. Padded taps never win a max-pool, and the bit pool skips them.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/BitLayout.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

#include <unordered_set>

namespace xnorc {

namespace {
class ReorderPoolPass : public Pass {
public:
  const char *name() const override { return "reorder-pool"; }
  llvm::Error run(Graph &G) override {
    // A pool read by several thresholds stays (dce removes it once all moved).
    std::unordered_set<const Op *> Reordered;
    for (Op *T : G.ops()) {
      auto Thr = dyn_cast<ThresholdOp>(*T);
      Op *Pool = Thr ? Thr->x()->definingOp() : nullptr;
      if (!isa<MaxPoolOp>(Pool))
        continue;
      if (Pool->result()->type().rank() != 4 || !hasConstantThresholds(*T)) {
        missed(*T, fmt::format("not moved before {}: {}", Pool->describe(),
                               Pool->result()->type().rank() != 4
                                   ? "the pool is not 2-D"
                                   : "the thresholds are computed at run time"));
        continue;
      }
      Value *Y = MaxPoolOp(*Pool).x();
      auto Th = channelThresholds(*T);
      std::vector<Value *> Operands(T->operands());
      Operands[ThresholdOp::xIndex] = Y;
      Op *Bits = G.insertOpBefore(T, OpKind::Threshold, T->name(), Operands, T->attrs(),
                                  G.uniqueName(Y->name() + ".bits"),
                                  TensorType{ElemType::B1, Y->type().Dims});
      std::vector<Value *> PoolOperands{Bits->result()}; // x, then min_mask if any
      bool AnyMin = false;
      Tensor Mask(TensorType{ElemType::B1, {static_cast<int64_t>(Th.size())}});
      for (size_t C = 0; C < Th.size(); ++C) {
        setBinary(Mask, C, Th[C].Dir < 0);
        AnyMin |= Th[C].Dir < 0;
      }
      if (AnyMin)
        PoolOperands.push_back(
            G.addConstant(G.uniqueName(T->result()->name() + ".min_mask"), std::move(Mask)));
      // The bit pool takes the float pool's window as written (defaults stay omitted).
      Op *BPool = G.insertOpBefore(
          T, OpKind::BMaxPool, Pool->name(), PoolOperands, PoolOp(*Pool).declaredAttrs(),
          G.uniqueName(T->result()->name() + ".pooled"), T->result()->type());
      // The float pool is dead unless something else reads it.
      bool PoolDead = Reordered.insert(Pool).second && G.users(Pool->result()).size() == 1 &&
                      !G.isGraphOutput(Pool->result());
      applied(*T, "moved before " + Pool->describe() + ": the pool runs on bits");
      G.replaceOp(T, BPool->result());
      if (PoolDead)
        G.eraseOps({Pool});
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createReorderPoolPass() { return std::make_unique<ReorderPoolPass>(); }

} // namespace xnorc
