//===- CheckedArith.h - Overflow-checked integer arithmetic ------*- C++ -*-===//
//
// Every size, stride, pad and window formula applied to numbers read from a
// model goes through these helpers: a model can hold any int64 in a dim or an
// attribute, and signed overflow is undefined behaviour, so an unchecked
// product of two huge dims could yield a small positive size and a buffer
// overrun later. Each helper returns std::nullopt when the exact result does
// not fit in int64 (or, for division, when the divisor is 0 or the result
// overflows); callers turn that into a diagnostic naming the node.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_SUPPORT_CHECKEDARITH_H
#define XNORC_SUPPORT_CHECKEDARITH_H

#include <cstdint>
#include <llvm/Support/MathExtras.h>
#include <optional>
#include <vector>

namespace xnorc {

using CheckedInt = std::optional<int64_t>;

// llvm's *Overflow return nonzero when the exact result does not fit.
inline CheckedInt checkedAdd(int64_t A, int64_t B) {
  int64_t R;
  return llvm::AddOverflow(A, B, R) ? std::nullopt : CheckedInt(R);
}
inline CheckedInt checkedSub(int64_t A, int64_t B) {
  int64_t R;
  return llvm::SubOverflow(A, B, R) ? std::nullopt : CheckedInt(R);
}
inline CheckedInt checkedMul(int64_t A, int64_t B) {
  int64_t R;
  return llvm::MulOverflow(A, B, R) ? std::nullopt : CheckedInt(R);
}

/// Truncating division; nullopt for B == 0 and for INT64_MIN / -1.
inline CheckedInt checkedDiv(int64_t A, int64_t B) {
  if (B == 0 || (A == INT64_MIN && B == -1))
    return std::nullopt;
  return A / B;
}

/// Division rounding towards +infinity for B > 0 (ceil(A / B)); nullopt otherwise.
inline CheckedInt checkedCeilDiv(int64_t A, int64_t B) {
  if (B <= 0)
    return std::nullopt;
  int64_t Q = A / B;
  return Q + (A % B > 0 ? 1 : 0);
}

/// Lifted forms: an empty operand propagates, so a formula is written once and
/// checked once at the end ("checkedAdd(checkedMul(A, B), C)").
inline CheckedInt checkedAdd(CheckedInt A, CheckedInt B) {
  return A && B ? checkedAdd(*A, *B) : std::nullopt;
}
inline CheckedInt checkedSub(CheckedInt A, CheckedInt B) {
  return A && B ? checkedSub(*A, *B) : std::nullopt;
}
inline CheckedInt checkedMul(CheckedInt A, CheckedInt B) {
  return A && B ? checkedMul(*A, *B) : std::nullopt;
}
inline CheckedInt checkedDiv(CheckedInt A, CheckedInt B) {
  return A && B ? checkedDiv(*A, *B) : std::nullopt;
}
inline CheckedInt checkedCeilDiv(CheckedInt A, CheckedInt B) {
  return A && B ? checkedCeilDiv(*A, *B) : std::nullopt;
}

/// The product of Dims[Begin, End) (an element count); nullopt on overflow or
/// if any factor is negative.
inline CheckedInt checkedProduct(const std::vector<int64_t> &Dims, size_t Begin, size_t End) {
  int64_t P = 1;
  for (size_t I = Begin; I < End && I < Dims.size(); ++I) {
    if (Dims[I] < 0)
      return std::nullopt;
    auto Next = checkedMul(P, Dims[I]);
    if (!Next)
      return std::nullopt;
    P = *Next;
  }
  return P;
}
inline CheckedInt checkedProduct(const std::vector<int64_t> &Dims) {
  return checkedProduct(Dims, 0, Dims.size());
}

} // namespace xnorc

#endif
