#include "compiler/Analysis/ChannelAffine.h"

#include "compiler/IR/OpViews.h"

#include <cmath>

namespace xnorc {

std::optional<ChannelAffine> batchNormAffine(const Op &BN) {
  auto View = dyn_cast<BatchNormOp>(BN);
  if (!View)
    return std::nullopt;
  for (const Value *P : {View->scale(), View->bias(), View->mean(), View->var()})
    if (!P->isConstant())
      return std::nullopt;
  const Tensor &G = View->scale()->constant(), &B = View->bias()->constant(),
               &M = View->mean()->constant(), &V = View->var()->constant();
  double Eps = View->epsilon();
  ChannelAffine A;
  A.Input = View->x();
  for (int64_t C = 0; C < G.size(); ++C) {
    double S = G.getAsDouble(C) / std::sqrt(V.getAsDouble(C) + Eps);
    A.Scale.push_back(static_cast<float>(S));
    A.Shift.push_back(static_cast<float>(B.getAsDouble(C) - M.getAsDouble(C) * S));
  }
  return A;
}

std::optional<std::vector<float>> perChannel(const Value *Const, const Value *X) {
  if (!Const->isConstant() || Const->type().Elem != ElemType::F32 || X->type().rank() < 2)
    return std::nullopt;
  const Shape &XS = X->type().Dims;
  Shape CS = Const->type().Dims;
  if (CS.size() > XS.size())
    return std::nullopt;
  CS.insert(CS.begin(), XS.size() - CS.size(), 1);
  int64_t C = XS[1];
  for (size_t D = 0; D < CS.size(); ++D)
    if (CS[D] != 1 && !(D == 1 && CS[D] == C))
      return std::nullopt;
  const Tensor &T = Const->constant();
  std::vector<float> Out(C);
  for (int64_t I = 0; I < C; ++I)
    Out[I] = T.data<float>()[T.size() == 1 ? 0 : I];
  return Out;
}

std::optional<ChannelAffine> channelAffine(const Op &O) {
  if (O.kind() == OpKind::BatchNorm)
    return batchNormAffine(O);
  // Div is left out: x * (1/k) is not bit-identical to x / k.
  if (O.kind() != OpKind::Add && O.kind() != OpKind::Sub && O.kind() != OpKind::Mul)
    return std::nullopt;
  BroadcastOp B(O);
  if (O.result()->type() != B.a()->type() && O.result()->type() != B.b()->type())
    return std::nullopt;
  // x + k or k + x (likewise - and *): whichever operand has the result's type is x.
  Value *AB[] = {B.a(), B.b()};
  for (unsigned XI = 0; XI < 2; ++XI) {
    Value *X = AB[XI], *K = AB[1 - XI];
    if (X->type() != O.result()->type())
      continue;
    auto V = perChannel(K, X);
    if (!V)
      continue;
    bool ConstFirst = XI == 1;
    ChannelAffine A;
    A.Input = X;
    size_t C = V->size();
    A.Scale.assign(C, 1.0f);
    A.Shift.assign(C, 0.0f);
    for (size_t I = 0; I < C; ++I) {
      float K = (*V)[I];
      switch (O.kind()) {
      case OpKind::Add:
        A.Shift[I] = K;
        break;
      case OpKind::Sub:
        A.Scale[I] = ConstFirst ? -1.0f : 1.0f;
        A.Shift[I] = ConstFirst ? K : -K;
        break;
      default: // Mul
        A.Scale[I] = K;
        break;
      }
    }
    return A;
  }
  return std::nullopt;
}

} // namespace xnorc
