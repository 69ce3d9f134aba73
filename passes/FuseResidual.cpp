//===- FuseResidual.cpp - Shortcut add into the binary layer's epilogue ---===//
//
// Bi-Real Net keeps a real-valued shortcut: x' = BN(bconv(sign(x))) + x. Once
// BatchNorm is folded into the epilogue, the add joins it too, so the block
// writes its output once instead of materialising bconv's result first. In a
// downsampling block the shortcut (avg pool + 1x1 conv) is computed after the
// binary conv; the conv then moves down to the add, so the add still fuses.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

#include <unordered_map>

namespace xnorc {

namespace {

class FuseResidualPass : public Pass {
public:
  const char *name() const override { return "fuse-residual"; }
  llvm::Error run(Graph &G) override {
    auto Ops = G.ops();
    std::unordered_map<const Op *, long> Index;
    for (size_t I = 0; I < Ops.size(); ++I)
      Index[Ops[I]] = I;
    auto Position = [&](const Value *V) -> long {
      const Op *D = V->definingOp();
      return D ? Index.at(D) : -1;
    };
    for (Op *Add : Ops) {
      if (Add->kind() != OpKind::Add)
        continue;
      std::string Missed; // why the last candidate layer was not taken
      // Either term may be the layer; the other is then the shortcut.
      AddOp Sum(*Add);
      Value *Terms[] = {Sum.a(), Sum.b()};
      for (unsigned I = 0; I < 2; ++I) {
        Op *L = Terms[I]->definingOp();
        Value *R = Terms[1 - I];
        auto Layer = dyn_cast<ScaledLayerOp>(L);
        if (!Layer)
          continue;
        const char *Why = Layer->residual()                      ? "it already adds a residual"
                          : !Layer->activation().empty()         ? "it applies an activation"
                          : R->type() != L->result()->type() ? "the shortcut's type differs"
                                                             : notSoleUse(G, *L->result());
        if (Why) {
          Missed = fmt::format("not fused into {}: {}", L->describe(), Why);
          continue;
        }
        // A shortcut computed after the layer (a downsampling block's pool + 1x1 conv comes
        // after its binary conv in PyTorch's export): the layer moves down to the add. Its
        // operands are still defined before it, and the add was its only user.
        if (Position(R) >= Position(L->result())) {
          G.moveOpBefore(L, Add);
          Index[L] = Index.at(Add); // the add goes away; readers of L's result come later
        }
        applied(*Add, "fused into " + L->describe());
        G.appendOperand(L, R);
        G.replaceOp(Add, L->result());
        Missed.clear();
        break;
      }
      if (!Missed.empty())
        missed(*Add, Missed);
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createFuseResidualPass() { return std::make_unique<FuseResidualPass>(); }

} // namespace xnorc
