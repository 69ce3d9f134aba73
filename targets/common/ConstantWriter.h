//===- ConstantWriter.h - Tensors as static C++ arrays -----------*- C++ -*-===//
#ifndef XNORC_TARGETS_COMMON_CONSTANTWRITER_H
#define XNORC_TARGETS_COMMON_CONSTANTWRITER_H

#include "compiler/IR/Tensor.h"

#include <string>

namespace xnorc {

/// `alignas(64) static const <type> Symbol[N] = {...};` with values that read
/// back bit-exactly (shortest round-trip decimal; INFINITY/NAN by name).
std::string writeConstantArray(const std::string &Symbol, const Tensor &T);

} // namespace xnorc

#endif
