//===- ImportConvPool.cpp - Conv and pooling importers --------------------===//
//
// ONNX spells window geometry several ways (auto_pad, omitted defaults); the IR
// always carries explicit kernel_shape, strides, dilations and begin/end pads.
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/Importers.h"
#include "compiler/IR/OpViews.h"

namespace xnorc {

namespace {

/// Explicit window attributes for NSp spatial dims of input X.
llvm::Expected<Attributes> windowAttrs(ImportContext &Ctx, const Shape &X,
                                       const std::vector<int64_t> &Kernel, bool HasDilations) {
  size_t NSp = Kernel.size();
  if (X.size() != NSp + 2)
    return Ctx.error("input of shape " + shapeToString(X) + " does not match a " +
                     std::to_string(NSp) + "-D window");
  auto Strides = Ctx.attrInts("strides", std::vector<int64_t>(NSp, 1));
  auto Dil = Ctx.attrInts("dilations", std::vector<int64_t>(NSp, 1));
  auto Pads = Ctx.attrInts("pads", std::vector<int64_t>(2 * NSp, 0));
  if (Strides.size() != NSp || Dil.size() != NSp || Pads.size() != 2 * NSp)
    return Ctx.error("strides, dilations or pads do not match the kernel's rank");
  std::string AutoPad = Ctx.attrString("auto_pad", "NOTSET");
  if (AutoPad == "VALID") {
    std::fill(Pads.begin(), Pads.end(), 0);
  } else if (AutoPad == "SAME_UPPER" || AutoPad == "SAME_LOWER") {
    for (size_t I = 0; I < NSp; ++I) {
      // The verifier checks these as well, but only after SAME padding divided by them.
      if (Strides[I] < 1 || Dil[I] < 1 || Kernel[I] < 1)
        return Ctx.error("auto_pad " + AutoPad +
                         " needs positive kernel_shape, strides and dilations");
      int64_t In = X[I + 2];
      CheckedInt Out = checkedCeilDiv(In, Strides[I]);
      // The total padding that makes Out windows fit: (Out-1)*stride + extent - In.
      CheckedInt Need =
          checkedSub(checkedAdd(checkedMul(checkedSub(Out, 1), Strides[I]),
                                checkedAdd(checkedMul(checkedSub(Kernel[I], 1), Dil[I]), 1)),
                     In);
      if (!Need)
        return Ctx.error("auto_pad arithmetic overflows on spatial dim " + std::to_string(I));
      int64_t Total = std::max<int64_t>(0, *Need);
      int64_t Small = Total / 2, Large = Total - Small;
      Pads[I] = AutoPad == "SAME_UPPER" ? Small : Large;
      Pads[I + NSp] = AutoPad == "SAME_UPPER" ? Large : Small;
    }
  } else if (AutoPad != "NOTSET") {
    return Ctx.error("unknown auto_pad '" + AutoPad + "'");
  }
  Attributes A;
  WindowedOp::set_strides(A, Strides);
  WindowedOp::set_pads(A, Pads);
  if (HasDilations)
    WindowedOp::set_dilations(A, Dil);
  else if (Dil != std::vector<int64_t>(NSp, 1))
    return Ctx.error("dilations are not supported on this op");
  return A;
}

llvm::Error rejectUsedOutput(ImportContext &Ctx, int Out, const char *What) {
  if (Ctx.node().output_size() > Out && !Ctx.node().output(Out).empty())
    return Ctx.error(std::string("output ") + std::to_string(Out) + " (" + What +
                     ") is unsupported");
  return llvm::Error::success();
}

} // namespace

llvm::Expected<Attributes> convAttrs(ImportContext &Ctx, const Value &X, const Value &W) {
  const Shape &WS = W.type().Dims;
  if (WS.size() < 3)
    return Ctx.error("weight must have rank >= 3");
  std::vector<int64_t> Kernel(WS.begin() + 2, WS.end());
  if (Ctx.hasAttr("kernel_shape") && Ctx.attrInts("kernel_shape") != Kernel)
    return Ctx.error("kernel_shape disagrees with the weight's shape " + shapeToString(WS));
  auto A = windowAttrs(Ctx, X.type().Dims, Kernel, true);
  if (!A)
    return A.takeError();
  GroupedConvOp::set_group(*A, Ctx.attrInt("group", 1));
  return A;
}

llvm::Error importConv(ImportContext &Ctx) {
  auto X = Ctx.input(0), W = Ctx.input(1);
  if (!X)
    return X.takeError();
  if (!W)
    return W.takeError();
  auto A = convAttrs(Ctx, **X, **W);
  if (!A)
    return A.takeError();
  std::vector<Value *> Operands{*X, *W};
  if (Ctx.hasInput(2)) {
    auto B = Ctx.input(2);
    if (!B)
      return B.takeError();
    Operands.push_back(*B);
  }
  return Ctx.emit(OpKind::Conv, Operands, *A).takeError();
}

static llvm::Error importPool(ImportContext &Ctx, OpKind Kind) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  auto Kernel = Ctx.attrInts("kernel_shape");
  if (Kernel.empty())
    return Ctx.error("kernel_shape is required");
  auto A = windowAttrs(Ctx, (*X)->type().Dims, Kernel, Kind == OpKind::MaxPool);
  if (!A)
    return A.takeError();
  PoolOp::set_kernel_shape(*A, Kernel);
  PoolOp::set_ceil_mode(*A, Ctx.attrInt("ceil_mode", 0));
  if (Kind == OpKind::AvgPool)
    AvgPoolOp::set_count_include_pad(*A, Ctx.attrInt("count_include_pad", 0));
  if (Kind == OpKind::MaxPool) {
    if (auto E = rejectUsedOutput(Ctx, 1, "argmax indices"))
      return E;
  }
  return Ctx.emit(Kind, {*X}, *A).takeError();
}

llvm::Error importMaxPool(ImportContext &Ctx) { return importPool(Ctx, OpKind::MaxPool); }
llvm::Error importAveragePool(ImportContext &Ctx) { return importPool(Ctx, OpKind::AvgPool); }

llvm::Error importGlobalAveragePool(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  return Ctx.emit(OpKind::GlobalAvgPool, {*X}, {}).takeError();
}

llvm::Error importGlobalMaxPool(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  return Ctx.emit(OpKind::GlobalMaxPool, {*X}, {}).takeError();
}

} // namespace xnorc
