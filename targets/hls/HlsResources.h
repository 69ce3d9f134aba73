//===- HlsResources.h - LUT / LUTRAM / BRAM18 estimates of HLS layers -*- C++ -*-===//
//
// The resource side of the cost model (docs/HLS.md, "Resources"): what the layers the HLS
// target emits need on a 7-series / UltraScale FPGA, from their structure, before any
// synthesis. Memories become LUTRAM (64 x 1 bits per LUT) when shallow and BRAM18 blocks
// (18 Kib, aspect ratios 16K x 1 ... 512 x 36) otherwise, packed as the best aspect ratio
// allows (FINN's MVAU estimate, FINN-R 2018, uses the same packing); an MVTU's logic is its
// PEs' XNOR-popcount adder trees, accumulators and threshold comparators.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_HLS_HLSRESOURCES_H
#define XNORC_TARGETS_HLS_HLSRESOURCES_H

#include <cstdint>

namespace xnorc {

/// LUTs used as logic, LUTs used as memory (distributed RAM / ROM, shift-register FIFOs) and
/// 18 Kib block RAMs.
struct Resources {
  int64_t Luts = 0, LutRam = 0, Bram18 = 0;
  Resources &operator+=(const Resources &R) {
    Luts += R.Luts, LutRam += R.LutRam, Bram18 += R.Bram18;
    return *this;
  }
};

/// Arrays of at most this many words go to LUTRAM, deeper ones to BRAM18 (FINN's threshold
/// for HLS-embedded weight memories).
constexpr int64_t MaxLutRamDepth = 128;

/// BRAM18 blocks for a Depth x Width memory: the fewest over the RAMB18 aspect ratios
/// (16384 x 1, 8192 x 2, 4096 x 4, 2048 x 9, 1024 x 18, 512 x 36) of
/// ceil(Depth / depth) * ceil(Width / width).
int64_t bram18Blocks(int64_t Width, int64_t Depth);

/// A ROM or RAM of Depth words of Width bits: LUTRAM (Width * ceil(Depth / 64) LUTs) up to
/// MaxLutRamDepth words, else bram18Blocks().
Resources memoryResources(int64_t Width, int64_t Depth);

/// LUTs of one PE's XNOR-popcount of Simd bit pairs: a first level of LUT6s counting the
/// mismatches of 3 pairs into 2 bits (2 LUTs per 3 pairs), then a tree of ripple-carry
/// adders (one LUT per result bit before the carry) summing those counts pairwise.
int64_t popcountTreeLuts(int64_t Simd);

/// The shape of a matrix-vector-threshold unit, what its resources depend on.
struct MvtuShape {
  int64_t PE = 1, SIMD = 1;
  int64_t WeightDepth = 1; ///< words per PE: NF * SF
  int64_t NF = 1;
  int64_t AccBits = 1;       ///< accumulator width
  int64_t ThresholdBits = 0; ///< per channel (threshold + direction), 0: a float epilogue
  int64_t TapBits = 0;       ///< input bits per tap (C); SIMD not dividing it needs a tap buffer
};

/// Per-layer control (loop counters, stream handshakes) of a folded layer: FINN-R's fitted
/// constant for an MVAU, 300 LUTs.
constexpr int64_t MvtuControlLuts = 300;

/// An MVTU: per PE a weight memory of WeightDepth x SIMD bits and a threshold memory of NF
/// entries (memoryResources), a popcount tree, an accumulator (AccBits LUTs) and a threshold
/// comparator (its width); plus MvtuControlLuts; plus, when SIMD does not divide TapBits, the
/// tap buffer and its valid mask (2 x (SIMD + C) bits, each written at one of SIMD / gcd(SIMD,
/// C) positions: a mux of that many inputs, a LUT6 per 4).
Resources mvtuResources(const MvtuShape &S);

/// A FIFO of Depth items of Width bits: shift-register LUTs (SRLC32E: Width * ceil(Depth / 32),
/// counted as LUTRAM) up to MaxLutRamDepth items, else BRAM18.
Resources fifoResources(int64_t Width, int64_t Depth);

} // namespace xnorc

#endif
