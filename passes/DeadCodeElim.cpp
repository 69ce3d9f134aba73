//===- DeadCodeElim.cpp - Remove what no graph output needs ---------------===//
#include "passes/Passes.h"

#include <unordered_set>

namespace xnorc {

namespace {
class DeadCodeElimPass : public Pass {
public:
  const char *name() const override { return "dce"; }
  llvm::Error run(Graph &G) override {
    std::unordered_set<const Value *> Live(G.outputs().begin(), G.outputs().end());
    std::vector<Op *> Dead;
    auto Ops = G.ops();
    for (auto It = Ops.rbegin(); It != Ops.rend(); ++It) {
      Op *O = *It;
      if (!Live.count(O->result())) {
        applied(*O, "removed: no graph output depends on its result");
        Dead.push_back(O);
        continue;
      }
      Live.insert(O->operands().begin(), O->operands().end());
    }
    G.eraseOps(Dead);
    G.removeUnusedConstants();
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createDeadCodeElimPass() { return std::make_unique<DeadCodeElimPass>(); }

} // namespace xnorc
