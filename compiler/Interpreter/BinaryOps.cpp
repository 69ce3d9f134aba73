#include "compiler/Interpreter/BinaryOps.h"
#include "compiler/Interpreter/QuantOps.h"

#include "compiler/IR/BitLayout.h"
#include "compiler/IR/OpViews.h"
#include "compiler/IR/ThresholdDef.h"
#include "compiler/Lowering/KernelCallBuilder.h"
#include "compiler/Support/Error.h"

namespace xnorc {

namespace {

/// Element I of a b1 or f32 tensor as a double (±1 for b1).
double valueAt(const Tensor &T, int64_t I) {
  return T.elem() == ElemType::B1 ? getBinary(T, I) : T.getAsDouble(I);
}

/// The per-output-channel epilogue shared by the float-output ops (view L: ScaledLayerOp or
/// QuantizedLayerOp): act(scale * acc + bias + residual), in the float order kernels use.
template <typename L>
float epilogue(const L &Layer, const std::vector<const Tensor *> &In, int64_t M, double Acc,
               int64_t OutIndex) {
  const Tensor *Scale = In[L::scaleIndex], *Bias = In[L::biasIndex];
  float V = Scale->data<float>()[M] * static_cast<float>(Acc) + Bias->data<float>()[M];
  if (In.size() > L::residualIndex) {
    const Tensor *Residual = In[L::residualIndex];
    V += Residual->data<float>()[OutIndex];
  }
  return xn_act_apply(activationKind(Layer.activation()), static_cast<float>(Layer.act_alpha()),
                      static_cast<float>(Layer.act_beta()), V);
}

/// Output OutIndex of a float-output layer: the epilogue's value; of bconv_quantize and
/// bdense_quantize: that value quantized as the quantize op does (half to even).
void storeOutput(const Op &O, const std::vector<const Tensor *> &In, Tensor &Y, int64_t M,
                 double Acc, int64_t OutIndex) {
  auto Q = dyn_cast<QuantizedLayerOp>(O);
  if (!Q) {
    Y.data<float>()[OutIndex] = epilogue(ScaledLayerOp(O), In, M, Acc, OutIndex);
    return;
  }
  using QL = QuantizedLayerOp;
  auto [Lo, Hi] = quantizeBounds(*Q);
  float V = epilogue(*Q, In, M, Acc, OutIndex) / In[QL::y_scaleIndex]->data<float>()[0];
  Y.setFromDouble(OutIndex,
                  quantizeValue(V, In[QL::y_zero_pointIndex]->getAsInt(0), Lo, Hi, "half_even"));
}

/// +1 (true) where the integer accumulator passes its channel's threshold.
bool passes(const std::vector<const Tensor *> &In, int64_t M, double D) {
  int32_t T = In[ThresholdLayerOp::threshIndex]->data<int32_t>()[M],
          Dir = In[ThresholdLayerOp::dirIndex]->data<int32_t>()[M];
  return Dir >= 0 ? D >= T : D <= T;
}

/// Maps an element index of a tensor of shape S to its channel (dim 1, or dim 0 of a vector).
auto channelIndexer(const Shape &S) {
  int64_t C = S.size() >= 2 ? S[1] : (S.empty() ? 1 : S[0]);
  int64_t Inner = S.size() >= 2 ? numElements(Shape(S.begin() + 2, S.end())) : 1;
  return [C, Inner](int64_t I) { return I / Inner % C; };
}

Tensor evalThreshold(const Op &O, const std::vector<const Tensor *> &In) {
  using T = ThresholdOp;
  Tensor Y(O.result()->type());
  const Tensor &XT = *In[T::xIndex];
  auto ChannelOf = channelIndexer(XT.dims());
  for (int64_t I = 0; I < Y.size(); ++I) {
    int64_t Ch = ChannelOf(I);
    float X = XT.data<float>()[I];
    float Tau = In.size() > T::tauIndex ? In[T::tauIndex]->data<float>()[Ch] : 0.0f;
    float Dir = In.size() > T::dirIndex ? In[T::dirIndex]->data<float>()[Ch] : 1.0f;
    setBinary(Y, I, !thresholdPasses(X, Tau, Dir));
  }
  return Y;
}

/// qthreshold from its definition: the integer q itself against the channel's bound.
Tensor evalQThreshold(const Op &O, const std::vector<const Tensor *> &In) {
  using T = QThresholdOp;
  Tensor Y(O.result()->type());
  const Tensor &XT = *In[T::xIndex];
  auto ChannelOf = channelIndexer(XT.dims());
  for (int64_t I = 0; I < Y.size(); ++I) {
    int64_t Ch = ChannelOf(I);
    int64_t Q = XT.getAsInt(I);
    int64_t Th = In[T::threshIndex]->data<int32_t>()[Ch];
    bool Plus = In[T::dirIndex]->data<int32_t>()[Ch] >= 0 ? Q >= Th : Q <= Th;
    setBinary(Y, I, !Plus);
  }
  return Y;
}

Tensor evalUnpack(const Op &O, const Tensor &X) {
  Tensor Y(O.result()->type());
  for (int64_t I = 0; I < Y.size(); ++I)
    Y.data<float>()[I] = static_cast<float>(getBinary(X, I));
  return Y;
}

Tensor evalConvLike(const Op &O, const std::vector<const Tensor *> &In) {
  GroupedConvOp Conv(O);
  Tensor Y(O.result()->type());
  const Tensor &XT = *In[GroupedConvOp::xIndex], &WT = *In[GroupedConvOp::wIndex];
  const Shape &X = XT.dims(), &W = WT.dims(), &Out = Y.dims();
  auto S = Conv.strides(), Dl = Conv.dilations(), P = Conv.pads();
  int64_t G = Conv.group(), CPerG = X[1] / G, MPerG = W[0] / G;
  // What a tap outside the input contributes: zero padding adds nothing, one
  // padding is an activation of value pad_value (bwconv pads float zeros).
  auto Xnor = dyn_cast<XnorConvOp>(O);
  double PadValue = Xnor ? static_cast<double>(Xnor->pad_value()) : 0.0;
  for (int64_t N = 0; N < Out[0]; ++N)
    for (int64_t M = 0; M < Out[1]; ++M)
      for (int64_t OH = 0; OH < Out[2]; ++OH)
        for (int64_t OW = 0; OW < Out[3]; ++OW) {
          double Acc = 0;
          int64_t Grp = M / MPerG;
          for (int64_t C = 0; C < CPerG; ++C)
            for (int64_t KH = 0; KH < W[2]; ++KH)
              for (int64_t KW = 0; KW < W[3]; ++KW) {
                int64_t H = OH * S[0] - P[0] + KH * Dl[0], Wd = OW * S[1] - P[1] + KW * Dl[1];
                double Wv = valueAt(WT, ((M * CPerG + C) * W[2] + KH) * W[3] + KW);
                bool Inside = H >= 0 && H < X[2] && Wd >= 0 && Wd < X[3];
                double Xv = Inside
                                ? valueAt(XT, ((N * X[1] + Grp * CPerG + C) * X[2] + H) * X[3] + Wd)
                                : PadValue;
                Acc += Xv * Wv;
              }
          int64_t Idx = ((N * Out[1] + M) * Out[2] + OH) * Out[3] + OW;
          if (O.kind() == OpKind::BConvThreshold)
            setBinary(Y, Idx, !passes(In, M, Acc));
          else
            storeOutput(O, In, Y, M, Acc, Idx);
        }
  return Y;
}

Tensor evalDenseLike(const Op &O, const std::vector<const Tensor *> &In) {
  Tensor Y(O.result()->type());
  const Tensor &XT = *In[WeightedLayerOp::xIndex], &WT = *In[WeightedLayerOp::wIndex];
  int64_t N = XT.dims()[0], K = XT.dims()[1], M = WT.dims()[0];
  for (int64_t B = 0; B < N; ++B)
    for (int64_t J = 0; J < M; ++J) {
      double Acc = 0;
      for (int64_t I = 0; I < K; ++I)
        Acc += valueAt(XT, B * K + I) * valueAt(WT, J * K + I);
      if (O.kind() == OpKind::BDenseThreshold)
        setBinary(Y, B * M + J, !passes(In, J, Acc));
      else
        storeOutput(O, In, Y, J, Acc, B * M + J);
    }
  return Y;
}

Tensor evalBMaxPool(const Op &O, const std::vector<const Tensor *> &In) {
  using BP = BMaxPoolOp;
  BP Pool(O);
  Tensor Y(O.result()->type());
  const Tensor &XT = *In[BP::xIndex];
  const Shape &X = XT.dims(), &Out = Y.dims();
  auto K = Pool.kernel_shape(), S = Pool.strides(), Dl = Pool.dilations(), P = Pool.pads();
  for (int64_t N = 0; N < Out[0]; ++N)
    for (int64_t C = 0; C < Out[1]; ++C) {
      bool Min = In.size() > BP::min_maskIndex && getBinary(*In[BP::min_maskIndex], C) < 0;
      for (int64_t OH = 0; OH < Out[2]; ++OH)
        for (int64_t OW = 0; OW < Out[3]; ++OW) {
          int Best = Min ? 1 : -1;
          for (int64_t KH = 0; KH < K[0]; ++KH)
            for (int64_t KW = 0; KW < K[1]; ++KW) {
              int64_t H = OH * S[0] - P[0] + KH * Dl[0], W = OW * S[1] - P[1] + KW * Dl[1];
              if (H < 0 || H >= X[2] || W < 0 || W >= X[3])
                continue; // a padded tap is -inf for max: it never wins
              int V = getBinary(XT, ((N * X[1] + C) * X[2] + H) * X[3] + W);
              Best = Min ? std::min(Best, V) : std::max(Best, V);
            }
          setBinary(Y, ((N * Out[1] + C) * Out[2] + OH) * Out[3] + OW, Best < 0);
        }
    }
  return Y;
}

} // namespace

llvm::Expected<Tensor> evaluateBinaryOp(const Op &O, const std::vector<const Tensor *> &In) {
  switch (O.kind()) {
  case OpKind::Threshold:
    return evalThreshold(O, In);
  case OpKind::QThreshold:
    return evalQThreshold(O, In);
  case OpKind::Unpack:
    return evalUnpack(O, *In[UnpackOp::xIndex]);
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BConvQuantize:
  case OpKind::BWConv:
    return evalConvLike(O, In);
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
  case OpKind::BDenseQuantize:
  case OpKind::BWDense:
    return evalDenseLike(O, In);
  case OpKind::BMaxPool:
    return evalBMaxPool(O, In);
  default:
    return makeError("{}: not a binary op", O.describe());
  }
}

} // namespace xnorc
