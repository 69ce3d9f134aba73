//===- FuseBConvQuantize.cpp - Binary layer + quantize -> bytes out -------===//
//
// A binary layer whose output an 8-bit layer reads (a Fashion-MNIST or Bi-Real network's last
// binary conv before its int8 classifier) wrote floats, which a quantize then read back:
//   y = bconv(x, w, scale, bias [, residual]) {act}      (or bdense)
//   [r = reshape(y)]                                      (flatten, layout only)
//   q = quantize(y or r, y_scale, y_zero_point) {lo, hi}
// becomes
//   q' = bconv_quantize(x, w, scale, bias, y_scale, y_zero_point [, residual]) {act, lo, hi}
//   [q = reshape(q')]
// which writes the bytes directly. Per element the fused op computes
//   v = act(fl(fl(scale[m] * d) + bias[m]) [+ residual])            (the layer's epilogue)
//   q = clamp(round_half_even(fl(v / y_scale)) + y_zero_point, lo, hi), NaN -> lo (quantize)
// -- the same float operations in the same order as the two ops, so it is bit-exact: the
// float v is no longer stored, but storing a float does not change it.
// The reshape moves after the quantize: it only renames the NCHW-contiguous elements, and a
// per-tensor quantize treats every element alike, so quantize(reshape(y)) = reshape(quantize(y)).
// Not fused (a remark says why): a per-channel scale or zero point (its channels are the
// reshaped tensor's, not the layer's), a rounding other than half to even, ternary weights,
// scale / zero point computed at run time, or a layer result that something else reads.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

namespace xnorc {

namespace {

class FuseBConvQuantizePass : public Pass {
public:
  const char *name() const override { return "fuse-bconv-quantize"; }
  llvm::Error run(Graph &G) override {
    for (Op *QOp : G.ops()) {
      auto Q = dyn_cast<QuantizeOp>(*QOp);
      if (!Q)
        continue;
      Op *D = Q->x()->definingOp();
      auto Reshape = dyn_cast<ReshapeOp>(D);
      Op *L = Reshape ? Reshape->x()->definingOp() : D;
      if (!L || (L->kind() != OpKind::BConv && L->kind() != OpKind::BDense))
        continue;
      ScaledLayerOp Layer(*L);
      const char *Why = Layer.w()->type().Elem != ElemType::B1 ? "its weights are ternary"
                        : Q->scale()->type().numElements() != 1
                            ? "the quantize has a scale per channel"
                        : Q->isSet("rounding") && Q->rounding() != "half_even"
                            ? "the quantize rounds other than half to even"
                        : !Q->scale()->isConstant() || !Q->zero_point()->isConstant()
                            ? "the quantize's scale or zero point is computed at run time"
                        : Reshape && notSoleUse(G, *D->result()) ? notSoleUse(G, *D->result())
                                                                 : notSoleUse(G, *L->result());
      if (Why) {
        missed(*QOp, fmt::format("not fused with {}: {}", L->describe(), Why));
        continue;
      }
      std::vector<Value *> Operands(QuantizedLayerOp::NumOperandRoles - 1);
      Operands[QuantizedLayerOp::xIndex] = Layer.x();
      Operands[QuantizedLayerOp::wIndex] = Layer.w();
      Operands[QuantizedLayerOp::scaleIndex] = Layer.scale();
      Operands[QuantizedLayerOp::biasIndex] = Layer.bias();
      Operands[QuantizedLayerOp::y_scaleIndex] = Q->scale();
      Operands[QuantizedLayerOp::y_zero_pointIndex] = Q->zero_point();
      if (Layer.residual())
        Operands.push_back(Layer.residual());
      Attributes A = L->attrs();
      if (Q->isSet("lo"))
        QuantizedLayerOp::set_lo(A, Q->lo());
      if (Q->isSet("hi"))
        QuantizedLayerOp::set_hi(A, Q->hi());
      OpKind K = L->kind() == OpKind::BConv ? OpKind::BConvQuantize : OpKind::BDenseQuantize;
      std::string Base = QOp->result()->name();
      TensorType T{QOp->result()->type().Elem, L->result()->type().Dims};
      Op *F = G.insertOpBefore(QOp, K, L->name(), Operands, std::move(A),
                               G.uniqueName(Base + (Reshape ? ".fused" : "")), T);
      Value *Out = F->result();
      if (Reshape)
        Out = G.insertOpBefore(QOp, OpKind::Reshape, D->name(), {Out}, D->attrs(),
                               G.uniqueName(Base + ".reshaped"), QOp->result()->type())
                  ->result();
      applied(*QOp, "fused with " + L->describe() + " into " + F->describe());
      G.replaceOp(QOp, Out);
      if (Reshape)
        G.eraseOps({D, L});
      else
        G.eraseOps({L});
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createFuseBConvQuantizePass() {
  return std::make_unique<FuseBConvQuantizePass>();
}

} // namespace xnorc
