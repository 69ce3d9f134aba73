//===- Type.h - Element and tensor types of the xnorc IR ---------*- C++ -*-===//
#ifndef XNORC_IR_TYPE_H
#define XNORC_IR_TYPE_H

#include <cstdint>
#include <string>
#include <vector>

namespace xnorc {

/// Element types. B1 is a packed binary tensor: the logical shape counts bits,
/// storage packs them (see docs/IR.md for bit order and word size).
enum class ElemType { F32, I32, I64, B1 };

const char *elemTypeName(ElemType T);
bool parseElemType(const std::string &S, ElemType &Out);
/// Bytes per element of the unpacked representation (B1 reports 0: it is packed).
unsigned elemTypeBytes(ElemType T);

using Shape = std::vector<int64_t>;

int64_t numElements(const Shape &S);
std::string shapeToString(const Shape &S);

/// A tensor type with a fully static shape: xnorc compiles for fixed shapes.
struct TensorType {
  ElemType Elem = ElemType::F32;
  Shape Dims;

  int64_t numElements() const { return xnorc::numElements(Dims); }
  size_t rank() const { return Dims.size(); }
  /// Bytes needed to store the tensor (B1 is rounded up to whole 64-bit words per row).
  int64_t storageBytes() const;
  std::string str() const; // e.g. "f32[1,3,32,32]"
  bool operator==(const TensorType &O) const { return Elem == O.Elem && Dims == O.Dims; }
  bool operator!=(const TensorType &O) const { return !(*this == O); }
};

} // namespace xnorc

#endif
