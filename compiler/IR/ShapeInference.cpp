//===- ShapeInference.cpp - Result type rules for every op ----------------===//
//
// One rule per op kind. The importer uses these to type the graph as it builds
// it, the verifier to check a graph, and the shape-infer pass to re-derive types
// after rewrites; keeping one copy means the three can never disagree.
//
// Dims and attributes come from untrusted models, so every formula uses the
// checked arithmetic of compiler/Support/CheckedArith.h, and every result type
// is checked to have non-negative dims and a storage size that fits in int64.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/ShapeInference.h"

#include "compiler/IR/OpViews.h"
#include "compiler/Support/Error.h"
#include "xnorc/runtime/generic/conv_pool.h"
#include "xnorc/runtime/generic/pool_conv.h"

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

CheckedInt slidingWindowOutput(int64_t In, int64_t PadBegin, int64_t PadEnd, int64_t Kernel,
                               int64_t Stride, int64_t Dilation, bool CeilMode) {
  CheckedInt Extent = checkedAdd(checkedMul(checkedSub(Kernel, 1), Dilation), 1);
  CheckedInt Padded = checkedAdd(checkedAdd(In, PadBegin), PadEnd);
  CheckedInt Span = checkedSub(Padded, Extent);
  if (!Span)
    return std::nullopt;
  if (*Span < 0)
    return 0;
  CheckedInt Out =
      checkedAdd(CeilMode ? checkedCeilDiv(*Span, Stride) : checkedDiv(*Span, Stride), 1);
  if (!Out)
    return std::nullopt;
  if (CeilMode) {
    CheckedInt LastStart = checkedMul(*Out - 1, Stride), Limit = checkedAdd(In, PadBegin);
    if (!LastStart || !Limit)
      return std::nullopt;
    if (*LastStart >= *Limit)
      --*Out;
  }
  return Out;
}

namespace {

using Operands = std::vector<Value *>;

llvm::Error expectRank(const Value *V, size_t MinRank, const char *What) {
  if (V->type().rank() < MinRank)
    return makeError("{} '{}' has rank {}, expected at least {}", What, V->name(), V->type().rank(),
                     MinRank);
  return llvm::Error::success();
}

llvm::Error expectFloat(const Value *V) {
  if (V->type().Elem != ElemType::F32)
    return makeError("operand '{}' has element type {}, expected f32", V->name(),
                     elemTypeName(V->type().Elem));
  return llvm::Error::success();
}

/// Shared by conv and pooling: spatial output extents from window attributes
/// (whose lengths and signs the verifier has checked against the input).
llvm::Expected<Shape> windowedSpatial(const Shape &In, const std::vector<int64_t> &Kernel,
                                      const std::vector<int64_t> &Strides,
                                      const std::vector<int64_t> &Pads,
                                      const std::vector<int64_t> &Dil, bool CeilMode) {
  size_t NSp = In.size() - 2;
  if (Kernel.size() != NSp)
    return makeError("kernel has {} spatial dims but the input has {}", Kernel.size(), NSp);
  Shape Out;
  for (size_t I = 0; I < NSp; ++I) {
    if (Kernel[I] < 1)
      return makeError("kernel extent {} of spatial dim {} is not positive", Kernel[I], I);
    CheckedInt O = slidingWindowOutput(In[I + 2], Pads[I], Pads[I + NSp], Kernel[I], Strides[I],
                                       Dil[I], CeilMode);
    if (!O)
      return makeError("window arithmetic overflows on spatial dim {} (size {}, pads {} and {}, "
                       "kernel {}, stride {}, dilation {})",
                       I, In[I + 2], Pads[I], Pads[I + NSp], Kernel[I], Strides[I], Dil[I]);
    if (*O < 1)
      return makeError("window of extent {} does not fit spatial dim {} of size {}",
                       (Kernel[I] - 1) * Dil[I] + 1, I, In[I + 2]);
    Out.push_back(*O);
  }
  return Out;
}

llvm::Expected<Shape> windowedSpatial(const Shape &In, const std::vector<int64_t> &Kernel,
                                      const WindowedOp &Win, bool CeilMode) {
  return windowedSpatial(In, Kernel, Win.strides(), Win.pads(), Win.dilations(), CeilMode);
}

/// The result dims of a conv-shaped layer: channels that agree with the weight and group,
/// then the window. Prefix ("conv ", "qconv ", "") starts the channel message.
llvm::Expected<Shape> convOutDims(const Shape &X, const Shape &W, int64_t G, const WindowedOp &Win,
                                  const char *Prefix) {
  if (X[1] % G || W[0] % G || checkedMul(W[1], G) != X[1])
    return makeError("{}input channels {} do not match weight {} with group {}", Prefix, X[1],
                     shapeToString(W), G);
  auto Sp = windowedSpatial(X, Shape(W.begin() + 2, W.end()), Win, false);
  if (!Sp)
    return Sp.takeError();
  Shape Out{X[0], W[0]};
  Out.insert(Out.end(), Sp->begin(), Sp->end());
  return Out;
}

llvm::Expected<TensorType> inferConv(const ConvOp &C) {
  const Shape &X = C.x()->type().Dims, &W = C.w()->type().Dims;
  if (X.size() < 3 || W.size() != X.size())
    return makeError("conv expects input and weight of equal rank >= 3, got {} and {}",
                     shapeToString(X), shapeToString(W));
  auto Out = convOutDims(X, W, C.group(), C.as<WindowedOp>(), "conv ");
  if (!Out)
    return Out.takeError();
  if (C.bias() && C.bias()->type().Dims != Shape{W[0]})
    return makeError("conv bias shape {} does not match {} output channels",
                     shapeToString(C.bias()->type().Dims), W[0]);
  return TensorType{ElemType::F32, *Out};
}

/// A max-pool window whose taps all fall in the padding has no maximum (ONNX's
/// pads are -inf; a bit pool has no ±1 value for it). ONNX's shape inference
/// accepts such pads, ONNX Runtime and PyTorch reject them; with dilations the
/// taps of a window can also step over a small input.
llvm::Error checkMaxPoolWindows(const Shape &In, const Shape &OutSp, const std::vector<int64_t> &K,
                                const std::vector<int64_t> &S, const std::vector<int64_t> &Dl,
                                const std::vector<int64_t> &Pads) {
  for (size_t I = 0; I < OutSp.size(); ++I) {
    // Window O starts at O * stride - pad (in range: windowedSpatial checked the
    // arithmetic). One starting at >= 0 has its first tap in the input unless it
    // starts past it, which only the last window can. One starting before 0 has
    // its first non-negative tap at an offset that repeats every `dilation`
    // windows, and more taps reach the input the later it starts: the first
    // `dilation` of them decide for all.
    int64_t BeforeZero = Pads[I] / S[I] + (Pads[I] % S[I] != 0);
    int64_t Checked = std::min({OutSp[I], BeforeZero, Dl[I]});
    for (int64_t O = 0; O <= Checked; ++O) {
      int64_t W = O < Checked ? O : OutSp[I] - 1;
      int64_t Start = W * S[I] - Pads[I];
      int64_t First = Start >= 0 ? 0 : -Start / Dl[I] + (-Start % Dl[I] != 0); // first tap >= 0
      if (First >= K[I] || Start + First * Dl[I] >= In[I + 2])
        return makeError("pool window {} of spatial dim {} covers only padding (pads {} "
                         "and {}, kernel {}, stride {}, dilation {}, input size {})",
                         W, I, Pads[I], Pads[I + OutSp.size()], K[I], S[I], Dl[I], In[I + 2]);
    }
  }
  return llvm::Error::success();
}

llvm::Expected<TensorType> inferPool(const PoolOp &P, ElemType Elem, bool Max) {
  const Shape &X = P.x()->type().Dims;
  if (auto E = expectRank(P.x(), 3, "pool input"))
    return std::move(E);
  auto Sp = windowedSpatial(X, P.kernel_shape(), P.as<WindowedOp>(), P.ceil_mode() != 0);
  if (!Sp)
    return Sp.takeError();
  if (Max)
    if (auto E =
            checkMaxPoolWindows(X, *Sp, P.kernel_shape(), P.strides(), P.dilations(), P.pads()))
      return std::move(E);
  Shape Out{X[0], X[1]};
  Out.insert(Out.end(), Sp->begin(), Sp->end());
  return TensorType{Elem, Out};
}

/// conv_max_pool: the conv's rule, then a max-pool's (dilation 1) over its output.
llvm::Expected<TensorType> inferConvMaxPool(const ConvMaxPoolOp &C) {
  const Shape &X = C.x()->type().Dims;
  if (X.size() != 3 && X.size() != 4)
    return makeError("conv_max_pool takes a 1-D or 2-D input, got {}", shapeToString(X));
  auto Conv = inferConv(C.as<ConvOp>());
  if (!Conv)
    return Conv.takeError();
  const Shape &Y = Conv->Dims;
  std::vector<int64_t> Ones(X.size() - 2, 1);
  auto Sp = windowedSpatial(Y, C.pool_kernel_shape(), C.pool_strides(), C.pool_pads(), Ones,
                            C.pool_ceil_mode() != 0);
  if (!Sp)
    return Sp.takeError();
  if (auto E =
          checkMaxPoolWindows(Y, *Sp, C.pool_kernel_shape(), C.pool_strides(), Ones, C.pool_pads()))
    return std::move(E);
  // The kernels keep a pool window's conv rows of every channel in a stack ring.
  const int64_t Rows = X.size() == 4 ? C.pool_kernel_shape()[0] : 1;
  if (!xn_conv_pool_ring_fits(Rows, Y.back(), Y[1]))
    return makeError("conv_max_pool's pool window spans {} conv rows of {} x {} floats, more than "
                     "the kernels' stack ring of {} bytes",
                     Rows, Y[1], Y.back(), XN_CONV_POOL_RING_BYTES);
  Shape Out{Y[0], Y[1]};
  Out.insert(Out.end(), Sp->begin(), Sp->end());
  return TensorType{ElemType::F32, Out};
}

/// avg_pool_conv: an average pool's rule (dilation 1), then a 1x1 conv's (stride 1, no
/// padding, ungrouped) over its output.
llvm::Expected<TensorType> inferAvgPoolConv(const AvgPoolConvOp &C) {
  const Shape &X = C.x()->type().Dims, &W = C.w()->type().Dims;
  if (X.size() != 4)
    return makeError("avg_pool_conv takes a 2-D input, got {}", shapeToString(X));
  if (W.size() != 4 || W[1] != X[1] || W[2] != 1 || W[3] != 1)
    return makeError("avg_pool_conv weights must be [M, {}, 1, 1] (a 1x1 conv of the input's "
                     "channels), got {}",
                     X[1], shapeToString(W));
  if (C.bias() && C.bias()->type().Dims != Shape{W[0]})
    return makeError("avg_pool_conv bias shape {} does not match {} output channels",
                     shapeToString(C.bias()->type().Dims), W[0]);
  auto Sp = windowedSpatial(X, C.pool_kernel_shape(), C.pool_strides(), C.pool_pads(),
                            std::vector<int64_t>(2, 1), C.pool_ceil_mode() != 0);
  if (!Sp)
    return Sp.takeError();
  // The kernels pool a row of every channel into a stack buffer.
  if (!xn_pool_conv_row_fits(X[1], (*Sp)[1]))
    return makeError("avg_pool_conv's pooled row of {} channels x {} floats exceeds the kernels' "
                     "stack buffer of {} bytes",
                     X[1], (*Sp)[1], XN_POOL_CONV_ROW_BYTES);
  return TensorType{ElemType::F32, Shape{X[0], W[0], (*Sp)[0], (*Sp)[1]}};
}

llvm::Expected<TensorType> inferGlobalPool(const Value *X) {
  if (auto E = expectRank(X, 3, "pool input"))
    return std::move(E);
  Shape Out = X->type().Dims;
  std::fill(Out.begin() + 2, Out.end(), 1);
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferBatchNorm(const BatchNormOp &BN) {
  const Shape &X = BN.x()->type().Dims;
  if (auto E = expectRank(BN.x(), 2, "batch_norm input"))
    return std::move(E);
  for (const Value *P : {BN.scale(), BN.bias(), BN.mean(), BN.var()})
    if (P->type().Dims != Shape{X[1]})
      return makeError("batch_norm parameter '{}' has shape {}, expected [{}]", P->name(),
                       shapeToString(P->type().Dims), X[1]);
  return BN.x()->type();
}

llvm::Expected<TensorType> inferGemm(const GemmOp &G) {
  const Shape &SA = G.a()->type().Dims, &SB = G.b()->type().Dims;
  if (SA.size() != 2 || SB.size() != 2)
    return makeError("gemm expects 2-D operands, got {} and {}", shapeToString(SA),
                     shapeToString(SB));
  bool TA = G.transA(), TB = G.transB();
  int64_t M = TA ? SA[1] : SA[0], K = TA ? SA[0] : SA[1];
  int64_t KB = TB ? SB[1] : SB[0], N = TB ? SB[0] : SB[1];
  if (K != KB)
    return makeError("gemm inner dimensions differ: {} vs {}", K, KB);
  Shape Out{M, N}, Tmp;
  if (G.c() && (!broadcastShapes(G.c()->type().Dims, Out, Tmp) || Tmp != Out))
    return makeError("gemm C of shape {} does not broadcast to [{},{}]",
                     shapeToString(G.c()->type().Dims), M, N);
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferMatMul(const MatMulOp &MM) {
  Shape SA = MM.a()->type().Dims, SB = MM.b()->type().Dims;
  if (SA.empty() || SB.empty())
    return makeError("matmul operands must have rank >= 1");
  bool VecA = SA.size() == 1, VecB = SB.size() == 1;
  if (VecA)
    SA.insert(SA.begin(), 1);
  if (VecB)
    SB.push_back(1);
  if (SA.back() != SB[SB.size() - 2])
    return makeError("matmul inner dimensions differ: {} vs {}", SA.back(), SB[SB.size() - 2]);
  Shape Batch, BatchA(SA.begin(), SA.end() - 2), BatchB(SB.begin(), SB.end() - 2);
  if (!broadcastShapes(BatchA, BatchB, Batch))
    return makeError("matmul batch dimensions {} and {} do not broadcast", shapeToString(BatchA),
                     shapeToString(BatchB));
  Shape Out = Batch;
  if (!VecA)
    Out.push_back(SA[SA.size() - 2]);
  if (!VecB)
    Out.push_back(SB.back());
  return TensorType{ElemType::F32, Out};
}

llvm::Expected<TensorType> inferBroadcast(const BroadcastOp &B) {
  const TensorType &TA = B.a()->type(), &TB = B.b()->type();
  Shape Out;
  if (!broadcastShapes(TA.Dims, TB.Dims, Out))
    return makeError("shapes {} and {} do not broadcast", shapeToString(TA.Dims),
                     shapeToString(TB.Dims));
  if (TA.Elem != TB.Elem)
    return makeError("operands have different element types {} and {}", elemTypeName(TA.Elem),
                     elemTypeName(TB.Elem));
  return TensorType{TA.Elem, Out};
}

llvm::Expected<TensorType> inferPRelu(const PReluOp &P) {
  const Shape &X = P.x()->type().Dims, &Slope = P.slope()->type().Dims;
  Shape Out;
  if (!broadcastShapes(X, Slope, Out) || Out != X)
    return makeError("prelu slope of shape {} does not broadcast to input {}", shapeToString(Slope),
                     shapeToString(X));
  return P.x()->type();
}

llvm::Expected<TensorType> inferReshape(const ReshapeOp &R) {
  Shape Target = R.shape();
  CheckedInt N = checkedProduct(Target);
  if (!N || *N != R.x()->type().numElements())
    return makeError("cannot reshape {} into {}", shapeToString(R.x()->type().Dims),
                     shapeToString(Target));
  return TensorType{R.x()->type().Elem, Target};
}

llvm::Expected<TensorType> inferTranspose(const TransposeOp &T) {
  const Shape &X = T.x()->type().Dims;
  auto Perm = T.perm();
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
  return TensorType{T.x()->type().Elem, Out};
}

llvm::Expected<TensorType> inferConcat(const ConcatOp &C) {
  auto Inputs = C.inputs();
  const TensorType &First = Inputs[0]->type();
  Shape Out = First.Dims;
  int64_t Axis = C.axis();
  if (Axis >= static_cast<int64_t>(Out.size()))
    return makeError("concat axis {} out of range for rank {}", Axis, Out.size());
  for (size_t I = 1; I < Inputs.size(); ++I) {
    const Shape &S = Inputs[I]->type().Dims;
    bool Ok = S.size() == Out.size() && Inputs[I]->type().Elem == First.Elem;
    for (size_t D = 0; Ok && D < S.size(); ++D)
      Ok = D == static_cast<size_t>(Axis) || S[D] == Out[D];
    if (!Ok)
      return makeError("concat operand '{}' of type {} does not match {}", Inputs[I]->name(),
                       Inputs[I]->type().str(), First.str());
    CheckedInt Sum = checkedAdd(Out[Axis], S[Axis]);
    if (!Sum)
      return makeError("concat result extent overflows on axis {}", Axis);
    Out[Axis] = *Sum;
  }
  return TensorType{First.Elem, Out};
}

llvm::Expected<TensorType> inferPad(const PadOp &P) {
  Shape Out = P.x()->type().Dims;
  auto Pads = P.pads();
  if (Pads.size() != 2 * Out.size())
    return makeError("pads has {} values; x has rank {}, which needs {}", Pads.size(), Out.size(),
                     2 * Out.size());
  for (size_t I = 0; I < Out.size(); ++I) {
    CheckedInt Padded = checkedAdd(checkedAdd(Out[I], Pads[I]), Pads[I + Out.size()]);
    if (!Padded)
      return makeError("pads {} overflow dim {}", shapeToString(Pads), I);
    if (*Padded < 0)
      return makeError("pads {} crop dim {} below zero", shapeToString(Pads), I);
    Out[I] = *Padded;
  }
  return TensorType{P.x()->type().Elem, Out};
}

llvm::Expected<TensorType> inferReduce(const ReduceOp &R) {
  const Shape &X = R.x()->type().Dims;
  auto Axes = R.axes();
  bool Keep = R.keepdims() != 0;
  Shape Out;
  for (size_t I = 0; I < X.size(); ++I) {
    bool Reduced = std::find(Axes.begin(), Axes.end(), static_cast<int64_t>(I)) != Axes.end();
    if (!Reduced)
      Out.push_back(X[I]);
    else if (Keep)
      Out.push_back(1);
  }
  for (int64_t Ax : Axes)
    if (Ax >= static_cast<int64_t>(X.size()))
      return makeError("reduce axis {} out of range for rank {}", Ax, X.size());
  return TensorType{R.x()->type().Elem, Out};
}

llvm::Expected<TensorType> inferSoftmax(const SoftmaxOp &S) {
  if (S.axis() >= static_cast<int64_t>(S.x()->type().rank()))
    return makeError("softmax axis {} out of range for rank {}", S.axis(), S.x()->type().rank());
  return S.x()->type();
}

llvm::Expected<TensorType> inferSlice(const SliceOp &S) {
  Shape Out = S.x()->type().Dims;
  auto Starts = S.starts(), Ends = S.ends(), Axes = S.axes(), Steps = S.steps();
  if (Starts.size() != Axes.size() || Ends.size() != Axes.size() || Steps.size() != Axes.size())
    return makeError("slice starts/ends/axes/steps differ in length");
  for (size_t I = 0; I < Axes.size(); ++I) {
    if (Axes[I] >= static_cast<int64_t>(Out.size()) || Steps[I] == 0)
      return makeError("slice axis {} or step {} invalid", Axes[I], Steps[I]);
    // The importer clamps starts/ends as ONNX specifies; the IR requires it, so
    // every element read lies inside the input.
    int64_t Dim = Out[Axes[I]], S = Starts[I], E = Ends[I];
    bool Clamped = Steps[I] > 0 ? S >= 0 && S <= Dim && E >= 0 && E <= Dim
                                : S >= -1 && S < Dim && E >= -1 && E < Dim;
    if (!Clamped)
      return makeError("slice bounds {}..{} on axis {} of extent {} are not clamped", S, E, Axes[I],
                       Dim);
    // |E - S| <= Dim + 1, so only the step can be extreme.
    int64_t Dist = Steps[I] > 0 ? E - S : S - E;
    CheckedInt Step = Steps[I] > 0 ? CheckedInt(Steps[I]) : checkedSub(0, Steps[I]);
    CheckedInt N = Dist <= 0 ? CheckedInt(0) : checkedCeilDiv(Dist, Step);
    if (!N)
      return makeError("slice step {} on axis {} is out of range", Steps[I], Axes[I]);
    Out[Axes[I]] = *N;
  }
  return TensorType{S.x()->type().Elem, Out};
}

llvm::Expected<TensorType> inferGather(const GatherOp &G) {
  const Shape &X = G.x()->type().Dims, &Idx = G.indices()->type().Dims;
  int64_t Axis = G.axis();
  if (Axis >= static_cast<int64_t>(X.size()))
    return makeError("gather axis {} out of range for rank {}", Axis, X.size());
  Shape Out(X.begin(), X.begin() + Axis);
  Out.insert(Out.end(), Idx.begin(), Idx.end());
  Out.insert(Out.end(), X.begin() + Axis + 1, X.end());
  return TensorType{G.x()->type().Elem, Out};
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

/// The operands of a binary conv or dense layer: x (*) w, then a pair of
/// per-output-channel vectors (scale/bias, or thresh/dir for the *_threshold
/// ops, which write bits) and an optional residual.
llvm::Error checkQuantParams(const Value *S, const Value *Z, int64_t C, const std::string &Who,
                             const ElemType *ZElem);
llvm::Error checkClampRange(QuantizeBounds B, ElemType E);

struct BinaryLayer {
  Value *X, *W, *First, *Second, *Residual;
  bool Thresholded;
  /// bconv_quantize, bdense_quantize: the output's quantization.
  Value *YScale = nullptr, *YZp = nullptr;
  QuantizeBounds Bounds = {0, 0};
};

BinaryLayer binaryLayerOf(const OpView &V) {
  if (QuantizedLayerOp::classof(V.kind())) {
    auto Q = V.as<QuantizedLayerOp>();
    return {Q.x(), Q.w(),       Q.scale(),        Q.bias(),         Q.residual(),
            false, Q.y_scale(), Q.y_zero_point(), quantizeBounds(Q)};
  }
  if (ScaledLayerOp::classof(V.kind())) {
    auto S = V.as<ScaledLayerOp>();
    return {S.x(), S.w(), S.scale(), S.bias(), S.residual(), false};
  }
  auto T = V.as<ThresholdLayerOp>();
  return {T.x(), T.w(), T.thresh(), T.dir(), nullptr, true};
}

/// Checks the per-channel vectors and residual of L against M output
/// channels and the result shape Out; returns the result type.
llvm::Expected<TensorType> binaryLayerResult(const BinaryLayer &L, int64_t M, const Shape &Out) {
  ElemType VecElem = L.Thresholded ? ElemType::I32 : ElemType::F32;
  if (auto E = expectVector(L.First, M, VecElem, L.Thresholded ? "thresholds" : "scale"))
    return std::move(E);
  if (auto E = expectVector(L.Second, M, VecElem, L.Thresholded ? "directions" : "bias"))
    return std::move(E);
  if (L.Residual && L.Residual->type() != TensorType{ElemType::F32, Out})
    return makeError("residual '{}' of type {} does not match the result f32{}", L.Residual->name(),
                     L.Residual->type().str(), shapeToString(Out));
  if (L.YZp) { // one output scale and zero point (per tensor), b1 weights
    if (auto E = expectElem(L.W, ElemType::B1, "weight"))
      return std::move(E);
    if (auto E = checkQuantParams(L.YScale, L.YZp, 1, "output ", nullptr))
      return std::move(E);
    if (auto E = checkClampRange(L.Bounds, L.YZp->type().Elem))
      return std::move(E);
    return TensorType{L.YZp->type().Elem, Out};
  }
  return TensorType{L.Thresholded ? ElemType::B1 : ElemType::F32, Out};
}

/// The weights of a binary layer: b1 (±1), or, for the xnor ops (binary
/// input), i8 ternary levels {-1, 0, +1} (TWN/TBN weights, run as two bit
/// planes). Ternary levels must be a constant: the kernels pack them at
/// compile time, and a level outside {-1, 0, +1} has no bit encoding.
llvm::Error expectLayerWeights(const OpView &V, const Value *W) {
  if (hasTrait(V.kind(), OpTrait::BinaryWeight) || W->type().Elem != ElemType::I8)
    return expectElem(W, ElemType::B1, "weight");
  if (!W->isConstant())
    return makeError("ternary weight '{}' is computed at run time (it must be a constant)",
                     W->name());
  const Tensor &T = W->constant();
  for (int64_t I = 0; I < T.size(); ++I)
    if (int64_t L = T.getAsInt(I); L < -1 || L > 1)
      return makeError("ternary weight '{}' holds {} at index {} (levels are -1, 0, +1)", W->name(),
                       L, I);
  return llvm::Error::success();
}

/// bconv, bconv_threshold, bwconv: x (*) w with conv's window attributes.
llvm::Expected<TensorType> inferBinaryConv(const GroupedConvOp &C) {
  BinaryLayer L = binaryLayerOf(C);
  bool FloatIn = hasTrait(C.kind(), OpTrait::BinaryWeight);
  if (auto E = expectElem(L.X, FloatIn ? ElemType::F32 : ElemType::B1, "input"))
    return std::move(E);
  if (auto E = expectLayerWeights(C, L.W))
    return std::move(E);
  const Shape &X = L.X->type().Dims, &W = L.W->type().Dims;
  if (X.size() != 4 || W.size() != 4)
    return makeError("{} expects 2-D NCHW input and weight, got {} and {}", opMnemonic(C.kind()),
                     shapeToString(X), shapeToString(W));
  auto Out = convOutDims(X, W, C.group(), C.as<WindowedOp>(), "");
  if (!Out)
    return Out.takeError();
  return binaryLayerResult(L, W[0], *Out);
}

/// bdense, bdense_threshold, bwdense: x [N,K] (*) w [M,K].
llvm::Expected<TensorType> inferBinaryDense(const OpView &V) {
  BinaryLayer L = binaryLayerOf(V);
  bool FloatIn = hasTrait(V.kind(), OpTrait::BinaryWeight);
  if (auto E = expectElem(L.X, FloatIn ? ElemType::F32 : ElemType::B1, "input"))
    return std::move(E);
  if (auto E = expectLayerWeights(V, L.W))
    return std::move(E);
  const Shape &X = L.X->type().Dims, &W = L.W->type().Dims;
  if (X.size() != 2 || W.size() != 2 || X[1] != W[1])
    return makeError("{} expects x [N,K] and w [M,K], got {} and {}", opMnemonic(V.kind()),
                     shapeToString(X), shapeToString(W));
  return binaryLayerResult(L, W[0], {X[0], W[0]});
}

llvm::Expected<TensorType> inferThreshold(const ThresholdOp &T) {
  if (auto E = expectElem(T.x(), ElemType::F32, "input"))
    return std::move(E);
  const Shape &X = T.x()->type().Dims;
  int64_t C = X.size() >= 2 ? X[1] : (X.empty() ? 1 : X[0]);
  if (T.tau())
    if (auto E = expectVector(T.tau(), C, ElemType::F32, "thresholds"))
      return std::move(E);
  if (T.dir())
    if (auto E = expectVector(T.dir(), C, ElemType::F32, "directions"))
      return std::move(E);
  return TensorType{ElemType::B1, X};
}

llvm::Expected<TensorType> inferQThreshold(const QThresholdOp &T) {
  ElemType E = T.x()->type().Elem;
  if (E != ElemType::U8 && E != ElemType::I8)
    return makeError("qthreshold expects a u8 or i8 input, got {}", elemTypeName(E));
  const Shape &X = T.x()->type().Dims;
  int64_t C = X.size() >= 2 ? X[1] : (X.empty() ? 1 : X[0]);
  if (auto Err = expectVector(T.thresh(), C, ElemType::I32, "thresholds"))
    return std::move(Err);
  if (auto Err = expectVector(T.dir(), C, ElemType::I32, "directions"))
    return std::move(Err);
  return TensorType{ElemType::B1, X};
}

llvm::Expected<TensorType> inferBMaxPool(const BMaxPoolOp &P) {
  if (auto E = expectElem(P.x(), ElemType::B1, "input"))
    return std::move(E);
  const Shape &X = P.x()->type().Dims;
  if (X.size() != 4)
    return makeError("bmax_pool expects a 2-D NCHW input, got {}", shapeToString(X));
  if (P.min_mask())
    if (auto E = expectVector(P.min_mask(), X[1], ElemType::B1, "min_mask"))
      return std::move(E);
  return inferPool(P.as<PoolOp>(), ElemType::B1, true);
}

llvm::Expected<TensorType> inferCast(const CastOp &C) {
  ElemType To;
  if (!parseElemType(C.to(), To))
    return makeError("cast to unsupported type '{}'", C.to());
  return TensorType{To, C.x()->type().Dims};
}

/// 8-bit integer ops: the quantized element types and the scale/zero-point pairs.
bool isQuantType(ElemType E) { return E == ElemType::I8 || E == ElemType::U8; }

/// Scale S (f32) and zero point Z (of type ZElem, or any 8-bit type when
/// ZElem is null) of one quantized tensor: per tensor, or C values per channel.
/// Who ("", "x ", "w ", "y ") names the tensor in messages.
/// A quantize's clamp range [B.Lo, B.Hi]: not empty, inside the range of E.
llvm::Error checkClampRange(QuantizeBounds B, ElemType E) {
  if (B.Lo > B.Hi || B.Lo < integerTypeMin(E) || B.Hi > integerTypeMax(E))
    return makeError("clamp range {} to {} is empty or outside {}", B.Lo, B.Hi, elemTypeName(E));
  return llvm::Error::success();
}

llvm::Error checkQuantParams(const Value *S, const Value *Z, int64_t C, const std::string &Who,
                             const ElemType *ZElem) {
  if (auto E = expectElem(S, ElemType::F32, (Who + "scale").c_str()))
    return E;
  auto Count = [&](const Value *V, const char *What) -> llvm::Error {
    const Shape &D = V->type().Dims;
    if (D.size() > 1 || (numElements(D) != 1 && numElements(D) != C))
      return makeError("{}{} '{}' has shape {}, expected one value or [{}]", Who, What, V->name(),
                       shapeToString(D), C);
    return llvm::Error::success();
  };
  if (auto E = Count(S, "scale"))
    return E;
  if (auto E = Count(Z, "zero point"))
    return E;
  if (numElements(Z->type().Dims) != numElements(S->type().Dims))
    return makeError("{}zero point '{}' has {} values, its scale {}", Who, Z->name(),
                     numElements(Z->type().Dims), numElements(S->type().Dims));
  ElemType ZE = Z->type().Elem;
  if (ZElem ? ZE != *ZElem : !isQuantType(ZE))
    return makeError("{}zero point '{}' has element type {}, expected {}", Who, Z->name(),
                     elemTypeName(ZE), ZElem ? elemTypeName(*ZElem) : "i8 or u8");
  return llvm::Error::success();
}

llvm::Expected<TensorType> inferQuantLinear(const QLinearOp &Q, bool Quantize) {
  const TensorType &X = Q.x()->type();
  // One scale per tensor, or one per channel along axis.
  int64_t Axis = Q.axis(), C = 1;
  if (Q.scale()->type().numElements() != 1) {
    if (Axis >= static_cast<int64_t>(X.rank()))
      return makeError("axis {} is out of range for rank {}", Axis, X.rank());
    C = X.Dims[Axis];
  }
  if (Quantize) {
    if (auto E = expectElem(Q.x(), ElemType::F32, "input"))
      return std::move(E);
    ElemType ZE = Q.zero_point()->type().Elem;
    if (isQuantType(ZE))
      if (auto E = checkClampRange(quantizeBounds(Q.as<QuantizeOp>()), ZE))
        return std::move(E);
  } else if (!isQuantType(X.Elem) && X.Elem != ElemType::I32) {
    return makeError("input '{}' has element type {}, expected i8, u8 or i32", Q.x()->name(),
                     elemTypeName(X.Elem));
  }
  if (auto E = checkQuantParams(Q.scale(), Q.zero_point(), C, "", Quantize ? nullptr : &X.Elem))
    return std::move(E);
  return TensorType{Quantize ? Q.zero_point()->type().Elem : ElemType::F32, X.Dims};
}

/// True if V is a constant whose every value is Expected.
bool constantAll(const Value *V, double Expected) {
  if (!V->isConstant())
    return false;
  const Tensor &T = V->constant();
  for (int64_t I = 0; I < T.size(); ++I)
    if (T.getAsDouble(I) != Expected)
      return false;
  return true;
}

/// An i32 y_zero_point makes the result the int32 accumulator itself (ConvInteger,
/// MatMulInteger): that is the requantization formula only with every scale 1 and y's zero
/// point 0, which the op must then state, and with no relu clamp.
llvm::Error checkRawAccumulator(const QLayerOp &L) {
  for (const Value *S : {L.x_scale(), L.w_scale(), L.y_scale()})
    if (!constantAll(S, 1.0))
      return makeError("scale '{}' of an i32 result must be the constant 1", S->name());
  const Value *Z = L.y_zero_point();
  if (Z->type().numElements() != 1 || !constantAll(Z, 0.0))
    return makeError("y zero point '{}' of an i32 result must be the constant 0", Z->name());
  if (L.relu())
    return makeError("an i32 result (the raw accumulator) cannot have relu");
  return llvm::Error::success();
}

/// qconv and qgemm: operand types and quantization parameters for M output
/// channels and K products per output; the result has y_zero_point's type.
llvm::Expected<TensorType> qLayerResult(const QLayerOp &L, int64_t M, int64_t K, Shape Out) {
  for (const Value *V : {L.x(), L.w()})
    if (!isQuantType(V->type().Elem))
      return makeError("operand '{}' has element type {}, expected i8 or u8", V->name(),
                       elemTypeName(V->type().Elem));
  ElemType XE = L.x()->type().Elem, WE = L.w()->type().Elem;
  if (auto E = checkQuantParams(L.x_scale(), L.x_zero_point(), 1, "x ", &XE))
    return std::move(E);
  if (auto E = checkQuantParams(L.w_scale(), L.w_zero_point(), M, "w ", &WE))
    return std::move(E);
  if (L.y_zero_point()->type().Elem == ElemType::I32) {
    if (auto E = checkRawAccumulator(L))
      return std::move(E);
  } else if (auto E = checkQuantParams(L.y_scale(), L.y_zero_point(), 1, "y ", nullptr)) {
    return std::move(E);
  }
  if (L.bias())
    if (auto E = expectVector(L.bias(), M, ElemType::I32, "bias"))
      return std::move(E);
  // Each product of two 8-bit differences is at most 255 * 255 in magnitude:
  // more than this many of them could overflow the int32 accumulator.
  constexpr int64_t MaxProducts = INT32_MAX / (255 * 255);
  if (K > MaxProducts)
    return makeError("{} products per output could overflow the int32 accumulator (at most {})", K,
                     MaxProducts);
  return TensorType{L.y_zero_point()->type().Elem, std::move(Out)};
}

llvm::Expected<TensorType> inferQConv(const QConvOp &C) {
  const Shape &X = C.x()->type().Dims, &W = C.w()->type().Dims;
  if (X.size() < 3 || W.size() != X.size())
    return makeError("qconv expects input and weight of equal rank >= 3, got {} and {}",
                     shapeToString(X), shapeToString(W));
  auto Out = convOutDims(X, W, C.group(), C.as<WindowedOp>(), "qconv ");
  if (!Out)
    return Out.takeError();
  return qLayerResult(C.as<QLayerOp>(), W[0], numElements(Shape(W.begin() + 1, W.end())), *Out);
}

llvm::Expected<TensorType> inferQGemm(const QGemmOp &G) {
  const Shape &SA = G.x()->type().Dims, &SB = G.w()->type().Dims;
  if (SA.size() != 2 || SB.size() != 2)
    return makeError("qgemm expects 2-D operands, got {} and {}", shapeToString(SA),
                     shapeToString(SB));
  bool TB = G.transB();
  int64_t KB = TB ? SB[1] : SB[0], N = TB ? SB[0] : SB[1];
  if (SA[1] != KB)
    return makeError("qgemm inner dimensions differ: {} vs {}", SA[1], KB);
  return qLayerResult(G.as<QLayerOp>(), N, KB, {SA[0], N});
}

llvm::Error checkOperandTypes(OpKind Kind, const Operands &Ops) {
  // Packed bits are not elements: only binary ops know their layout (a reshape
  // or slice of b1 storage would reinterpret words, not values).
  if (!isBinaryOp(Kind))
    for (Value *V : Ops)
      if (V->type().Elem == ElemType::B1)
        return makeError("{} does not accept the packed binary (b1) operand '{}'", opMnemonic(Kind),
                         V->name());
  if (hasTrait(Kind, OpTrait::FloatOnly))
    for (Value *V : Ops)
      if (auto E = expectFloat(V))
        return E;
  return llvm::Error::success();
}

/// The rule of Kind, before the size check every result gets.
llvm::Expected<TensorType> inferRule(OpKind Kind, const std::vector<Value *> &Ops,
                                     const Attributes &A) {
  if (Ops.size() < opMinOperands(Kind) || Ops.size() > opMaxOperands(Kind))
    return makeError("{} takes {} to {} operands, got {}", opMnemonic(Kind), opMinOperands(Kind),
                     opMaxOperands(Kind), Ops.size());
  if (auto E = checkOperandTypes(Kind, Ops))
    return std::move(E);
  if (auto E = verifyAttributes(Kind, Ops, A))
    return std::move(E);

  OpView V(Kind, Ops, A);
  switch (Kind) {
  case OpKind::Conv:
    return inferConv(V.as<ConvOp>());
  case OpKind::ConvMaxPool:
    return inferConvMaxPool(V.as<ConvMaxPoolOp>());
  case OpKind::AvgPoolConv:
    return inferAvgPoolConv(V.as<AvgPoolConvOp>());
  case OpKind::BatchNorm:
    return inferBatchNorm(V.as<BatchNormOp>());
  case OpKind::Gemm:
    return inferGemm(V.as<GemmOp>());
  case OpKind::MatMul:
    return inferMatMul(V.as<MatMulOp>());
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    return inferPool(V.as<PoolOp>(), ElemType::F32, Kind == OpKind::MaxPool);
  case OpKind::GlobalAvgPool:
    return inferGlobalPool(V.as<GlobalAvgPoolOp>().x());
  case OpKind::GlobalMaxPool:
    return inferGlobalPool(V.as<GlobalMaxPoolOp>().x());
  case OpKind::Softmax:
    return inferSoftmax(V.as<SoftmaxOp>());
  case OpKind::ReduceMean:
  case OpKind::ReduceSum:
  case OpKind::ReduceMax:
  case OpKind::ReduceMin:
    return inferReduce(V.as<ReduceOp>());
  case OpKind::Relu:
  case OpKind::LeakyRelu:
  case OpKind::Clip:
  case OpKind::Sigmoid:
  case OpKind::Tanh:
  case OpKind::Sign:
  case OpKind::Abs:
  case OpKind::Neg:
  case OpKind::Exp:
    return V.as<UnaryOp>().x()->type();
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
  case OpKind::Max:
  case OpKind::Min:
    return inferBroadcast(V.as<BroadcastOp>());
  case OpKind::PRelu:
    return inferPRelu(V.as<PReluOp>());
  case OpKind::Reshape:
    return inferReshape(V.as<ReshapeOp>());
  case OpKind::Transpose:
    return inferTranspose(V.as<TransposeOp>());
  case OpKind::Concat:
    return inferConcat(V.as<ConcatOp>());
  case OpKind::Pad:
    return inferPad(V.as<PadOp>());
  case OpKind::Slice:
    return inferSlice(V.as<SliceOp>());
  case OpKind::Gather:
    return inferGather(V.as<GatherOp>());
  case OpKind::Threshold:
    return inferThreshold(V.as<ThresholdOp>());
  case OpKind::QThreshold:
    return inferQThreshold(V.as<QThresholdOp>());
  case OpKind::Unpack: {
    Value *X = V.as<UnpackOp>().x();
    if (auto E = expectElem(X, ElemType::B1, "input"))
      return std::move(E);
    return TensorType{ElemType::F32, X->type().Dims};
  }
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BConvQuantize:
  case OpKind::BWConv:
    return inferBinaryConv(V.as<GroupedConvOp>());
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
  case OpKind::BDenseQuantize:
  case OpKind::BWDense:
    return inferBinaryDense(V);
  case OpKind::BMaxPool:
    return inferBMaxPool(V.as<BMaxPoolOp>());
  case OpKind::Quantize:
  case OpKind::Dequantize:
    return inferQuantLinear(V.as<QLinearOp>(), Kind == OpKind::Quantize);
  case OpKind::QConv:
    return inferQConv(V.as<QConvOp>());
  case OpKind::QGemm:
    return inferQGemm(V.as<QGemmOp>());
  case OpKind::ShapeOf:
    return TensorType{ElemType::I64, {static_cast<int64_t>(V.as<ShapeOfOp>().x()->type().rank())}};
  case OpKind::Cast:
    return inferCast(V.as<CastOp>());
  }
  return makeError("no shape rule for {}", opMnemonic(Kind));
}

} // namespace

llvm::Expected<TensorType> inferResultType(OpKind Kind, const std::vector<Value *> &Ops,
                                           const Attributes &A) {
  auto T = inferRule(Kind, Ops, A);
  if (!T)
    return T.takeError();
  for (int64_t D : T->Dims)
    if (D < 0)
      return makeError("result shape {} has a negative dimension", shapeToString(T->Dims));
  if (!checkedStorageBytes(*T))
    return makeError("result shape {} is too large: its size overflows 64 bits",
                     shapeToString(T->Dims));
  return T;
}

Shape convMaxPoolConvDims(const Op &O) {
  auto Conv = inferConv(OpView(O).as<ConvOp>());
  assert(Conv && "conv_max_pool was verified");
  return Conv->Dims;
}

} // namespace xnorc
