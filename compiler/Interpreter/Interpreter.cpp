#include "compiler/Interpreter/Interpreter.h"

#include "compiler/Interpreter/BinaryOps.h"
#include "compiler/Interpreter/QuantOps.h"

#include "compiler/Analysis/BatchNormArith.h"
#include "compiler/IR/OpViews.h"

#include "compiler/Lowering/KernelCall.h"
#include "compiler/Support/CheckedArith.h"
#include "compiler/Support/Error.h"

#include <unordered_map>

namespace xnorc {

namespace {

/// Row-major strides of Dims.
std::vector<int64_t> stridesOf(const Shape &Dims) {
  std::vector<int64_t> S(Dims.size(), 1);
  for (int64_t D = static_cast<int64_t>(Dims.size()) - 2; D >= 0; --D)
    S[D] = S[D + 1] * Dims[D + 1];
  return S;
}

/// Calls F(OutIndex, Coords) for every element of Dims in row-major order.
template <typename Fn> void forEachIndex(const Shape &Dims, Fn F) {
  int64_t N = numElements(Dims);
  std::vector<int64_t> Coord(Dims.size(), 0);
  for (int64_t I = 0; I < N; ++I) {
    F(I, Coord);
    for (int64_t D = static_cast<int64_t>(Dims.size()) - 1; D >= 0; --D) {
      if (++Coord[D] < Dims[D])
        break;
      Coord[D] = 0;
    }
  }
}

void copyElement(const Tensor &Src, int64_t From, Tensor &Dst, int64_t To) {
  unsigned W = elemTypeBytes(Src.elem());
  std::memcpy(Dst.data<uint8_t>() + To * W, Src.data<uint8_t>() + From * W, W);
}

Tensor evalSlice(const Op &O, const Tensor &X) {
  Tensor Y(O.result()->type());
  const Shape &In = X.dims();
  std::vector<int64_t> Start(In.size(), 0), Step(In.size(), 1);
  SliceOp Slice(O);
  auto Axes = Slice.axes(), Starts = Slice.starts(), Steps = Slice.steps();
  for (size_t I = 0; I < Axes.size(); ++I) {
    Start[Axes[I]] = Starts[I];
    Step[Axes[I]] = Steps[I];
  }
  auto S = stridesOf(In);
  forEachIndex(Y.dims(), [&](int64_t Out, const std::vector<int64_t> &C) {
    int64_t Src = 0;
    for (size_t D = 0; D < C.size(); ++D)
      Src += (Start[D] + C[D] * Step[D]) * S[D];
    copyElement(X, Src, Y, Out);
  });
  return Y;
}

llvm::Expected<Tensor> evalGather(const Op &O, const Tensor &X, const Tensor &Idx) {
  Tensor Y(O.result()->type());
  int64_t Axis = GatherOp(O).axis();
  const Shape &In = X.dims();
  int64_t Outer = numElements(Shape(In.begin(), In.begin() + Axis));
  int64_t Inner = numElements(Shape(In.begin() + Axis + 1, In.end()));
  int64_t Extent = In[Axis], Out = 0;
  for (int64_t B = 0; B < Outer; ++B)
    for (int64_t K = 0; K < Idx.size(); ++K) {
      int64_t I = Idx.getAsInt(K);
      if (I < -Extent || I >= Extent)
        return makeError("{}: index {} out of range for extent {}", O.describe(), I, Extent);
      I = I < 0 ? I + Extent : I;
      for (int64_t J = 0; J < Inner; ++J)
        copyElement(X, (B * Extent + I) * Inner + J, Y, Out++);
    }
  return Y;
}

Tensor evalTranspose(const Op &O, const Tensor &X) {
  Tensor Y(O.result()->type());
  auto Perm = TransposeOp(O).perm();
  auto S = stridesOf(X.dims());
  forEachIndex(Y.dims(), [&](int64_t Out, const std::vector<int64_t> &C) {
    int64_t Src = 0;
    for (size_t D = 0; D < C.size(); ++D)
      Src += C[D] * S[Perm[D]];
    copyElement(X, Src, Y, Out);
  });
  return Y;
}

Tensor evalConcat(const Op &O, const std::vector<const Tensor *> &In) {
  Tensor Y(O.result()->type());
  int64_t Axis = ConcatOp(O).axis();
  const Shape &YD = Y.dims();
  int64_t Outer = numElements(Shape(YD.begin(), YD.begin() + Axis)), Out = 0;
  for (int64_t B = 0; B < Outer; ++B)
    for (const Tensor *T : In) {
      int64_t Chunk = numElements(Shape(T->dims().begin() + Axis, T->dims().end()));
      for (int64_t J = 0; J < Chunk; ++J)
        copyElement(*T, B * Chunk + J, Y, Out++);
    }
  return Y;
}

/// Integer arithmetic of shape computations, with numpy broadcasting.
llvm::Expected<Tensor> evalIntBinary(const Op &O, const Tensor &A, const Tensor &B) {
  Tensor Y(O.result()->type());
  const Shape &YD = Y.dims();
  auto Index = [&](const Tensor &T, const std::vector<int64_t> &C) {
    auto S = stridesOf(T.dims());
    size_t Off = YD.size() - T.dims().size();
    int64_t I = 0;
    for (size_t D = 0; D < T.dims().size(); ++D)
      I += (T.dims()[D] == 1 ? 0 : C[D + Off]) * S[D];
    return I;
  };
  // Shape arithmetic on values read from the model: overflow (and INT64_MIN / -1,
  // which traps on x86) is an error, not undefined behaviour.
  bool DivByZero = false, Overflow = false;
  forEachIndex(YD, [&](int64_t Out, const std::vector<int64_t> &C) {
    int64_t L = A.getAsInt(Index(A, C)), R = B.getAsInt(Index(B, C));
    CheckedInt V;
    switch (O.kind()) {
    case OpKind::Add:
      V = checkedAdd(L, R);
      break;
    case OpKind::Sub:
      V = checkedSub(L, R);
      break;
    case OpKind::Mul:
      V = checkedMul(L, R);
      break;
    default:
      DivByZero |= R == 0;
      V = R ? checkedDiv(L, R) : CheckedInt(0);
      break;
    }
    Overflow |= !V;
    Y.data<int64_t>()[Out] = V.value_or(0);
  });
  if (DivByZero)
    return makeError("{}: integer division by zero", O.describe());
  if (Overflow)
    return makeError("{}: integer overflow", O.describe());
  return Y;
}

/// BatchNorm in the framework arithmetic its 'arith' attribute names, from the
/// definition (BatchNormArith.h), not through the kernel: the kernel runs a
/// scale and shift folded in double, which is not how any framework rounds.
Tensor evalBatchNorm(const Op &O, const std::vector<const Tensor *> &In) {
  BatchNormOp View(O);
  BnArith Arith = *bnArithFromName(View.arith());
  const Tensor &XT = *In[BatchNormOp::xIndex];
  const float *Gamma = In[BatchNormOp::scaleIndex]->data<float>(),
              *Beta = In[BatchNormOp::biasIndex]->data<float>(),
              *Mean = In[BatchNormOp::meanIndex]->data<float>(),
              *Var = In[BatchNormOp::varIndex]->data<float>();
  const Shape &X = XT.dims();
  int64_t N = X[0], C = X[1], Spatial = numElements(Shape(X.begin() + 2, X.end()));
  Tensor Y(O.result()->type());
  for (int64_t Ch = 0; Ch < C; ++Ch) {
    BnChannelArith F(Arith, Gamma[Ch], Beta[Ch], Mean[Ch], Var[Ch],
                     static_cast<float>(View.epsilon()));
    for (int64_t B = 0; B < N; ++B)
      for (int64_t I = 0; I < Spatial; ++I) {
        int64_t K = (B * C + Ch) * Spatial + I;
        Y.data<float>()[K] = F(XT.data<float>()[K]);
      }
  }
  return Y;
}

} // namespace

llvm::Expected<Tensor> evaluateOp(const Op &O, const std::vector<const Tensor *> &In) {
  switch (O.kind()) {
  case OpKind::ShapeOf:
    return Tensor::fromInts(ShapeOfOp(O).x()->type().Dims, O.result()->type().Dims);
  case OpKind::Reshape: {
    Tensor Y = *In[ReshapeOp::xIndex];
    Y.reshape(O.result()->type().Dims);
    return Y;
  }
  case OpKind::Cast: {
    Tensor Y(O.result()->type());
    for (int64_t I = 0; I < Y.size(); ++I)
      Y.setFromDouble(I, In[CastOp::xIndex]->getAsDouble(I));
    return Y;
  }
  case OpKind::Slice:
    if (O.result()->type().Elem != ElemType::F32)
      return evalSlice(O, *In[SliceOp::xIndex]);
    break;
  case OpKind::Gather:
    return evalGather(O, *In[GatherOp::xIndex], *In[GatherOp::indicesIndex]);
  case OpKind::Concat:
    if (O.result()->type().Elem != ElemType::F32)
      return evalConcat(O, In);
    break;
  case OpKind::Transpose:
    if (O.result()->type().Elem != ElemType::F32)
      return evalTranspose(O, *In[TransposeOp::xIndex]);
    break;
  case OpKind::BatchNorm:
    if (BatchNormOp(O).isSet("arith"))
      return evalBatchNorm(O, In);
    break;
  case OpKind::Add:
  case OpKind::Sub:
  case OpKind::Mul:
  case OpKind::Div:
    if (O.result()->type().Elem == ElemType::I64)
      return evalIntBinary(O, *In[BroadcastOp::aIndex], *In[BroadcastOp::bIndex]);
    break;
  default:
    break;
  }
  if (isBinaryOp(O.kind()))
    return evaluateBinaryOp(O, In);
  if (isQuantizedOp(O.kind()))
    return evaluateQuantOp(O, In);

  auto Call = lowerToKernel(O);
  if (!Call)
    return Call.takeError();
  std::vector<const void *> Args;
  for (const KernelArg &A : Call->Args) {
    switch (A.K) {
    case KernelArg::Kind::Operand:
      Args.push_back(In[A.OperandIndex]->bytes().data());
      break;
    case KernelArg::Kind::Derived:
      Args.push_back(A.Derived.bytes().data());
      break;
    case KernelArg::Kind::Null:
    case KernelArg::Kind::Fused: // only a target's calls fuse ops
      Args.push_back(nullptr);
      break;
    }
  }
  Tensor Y(O.result()->type());
  Call->Run(Args.data(), Y.data<uint8_t>());
  return Y;
}

llvm::Expected<std::vector<Tensor>> interpretGraph(const Graph &G,
                                                   const std::vector<Tensor> &Inputs) {
  if (Inputs.size() != G.inputs().size())
    return makeError("the graph has {} inputs, {} were given", G.inputs().size(), Inputs.size());
  std::unordered_map<const Value *, Tensor> Env;
  for (size_t I = 0; I < Inputs.size(); ++I) {
    if (Inputs[I].type() != G.inputs()[I]->type())
      return makeError("input {} (%{}) has type {}, the graph expects {}", I, G.inputs()[I]->name(),
                       Inputs[I].type().str(), G.inputs()[I]->type().str());
    Env[G.inputs()[I]] = Inputs[I];
  }
  auto Lookup = [&](const Value *V) -> const Tensor * {
    if (V->isConstant())
      return &V->constant();
    auto It = Env.find(V);
    return It == Env.end() ? nullptr : &It->second;
  };
  for (const Op *O : G.ops()) {
    std::vector<const Tensor *> Args;
    for (const Value *V : O->operands()) {
      const Tensor *T = Lookup(V);
      if (!T)
        return makeError("{}: operand %{} has no value", O->describe(), V->name());
      Args.push_back(T);
    }
    auto Y = evaluateOp(*O, Args);
    if (!Y)
      return Y.takeError();
    Env[O->result()] = std::move(*Y);
  }
  std::vector<Tensor> Outputs;
  for (const Value *V : G.outputs())
    Outputs.push_back(*Lookup(V));
  return Outputs;
}

} // namespace xnorc
