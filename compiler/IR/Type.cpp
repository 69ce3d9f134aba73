#include "compiler/IR/Type.h"

#include <fmt/format.h>

namespace xnorc {

const char *elemTypeName(ElemType T) {
  switch (T) {
  case ElemType::F32:
    return "f32";
  case ElemType::I32:
    return "i32";
  case ElemType::I64:
    return "i64";
  case ElemType::B1:
    return "b1";
  }
  return "?";
}

bool parseElemType(const std::string &S, ElemType &Out) {
  for (ElemType T : {ElemType::F32, ElemType::I32, ElemType::I64, ElemType::B1})
    if (S == elemTypeName(T)) {
      Out = T;
      return true;
    }
  return false;
}

unsigned elemTypeBytes(ElemType T) {
  switch (T) {
  case ElemType::F32:
  case ElemType::I32:
    return 4;
  case ElemType::I64:
    return 8;
  case ElemType::B1:
    return 0;
  }
  return 0;
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

std::string TensorType::str() const {
  return fmt::format("{}{}", elemTypeName(Elem), shapeToString(Dims));
}

} // namespace xnorc
