//===- QuantizedSignBits.cpp - 8-bit activations straight to sign bits ----===//
//
// threshold(dequantize(q, s, zp), tau, dir) becomes qthreshold(q, t, dir'): an
// 8-bit tensor (a quantize's or a qconv's requantized output) that a binary
// layer reads through a sign or a BatchNorm + sign is compared as integers and
// packed into bits, without the float tensor in between.
//
// Exact math. dequantize computes v = fl(float(q - zp) * s) (the difference is
// exact, then one float multiplication; docs/XnorMath.md, "8-bit layers"), and the
// threshold passes where (dir > 0 ? v >= tau : v <= tau) (false for NaN). With
// d = q - zp in [-N, N], N = max(|q_min - zp|, |q_max - zp|) <= 255, that is the
// bconv epilogue fl(fl(s * d) + 0) of fuse-bconv-threshold with bias 0 (adding
// +0 changes only -0 into +0, which every comparison treats alike), so
// integerThreshold finds the exact integer bound on d by evaluating that very
// float expression: no rounding argument, and any s (ONNX requires s > 0; s = 0
// gives a constant channel, NaN never passes). The bound on q is t + zp; the
// always / never sentinels INT32_MIN / INT32_MAX are kept as they are. sign(0) = +1
// of a plain sign (tau 0, dir +1) becomes q >= zp.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "passes/ThresholdMath.h"

#include <climits>

namespace xnorc {

namespace {

/// Why dequantize D cannot feed a qthreshold, or null.
const char *whyNot(const Op &T, const QLinearOp &D) {
  ElemType E = D.x()->type().Elem;
  if (E != ElemType::U8 && E != ElemType::I8)
    return "the dequantized tensor is not 8-bit";
  if (!D.scale()->isConstant() || !D.zero_point()->isConstant())
    return "its scale or zero point is computed at run time";
  if (!hasConstantThresholds(T))
    return "the thresholds are computed at run time";
  int64_t Rank = D.x()->type().rank();
  if (D.scale()->type().numElements() != 1 && (Rank < 2 || D.axis() != 1))
    return "it is quantized per channel along another axis than the threshold's";
  return nullptr;
}

class QuantizedSignBitsPass : public Pass {
public:
  const char *name() const override { return "quantized-sign-bits"; }
  llvm::Error run(Graph &G) override {
    for (Op *T : G.ops()) {
      auto Thr = dyn_cast<ThresholdOp>(*T);
      Op *D = Thr ? Thr->x()->definingOp() : nullptr;
      if (!D || D->kind() != OpKind::Dequantize)
        continue;
      QLinearOp DQ(*D);
      if (const char *Why = whyNot(*T, DQ)) {
        missed(*T, fmt::format("not compared as integers: {}", Why));
        continue;
      }
      ElemType E = DQ.x()->type().Elem;
      const Tensor &S = DQ.scale()->constant(), &Z = DQ.zero_point()->constant();
      auto Th = channelThresholds(*T);
      int64_t C = Th.size();
      Tensor Thresh(TensorType{ElemType::I32, {C}}), Dir(TensorType{ElemType::I32, {C}});
      for (int64_t Ch = 0; Ch < C; ++Ch) {
        int64_t Pc = S.size() == 1 ? 0 : Ch;
        float Scale = static_cast<float>(S.getAsDouble(Pc));
        int64_t Zp = Z.getAsInt(Pc);
        int64_t N = std::max(std::abs(integerTypeMin(E) - Zp), std::abs(integerTypeMax(E) - Zp));
        IntThreshold I = integerThreshold(Th[Ch], Scale, 0.0f, N);
        bool Sentinel = I.T == INT32_MIN || I.T == INT32_MAX;
        Thresh.data<int32_t>()[Ch] = Sentinel ? I.T : static_cast<int32_t>(I.T + Zp);
        Dir.data<int32_t>()[Ch] = I.Dir;
      }
      std::string Base = T->result()->name();
      Value *TV = G.addConstant(G.uniqueName(Base + ".qthresh"), std::move(Thresh));
      Value *DV = G.addConstant(G.uniqueName(Base + ".qdir"), std::move(Dir));
      Op *Q = G.insertOpBefore(T, OpKind::QThreshold, T->name(), {DQ.x(), TV, DV}, {},
                               G.uniqueName(Base + ".q"), T->result()->type());
      applied(*T, fmt::format("{} compares the {} values of %{} with integer thresholds",
                              Q->describe(), elemTypeName(E), DQ.x()->name()));
      G.replaceOp(T, Q->result());
    }
    G.removeUnusedConstants();
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Pass> createQuantizedSignBitsPass() {
  return std::make_unique<QuantizedSignBitsPass>();
}

} // namespace xnorc
