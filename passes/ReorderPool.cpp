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
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

namespace xnorc {

namespace {
class ReorderPoolPass : public Pass {
public:
  const char *name() const override { return "reorder-pool"; }
  llvm::Error run(Graph &G) override {
    std::vector<Op *> Dead;
    for (Op *T : G.ops()) {
      Op *Pool = T->operand(0)->definingOp();
      if (T->kind() != OpKind::Threshold || !Pool || Pool->kind() != OpKind::MaxPool ||
          Pool->result()->type().rank() != 4 || !hasConstantThresholds(*T))
        continue;
      Value *Y = Pool->operand(0);
      auto Th = channelThresholds(*T);
      std::vector<Value *> Operands(T->operands());
      Operands[0] = Y;
      Op *Bits = G.insertOpBefore(T, OpKind::Threshold, T->name(), Operands, T->attrs(),
                                  G.uniqueName(Y->name() + ".bits"),
                                  TensorType{ElemType::B1, Y->type().Dims});
      std::vector<Value *> PoolOperands{Bits->result()};
      bool AnyMin = false;
      Tensor Mask(TensorType{ElemType::B1, {static_cast<int64_t>(Th.size())}});
      for (size_t C = 0; C < Th.size(); ++C) {
        setBinary(Mask, C, Th[C].Dir < 0);
        AnyMin |= Th[C].Dir < 0;
      }
      if (AnyMin)
        PoolOperands.push_back(G.addConstant(G.uniqueName(T->result()->name() + ".min_mask"),
                                             std::move(Mask)));
      Attributes A;
      for (const char *Key : {"kernel_shape", "strides", "pads", "dilations", "ceil_mode"})
        if (Pool->attrs().has(Key))
          A.set(Key, Pool->attrs().all().at(Key));
      Op *BPool = G.insertOpBefore(T, OpKind::BMaxPool, Pool->name(), PoolOperands, A,
                                   G.uniqueName(T->result()->name() + ".pooled"),
                                   T->result()->type());
      std::string Name = T->result()->name();
      G.replaceAllUsesWith(T->result(), BPool->result());
      Dead.push_back(T);
      // The float pool is dead unless something else reads it.
      if (G.users(Pool->result()).size() == 1 && !G.isGraphOutput(Pool->result()))
        Dead.push_back(Pool);
      Renames.push_back({BPool->result(), Name});
    }
    G.eraseOps(Dead);
    for (auto &[V, Name] : Renames)
      V->setName(Name);
    Renames.clear();
    return llvm::Error::success();
  }

private:
  std::vector<std::pair<Value *, std::string>> Renames;
};
} // namespace

std::unique_ptr<Pass> createReorderPoolPass() { return std::make_unique<ReorderPoolPass>(); }

} // namespace xnorc
