//===- Tensor.h - A typed tensor with storage --------------------*- C++ -*-===//
//
// Holds constants in the IR and every value in the reference interpreter.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_TENSOR_H
#define XNORC_IR_TENSOR_H

#include "compiler/IR/Type.h"

#include <cstring>
#include <vector>

namespace xnorc {

class Tensor {
public:
  Tensor() = default;
  explicit Tensor(TensorType T) : Type(std::move(T)), Bytes(Type.storageBytes()) {}

  const TensorType &type() const { return Type; }
  ElemType elem() const { return Type.Elem; }
  const Shape &dims() const { return Type.Dims; }
  int64_t size() const { return Type.numElements(); }

  template <typename T> T *data() { return reinterpret_cast<T *>(Bytes.data()); }
  template <typename T> const T *data() const { return reinterpret_cast<const T *>(Bytes.data()); }
  const std::vector<uint8_t> &bytes() const { return Bytes; }

  /// Reinterprets the same storage under another shape of the same element count.
  void reshape(Shape NewDims) { Type.Dims = std::move(NewDims); }

  /// Element I as double / int64, whatever the element type (not for B1).
  double getAsDouble(int64_t I) const;
  int64_t getAsInt(int64_t I) const;
  void setFromDouble(int64_t I, double V);
  /// All elements as int64 (shape tensors, indices).
  std::vector<int64_t> toInts() const;

  static Tensor fromInts(const std::vector<int64_t> &V, Shape Dims);
  static Tensor fromFloats(const std::vector<float> &V, Shape Dims);

  bool operator==(const Tensor &O) const { return Type == O.Type && Bytes == O.Bytes; }

private:
  TensorType Type;
  std::vector<uint8_t> Bytes;
};

} // namespace xnorc

#endif
