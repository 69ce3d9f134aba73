//===- FuseBConvThreshold.cpp - Binary layer + threshold -> bits out ------===//
//
// threshold(bconv(x, w, scale, bias)) becomes bconv_threshold(x, w, t, dir):
// the popcount accumulator d is compared with an integer per output channel
// and the kernel writes packed bits, so no float tensor exists between two
// binary layers. The integer bounds are found by evaluating the float
// epilogue at every possible d, so the fusion is exact, not approximately so.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

namespace xnorc {

namespace {

class FuseBConvThresholdPass : public Pass {
public:
  const char *name() const override { return "fuse-bconv-threshold"; }
  llvm::Error run(Graph &G) override {
    for (Op *T : G.ops()) {
      auto Thr = dyn_cast<ThresholdOp>(*T);
      Op *L = Thr ? Thr->x()->definingOp() : nullptr;
      if (!L || (L->kind() != OpKind::BConv && L->kind() != OpKind::BDense))
        continue;
      ScaledLayerOp Layer(*L);
      const char *Why = Layer.residual()              ? "it adds a residual"
                        : !Layer.activation().empty() ? "it applies an activation"
                        : !hasConstantThresholds(*T)  ? "the thresholds are computed at run time"
                        : !Layer.scale()->isConstant() || !Layer.bias()->isConstant()
                            ? "its scale or bias is computed at run time"
                            : notSoleUse(G, *L->result());
      if (Why) {
        missed(*T, fmt::format("not fused with {}: {}", L->describe(), Why));
        continue;
      }
      auto Th = channelThresholds(*T);
      int64_t M = Th.size();
      const float *Scale = Layer.scale()->constant().data<float>(),
                  *Bias = Layer.bias()->constant().data<float>();
      Tensor Thresh(TensorType{ElemType::I32, {M}}), Dir(TensorType{ElemType::I32, {M}});
      for (int64_t C = 0; C < M; ++C) {
        IntThreshold I = integerThreshold(Th[C], Scale[C], Bias[C], accumulatorRange(*L, C));
        Thresh.data<int32_t>()[C] = I.T;
        Dir.data<int32_t>()[C] = I.Dir;
      }
      std::string Base = T->result()->name();
      std::vector<Value *> Operands(ThresholdLayerOp::NumOperandRoles);
      Operands[ThresholdLayerOp::xIndex] = Layer.x();
      Operands[ThresholdLayerOp::wIndex] = Layer.w();
      Operands[ThresholdLayerOp::threshIndex] =
          G.addConstant(G.uniqueName(Base + ".thresh"), std::move(Thresh));
      Operands[ThresholdLayerOp::dirIndex] =
          G.addConstant(G.uniqueName(Base + ".dir"), std::move(Dir));
      OpKind K = L->kind() == OpKind::BConv ? OpKind::BConvThreshold : OpKind::BDenseThreshold;
      Op *F = G.insertOpBefore(T, K, L->name(), Operands, L->attrs(), G.uniqueName(Base + ".fused"),
                               T->result()->type());
      applied(*T, "fused with " + L->describe() + " into " + F->describe());
      G.replaceOp(T, F->result());
      G.eraseOps({L});
    }
    G.removeUnusedConstants();
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createFuseBConvThresholdPass() {
  return std::make_unique<FuseBConvThresholdPass>();
}

} // namespace xnorc
