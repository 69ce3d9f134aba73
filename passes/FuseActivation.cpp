//===- FuseActivation.cpp - conv + activation -> one conv -----------------===//
//
// The conv kernel applies an activation in its epilogue while the output is
// still in registers; a separate elementwise op would re-read the tensor.
// Only fused when the conv's result has no other use.
//
//===----------------------------------------------------------------------===//
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

/// Ops whose kernels apply an activation in their epilogue.
bool takesActivation(OpKind K) {
  return K == OpKind::Conv || K == OpKind::BConv || K == OpKind::BWConv || K == OpKind::BDense ||
         K == OpKind::BWDense;
}

class FuseActivationPass : public Pass {
public:
  const char *name() const override { return "fuse-activation"; }
  llvm::Error run(Graph &G) override {
    for (Op *Act : G.ops()) {
      const char *Name = activationName(Act->kind());
      Op *Conv = Act->operand(0)->definingOp();
      if (!Name || !Conv || !takesActivation(Conv->kind()))
        continue;
      const char *Why = Conv->attrs().has("activation") ? "it already applies an activation"
                                                        : notSoleUse(G, *Conv->result());
      if (Why) {
        missed(*Act, fmt::format("not fused into {}: {}", Conv->describe(), Why));
        continue;
      }
      applied(*Act, "fused into " + Conv->describe());
      Conv->attrs().set("activation", std::string(Name));
      if (Act->kind() == OpKind::LeakyRelu)
        Conv->attrs().set("act_alpha", Act->attrs().getFloat("alpha", 0.01));
      if (Act->kind() == OpKind::Clip) {
        Conv->attrs().set("act_alpha", Act->attrs().getFloat("min"));
        Conv->attrs().set("act_beta", Act->attrs().getFloat("max"));
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
