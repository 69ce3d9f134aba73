//===- Type.h - Element and tensor types of the xnorc IR ---------*- C++ -*-===//
#ifndef XNORC_IR_TYPE_H
#define XNORC_IR_TYPE_H

#include "compiler/Support/CheckedArith.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xnorc {

/// Element types. B1 is a packed binary tensor: the logical shape counts bits,
/// storage packs them (see docs/IR.md for bit order and word size). The
/// integer types i8/u8/i16/u16 hold data (quantized weights, raw inputs); i32
/// and i64 also serve thresholds and shape computations. What a type is — its
/// width, signedness, class — lives in one table (elemTypeInfo), not in the
/// enumerator: a fixed-point type is a new row with FracBits > 0 (docs/IR.md).
enum class ElemType { F32, I32, I64, B1, I8, U8, I16, U16 };

/// The properties of an element type.
struct ElemTypeInfo {
  const char *Name;  ///< as printed and parsed: "f32", "i8", ...
  unsigned Bits;     ///< width of one element (1 for b1)
  bool Signed;       ///< two's complement (integers), or a sign bit (f32)
  bool Integer;      ///< i8 ... i64, u8, u16 (and fixed point, scaled)
  unsigned FracBits; ///< fixed point: value = integer * 2^-FracBits; 0 for all types so far
};
const ElemTypeInfo &elemTypeInfo(ElemType T);

const char *elemTypeName(ElemType T);
bool parseElemType(const std::string &S, ElemType &Out);
/// Bytes per element of the unpacked representation (B1 reports 0: it is packed).
unsigned elemTypeBytes(ElemType T);
bool isIntegerType(ElemType T);
/// The range of an integer type (i64: the int64 range).
int64_t integerTypeMin(ElemType T);
int64_t integerTypeMax(ElemType T);

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

/// storageBytes() computed without overflow: nullopt if a dim is negative or
/// the size does not fit in int64. Types read from a model are checked with it
/// (ModelLimits, shape inference) before anything is allocated.
CheckedInt checkedStorageBytes(const TensorType &T);

} // namespace xnorc

#endif
