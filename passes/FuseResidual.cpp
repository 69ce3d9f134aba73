//===- FuseResidual.cpp - Shortcut add into the binary layer's epilogue ---===//
//
// Bi-Real Net keeps a real-valued shortcut: x' = BN(bconv(sign(x))) + x. Once
// BatchNorm is folded into the epilogue, the add joins it too, so the block
// writes its output once instead of materialising bconv's result first.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

#include <algorithm>

namespace xnorc {

namespace {

class FuseResidualPass : public Pass {
public:
  const char *name() const override { return "fuse-residual"; }
  llvm::Error run(Graph &G) override {
    std::vector<Op *> Dead;
    std::vector<std::pair<Value *, std::string>> Renames;
    auto Ops = G.ops();
    auto Position = [&](const Value *V) -> long {
      const Op *D = V->definingOp();
      return D ? std::find(Ops.begin(), Ops.end(), D) - Ops.begin() : -1;
    };
    for (Op *Add : Ops) {
      if (Add->kind() != OpKind::Add)
        continue;
      for (unsigned I = 0; I < 2; ++I) {
        Op *L = Add->operand(I)->definingOp();
        Value *R = Add->operand(1 - I);
        auto Layer = dyn_cast<ScaledLayerOp>(L);
        if (!Layer || Layer->residual() || !Layer->activation().empty() ||
            G.users(L->result()).size() != 1 || G.isGraphOutput(L->result()) ||
            R->type() != L->result()->type() || Position(R) >= Position(L->result()))
          continue;
        G.appendOperand(L, R);
        Renames.push_back({L->result(), Add->result()->name()});
        G.replaceAllUsesWith(Add->result(), L->result());
        Dead.push_back(Add);
        break;
      }
    }
    G.eraseOps(Dead);
    for (auto &[V, Name] : Renames)
      V->setName(Name);
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createFuseResidualPass() { return std::make_unique<FuseResidualPass>(); }

} // namespace xnorc
