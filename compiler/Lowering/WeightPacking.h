//===- WeightPacking.h - Kernels' op predicates and weight packers -*- C++ -*-===//
//
// The Supports and Pack columns of Kernels.def. A predicate says which ops of a
// kernel's kinds it takes; a packer replaces the generic call's weight operand
// (gemm's b, the w of the other layers) by the constant the kernel reads,
// repacked at compile time by the runtime's own intrinsics-free packing code
// (runtime/common/*_pack.h, common/oc_blocked.h), so the compiler builds on
// any host.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_LOWERING_WEIGHTPACKING_H
#define XNORC_LOWERING_WEIGHTPACKING_H

#include "compiler/Lowering/KernelCall.h"
#include "xnorc/runtime/common/q8_pack.h"
#include "xnorc/runtime/common/x86_pack.h"

namespace xnorc {
namespace kernel_support {

// ---- which ops a kernel takes ----
/// Constant 4-D b1 weights, ungrouped: binary and binary-weight 2-D convs.
bool supportsConstConv2d(const Op &O);
/// Constant 2-D b1 weights: binary and binary-weight dense layers.
bool supportsConstDense(const Op &O);
/// Ternary (i8) weights of an xnor conv or dense layer (generic/tconv.h).
bool supportsTernary(const Op &O);
/// Ternary weights of an ungrouped 2-D conv / of a dense layer (the SIMD ternary kernels).
bool supportsTernaryConv2d(const Op &O);
bool supportsTernaryDense(const Op &O);
/// Constant float weights of a 1-D or 2-D ungrouped conv.
bool supportsFloatConv(const Op &O);
/// supportsFloatConv, kernels at most XN_X86_CONV_MAX_KW wide (x86 pixels-across-lanes conv).
bool supportsX86PixelsConv(const Op &O);
/// A BatchNorm whose statistics are constants (lowered to the per-channel affine map).
bool supportsConstBatchNorm(const Op &O);
/// A depthwise float conv (one filter per channel), 1-D or 2-D, undilated, W stride 1 or 2,
/// kernels at most XN_X86_GLUE_MAX_KW wide (x86/glue_common.h's tiles).
bool supportsX86DepthwiseConv(const Op &O);
/// A conv_max_pool the x86 Winograd stem takes (common/winograd_stem.h: xn_wino_stem_geometry),
/// with weights below XN_WINO_MAX_ABS in magnitude (the transforms would spread an infinity or
/// NaN over a tile).
bool supportsWinogradStem(const Op &O);
/// Constant float 2-D B (a classifier's weights).
bool supportsConstGemm(const Op &O);
/// supportsConstGemm with A untransposed (neon/fconv.h).
bool supportsNeonGemm(const Op &O);
/// 8-bit qconv (ungrouped) / qgemm with constant w, x and w u8 or i8 (common/q8_walk.h).
bool supportsQ8Conv(const Op &O);
bool supportsQ8Gemm(const Op &O);
/// supportsFloatConv / supportsConstGemm with at most XN_SPARSE_MAX_COLS weights per output
/// channel (the sparse kernels' uint16 indices, common/sparse_pack.h), convs with at most
/// XN_SPARSE_MAX_TAPS taps (generic/sparse.h).
bool supportsSparseConv(const Op &O);
bool supportsSparseGemm(const Op &O);

// ---- weight packers ----
/// Float conv / Gemm weights as compressed sparse rows over the output channels
/// (common/sparse_pack.h).
void packSparseConv(const Op &O, KernelCall &Call);
void packSparseGemm(const Op &O, KernelCall &Call);
/// Ternary levels of bconv(_threshold) / bdense(_threshold) into common/oc_tconv_walk.h's
/// sign and mask planes, in blocks of Lanes output channels (1: generic/tconv.h).
void packOcTernary(const Op &O, KernelCall &Call, int64_t Lanes);
template <int64_t Lanes> void packOcTernary(const Op &O, KernelCall &Call) {
  packOcTernary(O, Call, Lanes);
}
/// b1 weights of bconv(_threshold) / bdense(_threshold) into [M/Lanes][taps][cw][Lanes]
/// words (common/oc_blocked.h).
void packOcBlockedBits(const Op &O, KernelCall &Call, int64_t Lanes);
template <int64_t Lanes> void packOcBlockedBits(const Op &O, KernelCall &Call) {
  packOcBlockedBits(O, Call, Lanes);
}
/// b1 weights of the x86 binary kernels in the ISA's format (common/x86_pack.h):
/// Words(m, taps, cw) words, filled by Pack(m, taps, cw, generic_w, packed).
using X86BitsWords = size_t (*)(int64_t, int64_t, int64_t);
using X86BitsPack = void (*)(int64_t, int64_t, int64_t, const uint64_t *, uint64_t *);
void packX86Bits(const Op &O, KernelCall &Call, X86BitsWords Words, X86BitsPack Pack);
template <X86BitsWords Words, X86BitsPack Pack> void packX86Bits(const Op &O, KernelCall &Call) {
  packX86Bits(O, Call, Words, Pack);
}
/// The Winograd stem's weights: the transformed ones (common/winograd_stem.h), then the oc
/// conv's packing for the inputs it leaves to the direct kernel.
void packWinogradStem(const Op &O, KernelCall &Call, int64_t OcLanes, int64_t OcTile);
template <int64_t OcLanes, int64_t OcTile> void packWinogradStem(const Op &O, KernelCall &Call) {
  packWinogradStem(O, Call, OcLanes, OcTile);
}
/// Float conv weights for the x86 output-channels-across-lanes conv.
void packX86OcFloats(const Op &O, KernelCall &Call, int64_t OcLanes, int64_t OcTile);
template <int64_t OcLanes, int64_t OcTile> void packX86OcFloats(const Op &O, KernelCall &Call) {
  packX86OcFloats(O, Call, OcLanes, OcTile);
}
/// b1 bwconv / bwdense weights for the x86 output-channels-across-lanes kernels.
void packX86OcBits(const Op &O, KernelCall &Call, int64_t OcLanes, int64_t OcTile);
template <int64_t OcLanes, int64_t OcTile> void packX86OcBits(const Op &O, KernelCall &Call) {
  packX86OcBits(O, Call, OcLanes, OcTile);
}
/// Float conv weights for the x86 pixels-across-lanes conv, in blocks of Block channels.
void packX86ConvPixels(const Op &O, KernelCall &Call, int64_t Block);
template <int64_t Block> void packX86ConvPixels(const Op &O, KernelCall &Call) {
  packX86ConvPixels(O, Call, Block);
}
/// Gemm's B in column blocks of Block.
void packX86Gemm(const Op &O, KernelCall &Call, int64_t Block);
template <int64_t Block> void packX86Gemm(const Op &O, KernelCall &Call) {
  packX86Gemm(O, Call, Block);
}
/// qconv / qgemm weights for the x86 and NEON 8-bit kernels (common/q8_pack.h).
void packQ8Conv(const Op &O, KernelCall &Call);
void packQ8Gemm(const Op &O, KernelCall &Call);
/// neon/fconv.h weights: a conv's [M][C][k...], a Gemm's B.
void packNeonConv(const Op &O, KernelCall &Call);
void packNeonGemm(const Op &O, KernelCall &Call);
/// neon/bwconv.h b1 weights (bwconv, bwdense), still one bit per weight.
void packNeonBits(const Op &O, KernelCall &Call);

} // namespace kernel_support
} // namespace xnorc

#endif
