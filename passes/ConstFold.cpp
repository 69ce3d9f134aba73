//===- ConstFold.cpp - Evaluate constant subgraphs at compile time --------===//
//
// Weight preprocessing that exporters leave in the graph (Sign(W) * mean|W|,
// reshapes of initializers, ...) becomes a plain constant, so later passes and
// the backends see weights, not arithmetic. Evaluation goes through the
// reference interpreter, so folding can never disagree with execution.
//
//===----------------------------------------------------------------------===//
#include "compiler/Interpreter/Interpreter.h"
#include "compiler/Support/Error.h"
#include "passes/Passes.h"

#include <algorithm>

namespace xnorc {

namespace {
class ConstFoldPass : public Pass {
public:
  const char *name() const override { return "const-fold"; }
  llvm::Error run(Graph &G) override {
    std::vector<Op *> Folded;
    for (Op *O : G.ops()) {
      const auto &Ops = O->operands();
      if (!std::all_of(Ops.begin(), Ops.end(), [](Value *V) { return V->isConstant(); }))
        continue;
      std::vector<const Tensor *> Args;
      for (Value *V : Ops)
        Args.push_back(&V->constant());
      auto T = evaluateOp(*O, Args);
      if (!T) // evaluateOp's messages already start with the op ("div %c: ...").
        return T.takeError();
      Value *C = G.addConstant(G.uniqueName(O->result()->name() + ".folded"), std::move(*T));
      applied(*O, "folded into constant %" + C->name());
      G.replaceAllUsesWith(O->result(), C);
      Folded.push_back(O);
    }
    G.eraseOps(Folded);
    G.removeUnusedConstants();
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createConstFoldPass() { return std::make_unique<ConstFoldPass>(); }

} // namespace xnorc
