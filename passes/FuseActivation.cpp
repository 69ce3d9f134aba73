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
    for (Op *Act : G.ops()) {
      const char *Name = activationName(Act->kind());
      Op *Conv = Act->operand(UnaryOp::xIndex)->definingOp();
      auto Fusing = dyn_cast<FusedActivationOp>(Conv);
      if (!Name || !Fusing)
        continue;
      const char *Why = !Fusing->activation().empty() ? "it already applies an activation"
                                                      : notSoleUse(G, *Conv->result());
      if (Why) {
        missed(*Act, fmt::format("not fused into {}: {}", Conv->describe(), Why));
        continue;
      }
      applied(*Act, "fused into " + Conv->describe());
      FusedActivationOp::set_activation(*Conv, std::string(Name));
      if (auto Leaky = dyn_cast<LeakyReluOp>(Act))
        FusedActivationOp::set_act_alpha(*Conv, Leaky->alpha());
      if (auto Clip = dyn_cast<ClipOp>(Act)) {
        FusedActivationOp::set_act_alpha(*Conv, Clip->min());
        FusedActivationOp::set_act_beta(*Conv, Clip->max());
      }
      // The conv now produces what the activation did, under the activation's name.
      G.replaceOp(Act, Conv->result());
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createFuseActivationPass() { return std::make_unique<FuseActivationPass>(); }

} // namespace xnorc
