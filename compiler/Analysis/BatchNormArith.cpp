#include "compiler/Analysis/BatchNormArith.h"

#include "compiler/IR/OpViews.h"

#include <cmath>

namespace xnorc {

namespace {
// Each helper rounds once, whatever the host compiler's contraction settings
// (a * b + c must not become an FMA where a framework rounds twice).
float mul(float A, float B) {
  volatile float P = A * B;
  return P;
}
float add(float A, float B) {
  volatile float S = A + B;
  return S;
}
float sub(float A, float B) {
  volatile float S = A - B;
  return S;
}
float div(float A, float B) {
  volatile float Q = A / B;
  return Q;
}
} // namespace

const char *bnArithName(BnArith A) {
  switch (A) {
  case BnArith::PyTorch:
    return "pytorch";
  case BnArith::TensorFlow:
    return "tensorflow";
  case BnArith::Onnx:
    break;
  }
  return "onnx";
}

std::optional<BnArith> bnArithFromName(llvm::StringRef Name) {
  for (BnArith A : {BnArith::PyTorch, BnArith::TensorFlow, BnArith::Onnx})
    if (Name == bnArithName(A))
      return A;
  return std::nullopt;
}

BnArith bnArithForProducer(llvm::StringRef ProducerName) {
  std::string P = ProducerName.trim().lower();
  if (P == "pytorch")
    return BnArith::PyTorch;
  if (P == "tf2onnx" || P == "keras2onnx" || P == "onnxmltools" || P == "tensorflow")
    return BnArith::TensorFlow;
  return BnArith::Onnx;
}

BnChannelArith::BnChannelArith(BnArith A, float Gamma, float Beta, float Mean, float Var, float Eps)
    : A(A), Mean(Mean), Beta(Beta), Gamma(Gamma), Dir(Gamma > 0   ? 1
                                                      : Gamma < 0 ? -1
                                                                  : 0) {
  float Root = std::sqrt(add(Var, Eps));
  switch (A) {
  case BnArith::PyTorch:
    K0 = mul(div(1.0f, Root), Gamma);
    // ATen writes beta - mean * a; its compiler contracts that into one FMA.
    K1 = std::fma(-Mean, K0, Beta);
    break;
  case BnArith::TensorFlow:
    K0 = mul(div(1.0f, Root), Gamma);
    break;
  case BnArith::Onnx:
    K0 = Root;
    break;
  }
}

float BnChannelArith::operator()(float X) const {
  switch (A) {
  case BnArith::PyTorch:
    return std::fma(X, K0, K1);
  case BnArith::TensorFlow:
    return add(mul(sub(X, Mean), K0), Beta);
  case BnArith::Onnx:
    break;
  }
  return add(mul(div(sub(X, Mean), K0), Gamma), Beta);
}

std::optional<std::vector<BnChannelArith>> batchNormChannels(const Op &BN) {
  auto View = dyn_cast<BatchNormOp>(BN);
  if (!View || View->arith().empty())
    return std::nullopt;
  for (const Value *P : {View->scale(), View->bias(), View->mean(), View->var()})
    if (!P->isConstant())
      return std::nullopt;
  auto Arith = bnArithFromName(View->arith());
  const Tensor &G = View->scale()->constant(), &B = View->bias()->constant(),
               &M = View->mean()->constant(), &V = View->var()->constant();
  std::vector<BnChannelArith> Out;
  for (int64_t C = 0; C < G.size(); ++C)
    Out.emplace_back(*Arith, G.data<float>()[C], B.data<float>()[C], M.data<float>()[C],
                     V.data<float>()[C], static_cast<float>(View->epsilon()));
  return Out;
}

} // namespace xnorc
