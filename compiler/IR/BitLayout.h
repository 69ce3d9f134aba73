//===- BitLayout.h - Storage of packed binary (b1) tensors -------*- C++ -*-===//
//
// A b1 tensor holds values in {-1, +1}. Its storage, shared by the IR, the
// interpreter and every backend:
//   - bit = 1 means -1, bit = 0 means +1 (a float's sign bit, so packing a
//     float tensor is taking sign bits; sign(0) = +1);
//   - bits run along the channel dimension (dim 1; dim 0 for a rank-1 tensor)
//     in 64-bit words, bit c % 64 of word c / 64, least significant bit first;
//   - the words of one channel vector are the innermost storage dimension, the
//     other dimensions keep their order: logical NCHW is stored N,H,W,C-words
//     ("NHWC packed"), conv weights [M,C,kh,kw] as M,kh,kw,C-words;
//   - tail bits past the last channel are 0 on every operand, so they never
//     count as a mismatch in xor + popcount.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_BITLAYOUT_H
#define XNORC_IR_BITLAYOUT_H

#include "compiler/IR/Tensor.h"

namespace xnorc {

/// Word index and bit of the element at logical row-major index I of a b1 tensor.
inline void locateBit(const Shape &Dims, int64_t I, int64_t &Word, unsigned &Bit) {
  size_t PackDim = Dims.size() <= 1 ? 0 : 1;
  if (Dims.empty()) {
    Word = 0;
    Bit = 0;
    return;
  }
  int64_t Inner = 1; // elements after the packed dim
  for (size_t D = PackDim + 1; D < Dims.size(); ++D)
    Inner *= Dims[D];
  int64_t C = Dims[PackDim];
  int64_t Outer = I / (C * Inner), Ch = I / Inner % C, In = I % Inner;
  int64_t Words = (C + 63) / 64;
  Word = (Outer * Inner + In) * Words + Ch / 64;
  Bit = static_cast<unsigned>(Ch % 64);
}

/// The value (+1 or -1) at logical row-major index I.
inline int getBinary(const Tensor &T, int64_t I) {
  int64_t W;
  unsigned B;
  locateBit(T.dims(), I, W, B);
  return (T.data<uint64_t>()[W] >> B & 1) ? -1 : 1;
}

/// Stores +1 (Negative = false) or -1 at logical row-major index I.
inline void setBinary(Tensor &T, int64_t I, bool Negative) {
  int64_t W;
  unsigned B;
  locateBit(T.dims(), I, W, B);
  uint64_t Mask = uint64_t(1) << B;
  T.data<uint64_t>()[W] = Negative ? T.data<uint64_t>()[W] | Mask : T.data<uint64_t>()[W] & ~Mask;
}

} // namespace xnorc

#endif
