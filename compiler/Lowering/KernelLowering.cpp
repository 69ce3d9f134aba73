//===- KernelLowering.cpp - IR ops -> generic runtime kernel calls --------===//
//
// One lowering function per kernel family. Each fills the kernel's parameter
// struct once; makeCall derives both the printed initializer (from the struct's
// field list, XN_DECLARE_PARAMS) and the interpreter's closure from that single
// instance.
//
//===----------------------------------------------------------------------===//
#include "compiler/Lowering/KernelCall.h"
#include "compiler/Lowering/KernelCallBuilder.h"

#include "compiler/Analysis/ChannelAffine.h"
#include "compiler/IR/ShapeInference.h"
#include "compiler/Support/Error.h"
#include "xnorc/runtime/generic/all.h"

#include <cmath>

namespace xnorc {

namespace {

KernelCall lowerConv(const Op &O) {
  ConvOp C(O);
  xn_conv_params P{};
  fillConvGeometry(P, O, dimsOf(O, ConvOp::xIndex), dimsOf(O, ConvOp::wIndex), C.group());
  P.act_kind = activationKind(C.activation());
  P.act_alpha = C.act_alpha();
  P.act_beta = C.act_beta();
  Args A{KernelArg::operand(ConvOp::xIndex), KernelArg::operand(ConvOp::wIndex),
         optionalOperand(O, ConvOp::biasIndex)};
  return makeCall<KernelId::Conv>(P, A,
                                  [](const xn_conv_params *Q, const void *const *In, void *Out) {
                                    xn_conv(Q, f32(In[0]), f32(In[1]), f32(In[2]), f32Out(Out));
                                  });
}

} // namespace

xn_conv_pool_params convMaxPoolParams(const Op &O) {
  ConvMaxPoolOp C(O);
  const Shape &X = dimsOf(O, ConvMaxPoolOp::xIndex);
  const size_t NSp = X.size() - 2;
  xn_conv_pool_params P{};
  fillConvGeometry(P, O, X, dimsOf(O, ConvMaxPoolOp::wIndex), C.group());
  fillSpatial(P.out_dims, convMaxPoolConvDims(O), 2, NSp);
  P.act_kind = activationKind(C.activation());
  P.act_alpha = C.act_alpha();
  P.act_beta = C.act_beta();
  auto Pads = C.pool_pads();
  fillSpatial(P.pool_out_dims, outDims(O), 2, NSp);
  fillSpatial(P.pool_kernel, C.pool_kernel_shape(), 0, NSp);
  fillSpatial(P.pool_strides, C.pool_strides(), 0, NSp);
  fillSpatial(P.pool_pads_begin, Pads, 0, NSp);
  fillSpatial(P.pool_pads_end, Pads, NSp, NSp);
  return P;
}

namespace {

KernelCall lowerConvMaxPool(const Op &O) {
  const xn_conv_pool_params P = convMaxPoolParams(O);
  Args A{KernelArg::operand(ConvMaxPoolOp::xIndex), KernelArg::operand(ConvMaxPoolOp::wIndex),
         optionalOperand(O, ConvMaxPoolOp::biasIndex)};
  return makeCall<KernelId::ConvMaxPool>(
      P, A, [](const xn_conv_pool_params *Q, const void *const *In, void *Out) {
        xn_conv_max_pool(Q, f32(In[0]), f32(In[1]), f32(In[2]), f32Out(Out));
      });
}

KernelCall lowerAvgPoolConv(const Op &O) {
  AvgPoolConvOp C(O);
  const Shape &X = dimsOf(O, AvgPoolConvOp::xIndex), &Y = outDims(O);
  xn_pool_conv_params P{};
  // The conv: 1x1, stride 1, unpadded, over the pooled map (Y's spatial dims).
  P.spatial_rank = 2;
  P.n = X[0];
  P.c_in = X[1];
  P.c_out = Y[1];
  P.group = 1;
  fillSpatial(P.in_dims, Y, 2, 2);
  fillSpatial(P.out_dims, Y, 2, 2);
  for (int I = 0; I < 2; ++I)
    P.kernel[I] = P.strides[I] = P.dilations[I] = 1;
  P.act_kind = activationKind(C.activation());
  P.act_alpha = C.act_alpha();
  P.act_beta = C.act_beta();
  auto Pads = C.pool_pads();
  fillSpatial(P.pool_in_dims, X, 2, 2);
  fillSpatial(P.pool_kernel, C.pool_kernel_shape(), 0, 2);
  fillSpatial(P.pool_strides, C.pool_strides(), 0, 2);
  fillSpatial(P.pool_pads_begin, Pads, 0, 2);
  fillSpatial(P.pool_pads_end, Pads, 2, 2);
  P.pool_count_include_pad = static_cast<int32_t>(C.pool_count_include_pad());
  Args A{KernelArg::operand(AvgPoolConvOp::xIndex), KernelArg::operand(AvgPoolConvOp::wIndex),
         optionalOperand(O, AvgPoolConvOp::biasIndex)};
  return makeCall<KernelId::AvgPoolConv>(
      P, A, [](const xn_pool_conv_params *Q, const void *const *In, void *Out) {
        xn_avg_pool_conv(Q, f32(In[0]), f32(In[1]), f32(In[2]), f32Out(Out));
      });
}

KernelCall lowerPool(const Op &O) {
  PoolOp Pool(O);
  const Shape &X = dimsOf(O, PoolOp::xIndex), &Y = outDims(O);
  size_t NSp = X.size() - 2;
  auto Pads = Pool.pads();
  xn_pool_params P{};
  P.spatial_rank = NSp;
  P.n = X[0];
  P.c = X[1];
  fillSpatial(P.in_dims, X, 2, NSp);
  fillSpatial(P.out_dims, Y, 2, NSp);
  fillSpatial(P.kernel, Pool.kernel_shape(), 0, NSp);
  fillSpatial(P.strides, Pool.strides(), 0, NSp);
  fillSpatial(P.dilations, Pool.dilations(), 0, NSp);
  fillSpatial(P.pads_begin, Pads, 0, NSp);
  fillSpatial(P.pads_end, Pads, NSp, NSp);
  if (auto Avg = dyn_cast<AvgPoolOp>(O))
    P.count_include_pad = Avg->count_include_pad();
  if (O.kind() == OpKind::MaxPool)
    return makeCall<KernelId::MaxPool>(P, {KernelArg::operand(PoolOp::xIndex)},
                                       [](const xn_pool_params *Q, const void *const *In,
                                          void *Out) { xn_maxpool(Q, f32(In[0]), f32Out(Out)); });
  return makeCall<KernelId::AvgPool>(P, {KernelArg::operand(PoolOp::xIndex)},
                                     [](const xn_pool_params *Q, const void *const *In, void *Out) {
                                       xn_avgpool(Q, f32(In[0]), f32Out(Out));
                                     });
}

KernelCall lowerGlobalPool(const Op &O) {
  // Both global pools have the one operand x.
  constexpr unsigned XIndex = GlobalAvgPoolOp::xIndex;
  static_assert(XIndex == GlobalMaxPoolOp::xIndex);
  const Shape &X = dimsOf(O, XIndex);
  xn_global_pool_params P{X[0], X[1], numElements(Shape(X.begin() + 2, X.end()))};
  if (O.kind() == OpKind::GlobalMaxPool)
    return makeCall<KernelId::GlobalMaxPool>(
        P, {KernelArg::operand(XIndex)},
        [](const xn_global_pool_params *Q, const void *const *In, void *Out) {
          xn_global_maxpool(Q, f32(In[0]), f32Out(Out));
        });
  return makeCall<KernelId::GlobalAvgPool>(
      P, {KernelArg::operand(XIndex)},
      [](const xn_global_pool_params *Q, const void *const *In, void *Out) {
        xn_global_avgpool(Q, f32(In[0]), f32Out(Out));
      });
}

KernelCall lowerBatchNorm(const Op &O) {
  using BN = BatchNormOp;
  BN B(O);
  const Shape &X = dimsOf(O, BN::xIndex);
  xn_batchnorm_params P{X[0], X[1], X.size() > 2 ? numElements(Shape(X.begin() + 2, X.end())) : 1};
  bool ConstParams = B.scale()->isConstant() && B.bias()->isConstant() && B.mean()->isConstant() &&
                     B.var()->isConstant();
  if (!ConstParams) {
    xn_batchnorm_stats_params S{P.n, P.c, P.spatial, static_cast<float>(B.epsilon())};
    return makeCall<KernelId::BatchNormStats>(
        S,
        {KernelArg::operand(BN::xIndex), KernelArg::operand(BN::scaleIndex),
         KernelArg::operand(BN::biasIndex), KernelArg::operand(BN::meanIndex),
         KernelArg::operand(BN::varIndex)},
        [](const xn_batchnorm_stats_params *Q, const void *const *In, void *Out) {
          xn_batchnorm_stats(Q, f32(In[0]), f32(In[1]), f32(In[2]), f32(In[3]), f32(In[4]),
                             f32Out(Out));
        });
  }
  // Folding the statistics in double keeps the per-channel affine map within
  // one rounding of the exact BatchNorm.
  auto Affine = batchNormAffine(O);
  Tensor Scale = Tensor::fromFloats(Affine->Scale, {X[1]});
  Tensor Shift = Tensor::fromFloats(Affine->Shift, {X[1]});
  return makeCall<KernelId::BatchNorm>(
      P,
      {KernelArg::operand(BN::xIndex), KernelArg::derived(std::move(Scale), "scale"),
       KernelArg::derived(std::move(Shift), "shift")},
      [](const xn_batchnorm_params *Q, const void *const *In, void *Out) {
        xn_batchnorm(Q, f32(In[0]), f32(In[1]), f32(In[2]), f32Out(Out));
      });
}

KernelCall lowerGemm(const Op &O) {
  GemmOp G(O);
  const Shape &Y = outDims(O), &A = dimsOf(O, GemmOp::aIndex);
  xn_gemm_params P{};
  P.M = Y[0];
  P.N = Y[1];
  P.trans_a = G.transA();
  P.trans_b = G.transB();
  P.K = P.trans_a ? A[0] : A[1];
  P.alpha = G.alpha();
  P.beta = G.beta();
  if (G.c()) {
    // Right-align C against [M, N]; a dimension of extent 1 broadcasts (stride 0).
    Shape C = G.c()->type().Dims;
    while (C.size() < 2)
      C.insert(C.begin(), 1);
    P.c_stride_n = C[1] == 1 ? 0 : 1;
    P.c_stride_m = C[0] == 1 ? 0 : C[1];
  }
  return makeCall<KernelId::Gemm>(P,
                                  {KernelArg::operand(GemmOp::aIndex),
                                   KernelArg::operand(GemmOp::bIndex),
                                   optionalOperand(O, GemmOp::cIndex)},
                                  [](const xn_gemm_params *Q, const void *const *In, void *Out) {
                                    xn_gemm(Q, f32(In[0]), f32(In[1]), f32(In[2]), f32Out(Out));
                                  });
}

KernelCall lowerMatMul(const Op &O) {
  Shape SA = dimsOf(O, MatMulOp::aIndex), SB = dimsOf(O, MatMulOp::bIndex);
  if (SA.size() == 1)
    SA.insert(SA.begin(), 1);
  if (SB.size() == 1)
    SB.push_back(1);
  Shape BA(SA.begin(), SA.end() - 2), BB(SB.begin(), SB.end() - 2), Batch;
  broadcastShapes(BA, BB, Batch);
  xn_matmul_params P{};
  P.batch_rank = Batch.size();
  P.M = SA[SA.size() - 2];
  P.K = SA.back();
  P.N = SB.back();
  auto BatchStrides = [&](const Shape &B, int64_t Matrix, int64_t *Out) {
    int64_t Stride = Matrix;
    for (int64_t D = Batch.size() - 1; D >= 0; --D) {
      int64_t Src = D - static_cast<int64_t>(Batch.size() - B.size());
      int64_t Extent = Src >= 0 ? B[Src] : 1;
      Out[D] = Extent == 1 ? 0 : Stride;
      Stride *= Extent;
    }
  };
  for (size_t D = 0; D < Batch.size(); ++D)
    P.batch_dims[D] = Batch[D];
  BatchStrides(BA, P.M * P.K, P.a_batch_strides);
  BatchStrides(BB, P.K * P.N, P.b_batch_strides);
  return makeCall<KernelId::MatMul>(
      P, {KernelArg::operand(MatMulOp::aIndex), KernelArg::operand(MatMulOp::bIndex)},
      [](const xn_matmul_params *Q, const void *const *In, void *Out) {
        xn_matmul(Q, f32(In[0]), f32(In[1]), f32Out(Out));
      });
}

KernelCall lowerUnary(const Op &O, int32_t Kind, float Alpha = 0, float Beta = 0) {
  const Shape &Y = outDims(O);
  const int64_t N = O.result()->type().numElements();
  // An NCHW map splits as the convs split it (generic/elementwise.h); other shapes are one plane.
  const int64_t Plane = Y.size() >= 3 ? numElements(Shape(Y.begin() + 2, Y.end())) : N;
  xn_unary_params P{Kind, Alpha, Beta, N, Plane};
  return makeCall<KernelId::Unary>(P, {KernelArg::operand(UnaryOp::xIndex)},
                                   [](const xn_unary_params *Q, const void *const *In, void *Out) {
                                     xn_unary(Q, f32(In[0]), f32Out(Out));
                                   });
}

/// A and B: the positions of the two operands (prelu's are x and slope).
KernelCall lowerBinary(const Op &O, int32_t Kind, unsigned A = BroadcastOp::aIndex,
                       unsigned B = BroadcastOp::bIndex) {
  const Shape &Y = outDims(O);
  xn_binary_params P{};
  P.op = Kind;
  P.rank = Y.size();
  auto Strides = [&](const Shape &S, int64_t *Out) {
    int64_t Stride = 1;
    for (int64_t D = Y.size() - 1; D >= 0; --D) {
      int64_t Src = D - static_cast<int64_t>(Y.size() - S.size());
      int64_t Extent = Src >= 0 ? S[Src] : 1;
      Out[D] = Extent == 1 ? 0 : Stride;
      Stride *= Extent;
    }
  };
  for (size_t D = 0; D < Y.size(); ++D)
    P.dims[D] = Y[D];
  Strides(dimsOf(O, A), P.a_strides);
  Strides(dimsOf(O, B), P.b_strides);
  return makeCall<KernelId::Binary>(
      P, {KernelArg::operand(A), KernelArg::operand(B)},
      [](const xn_binary_params *Q, const void *const *In, void *Out) {
        xn_binary(Q, f32(In[0]), f32(In[1]), f32Out(Out));
      });
}

KernelCall lowerSoftmax(const Op &O) {
  SoftmaxOp S(O);
  const Shape &X = dimsOf(O, SoftmaxOp::xIndex);
  int64_t Axis = S.axis();
  bool Coerce = S.coerce_2d() != 0;
  auto Prod = [&](size_t B, size_t E) {
    int64_t N = 1;
    for (size_t K = B; K < E; ++K)
      N *= X[K];
    return N;
  };
  xn_softmax_params P{Prod(0, Axis), Coerce ? Prod(Axis, X.size()) : X[Axis],
                      Coerce ? 1 : Prod(Axis + 1, X.size())};
  return makeCall<KernelId::Softmax>(P, {KernelArg::operand(SoftmaxOp::xIndex)},
                                     [](const xn_softmax_params *Q, const void *const *In,
                                        void *Out) { xn_softmax(Q, f32(In[0]), f32Out(Out)); });
}

KernelCall lowerReduce(const Op &O, int32_t Kind) {
  const Shape &X = dimsOf(O, ReduceOp::xIndex);
  xn_reduce_params P{};
  P.rank = X.size();
  for (size_t D = 0; D < X.size(); ++D)
    P.dims[D] = X[D];
  for (int64_t Ax : ReduceOp(O).axes())
    P.reduce[Ax] = 1;
  P.op = Kind;
  return makeCall<KernelId::Reduce>(P, {KernelArg::operand(ReduceOp::xIndex)},
                                    [](const xn_reduce_params *Q, const void *const *In,
                                       void *Out) { xn_reduce(Q, f32(In[0]), f32Out(Out)); });
}

KernelCall lowerTranspose(const Op &O) {
  const Shape &X = dimsOf(O, TransposeOp::xIndex);
  auto Perm = TransposeOp(O).perm();
  xn_transpose_params P{};
  P.rank = X.size();
  for (size_t D = 0; D < X.size(); ++D) {
    P.in_dims[D] = X[D];
    P.perm[D] = Perm[D];
  }
  return makeCall<KernelId::Transpose>(P, {KernelArg::operand(TransposeOp::xIndex)},
                                       [](const xn_transpose_params *Q, const void *const *In,
                                          void *Out) { xn_transpose(Q, f32(In[0]), f32Out(Out)); });
}

llvm::Expected<KernelCall> lowerConcat(const Op &O) {
  if (O.numOperands() > XN_MAX_CONCAT_INPUTS)
    return makeError("{}: concat of {} inputs exceeds the runtime's limit of {}", O.describe(),
                     O.numOperands(), XN_MAX_CONCAT_INPUTS);
  ConcatOp Cat(O);
  int64_t Axis = Cat.axis();
  const Shape &Y = outDims(O);
  std::vector<Value *> Inputs = Cat.inputs();
  xn_concat_params P{};
  P.num_inputs = Inputs.size();
  P.outer = numElements(Shape(Y.begin(), Y.begin() + Axis));
  Args A;
  for (unsigned K = 0; K < Inputs.size(); ++K) {
    const Shape &S = Inputs[K]->type().Dims;
    P.chunk[K] = numElements(Shape(S.begin() + Axis, S.end()));
    A.push_back(KernelArg::operand(ConcatOp::inputsIndex + K));
  }
  KernelCall C = makeCall<KernelId::Concat>(
      P, A, [](const xn_concat_params *Q, const void *const *In, void *Out) {
        xn_concat(Q, reinterpret_cast<const float *const *>(In), f32Out(Out));
      });
  C.ArgsAsArray = true;
  return C;
}

KernelCall lowerPad(const Op &O) {
  PadOp Pad(O);
  const Shape &X = dimsOf(O, PadOp::xIndex);
  auto Pads = Pad.pads();
  xn_pad_params P{};
  P.rank = X.size();
  for (size_t D = 0; D < X.size(); ++D) {
    P.in_dims[D] = X[D];
    P.pads_begin[D] = Pads[D];
    P.pads_end[D] = Pads[D + X.size()];
  }
  P.value = Pad.value();
  return makeCall<KernelId::Pad>(P, {KernelArg::operand(PadOp::xIndex)},
                                 [](const xn_pad_params *Q, const void *const *In, void *Out) {
                                   xn_pad(Q, f32(In[0]), f32Out(Out));
                                 });
}

KernelCall lowerSlice(const Op &O) {
  SliceOp S(O);
  const Shape &X = dimsOf(O, SliceOp::xIndex), &Y = outDims(O);
  xn_slice_params P{};
  P.rank = X.size();
  for (size_t D = 0; D < X.size(); ++D) {
    P.in_dims[D] = X[D];
    P.out_dims[D] = Y[D];
    P.steps[D] = 1;
  }
  auto Axes = S.axes(), Starts = S.starts(), Steps = S.steps();
  for (size_t I = 0; I < Axes.size(); ++I) {
    P.starts[Axes[I]] = Starts[I];
    P.steps[Axes[I]] = Steps[I];
  }
  return makeCall<KernelId::Slice>(P, {KernelArg::operand(SliceOp::xIndex)},
                                   [](const xn_slice_params *Q, const void *const *In, void *Out) {
                                     xn_slice(Q, f32(In[0]), f32Out(Out));
                                   });
}

/// A reshape: the same elements (of any type but b1) under another shape.
KernelCall lowerCopy(const Op &O) {
  xn_copy_params P{O.result()->type().storageBytes()};
  return makeCall<KernelId::Copy>(
      P, {KernelArg::operand(ReshapeOp::xIndex)},
      [](const xn_copy_params *Q, const void *const *In, void *Out) { xn_copy(Q, In[0], Out); });
}

} // namespace

llvm::Expected<KernelCall> lowerToKernel(const Op &O) {
  if (isBinaryOp(O.kind()))
    return lowerBinaryOpToKernel(O);
  if (isQuantizedOp(O.kind()))
    return lowerQuantOpToKernel(O);
  // A reshape copies bytes: 8-bit values too (a flatten moved after a quantize).
  if (O.kind() == OpKind::Reshape && O.result()->type().Elem != ElemType::B1)
    return lowerCopy(O);
  for (Value *V : O.operands())
    if (V->type().Elem != ElemType::F32)
      return makeError("{}: operand %{} has element type {}; generic kernels are float-only",
                       O.describe(), V->name(), elemTypeName(V->type().Elem));
  switch (O.kind()) {
  case OpKind::Conv:
    return lowerConv(O);
  case OpKind::ConvMaxPool:
    return lowerConvMaxPool(O);
  case OpKind::AvgPoolConv:
    return lowerAvgPoolConv(O);
  case OpKind::MaxPool:
  case OpKind::AvgPool:
    return lowerPool(O);
  case OpKind::GlobalAvgPool:
  case OpKind::GlobalMaxPool:
    return lowerGlobalPool(O);
  case OpKind::BatchNorm:
    return lowerBatchNorm(O);
  case OpKind::Gemm:
    return lowerGemm(O);
  case OpKind::MatMul:
    return lowerMatMul(O);
  case OpKind::Softmax:
    return lowerSoftmax(O);
  case OpKind::ReduceMean:
    return lowerReduce(O, XN_REDUCE_MEAN);
  case OpKind::ReduceSum:
    return lowerReduce(O, XN_REDUCE_SUM);
  case OpKind::ReduceMax:
    return lowerReduce(O, XN_REDUCE_MAX);
  case OpKind::ReduceMin:
    return lowerReduce(O, XN_REDUCE_MIN);
  case OpKind::Relu:
    return lowerUnary(O, XN_UNARY_RELU);
  case OpKind::LeakyRelu:
    return lowerUnary(O, XN_UNARY_LEAKY_RELU, LeakyReluOp(O).alpha());
  case OpKind::Clip:
    return lowerUnary(O, XN_UNARY_CLIP, ClipOp(O).min(), ClipOp(O).max());
  case OpKind::Sigmoid:
    return lowerUnary(O, XN_UNARY_SIGMOID);
  case OpKind::Tanh:
    return lowerUnary(O, XN_UNARY_TANH);
  case OpKind::Sign:
    return lowerUnary(O, XN_UNARY_SIGN, SignOp(O).zero());
  case OpKind::Abs:
    return lowerUnary(O, XN_UNARY_ABS);
  case OpKind::Neg:
    return lowerUnary(O, XN_UNARY_NEG);
  case OpKind::Exp:
    return lowerUnary(O, XN_UNARY_EXP);
  case OpKind::Add:
    return lowerBinary(O, XN_BINARY_ADD);
  case OpKind::Sub:
    return lowerBinary(O, XN_BINARY_SUB);
  case OpKind::Mul:
    return lowerBinary(O, XN_BINARY_MUL);
  case OpKind::Div:
    return lowerBinary(O, XN_BINARY_DIV);
  case OpKind::PRelu:
    return lowerBinary(O, XN_BINARY_PRELU, PReluOp::xIndex, PReluOp::slopeIndex);
  case OpKind::Max:
    return lowerBinary(O, XN_BINARY_MAX);
  case OpKind::Min:
    return lowerBinary(O, XN_BINARY_MIN);
  case OpKind::Transpose:
    return lowerTranspose(O);
  case OpKind::Concat:
    return lowerConcat(O);
  case OpKind::Pad:
    return lowerPad(O);
  case OpKind::Reshape:
    return lowerCopy(O);
  case OpKind::Slice:
    return lowerSlice(O);
  case OpKind::Gather:
  case OpKind::ShapeOf:
  case OpKind::Cast:
    break;
  default: // binary ops were dispatched above
    break;
  }
  return makeError("{}: has no generic kernel (it should have been folded to a constant)",
                   O.describe());
}

} // namespace xnorc
