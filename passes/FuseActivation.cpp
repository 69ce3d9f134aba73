//===- FuseActivation.cpp - conv + activation -> one conv -----------------===//
//
// The conv kernel applies an activation in its epilogue while the output is
// still in registers; a separate elementwise op would re-read the tensor.
// Only fused when the conv's result has no other use.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

namespace xnorc {

namespace {

const char *activationName(OpKind K) {
  switch (K) {
  case OpKind::Relu:
    return "relu";
  case OpKind::LeakyRelu:
    return "leaky_relu";
  case OpKind::Clip:
    return "clip";
  case OpKind::Sigmoid:
    return "sigmoid";
  case OpKind::Tanh:
    return "tanh";
  default:
    return nullptr;
  }
}

class FuseActivationPass : public Pass {
public:
  const char *name() const override { return "fuse-activation"; }
  llvm::Error run(Graph &G) override {
    std::vector<Op *> Fused;
    for (Op *Act : G.ops()) {
      const char *Name = activationName(Act->kind());
      Op *Conv = Act->operand(UnaryOp::xIndex)->definingOp();
      auto Fusing = dyn_cast<FusedActivationOp>(Conv);
      if (!Name || !Fusing || !Fusing->activation().empty() ||
          G.users(Conv->result()).size() != 1 || G.isGraphOutput(Conv->result()))
        continue;
      Conv->attrs().set("activation", std::string(Name));
      if (auto Leaky = dyn_cast<LeakyReluOp>(Act))
        Conv->attrs().set("act_alpha", Leaky->alpha());
      if (auto Clip = dyn_cast<ClipOp>(Act)) {
        Conv->attrs().set("act_alpha", Clip->min());
        Conv->attrs().set("act_beta", Clip->max());
      }
      // The conv now produces what the activation did; keep the activation's name
      // so graph outputs and later references stay readable.
      std::string ResultName = Act->result()->name();
      G.replaceAllUsesWith(Act->result(), Conv->result());
      Fused.push_back(Act);
      Conv->result()->setName(ResultName);
    }
    G.eraseOps(Fused);
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createFuseActivationPass() { return std::make_unique<FuseActivationPass>(); }

} // namespace xnorc
