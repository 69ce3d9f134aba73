//===- ImportMath.cpp - BatchNorm, Gemm, MatMul, Softmax, ReduceMean ------===//
#include "compiler/Frontend/Importers.h"
#include "compiler/IR/OpViews.h"

#include <algorithm>

namespace xnorc {

llvm::Error importBatchNormalization(ImportContext &Ctx) {
  std::vector<Value *> Operands;
  for (int I = 0; I < 5; ++I) {
    auto V = Ctx.input(I);
    if (!V)
      return V.takeError();
    Operands.push_back(*V);
  }
  if (Ctx.attrInt("training_mode", 0) != 0)
    return Ctx.error("training_mode=1 is unsupported (xnorc compiles for inference)");
  for (int I = 1; I < Ctx.node().output_size(); ++I)
    if (!Ctx.node().output(I).empty())
      return Ctx.error("training outputs (running mean/var) are unsupported");
  if (Ctx.opset() < 9 && Ctx.attrInt("spatial", 1) == 0)
    return Ctx.error("spatial=0 is unsupported");
  Attributes A;
  BatchNormOp::set_epsilon(A, static_cast<double>(Ctx.attrFloat("epsilon", 1e-5f)));
  BatchNormOp::set_arith(A, std::string(bnArithName(*Ctx.options().BatchNormArith)));
  return Ctx.emit(OpKind::BatchNorm, Operands, A).takeError();
}

llvm::Error importGemm(ImportContext &Ctx) {
  std::vector<Value *> Operands;
  for (int I = 0; I < 3; ++I) {
    if (I == 2 && !Ctx.hasInput(2))
      break;
    auto V = Ctx.input(I);
    if (!V)
      return V.takeError();
    Operands.push_back(*V);
  }
  Attributes A;
  GemmOp::set_alpha(A, static_cast<double>(Ctx.attrFloat("alpha", 1.0f)));
  GemmOp::set_beta(A, static_cast<double>(Ctx.attrFloat("beta", 1.0f)));
  GemmOp::set_transA(A, Ctx.attrInt("transA", 0));
  GemmOp::set_transB(A, Ctx.attrInt("transB", 0));
  return Ctx.emit(OpKind::Gemm, Operands, A).takeError();
}

llvm::Error importMatMul(ImportContext &Ctx) {
  auto L = Ctx.input(0), R = Ctx.input(1);
  if (!L)
    return L.takeError();
  if (!R)
    return R.takeError();
  return Ctx.emit(OpKind::MatMul, {*L, *R}, {}).takeError();
}

llvm::Error importSoftmax(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  int64_t Rank = (*X)->type().rank();
  bool Legacy = Ctx.opset() < 13;
  auto Axis = Ctx.normalizeAxis(Ctx.attrInt("axis", Legacy ? 1 : -1), Rank);
  if (!Axis)
    return Axis.takeError();
  Attributes A;
  SoftmaxOp::set_axis(A, *Axis);
  // Before opset 13 Softmax flattened [axis, rank) into one dimension; for the
  // last axis both definitions agree, so only the other case keeps the flag.
  SoftmaxOp::set_coerce_2d(A, static_cast<int64_t>(Legacy && *Axis != Rank - 1));
  return Ctx.emit(OpKind::Softmax, {*X}, A).takeError();
}

/// Reduce* ops: axes are an attribute, except ReduceSum from opset 13 where
/// they are an optional constant input (and empty axes may mean "no-op").
static llvm::Error importReduce(ImportContext &Ctx, OpKind Kind) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  int64_t Rank = (*X)->type().rank();
  bool AxesAsInput = Kind == OpKind::ReduceSum && Ctx.opset() >= 13;
  std::vector<int64_t> Given;
  bool HaveAxes = false;
  if (AxesAsInput && Ctx.hasInput(1)) {
    auto T = Ctx.constantInts(1);
    if (!T)
      return T.takeError();
    Given = std::move(*T);
    HaveAxes = !Given.empty();
  } else if (!AxesAsInput && Ctx.hasAttr("axes")) {
    Given = Ctx.attrInts("axes");
    HaveAxes = true;
  }
  if (!HaveAxes && AxesAsInput && Ctx.attrInt("noop_with_empty_axes", 0)) {
    Ctx.bindOutput(0, *X);
    return llvm::Error::success();
  }
  std::vector<int64_t> Axes;
  if (HaveAxes) {
    for (int64_t Ax : Given) {
      auto N = Ctx.normalizeAxis(Ax, Rank);
      if (!N)
        return N.takeError();
      Axes.push_back(*N);
    }
  } else {
    for (int64_t I = 0; I < Rank; ++I)
      Axes.push_back(I);
  }
  std::sort(Axes.begin(), Axes.end());
  Axes.erase(std::unique(Axes.begin(), Axes.end()), Axes.end());
  Attributes A;
  ReduceOp::set_axes(A, Axes);
  ReduceOp::set_keepdims(A, Ctx.attrInt("keepdims", 1));
  return Ctx.emit(Kind, {*X}, A).takeError();
}

llvm::Error importReduceMean(ImportContext &Ctx) { return importReduce(Ctx, OpKind::ReduceMean); }
llvm::Error importReduceSum(ImportContext &Ctx) { return importReduce(Ctx, OpKind::ReduceSum); }
llvm::Error importReduceMax(ImportContext &Ctx) { return importReduce(Ctx, OpKind::ReduceMax); }
llvm::Error importReduceMin(ImportContext &Ctx) { return importReduce(Ctx, OpKind::ReduceMin); }

} // namespace xnorc
