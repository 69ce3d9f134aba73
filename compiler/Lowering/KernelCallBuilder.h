//===- KernelCallBuilder.h - Helpers for writing kernel lowerings -*- C++ -*-===//
//
// Internal to compiler/Lowering: the pieces every lowering function uses to
// fill a parameter struct once and derive the printed initializer and the
// interpreter closure from it.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_LOWERING_KERNELCALLBUILDER_H
#define XNORC_LOWERING_KERNELCALLBUILDER_H

#include "compiler/IR/OpViews.h"
#include "compiler/Lowering/ActivationKind.h"
#include "compiler/Lowering/KernelCall.h"
#include "xnorc/runtime/generic/all.h"

#include <cmath>

namespace xnorc {

using Args = std::vector<KernelArg>;

inline const float *f32(const void *P) { return static_cast<const float *>(P); }
inline float *f32Out(void *P) { return static_cast<float *>(P); }

inline const Shape &dimsOf(const Op &O, unsigned I) { return O.operand(I)->type().Dims; }
inline const Shape &outDims(const Op &O) { return O.result()->type().Dims; }

/// Operand I (an Optional role, e.g. ConvOp::biasIndex) as a kernel argument,
/// or the null pointer the kernel takes for an absent one.
inline KernelArg optionalOperand(const Op &O, unsigned I) {
  return I < O.numOperands() ? KernelArg::operand(I) : KernelArg::null();
}

/// A call of generic kernel Id with parameters Params; Run(&Params, In, Out) executes it.
template <KernelId Id, typename Fn>
KernelCall makeCall(const typename KernelParams<Id>::type &Params, Args A, Fn Run) {
  KernelCall C;
  C.Kernel = Id;
  C.ParamsInit = paramsInitializer(Params);
  C.Args = std::move(A);
  C.Run = [Params, Run](const void *const *In, void *Out) { Run(&Params, In, Out); };
  return C;
}

/// A conv_max_pool's parameters (its lowering's, and what the kernels' predicates test).
xn_conv_pool_params convMaxPoolParams(const Op &O);

inline void fillSpatial(int64_t *Dst, const std::vector<int64_t> &Src, size_t From, size_t N) {
  for (size_t K = 0; K < N; ++K)
    Dst[K] = Src[From + K];
}

/// The geometry fields of a conv's parameter struct (xn_conv_params, xn_qconv_params) for
/// conv-shaped op O with input X, weights W and group Group.
template <typename Params>
void fillConvGeometry(Params &P, const Op &O, const Shape &X, const Shape &W, int64_t Group) {
  WindowedOp Win(O);
  const Shape &Y = O.result()->type().Dims;
  size_t NSp = X.size() - 2;
  auto Pads = Win.pads();
  P.spatial_rank = NSp;
  P.n = X[0];
  P.c_in = X[1];
  P.c_out = W[0];
  P.group = Group;
  fillSpatial(P.in_dims, X, 2, NSp);
  fillSpatial(P.out_dims, Y, 2, NSp);
  fillSpatial(P.kernel, W, 2, NSp);
  fillSpatial(P.strides, Win.strides(), 0, NSp);
  fillSpatial(P.dilations, Win.dilations(), 0, NSp);
  fillSpatial(P.pads_begin, Pads, 0, NSp);
  fillSpatial(P.pads_end, Pads, NSp, NSp);
}

llvm::Expected<KernelCall> lowerBinaryOpToKernel(const Op &O);
/// quantize, dequantize, qconv, qgemm (QuantKernelLowering.cpp).
llvm::Expected<KernelCall> lowerQuantOpToKernel(const Op &O);

} // namespace xnorc

#endif
