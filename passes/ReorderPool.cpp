//===- ReorderPool.cpp - Max-pool after the threshold, on bits ------------===//
//
// threshold(max_pool(y)) == pool(threshold(y)) because a threshold is monotone
// per channel: increasing channels (+1 iff y >= tau) commute with max, and
// decreasing ones (+1 iff y <= tau: BatchNorm with gamma < 0) turn max into
// min. Pooling bits moves 32x less data and lets the conv before it emit bits
// directly. Padded taps never win a max-pool, and the bit pool skips them.
//
// Only when the float pool then goes away: if anything else reads the pooled floats (a
// Bi-Real shortcut, a graph output), the float pool runs anyway, and thresholding its output
// touches k*k/(s*s) times fewer pixels (4x for a 3x3/2 pool) than thresholding its input and
// pooling the bits as well.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/BitLayout.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

namespace xnorc {

namespace {
// Who else reads the pool's output: a graph output or an op other than a threshold that could
// move before it ("" if nobody). Such a reader keeps the float pool.
std::string floatPoolReader(const Graph &G, const Op &Pool) {
  if (G.isGraphOutput(Pool.result()))
    return "the graph output";
  for (const Op *U : G.users(Pool.result()))
    if (!isa<ThresholdOp>(U) || !hasConstantThresholds(*U))
      return U->describe();
  return "";
}

class ReorderPoolPass : public Pass {
public:
  const char *name() const override { return "reorder-pool"; }
  llvm::Error run(Graph &G) override {
    // A pool read by several thresholds is moved behind each; dce removes it afterwards.
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
      std::string Other = floatPoolReader(G, *Pool);
      if (!Other.empty()) {
        missed(*T, fmt::format("not moved before {}: {} reads the pooled floats too, so the "
                               "pool stays and its output is the smaller one to threshold",
                               Pool->describe(), Other));
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
      applied(*T, "moved before " + Pool->describe() + ": the pool runs on bits");
      G.replaceOp(T, BPool->result());
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createReorderPoolPass() { return std::make_unique<ReorderPoolPass>(); }

} // namespace xnorc
