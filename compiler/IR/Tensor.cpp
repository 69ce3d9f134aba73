#include "compiler/IR/Tensor.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace xnorc {

namespace {

/// V truncated to integer type T, saturating at T's range, NaN as 0. A float-to-integer
/// conversion out of range is undefined behaviour in C++, and these values come from models
/// (a Cast of a huge constant, a float fed where ONNX wants int64).
template <class T> T saturatingCast(double V) {
  if (std::isnan(V))
    return 0;
  if (V <= static_cast<double>(std::numeric_limits<T>::min()))
    return std::numeric_limits<T>::min();
  if (V >= static_cast<double>(std::numeric_limits<T>::max()))
    return std::numeric_limits<T>::max();
  return static_cast<T>(V);
}

} // namespace

double Tensor::getAsDouble(int64_t I) const {
  switch (elem()) {
  case ElemType::F32:
    return data<float>()[I];
  case ElemType::I32:
    return data<int32_t>()[I];
  case ElemType::I64:
    return static_cast<double>(data<int64_t>()[I]);
  case ElemType::I8:
  case ElemType::U8:
  case ElemType::I16:
  case ElemType::U16:
    return static_cast<double>(getAsInt(I));
  case ElemType::B1:
    break;
  }
  assert(false && "B1 tensors have no scalar accessor");
  return 0;
}

int64_t Tensor::getAsInt(int64_t I) const {
  switch (elem()) {
  case ElemType::F32:
    return saturatingCast<int64_t>(data<float>()[I]);
  case ElemType::I32:
    return data<int32_t>()[I];
  case ElemType::I64:
    return data<int64_t>()[I];
  case ElemType::I8:
    return data<int8_t>()[I];
  case ElemType::U8:
    return data<uint8_t>()[I];
  case ElemType::I16:
    return data<int16_t>()[I];
  case ElemType::U16:
    return data<uint16_t>()[I];
  case ElemType::B1:
    break;
  }
  assert(false && "B1 tensors have no scalar accessor");
  return 0;
}

void Tensor::setFromDouble(int64_t I, double V) {
  switch (elem()) {
  case ElemType::F32:
    data<float>()[I] = static_cast<float>(V);
    return;
  case ElemType::I32:
    data<int32_t>()[I] = saturatingCast<int32_t>(V);
    return;
  case ElemType::I64:
    data<int64_t>()[I] = saturatingCast<int64_t>(V);
    return;
  case ElemType::I8:
    data<int8_t>()[I] = saturatingCast<int8_t>(V);
    return;
  case ElemType::U8:
    data<uint8_t>()[I] = saturatingCast<uint8_t>(V);
    return;
  case ElemType::I16:
    data<int16_t>()[I] = saturatingCast<int16_t>(V);
    return;
  case ElemType::U16:
    data<uint16_t>()[I] = saturatingCast<uint16_t>(V);
    return;
  case ElemType::B1:
    break;
  }
  assert(false && "B1 tensors have no scalar accessor");
}

std::vector<int64_t> Tensor::toInts() const {
  std::vector<int64_t> Out(size());
  for (int64_t I = 0; I < size(); ++I)
    Out[I] = getAsInt(I);
  return Out;
}

Tensor Tensor::fromInts(const std::vector<int64_t> &V, Shape Dims) {
  Tensor T(TensorType{ElemType::I64, std::move(Dims)});
  assert(static_cast<int64_t>(V.size()) == T.size());
  if (!V.empty()) // memcpy may not take the null data() of an empty vector
    std::memcpy(T.data<int64_t>(), V.data(), V.size() * sizeof(int64_t));
  return T;
}

Tensor Tensor::fromFloats(const std::vector<float> &V, Shape Dims) {
  Tensor T(TensorType{ElemType::F32, std::move(Dims)});
  assert(static_cast<int64_t>(V.size()) == T.size());
  if (!V.empty()) // memcpy may not take the null data() of an empty vector
    std::memcpy(T.data<float>(), V.data(), V.size() * sizeof(float));
  return T;
}

} // namespace xnorc
