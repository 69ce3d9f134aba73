#include "compiler/IR/Type.h"

#include <fmt/format.h>
#include <iterator>

namespace xnorc {

namespace {
// One row per ElemType enumerator, in enumerator order.
const ElemTypeInfo Infos[] = {
    {"f32", 32, true, false, 0}, {"i32", 32, true, true, 0},  {"i64", 64, true, true, 0},
    {"b1", 1, false, false, 0},  {"i8", 8, true, true, 0},    {"u8", 8, false, true, 0},
    {"i16", 16, true, true, 0},  {"u16", 16, false, true, 0},
};
} // namespace

const ElemTypeInfo &elemTypeInfo(ElemType T) { return Infos[static_cast<int>(T)]; }

const char *elemTypeName(ElemType T) { return elemTypeInfo(T).Name; }

bool parseElemType(const std::string &S, ElemType &Out) {
  for (size_t I = 0; I < std::size(Infos); ++I)
    if (S == Infos[I].Name) {
      Out = static_cast<ElemType>(I);
      return true;
    }
  return false;
}

unsigned elemTypeBytes(ElemType T) { return T == ElemType::B1 ? 0 : elemTypeInfo(T).Bits / 8; }

bool isIntegerType(ElemType T) { return elemTypeInfo(T).Integer; }

int64_t integerTypeMin(ElemType T) {
  const ElemTypeInfo &I = elemTypeInfo(T);
  if (!I.Signed)
    return 0;
  return I.Bits >= 64 ? INT64_MIN : -(int64_t(1) << (I.Bits - 1));
}

int64_t integerTypeMax(ElemType T) {
  const ElemTypeInfo &I = elemTypeInfo(T);
  if (I.Bits >= 64)
    return INT64_MAX;
  return (int64_t(1) << (I.Signed ? I.Bits - 1 : I.Bits)) - 1;
}

int64_t numElements(const Shape &S) {
  int64_t N = 1;
  for (int64_t D : S)
    N *= D;
  return N;
}

std::string shapeToString(const Shape &S) { return fmt::format("[{}]", fmt::join(S, ",")); }

int64_t TensorType::storageBytes() const {
  if (Elem != ElemType::B1)
    return numElements() * elemTypeBytes(Elem);
  // Packed along the channel dimension (dim 1; dim 0 for rank 1) into 64-bit
  // words, which are the innermost storage dimension (see BitLayout.h).
  if (Dims.empty())
    return 8;
  size_t PackDim = Dims.size() == 1 ? 0 : 1;
  int64_t Channels = Dims[PackDim];
  int64_t Rest = Channels ? numElements() / Channels : 0;
  return Rest * ((Channels + 63) / 64) * 8;
}

CheckedInt checkedStorageBytes(const TensorType &T) {
  auto N = checkedProduct(T.Dims);
  if (!N)
    return std::nullopt;
  if (T.Elem != ElemType::B1)
    return checkedMul(*N, elemTypeBytes(T.Elem));
  if (T.Dims.empty())
    return 8;
  size_t PackDim = T.Dims.size() == 1 ? 0 : 1;
  int64_t Channels = T.Dims[PackDim];
  int64_t Rest = Channels ? *N / Channels : 0;
  return checkedMul(checkedMul(Rest, checkedCeilDiv(Channels, 64)), 8);
}

std::string TensorType::str() const {
  return fmt::format("{}{}", elemTypeName(Elem), shapeToString(Dims));
}

} // namespace xnorc
