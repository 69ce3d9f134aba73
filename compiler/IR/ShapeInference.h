//===- ShapeInference.h - Result types of ops --------------------*- C++ -*-===//
#ifndef XNORC_IR_SHAPEINFERENCE_H
#define XNORC_IR_SHAPEINFERENCE_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>

namespace xnorc {

/// The result type Op must have given its operands and attributes, or an error
/// explaining why the operands are inconsistent.
llvm::Expected<TensorType> inferResultType(OpKind Kind, const std::vector<Value *> &Operands,
                                           const Attributes &Attrs);
inline llvm::Expected<TensorType> inferResultType(const Op &O) {
  return inferResultType(O.kind(), O.operands(), O.attrs());
}

/// The dims of the conv inside a (verified) conv_max_pool, before its pool.
Shape convMaxPoolConvDims(const Op &O);

/// Numpy broadcasting of two shapes; false if they are not broadcastable.
bool broadcastShapes(const Shape &A, const Shape &B, Shape &Out);

/// Output extent of a sliding window (conv and pooling), ONNX/PyTorch rules:
/// with CeilMode a last window that would start in the end padding is dropped.
/// Stride must be positive; nullopt if the arithmetic overflows int64.
CheckedInt slidingWindowOutput(int64_t In, int64_t PadBegin, int64_t PadEnd, int64_t Kernel,
                               int64_t Stride, int64_t Dilation, bool CeilMode);

} // namespace xnorc

#endif
