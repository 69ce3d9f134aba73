//===- ImportTensorOps.cpp - Shape, layout and constant importers ---------===//
//
// Squeeze, Unsqueeze and Flatten all become `reshape` with a static target:
// the IR has one op for "same data, new shape". Gather, Slice, Shape and Cast
// exist only for the shape arithmetic exporters emit; they must fold.
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/Importers.h"
#include "compiler/IR/OpViews.h"

#include <algorithm>
#include <numeric>

namespace xnorc {

namespace {

llvm::Error emitReshape(ImportContext &Ctx, Value *X, const Shape &Target) {
  Attributes A;
  ReshapeOp::set_shape(A, Target);
  return Ctx.emit(OpKind::Reshape, {X}, A).takeError();
}

/// Axes from an attribute (older opsets) or a constant input (newer).
llvm::Expected<std::vector<int64_t>> axesOperand(ImportContext &Ctx, int Input,
                                                 int64_t FirstOpsetAsInput) {
  if (Ctx.opset() < FirstOpsetAsInput)
    return Ctx.attrInts("axes");
  if (!Ctx.hasInput(Input))
    return std::vector<int64_t>{};
  return Ctx.constantInts(Input);
}

} // namespace

llvm::Error importReshape(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  std::vector<int64_t> Target;
  if (Ctx.opset() < 5) {
    Target = Ctx.attrInts("shape");
  } else {
    auto T = Ctx.constantInts(1);
    if (!T)
      return T.takeError();
    Target = std::move(*T);
  }
  const Shape &In = (*X)->type().Dims;
  bool AllowZero = Ctx.attrInt("allowzero", 0) != 0;
  int64_t Known = 1, Infer = -1;
  for (size_t I = 0; I < Target.size(); ++I) {
    if (Target[I] == 0 && !AllowZero) {
      if (I >= In.size())
        return Ctx.error("shape copies dimension " + std::to_string(I) + " the input lacks");
      Target[I] = In[I];
    }
    if (Target[I] == -1) {
      if (Infer >= 0)
        return Ctx.error("shape has more than one -1");
      Infer = I;
    } else if (Target[I] < 0) {
      return Ctx.error("shape has a negative dimension");
    } else {
      CheckedInt K = checkedMul(Known, Target[I]);
      if (!K)
        return Ctx.error("shape " + shapeToString(Target) + " overflows 64 bits");
      Known = *K;
    }
  }
  if (Infer >= 0) {
    if (Known == 0 || numElements(In) % Known)
      return Ctx.error("cannot infer -1 reshaping " + shapeToString(In) + " into " +
                       shapeToString(Target));
    Target[Infer] = numElements(In) / Known;
  }
  return emitReshape(Ctx, *X, Target);
}

llvm::Error importFlatten(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  const Shape &In = (*X)->type().Dims;
  int64_t Rank = In.size(), Axis = Ctx.attrInt("axis", 1);
  if (Axis < -Rank || Axis > Rank)
    return Ctx.error("axis out of range");
  if (Axis < 0)
    Axis += Rank;
  int64_t Outer = std::accumulate(In.begin(), In.begin() + Axis, int64_t(1), std::multiplies<>());
  return emitReshape(Ctx, *X, {Outer, numElements(In) / std::max<int64_t>(Outer, 1)});
}

llvm::Error importSqueeze(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  auto Axes = axesOperand(Ctx, 1, 13);
  if (!Axes)
    return Axes.takeError();
  const Shape &In = (*X)->type().Dims;
  std::vector<bool> Drop(In.size(), Axes->empty());
  if (Axes->empty())
    for (size_t I = 0; I < In.size(); ++I)
      Drop[I] = In[I] == 1;
  for (int64_t Ax : *Axes) {
    auto N = Ctx.normalizeAxis(Ax, In.size());
    if (!N)
      return N.takeError();
    if (In[*N] != 1)
      return Ctx.error("cannot squeeze dimension " + std::to_string(*N) + " of size " +
                       std::to_string(In[*N]));
    Drop[*N] = true;
  }
  Shape Out;
  for (size_t I = 0; I < In.size(); ++I)
    if (!Drop[I])
      Out.push_back(In[I]);
  return emitReshape(Ctx, *X, Out);
}

llvm::Error importUnsqueeze(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  auto Axes = axesOperand(Ctx, 1, 13);
  if (!Axes)
    return Axes.takeError();
  const Shape &In = (*X)->type().Dims;
  int64_t OutRank = In.size() + Axes->size();
  std::vector<bool> Inserted(OutRank, false);
  for (int64_t Ax : *Axes) {
    auto N = Ctx.normalizeAxis(Ax, OutRank);
    if (!N)
      return N.takeError();
    if (Inserted[*N])
      return Ctx.error("axis " + std::to_string(Ax) + " is repeated");
    Inserted[*N] = true;
  }
  Shape Out;
  for (int64_t I = 0, Src = 0; I < OutRank; ++I)
    Out.push_back(Inserted[I] ? 1 : In[Src++]);
  return emitReshape(Ctx, *X, Out);
}

llvm::Error importTranspose(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  int64_t Rank = (*X)->type().rank();
  std::vector<int64_t> Reversed(Rank);
  for (int64_t I = 0; I < Rank; ++I)
    Reversed[I] = Rank - 1 - I;
  Attributes A;
  TransposeOp::set_perm(A, Ctx.attrInts("perm", Reversed));
  return Ctx.emit(OpKind::Transpose, {*X}, A).takeError();
}

llvm::Error importConcat(ImportContext &Ctx) {
  std::vector<Value *> Operands;
  for (int I = 0; I < Ctx.node().input_size(); ++I) {
    auto V = Ctx.input(I);
    if (!V)
      return V.takeError();
    Operands.push_back(*V);
  }
  if (Operands.empty())
    return Ctx.error("needs at least one input");
  // Concat-1 defaulted to axis 1; from opset 4 the axis is required.
  auto Axis =
      Ctx.normalizeAxis(Ctx.attrInt("axis", Ctx.opset() < 4 ? 1 : 0), Operands[0]->type().rank());
  if (!Axis)
    return Axis.takeError();
  Attributes A;
  ConcatOp::set_axis(A, *Axis);
  return Ctx.emit(OpKind::Concat, Operands, A).takeError();
}

llvm::Error importPad(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  std::string Mode = Ctx.attrString("mode", "constant");
  if (Mode != "constant")
    return Ctx.error("pad mode '" + Mode + "' is unsupported (only constant)");
  std::vector<int64_t> Pads;
  double Value = 0;
  if (Ctx.opset() < 11) {
    Pads = Ctx.attrInts("pads");
    Value = Ctx.attrFloat("value", 0.0f);
  } else {
    auto P = Ctx.constantInts(1);
    if (!P)
      return P.takeError();
    Pads = std::move(*P);
    if (Ctx.hasInput(2)) {
      auto V = Ctx.constantInput(2);
      if (!V)
        return V.takeError();
      if ((*V)->size() != 1)
        return Ctx.error("constant_value must be a scalar");
      Value = (*V)->getAsDouble(0);
    }
  }
  // PyTorch exports AvgPool2d(k, s) without padding as an all-zero Pad before the pool: a copy
  // of the whole tensor at run time (and a layer that --threads must wait for) that computes
  // nothing. It is the identity (a malformed pads list still goes to the shape rule's error).
  if (Pads.size() == 2 * static_cast<size_t>((*X)->type().rank()) &&
      std::all_of(Pads.begin(), Pads.end(), [](int64_t P) { return P == 0; })) {
    Ctx.bindOutput(0, *X);
    return llvm::Error::success();
  }
  Attributes A;
  PadOp::set_pads(A, Pads);
  PadOp::set_value(A, Value);
  return Ctx.emit(OpKind::Pad, {*X}, A).takeError();
}

llvm::Error importSlice(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  const Shape &In = (*X)->type().Dims;
  std::vector<int64_t> Starts, Ends, Axes, Steps;
  if (Ctx.opset() < 10) {
    Starts = Ctx.attrInts("starts");
    Ends = Ctx.attrInts("ends");
    Axes = Ctx.attrInts("axes");
  } else {
    for (auto [Idx, Vec] : {std::pair{1, &Starts}, {2, &Ends}, {3, &Axes}, {4, &Steps}}) {
      if (!Ctx.hasInput(Idx))
        continue;
      auto T = Ctx.constantInts(Idx);
      if (!T)
        return T.takeError();
      *Vec = std::move(*T);
    }
  }
  if (Axes.empty())
    for (size_t I = 0; I < Starts.size(); ++I)
      Axes.push_back(I);
  if (Steps.empty())
    Steps.assign(Starts.size(), 1);
  if (Ends.size() != Starts.size() || Axes.size() != Starts.size() || Steps.size() != Starts.size())
    return Ctx.error("starts, ends, axes and steps differ in length");
  // Clamp as ONNX specifies, so the IR carries exact in-range bounds.
  for (size_t I = 0; I < Axes.size(); ++I) {
    auto Ax = Ctx.normalizeAxis(Axes[I], In.size());
    if (!Ax)
      return Ax.takeError();
    Axes[I] = *Ax;
    int64_t Dim = In[*Ax];
    auto Clamp = [](int64_t V, int64_t Lo, int64_t Hi) { return std::min(std::max(V, Lo), Hi); };
    int64_t S = Starts[I] < 0 ? Starts[I] + Dim : Starts[I];
    int64_t E = Ends[I] < 0 ? Ends[I] + Dim : Ends[I];
    if (Steps[I] > 0) {
      S = Clamp(S, 0, Dim);
      E = Clamp(E, 0, Dim);
    } else if (Steps[I] < 0) {
      S = Clamp(S, 0, Dim - 1);
      E = Clamp(E, -1, Dim - 1);
    } else {
      return Ctx.error("slice step must not be 0");
    }
    Starts[I] = S;
    Ends[I] = E;
  }
  Attributes A;
  SliceOp::set_starts(A, Starts);
  SliceOp::set_ends(A, Ends);
  SliceOp::set_axes(A, Axes);
  SliceOp::set_steps(A, Steps);
  return Ctx.emit(OpKind::Slice, {*X}, A).takeError();
}

/// Gather from a run-time tensor with constant indices: one slice per index,
/// concatenated, then reshaped to Gather's result shape. Indexing like
/// `x[:, 0]` (one scalar index) becomes a single slice and a reshape.
static llvm::Error importGatherAsSlices(ImportContext &Ctx, Value *X, const Tensor &Idx,
                                        int64_t Axis) {
  const Shape &In = X->type().Dims;
  // One slice per index: bound the ops this node may create.
  if (Idx.size() > Ctx.options().Limits.MaxNodes)
    return Ctx.error("gathers " + std::to_string(Idx.size()) +
                     " indices, more than the node limit of " +
                     std::to_string(Ctx.options().Limits.MaxNodes) + " (--max-nodes)");
  std::vector<Value *> Pieces;
  for (int64_t K = 0; K < Idx.size(); ++K) {
    int64_t I = Idx.getAsInt(K);
    if (I < -In[Axis] || I >= In[Axis])
      return Ctx.error("index " + std::to_string(I) + " is out of range for extent " +
                       std::to_string(In[Axis]));
    I = I < 0 ? I + In[Axis] : I;
    Attributes A;
    SliceOp::set_starts(A, std::vector<int64_t>{I});
    SliceOp::set_ends(A, std::vector<int64_t>{I + 1});
    SliceOp::set_axes(A, std::vector<int64_t>{Axis});
    SliceOp::set_steps(A, std::vector<int64_t>{1});
    auto S = Ctx.emit(OpKind::Slice, {X}, A, -1);
    if (!S)
      return S.takeError();
    Pieces.push_back(*S);
  }
  Value *Joined = Pieces.empty() ? nullptr : Pieces.front();
  if (Pieces.size() > 1) {
    Attributes A;
    ConcatOp::set_axis(A, Axis);
    auto C = Ctx.emit(OpKind::Concat, Pieces, A, -1);
    if (!C)
      return C.takeError();
    Joined = *C;
  }
  if (!Joined)
    return Ctx.error("gathering zero indices is unsupported");
  Shape Out(In.begin(), In.begin() + Axis);
  Out.insert(Out.end(), Idx.dims().begin(), Idx.dims().end());
  Out.insert(Out.end(), In.begin() + Axis + 1, In.end());
  return emitReshape(Ctx, Joined, Out);
}

llvm::Error importGather(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  auto Idx = Ctx.constantInput(1);
  if (!Idx)
    return Idx.takeError();
  if (!isIntegerType((*Idx)->elem()))
    return Ctx.error("indices must be integers (int32 or int64), not " +
                     std::string(elemTypeName((*Idx)->elem())));
  auto Axis = Ctx.normalizeAxis(Ctx.attrInt("axis", 0), (*X)->type().rank());
  if (!Axis)
    return Axis.takeError();
  if (!(*X)->isConstant())
    return importGatherAsSlices(Ctx, *X, **Idx, *Axis);
  auto I = Ctx.input(1);
  Attributes A;
  GatherOp::set_axis(A, *Axis);
  return Ctx.emit(OpKind::Gather, {*X, *I}, A).takeError();
}

llvm::Error importConstantOfShape(ImportContext &Ctx) {
  auto ShapeT = Ctx.constantInts(0);
  if (!ShapeT)
    return ShapeT.takeError();
  Shape Dims = std::move(*ShapeT);
  Tensor Fill = Tensor::fromFloats({0.0f}, {1});
  if (const auto *A = Ctx.attr("value", onnx::AttributeProto::TENSOR)) {
    auto T = Ctx.readTensor(A->t());
    if (!T)
      return T.takeError();
    if (T->size() != 1)
      return Ctx.error("value must hold one element");
    Fill = std::move(*T);
  }
  TensorType OutType{Fill.elem(), Dims};
  if (auto E = Ctx.checkLimits(OutType, "the result"))
    return E;
  Tensor Out(OutType);
  for (int64_t I = 0; I < Out.size(); ++I)
    if (Out.elem() == ElemType::I64)
      Out.data<int64_t>()[I] = Fill.getAsInt(0);
    else
      Out.setFromDouble(I, Fill.getAsDouble(0));
  Ctx.bindConstantOutput(std::move(Out));
  return llvm::Error::success();
}

llvm::Error importShape(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  const Shape &Dims = (*X)->type().Dims;
  int64_t Rank = Dims.size();
  int64_t Start = Ctx.attrInt("start", 0), End = Ctx.attrInt("end", Rank);
  Start = std::clamp<int64_t>(Start < 0 ? Start + Rank : Start, 0, Rank);
  End = std::clamp<int64_t>(End < 0 ? End + Rank : End, 0, Rank);
  std::vector<int64_t> Out(Dims.begin() + Start, Dims.begin() + std::max(Start, End));
  Ctx.bindConstantOutput(Tensor::fromInts(Out, {static_cast<int64_t>(Out.size())}));
  return llvm::Error::success();
}

llvm::Error importCast(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  int64_t To = Ctx.attrInt("to", 0);
  bool ToFloat = To == onnx::TensorProto::FLOAT || To == onnx::TensorProto::DOUBLE;
  bool ToInt = To == onnx::TensorProto::INT64 || To == onnx::TensorProto::INT32 ||
               To == onnx::TensorProto::BOOL;
  if (!ToFloat && !ToInt)
    return Ctx.error("cast to data type " + std::to_string(To) + " is unsupported");
  ElemType Target = ToFloat ? ElemType::F32 : ElemType::I64;
  if ((*X)->type().Elem == Target) {
    Ctx.bindOutput(0, *X);
    return llvm::Error::success();
  }
  ElemType From = (*X)->type().Elem;
  if (!(*X)->isConstant() && ToFloat &&
      (From == ElemType::I32 || From == ElemType::I8 || From == ElemType::U8)) {
    // An integer op's result to float (ConvInteger -> Cast -> Mul, ONNX Runtime's dynamic
    // quantization): dequantize with scale 1 and zero point 0 is the same conversion.
    Tensor One(TensorType{ElemType::F32, {}});
    One.data<float>()[0] = 1.0F;
    return Ctx
        .emit(OpKind::Dequantize,
              {*X, Ctx.constant(std::move(One), "one"),
               Ctx.constant(Tensor(TensorType{From, {}}), "zero")},
              {})
        .takeError();
  }
  if (!(*X)->isConstant())
    return Ctx.error("casting a run-time tensor to another element type is unsupported");
  Attributes A;
  CastOp::set_to(A, std::string(elemTypeName(Target)));
  return Ctx.emit(OpKind::Cast, {*X}, A).takeError();
}

llvm::Error importConstant(ImportContext &Ctx) {
  const auto &N = Ctx.node();
  if (N.attribute_size() != 1)
    return Ctx.error("expects exactly one value attribute");
  const onnx::AttributeProto &A = N.attribute(0);
  static const std::pair<const char *, onnx::AttributeProto::AttributeType> Kinds[] = {
      {"value", onnx::AttributeProto::TENSOR},
      {"value_float", onnx::AttributeProto::FLOAT},
      {"value_floats", onnx::AttributeProto::FLOATS},
      {"value_int", onnx::AttributeProto::INT},
      {"value_ints", onnx::AttributeProto::INTS}};
  for (const auto &[Name, Type] : Kinds)
    if (A.name() == Name && !Ctx.attr(Name, Type))
      return Ctx.takeAttrError();
  Tensor T;
  if (A.name() == "value") {
    auto P = Ctx.readTensor(A.t());
    if (!P)
      return P.takeError();
    T = std::move(*P);
  } else if (A.name() == "value_float") {
    T = Tensor::fromFloats({A.f()}, {});
  } else if (A.name() == "value_floats") {
    T = Tensor::fromFloats({A.floats().begin(), A.floats().end()}, {A.floats_size()});
  } else if (A.name() == "value_int") {
    T = Tensor::fromInts({A.i()}, {});
  } else if (A.name() == "value_ints") {
    T = Tensor::fromInts({A.ints().begin(), A.ints().end()}, {A.ints_size()});
  } else {
    return Ctx.error("constant attribute '" + A.name() + "' is unsupported");
  }
  if (auto E = Ctx.checkLimits(T.type(), "the value"))
    return E;
  Ctx.bindConstantOutput(std::move(T));
  return llvm::Error::success();
}

llvm::Error importIdentity(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  Ctx.bindOutput(0, *X);
  return llvm::Error::success();
}

llvm::Error importDropout(ImportContext &Ctx) {
  auto X = Ctx.input(0);
  if (!X)
    return X.takeError();
  if (Ctx.node().output_size() > 1 && !Ctx.node().output(1).empty())
    return Ctx.error("the mask output is unsupported (xnorc compiles for inference)");
  // In inference Dropout is the identity, whatever its ratio or training_mode input.
  Ctx.bindOutput(0, *X);
  return llvm::Error::success();
}

} // namespace xnorc
