//===- OcBlockedBinary.h - Binary layers for channel-blocked kernels -*- C++ -*-===//
//
// The SIMD targets (x86, NEON) share one binary-kernel design: output channels
// across vector lanes, weights repacked at compile time into
// [M/Lanes][taps][cw][Lanes] words (runtime/common/oc_blocked.h). This is the
// compile-time half of it, so every target specialises binary layers alike.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_COMMON_OCBLOCKEDBINARY_H
#define XNORC_TARGETS_COMMON_OCBLOCKEDBINARY_H

#include "compiler/Lowering/KernelCall.h"

#include <string>

namespace xnorc {

/// For bconv, bconv_threshold (group 1), bdense, bdense_threshold and bmax_pool:
/// renames the call to Prefix + "bconv" / "bconv_threshold" / "bdense" /
/// "bdense_threshold" / "bmaxpool" and replaces constant weights by their
/// Lanes-blocked repacking. Returns false (call untouched) for anything else,
/// which then keeps its generic kernel.
bool specializeOcBlockedBinary(const Op &O, KernelCall &Call, int64_t Lanes,
                               const std::string &Prefix);

} // namespace xnorc

#endif
