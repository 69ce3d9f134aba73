//===- ShapeInference.cpp - Result type rules for every op ----------------===//
//
// One rule per op kind. The importer uses these to type the graph as it builds
// it, the verifier to check a graph, and the shape-infer pass to re-derive types
// after rewrites; keeping one copy means the three can never disagree.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/ShapeInference.h"

#include "compiler/Support/Error.h"

#include <algorithm>

namespace xnorc {

bool broadcastShapes(const Shape &A, const Shape &B, Shape &Out) {
  size_t R = std::max(A.size(), B.size());
  Out.assign(R, 1);
  for (size_t I = 0; I < R; ++I) {
    int64_t DA = I < R - A.size() ? 1 : A[I - (R - A.size())];
    int64_t DB = I < R - B.size() ? 1 : B[I - (R - B.size())];
    if (DA != DB && DA != 1 && DB != 1)
      return false;
    Out[I] = DA == 1 ? DB : DA;
  }
  return true;
}

int64_t slidingWindowOutput(int64_t In, int64_t PadBegin, int64_t PadEnd, int64_t Kernel,
                            int64_t Stride, int64_t Dilation, bool CeilMode) {
  int64_t Span = In + PadBegin + PadEnd - ((Kernel - 1) * Dilation + 1);
  if (Span < 0)
    return 0;
  int64_t Out = (CeilMode ? (Span + Stride - 1) / Stride : Span / Stride) + 1;
  if (CeilMode && (Out - 1) * Stride >= In + PadBegin)
    --Out;
  return Out;
}

namespace {

using Operands = std::vector<Value *>;

llvm::Error expectRank(const Value *V, size_t MinRank, const char *What) {
  if (V->type().rank() < MinRank)
    return makeError("{} '{}' has rank {}, expected at least {}", What, V->name(),
                     V->type().rank(), MinRank);
  return llvm::Error::success();
}

llvm::Error expectFloat(const Value *V) {
  if (V->type().Elem != ElemType::F32)
    return makeError("operand '{}' has element type {}, expected f32", V->name(),
                     elemTypeName(V->type().Elem));
  return llvm::Error::success();
}

/// Shared by conv and pooling: spatial output extents from window attributes.
llvm::Expected<Shape> windowedSpatial(const Shape &In, const std::vector<int64_t> &Kernel,
                                      const Attributes &A, bool CeilMode) {
  size_t NSp = In.size() - 2;
  if (Kernel.size() != NSp)
    return makeError("kernel has {} spatial dims but the input has {}", Kernel.size(), NSp);
  auto Strides = A.getInts("strides", std::vector<int64_t>(NSp, 1));
  auto Dil = A.getInts("dilations", std::vector<int64_t>(NSp, 1));
  auto Pads = A.getInts("pads", std::vector<int64_t>(2 * NSp, 0));
  if (Strides.size() != NSp || Dil.size() != NSp || Pads.size() != 2 * NSp)
    return makeError("strides/dilations/pads do not match {} spatial dims", NSp);
  Shape Out;
  for (size_t I = 0; I < NSp; ++I) {
    if (Strides[I] < 1 || Dil[I] < 1 || Kernel[I] < 1)
      return makeError("kernel, strides and dilations must be positive");
    int64_t O = slidingWindowOutput(In[I + 2], Pads[I], Pads[I + NSp], Kernel[I], Strides[I],
                                    Dil[I], CeilMode);
    if (O < 1)
      return makeError("window of extent {} does not fit spatial dim {} of size {}",
                       (Kernel[I] - 1) * Dil[I] + 1, I, In[I + 2]);
    Out.push_back(O);
  }
  return Out;
}

llvm::Expected<TensorType> inferConv(const Operands &Ops, const Attributes &A) {
  const Shape &X = Ops[0]->type().Dims, &W = Ops[1]->type().Dims;
  if (X.size() < 3 || W.size() != X.size())
    return makeError("conv expects input and weight of equal rank >= 3, got {} and {}",
                     shapeToString(X), shapeToString(W));
  int64_t G = A.getInt("group", 1);
  if (G < 1 || X[1] % G || W[0] % G || W[1] * G != X[1])
    return makeError("conv input channels {} do not match weight {} with group {}", X[1],
                     shapeToString(W), G);
  if (Ops.size() > 2 && Ops[2]->type().Dims != Shape{W[0]})
    return makeError("conv bias shape {} does not match {} output channels",
                     shapeToString(Ops[2]->type().Dims), W[0]);
  auto Sp = windowedSpatial(X, Shape(W.begin() + 2, W.end()), A, false);
  if (!Sp)
    return Sp.takeError();
  Shape Out{X[0], W[0]};
  Out.insert(Out.end(), Sp->begin(), Sp->end());
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferPool(const Operands &Ops, const Attributes &A) {
  const Shape &X = Ops[0]->type().Dims;
  if (auto E = expectRank(Ops[0], 3, "pool input"))
    return std::move(E);
  auto Sp = windowedSpatial(X, A.getInts("kernel_shape"), A, A.getInt("ceil_mode", 0) != 0);
  if (!Sp)
    return Sp.takeError();
  Shape Out{X[0], X[1]};
  Out.insert(Out.end(), Sp->begin(), Sp->end());
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferGlobalPool(const Operands &Ops) {
  if (auto E = expectRank(Ops[0], 3, "pool input"))
    return std::move(E);
  Shape Out = Ops[0]->type().Dims;
  std::fill(Out.begin() + 2, Out.end(), 1);
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferBatchNorm(const Operands &Ops) {
  const Shape &X = Ops[0]->type().Dims;
  if (auto E = expectRank(Ops[0], 2, "batch_norm input"))
    return std::move(E);
  for (unsigned I = 1; I < 5; ++I)
    if (Ops[I]->type().Dims != Shape{X[1]})
      return makeError("batch_norm parameter '{}' has shape {}, expected [{}]", Ops[I]->name(),
                       shapeToString(Ops[I]->type().Dims), X[1]);
  return Ops[0]->type();
}

llvm::Expected<TensorType> inferGemm(const Operands &Ops, const Attributes &A) {
  const Shape &SA = Ops[0]->type().Dims, &SB = Ops[1]->type().Dims;
  if (SA.size() != 2 || SB.size() != 2)
    return makeError("gemm expects 2-D operands, got {} and {}", shapeToString(SA),
                     shapeToString(SB));
  bool TA = A.getInt("transA"), TB = A.getInt("transB");
  int64_t M = TA ? SA[1] : SA[0], K = TA ? SA[0] : SA[1];
  int64_t KB = TB ? SB[1] : SB[0], N = TB ? SB[0] : SB[1];
  if (K != KB)
    return makeError("gemm inner dimensions differ: {} vs {}", K, KB);
  Shape Out{M, N}, Tmp;
  if (Ops.size() > 2 && (!broadcastShapes(Ops[2]->type().Dims, Out, Tmp) || Tmp != Out))
    return makeError("gemm C of shape {} does not broadcast to [{},{}]",
                     shapeToString(Ops[2]->type().Dims), M, N);
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferMatMul(const Operands &Ops) {
  Shape SA = Ops[0]->type().Dims, SB = Ops[1]->type().Dims;
  if (SA.empty() || SB.empty())
    return makeError("matmul operands must have rank >= 1");
  bool VecA = SA.size() == 1, VecB = SB.size() == 1;
  if (VecA)
    SA.insert(SA.begin(), 1);
  if (VecB)
    SB.push_back(1);
  if (SA.back() != SB[SB.size() - 2])
    return makeError("matmul inner dimensions differ: {} vs {}", SA.back(), SB[SB.size() - 2]);
  Shape Batch;
  if (!broadcastShapes(Shape(SA.begin(), SA.end() - 2), Shape(SB.begin(), SB.end() - 2), Batch))
    return makeError("matmul batch dimensions {} and {} do not broadcast",
                     shapeToString(Ops[0]->type().Dims), shapeToString(Ops[1]->type().Dims));
  Shape Out = Batch;
  if (!VecA)
    Out.push_back(SA[SA.size() - 2]);
  if (!VecB)
    Out.push_back(SB.back());
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferBroadcast(const Operands &Ops) {
  Shape Out;
  if (!broadcastShapes(Ops[0]->type().Dims, Ops[1]->type().Dims, Out))
    return makeError("shapes {} and {} do not broadcast", shapeToString(Ops[0]->type().Dims),
                     shapeToString(Ops[1]->type().Dims));
  if (Ops[0]->type().Elem != Ops[1]->type().Elem)
    return makeError("operands have different element types {} and {}",
                     elemTypeName(Ops[0]->type().Elem), elemTypeName(Ops[1]->type().Elem));
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Expected<TensorType> inferPRelu(const Operands &Ops) {
  Shape Out;
  if (!broadcastShapes(Ops[0]->type().Dims, Ops[1]->type().Dims, Out) ||
      Out != Ops[0]->type().Dims)
    return makeError("prelu slope of shape {} does not broadcast to input {}",
                     shapeToString(Ops[1]->type().Dims), shapeToString(Ops[0]->type().Dims));
  return Ops[0]->type();
}

llvm::Expected<TensorType> inferReshape(const Operands &Ops, const Attributes &A) {
  Shape Target = A.getInts("shape");
  if (numElements(Target) != Ops[0]->type().numElements() ||
      std::any_of(Target.begin(), Target.end(), [](int64_t D) { return D < 0; }))
    return makeError("cannot reshape {} into {}", shapeToString(Ops[0]->type().Dims),
                     shapeToString(Target));
  return TensorType{Ops[0]->type().Elem, Target};
}

llvm::Expected<TensorType> inferTranspose(const Operands &Ops, const Attributes &A) {
  const Shape &X = Ops[0]->type().Dims;
  auto Perm = A.getInts("perm");
  std::vector<int64_t> Sorted = Perm;
  std::sort(Sorted.begin(), Sorted.end());
  for (size_t I = 0; I < Sorted.size(); ++I)
    if (Sorted[I] != static_cast<int64_t>(I))
      Sorted.clear();
  if (Perm.size() != X.size() || Sorted.size() != X.size())
    return makeError("perm {} is not a permutation of rank {}", shapeToString(Perm), X.size());
  Shape Out;
  for (int64_t P : Perm)
    Out.push_back(X[P]);
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Expected<TensorType> inferConcat(const Operands &Ops, const Attributes &A) {
  Shape Out = Ops[0]->type().Dims;
  int64_t Axis = A.getInt("axis");
  if (Axis < 0 || Axis >= static_cast<int64_t>(Out.size()))
    return makeError("concat axis {} out of range for rank {}", Axis, Out.size());
  for (size_t I = 1; I < Ops.size(); ++I) {
    const Shape &S = Ops[I]->type().Dims;
    bool Ok = S.size() == Out.size() && Ops[I]->type().Elem == Ops[0]->type().Elem;
    for (size_t D = 0; Ok && D < S.size(); ++D)
      Ok = D == static_cast<size_t>(Axis) || S[D] == Out[D];
    if (!Ok)
      return makeError("concat operand '{}' of type {} does not match {}", Ops[I]->name(),
                       Ops[I]->type().str(), Ops[0]->type().str());
    Out[Axis] += S[Axis];
  }
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Expected<TensorType> inferPad(const Operands &Ops, const Attributes &A) {
  Shape Out = Ops[0]->type().Dims;
  auto Pads = A.getInts("pads");
  if (Pads.size() != 2 * Out.size())
    return makeError("pad has {} pads for rank {}", Pads.size(), Out.size());
  for (size_t I = 0; I < Out.size(); ++I) {
    Out[I] += Pads[I] + Pads[I + Out.size()];
    if (Out[I] < 0)
      return makeError("pads {} crop dim {} below zero", shapeToString(Pads), I);
  }
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Expected<TensorType> inferReduceMean(const Operands &Ops, const Attributes &A) {
  const Shape &X = Ops[0]->type().Dims;
  auto Axes = A.getInts("axes");
  bool Keep = A.getInt("keepdims", 1) != 0;
  Shape Out;
  for (size_t I = 0; I < X.size(); ++I) {
    bool Reduced = std::find(Axes.begin(), Axes.end(), static_cast<int64_t>(I)) != Axes.end();
    if (!Reduced)
      Out.push_back(X[I]);
    else if (Keep)
      Out.push_back(1);
  }
  for (int64_t Ax : Axes)
    if (Ax < 0 || Ax >= static_cast<int64_t>(X.size()))
      return makeError("reduce axis {} out of range for rank {}", Ax, X.size());
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Expected<TensorType> inferSoftmax(const Operands &Ops, const Attributes &A) {
  int64_t Axis = A.getInt("axis");
  if (Axis < 0 || Axis >= static_cast<int64_t>(Ops[0]->type().rank()))
    return makeError("softmax axis {} out of range for rank {}", Axis, Ops[0]->type().rank());
  return Ops[0]->type();
}

llvm::Expected<TensorType> inferSlice(const Operands &Ops, const Attributes &A) {
  Shape Out = Ops[0]->type().Dims;
  auto Starts = A.getInts("starts"), Ends = A.getInts("ends"), Axes = A.getInts("axes"),
       Steps = A.getInts("steps");
  if (Starts.size() != Axes.size() || Ends.size() != Axes.size() || Steps.size() != Axes.size())
    return makeError("slice starts/ends/axes/steps differ in length");
  for (size_t I = 0; I < Axes.size(); ++I) {
    if (Axes[I] < 0 || Axes[I] >= static_cast<int64_t>(Out.size()) || Steps[I] == 0)
      return makeError("slice axis {} or step {} invalid", Axes[I], Steps[I]);
    // Starts/ends are already clamped by the importer, so the count is exact.
    int64_t N = Steps[I] > 0 ? (Ends[I] - Starts[I] + Steps[I] - 1) / Steps[I]
                             : (Starts[I] - Ends[I] - Steps[I] - 1) / -Steps[I];
    Out[Axes[I]] = std::max<int64_t>(N, 0);
  }
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Expected<TensorType> inferGather(const Operands &Ops, const Attributes &A) {
  const Shape &X = Ops[0]->type().Dims, &Idx = Ops[1]->type().Dims;
  int64_t Axis = A.getInt("axis");
  if (Axis < 0 || Axis >= static_cast<int64_t>(X.size()))
    return makeError("gather axis {} out of range for rank {}", Axis, X.size());
  Shape Out(X.begin(), X.begin() + Axis);
  Out.insert(Out.end(), Idx.begin(), Idx.end());
  Out.insert(Out.end(), X.begin() + Axis + 1, X.end());
  return TensorType{Ops[0]->type().Elem, Out};
}

llvm::Error expectElem(const Value *V, ElemType E, const char *Role) {
  if (V->type().Elem != E)
    return makeError("{} '{}' has element type {}, expected {}", Role, V->name(),
                     elemTypeName(V->type().Elem), elemTypeName(E));
  return llvm::Error::success();
}

llvm::Error expectVector(const Value *V, int64_t N, ElemType E, const char *Role) {
  if (auto Err = expectElem(V, E, Role))
    return Err;
  if (V->type().Dims != Shape{N})
    return makeError("{} '{}' has shape {}, expected [{}]", Role, V->name(),
                     shapeToString(V->type().Dims), N);
  return llvm::Error::success();
}

/// bconv, bconv_threshold, bwconv: x (*) w with conv's window attributes, and a
/// per-output-channel pair of epilogue vectors (scale/bias or thresh/dir).
llvm::Expected<TensorType> inferBinaryConv(OpKind Kind, const Operands &Ops,
                                           const Attributes &A) {
  bool FloatIn = Kind == OpKind::BWConv;
  if (auto E = expectElem(Ops[0], FloatIn ? ElemType::F32 : ElemType::B1, "input"))
    return std::move(E);
  if (auto E = expectElem(Ops[1], ElemType::B1, "weight"))
    return std::move(E);
  const Shape &X = Ops[0]->type().Dims, &W = Ops[1]->type().Dims;
  if (X.size() != 4 || W.size() != 4)
    return makeError("{} expects 2-D NCHW input and weight, got {} and {}", opMnemonic(Kind),
                     shapeToString(X), shapeToString(W));
  int64_t G = A.getInt("group", 1);
  if (G < 1 || X[1] % G || W[0] % G || W[1] * G != X[1])
    return makeError("input channels {} do not match weight {} with group {}", X[1],
                     shapeToString(W), G);
  bool Thresh = Kind == OpKind::BConvThreshold;
  ElemType VecElem = Thresh ? ElemType::I32 : ElemType::F32;
  if (auto E = expectVector(Ops[2], W[0], VecElem, Thresh ? "thresholds" : "scale"))
    return std::move(E);
  if (auto E = expectVector(Ops[3], W[0], VecElem, Thresh ? "directions" : "bias"))
    return std::move(E);
  int64_t PadValue = A.getInt("pad_value", 0);
  if (PadValue != 0 && PadValue != 1 && PadValue != -1)
    return makeError("pad_value must be 0 (zero padding), 1 or -1");
  auto Sp = windowedSpatial(X, Shape(W.begin() + 2, W.end()), A, false);
  if (!Sp)
    return Sp.takeError();
  Shape Out{X[0], W[0]};
  Out.insert(Out.end(), Sp->begin(), Sp->end());
  if (Ops.size() > 4 && Ops[4]->type() != TensorType{ElemType::F32, Out})
    return makeError("residual '{}' of type {} does not match the result f32{}", Ops[4]->name(),
                     Ops[4]->type().str(), shapeToString(Out));
  return TensorType{Thresh ? ElemType::B1 : ElemType::F32, Out};
}

llvm::Expected<TensorType> inferBinaryDense(OpKind Kind, const Operands &Ops) {
  bool FloatIn = Kind == OpKind::BWDense;
  if (auto E = expectElem(Ops[0], FloatIn ? ElemType::F32 : ElemType::B1, "input"))
    return std::move(E);
  if (auto E = expectElem(Ops[1], ElemType::B1, "weight"))
    return std::move(E);
  const Shape &X = Ops[0]->type().Dims, &W = Ops[1]->type().Dims;
  if (X.size() != 2 || W.size() != 2 || X[1] != W[1])
    return makeError("{} expects x [N,K] and w [M,K], got {} and {}", opMnemonic(Kind),
                     shapeToString(X), shapeToString(W));
  bool Thresh = Kind == OpKind::BDenseThreshold;
  ElemType VecElem = Thresh ? ElemType::I32 : ElemType::F32;
  if (auto E = expectVector(Ops[2], W[0], VecElem, Thresh ? "thresholds" : "scale"))
    return std::move(E);
  if (auto E = expectVector(Ops[3], W[0], VecElem, Thresh ? "directions" : "bias"))
    return std::move(E);
  Shape Out{X[0], W[0]};
  if (Ops.size() > 4 && Ops[4]->type() != TensorType{ElemType::F32, Out})
    return makeError("residual '{}' does not match the result", Ops[4]->name());
  return TensorType{Thresh ? ElemType::B1 : ElemType::F32, Out};
}

llvm::Expected<TensorType> inferThreshold(const Operands &Ops) {
  if (auto E = expectElem(Ops[0], ElemType::F32, "input"))
    return std::move(E);
  const Shape &X = Ops[0]->type().Dims;
  int64_t C = X.size() >= 2 ? X[1] : (X.empty() ? 1 : X[0]);
  for (size_t I = 1; I < Ops.size(); ++I)
    if (auto E = expectVector(Ops[I], C, ElemType::F32, I == 1 ? "thresholds" : "directions"))
      return std::move(E);
  return TensorType{ElemType::B1, X};
}

llvm::Expected<TensorType> inferBMaxPool(const Operands &Ops, const Attributes &A) {
  if (auto E = expectElem(Ops[0], ElemType::B1, "input"))
    return std::move(E);
  const Shape &X = Ops[0]->type().Dims;
  if (X.size() != 4)
    return makeError("bmax_pool expects a 2-D NCHW input, got {}", shapeToString(X));
  if (Ops.size() > 1)
    if (auto E = expectVector(Ops[1], X[1], ElemType::B1, "min_mask"))
      return std::move(E);
  auto Sp = windowedSpatial(X, A.getInts("kernel_shape"), A, A.getInt("ceil_mode", 0) != 0);
  if (!Sp)
    return Sp.takeError();
  return TensorType{ElemType::B1, {X[0], X[1], (*Sp)[0], (*Sp)[1]}};
}

llvm::Expected<TensorType> inferCast(const Operands &Ops, const Attributes &A) {
  ElemType To;
  if (!parseElemType(A.getString("to"), To) || To == ElemType::B1)
    return makeError("cast to unsupported type '{}'", A.getString("to"));
  return TensorType{To, Ops[0]->type().Dims};
}

} // namespace

llvm::Expected<TensorType> inferResultType(OpKind Kind, const std::vector<Value *> &Ops,
                                           const Attributes &A) {
  if (Ops.size() < opMinOperands(Kind) || Ops.size() > opMaxOperands(Kind))
    return makeError("{} takes {} to {} operands, got {}", opMnemonic(Kind), opMinOperands(Kind),
                     opMaxOperands(Kind), Ops.size());
  // Packed bits are not elements: only binary ops know their layout (a reshape
  // or slice of b1 storage would reinterpret words, not values).
  if (!isBinaryOp(Kind))
    for (Value *V : Ops)
      if (V->type().Elem == ElemType::B1)
        return makeError("{} does not accept the packed binary (b1) operand '{}'",
                         opMnemonic(Kind), V->name());
  switch (Kind) {
  case OpKind::Conv:
  case OpKind::MaxPool:
  case OpKind::AvgPool:
  case OpKind::GlobalAvgPool:
  case OpKind::GlobalMaxPool:
  case OpKind::BatchNorm:
  case OpKind::Gemm:
  case OpKind::MatMul:
  case OpKind::Softmax:
  case OpKind::Relu:
  case OpKind::LeakyRelu:
  case OpKind::Clip:
  case OpKind::Sigmoid:
  case OpKind::Tanh:
  case OpKind::PRelu:
    for (Value *V : Ops)
      if (auto E = expectFloat(V))
        return std::move(E);
    break;
  default:
    break;
  }

  switch (Kind) {
  case OpKind::Conv:
    return inferConv(Ops, A);
  case OpKind::BatchNorm:
    return inferBatchNorm(Ops);
  case OpKind::Gemm:
    return inferGemm(Ops, A);
  case OpKind::MatMul:
    return inferMatMul(Ops);
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    return inferPool(Ops, A);
  case OpKind::GlobalAvgPool:
  case OpKind::GlobalMaxPool:
    return inferGlobalPool(Ops);
  case OpKind::Softmax:
    return inferSoftmax(Ops, A);
  case OpKind::ReduceMean:
  case OpKind::ReduceSum:
  case OpKind::ReduceMax:
  case OpKind::ReduceMin:
    return inferReduceMean(Ops, A);
  case OpKind::Relu:
  case OpKind::LeakyRelu:
  case OpKind::Clip:
  case OpKind::Sigmoid:
  case OpKind::Tanh:
  case OpKind::Sign:
  case OpKind::Abs:
  case OpKind::Neg:
  case OpKind::Exp:
    return Ops[0]->type();
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
  case OpKind::Max:
  case OpKind::Min:
    return inferBroadcast(Ops);
  case OpKind::PRelu:
    return inferPRelu(Ops);
  case OpKind::Reshape:
    return inferReshape(Ops, A);
  case OpKind::Transpose:
    return inferTranspose(Ops, A);
  case OpKind::Concat:
    return inferConcat(Ops, A);
  case OpKind::Pad:
    return inferPad(Ops, A);
  case OpKind::Slice:
    return inferSlice(Ops, A);
  case OpKind::Gather:
    return inferGather(Ops, A);
  case OpKind::Threshold:
    return inferThreshold(Ops);
  case OpKind::Unpack:
    if (auto E = expectElem(Ops[0], ElemType::B1, "input"))
      return std::move(E);
    return TensorType{ElemType::F32, Ops[0]->type().Dims};
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BWConv:
    return inferBinaryConv(Kind, Ops, A);
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
  case OpKind::BWDense:
    return inferBinaryDense(Kind, Ops);
  case OpKind::BMaxPool:
    return inferBMaxPool(Ops, A);
  case OpKind::ShapeOf:
    return TensorType{ElemType::I64, {static_cast<int64_t>(Ops[0]->type().rank())}};
  case OpKind::Cast:
    return inferCast(Ops, A);
  }
  return makeError("no shape rule for {}", opMnemonic(Kind));
}

} // namespace xnorc
