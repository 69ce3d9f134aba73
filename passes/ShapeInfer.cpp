//===- ShapeInfer.cpp - Re-derive result types ----------------------------===//
//
// Rewrites change operands (and so shapes); this pass makes every result type
// agree with its op's shape rule again, in topological order, and fails on an
// op whose operands no longer fit together.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/ShapeInference.h"
#include "compiler/Support/Error.h"
#include "passes/Passes.h"

namespace xnorc {

namespace {
class ShapeInferPass : public Pass {
public:
  const char *name() const override { return "shape-infer"; }
  llvm::Error run(Graph &G) override {
    for (Op *O : G.ops()) {
      auto T = inferResultType(*O);
      if (!T)
        return withContext(T.takeError(), O->describe());
      if (*T != O->result()->type())
        applied(*O, "result type " + O->result()->type().str() + " becomes " + T->str());
      O->result()->setType(*T);
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createShapeInferPass() { return std::make_unique<ShapeInferPass>(); }

} // namespace xnorc
