//===- BinaryKernelLowering.cpp - Binary ops -> generic kernel calls ------===//
//
// The packed-bit kernels of runtime/include/xnorc/runtime/generic (bitpack.h,
// bconv.h, bdense.h, bwconv.h, bpool.h). Unlike float ops, the interpreter
// does not run these: it evaluates binary ops from their definition on
// unpacked ±1 values, so it stays an independent check of the bit tricks.
//
//===----------------------------------------------------------------------===//
#include "compiler/Lowering/KernelCallBuilder.h"
#include "compiler/Support/Error.h"
#include "xnorc/runtime/generic/bquantize.h"
#include "xnorc/runtime/generic/tconv.h"

namespace xnorc {

namespace {

const uint64_t *bits(const void *P) { return static_cast<const uint64_t *>(P); }
uint64_t *bitsOut(void *P) { return static_cast<uint64_t *>(P); }
const int32_t *i32(const void *P) { return static_cast<const int32_t *>(P); }

/// Channel count and spatial size of an N,C,spatial tensor.
void splitNCS(const Shape &S, int64_t &N, int64_t &C, int64_t &Spatial) {
  N = S.empty() ? 1 : S[0];
  C = S.size() >= 2 ? S[1] : 1;
  Spatial = 1;
  for (size_t D = 2; D < S.size(); ++D)
    Spatial *= S[D];
  if (S.size() == 1) {
    N = 1;
    C = S[0];
  }
}

/// Window geometry shared by bconv, bwconv and bmax_pool parameter structs.
struct Window {
  int64_t InH, InW, OutH, OutW, KH, KW, SH, SW, DH, DW, PT, PL, PB, PR;
};

Window windowOf(const Op &O, int64_t KH, int64_t KW) {
  WindowedOp Win(O);
  const Shape &X = dimsOf(O, WindowedOp::xIndex), &Y = outDims(O);
  auto S = Win.strides(), D = Win.dilations(), P = Win.pads();
  return {X[2], X[3], Y[2], Y[3], KH, KW, S[0], S[1], D[0], D[1], P[0], P[1], P[2], P[3]};
}

/// The fused activation of bconv, bwconv, bdense and bwdense; none for the
/// threshold layers, which have no epilogue.
template <typename Params> void fillActivation(Params &P, const Op &O) {
  P.act_kind = XN_ACT_NONE;
  if (auto F = dyn_cast<FusedActivationOp>(O)) {
    P.act_kind = activationKind(F->activation());
    P.act_alpha = F->act_alpha();
    P.act_beta = F->act_beta();
  }
}

template <typename ConvParams> void fillConv(ConvParams &P, const Op &O) {
  GroupedConvOp C(O);
  const Shape &X = dimsOf(O, GroupedConvOp::xIndex), &W = dimsOf(O, GroupedConvOp::wIndex);
  Window Wn = windowOf(O, W[2], W[3]);
  P.n = X[0];
  P.c_in = X[1];
  P.c_out = W[0];
  P.group = C.group();
  P.in_h = Wn.InH;
  P.in_w = Wn.InW;
  P.out_h = Wn.OutH;
  P.out_w = Wn.OutW;
  P.kh = Wn.KH;
  P.kw = Wn.KW;
  P.stride_h = Wn.SH;
  P.stride_w = Wn.SW;
  P.dil_h = Wn.DH;
  P.dil_w = Wn.DW;
  P.pad_top = Wn.PT;
  P.pad_left = Wn.PL;
  P.pad_bottom = Wn.PB;
  P.pad_right = Wn.PR;
  fillActivation(P, O);
}

/// x, w, scale, bias and residual (null when absent) of bconv, bwconv, bdense, bwdense.
Args epilogueArgs(const Op &O) {
  using L = ScaledLayerOp;
  return {KernelArg::operand(L::xIndex), KernelArg::operand(L::wIndex),
          KernelArg::operand(L::scaleIndex), KernelArg::operand(L::biasIndex),
          optionalOperand(O, L::residualIndex)};
}

/// x, w, scale, bias, residual (null when absent), y_scale, y_zero_point of bconv_quantize and
/// bdense_quantize, and their derived {y_type, lo, hi} (generic/qlinear.h's xn_qout_of).
Args quantizedArgs(const Op &O) {
  using L = QuantizedLayerOp;
  L Q(O);
  auto [Lo, Hi] = quantizeBounds(Q);
  Tensor D(TensorType{ElemType::I32, {3}});
  D.data<int32_t>()[0] = Q.y_zero_point()->type().Elem == ElemType::I8 ? XN_QTYPE_I8 : XN_QTYPE_U8;
  D.data<int32_t>()[1] = static_cast<int32_t>(Lo);
  D.data<int32_t>()[2] = static_cast<int32_t>(Hi);
  return {KernelArg::operand(L::xIndex),
          KernelArg::operand(L::wIndex),
          KernelArg::operand(L::scaleIndex),
          KernelArg::operand(L::biasIndex),
          optionalOperand(O, L::residualIndex),
          KernelArg::operand(L::y_scaleIndex),
          KernelArg::operand(L::y_zero_pointIndex),
          KernelArg::derived(std::move(D), "qout")};
}

/// x, w, thresh and dir of bconv_threshold and bdense_threshold.
Args thresholdArgs() {
  using L = ThresholdLayerOp;
  return {KernelArg::operand(L::xIndex), KernelArg::operand(L::wIndex),
          KernelArg::operand(L::threshIndex), KernelArg::operand(L::dirIndex)};
}

KernelCall lowerThreshold(const Op &O) {
  xn_threshold_params P{};
  splitNCS(dimsOf(O, ThresholdOp::xIndex), P.n, P.c, P.spatial);
  Args A{KernelArg::operand(ThresholdOp::xIndex), optionalOperand(O, ThresholdOp::tauIndex),
         optionalOperand(O, ThresholdOp::dirIndex)};
  return makeCall<KernelId::Threshold>(
      P, A, [](const xn_threshold_params *Q, const void *const *In, void *Out) {
        xn_threshold(Q, f32(In[0]), f32(In[1]), f32(In[2]), bitsOut(Out));
      });
}

KernelCall lowerQThreshold(const Op &O) {
  xn_qthreshold_params P{};
  splitNCS(dimsOf(O, QThresholdOp::xIndex), P.n, P.c, P.spatial);
  P.qtype = QThresholdOp(O).x()->type().Elem == ElemType::I8 ? XN_QTYPE_I8 : XN_QTYPE_U8;
  Args A{KernelArg::operand(QThresholdOp::xIndex), KernelArg::operand(QThresholdOp::threshIndex),
         KernelArg::operand(QThresholdOp::dirIndex)};
  return makeCall<KernelId::QThreshold>(
      P, A, [](const xn_qthreshold_params *Q, const void *const *In, void *Out) {
        xn_qthreshold(Q, In[0], static_cast<const int32_t *>(In[1]),
                      static_cast<const int32_t *>(In[2]), bitsOut(Out));
      });
}

KernelCall lowerUnpack(const Op &O) {
  xn_unpack_params P{};
  splitNCS(dimsOf(O, UnpackOp::xIndex), P.n, P.c, P.spatial);
  return makeCall<KernelId::Unpack>(P, {KernelArg::operand(UnpackOp::xIndex)},
                                    [](const xn_unpack_params *Q, const void *const *In,
                                       void *Out) { xn_unpack(Q, bits(In[0]), f32Out(Out)); });
}

/// Ternary weights (i8 levels): kernel Id of generic/tconv.h, which takes the same
/// parameters and operands as the binary kernel, with w packed into sign and mask planes.
template <KernelId Id, typename Params, typename RunFn>
KernelCall ternaryCall(const Op &O, const Params &P, Args A, RunFn Run) {
  KernelCall Call = makeCall<Id>(P, std::move(A), Run);
  kernelInfo(Id).Pack(O, Call);
  return Call;
}

bool isTernary(const Op &O) { return WeightedLayerOp(O).w()->type().Elem == ElemType::I8; }

KernelCall lowerTConv(const Op &O, const xn_bconv_params &P) {
  if (O.kind() == OpKind::BConvThreshold)
    return ternaryCall<KernelId::TConvThreshold>(
        O, P, thresholdArgs(), [](const xn_bconv_params *Q, const void *const *In, void *Out) {
          xn_tconv_threshold(Q, bits(In[0]), bits(In[1]), i32(In[2]), i32(In[3]), bitsOut(Out));
        });
  return ternaryCall<KernelId::TConv>(
      O, P, epilogueArgs(O), [](const xn_bconv_params *Q, const void *const *In, void *Out) {
        xn_tconv(Q, bits(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]), f32Out(Out));
      });
}

KernelCall lowerTDense(const Op &O, const xn_bdense_params &P) {
  if (O.kind() == OpKind::BDenseThreshold)
    return ternaryCall<KernelId::TDenseThreshold>(
        O, P, thresholdArgs(), [](const xn_bdense_params *Q, const void *const *In, void *Out) {
          xn_tdense_threshold(Q, bits(In[0]), bits(In[1]), i32(In[2]), i32(In[3]), bitsOut(Out));
        });
  return ternaryCall<KernelId::TDense>(
      O, P, epilogueArgs(O), [](const xn_bdense_params *Q, const void *const *In, void *Out) {
        xn_tdense(Q, bits(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]), f32Out(Out));
      });
}

KernelCall lowerBConv(const Op &O) {
  xn_bconv_params P{};
  fillConv(P, O);
  P.pad_value = XnorConvOp(O).pad_value();
  if (isTernary(O))
    return lowerTConv(O, P);
  if (O.kind() == OpKind::BConvThreshold)
    return makeCall<KernelId::BConvThreshold>(
        P, thresholdArgs(), [](const xn_bconv_params *Q, const void *const *In, void *Out) {
          xn_bconv_threshold(Q, bits(In[0]), bits(In[1]), i32(In[2]), i32(In[3]), bitsOut(Out));
        });
  if (O.kind() == OpKind::BConvQuantize)
    return makeCall<KernelId::BConvQuantize>(
        P, quantizedArgs(O), [](const xn_bconv_params *Q, const void *const *In, void *Out) {
          xn_bconv_quantize(Q, bits(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]),
                            f32(In[5]), In[6], i32(In[7]), Out);
        });
  return makeCall<KernelId::BConv>(
      P, epilogueArgs(O), [](const xn_bconv_params *Q, const void *const *In, void *Out) {
        xn_bconv(Q, bits(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]), f32Out(Out));
      });
}

KernelCall lowerBWConv(const Op &O) {
  xn_bwconv_params P{};
  fillConv(P, O);
  return makeCall<KernelId::BWConv>(
      P, epilogueArgs(O), [](const xn_bwconv_params *Q, const void *const *In, void *Out) {
        xn_bwconv(Q, f32(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]), f32Out(Out));
      });
}

template <typename DenseParams> DenseParams denseParams(const Op &O) {
  DenseParams P{};
  P.n = dimsOf(O, WeightedLayerOp::xIndex)[0];
  P.k = dimsOf(O, WeightedLayerOp::xIndex)[1];
  P.m = dimsOf(O, WeightedLayerOp::wIndex)[0];
  fillActivation(P, O);
  return P;
}

KernelCall lowerBDense(const Op &O) {
  auto P = denseParams<xn_bdense_params>(O);
  if (isTernary(O))
    return lowerTDense(O, P);
  if (O.kind() == OpKind::BDenseThreshold)
    return makeCall<KernelId::BDenseThreshold>(
        P, thresholdArgs(), [](const xn_bdense_params *Q, const void *const *In, void *Out) {
          xn_bdense_threshold(Q, bits(In[0]), bits(In[1]), i32(In[2]), i32(In[3]), bitsOut(Out));
        });
  if (O.kind() == OpKind::BDenseQuantize)
    return makeCall<KernelId::BDenseQuantize>(
        P, quantizedArgs(O), [](const xn_bdense_params *Q, const void *const *In, void *Out) {
          xn_bdense_quantize(Q, bits(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]),
                             f32(In[5]), In[6], i32(In[7]), Out);
        });
  return makeCall<KernelId::BDense>(
      P, epilogueArgs(O), [](const xn_bdense_params *Q, const void *const *In, void *Out) {
        xn_bdense(Q, bits(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]), f32Out(Out));
      });
}

KernelCall lowerBWDense(const Op &O) {
  auto P = denseParams<xn_bwdense_params>(O);
  return makeCall<KernelId::BWDense>(
      P, epilogueArgs(O), [](const xn_bwdense_params *Q, const void *const *In, void *Out) {
        xn_bwdense(Q, f32(In[0]), bits(In[1]), f32(In[2]), f32(In[3]), f32(In[4]), f32Out(Out));
      });
}

KernelCall lowerBMaxPool(const Op &O) {
  auto K = BMaxPoolOp(O).kernel_shape();
  Window Wn = windowOf(O, K[0], K[1]);
  const Shape &X = dimsOf(O, BMaxPoolOp::xIndex);
  xn_bmaxpool_params P{X[0],  X[1],  Wn.InH, Wn.InW, Wn.OutH, Wn.OutW, Wn.KH,
                       Wn.KW, Wn.SH, Wn.SW,  Wn.DH,  Wn.DW,   Wn.PT,   Wn.PL};
  return makeCall<KernelId::BMaxPool>(
      P, {KernelArg::operand(BMaxPoolOp::xIndex), optionalOperand(O, BMaxPoolOp::min_maskIndex)},
      [](const xn_bmaxpool_params *Q, const void *const *In, void *Out) {
        xn_bmaxpool(Q, bits(In[0]), bits(In[1]), bitsOut(Out));
      });
}

} // namespace

llvm::Expected<KernelCall> lowerBinaryOpToKernel(const Op &O) {
  switch (O.kind()) {
  case OpKind::Threshold:
    return lowerThreshold(O);
  case OpKind::QThreshold:
    return lowerQThreshold(O);
  case OpKind::Unpack:
    return lowerUnpack(O);
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BConvQuantize:
    return lowerBConv(O);
  case OpKind::BWConv:
    return lowerBWConv(O);
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
  case OpKind::BDenseQuantize:
    return lowerBDense(O);
  case OpKind::BWDense:
    return lowerBWDense(O);
  case OpKind::BMaxPool:
    return lowerBMaxPool(O);
  default:
    return makeError("{}: not a binary op", O.describe());
  }
}

} // namespace xnorc
