//===- HlsFolding.h - PE/SIMD folding of the HLS target's layers -*- C++ -*-===//
//
// A folded layer is a matrix-vector-threshold unit (binary conv / dense): per output pixel it
// runs NF * SF steps, NF = M / PE, SF = KK * C / SIMD (docs/HLS.md, "Folding"). PE must
// divide the output channels M, SIMD the inputs per output KK * C (FINN's rule: a step's SIMD
// bits may span taps) and be at most MaxHlsSimd.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_HLS_HLSFOLDING_H
#define XNORC_TARGETS_HLS_HLSFOLDING_H

#include "compiler/IR/Graph.h"

#include <algorithm>
#include <llvm/Support/Error.h>
#include <map>
#include <optional>
#include <string>

namespace xnorc {

/// The largest SIMD the target accepts: a step's word is an ap_uint<SIMD>, and Vitis' ap_uint
/// is at most 4096 bits wide.
constexpr int64_t MaxHlsSimd = 4096;

/// The largest SIMD the default folding picks (one 64-bit word per PE per step).
constexpr int64_t DefaultMaxSimd = 64;

struct Folding {
  int64_t PE = 1, SIMD = 1;
};

/// A layer's name in messages, folding files and estimates: its op's name (the ONNX node), or
/// its result's when the op has none (text IR).
std::string hlsLayerName(const Op &O);

/// The matrix shape of a folded layer.
struct MvtuGeometry {
  int64_t M = 0;      ///< output channels (neurons)
  int64_t C = 0;      ///< input channels of one tap (a dense layer: its inputs)
  int64_t KK = 1;     ///< taps per window (kh * kw; 1 for dense)
  int64_t Pixels = 1; ///< output pixels per image (1 for dense)
  int64_t NF(const Folding &F) const { return M / F.PE; }
  int64_t SF(const Folding &F) const { return KK * C / F.SIMD; }
  /// Cycles per image of the II=1 pipeline: NF * SF per output pixel, and more when SIMD > C:
  /// the first neuron fold reads the window's KK taps one per cycle, so it takes
  /// max(SF, KK) cycles (layers_mvtu.h).
  int64_t cycles(const Folding &F) const {
    return (NF(F) * SF(F) + std::max<int64_t>(0, KK - SF(F))) * Pixels;
  }
};

/// The geometry of bconv, bconv_threshold, bdense and bdense_threshold; nullopt otherwise.
std::optional<MvtuGeometry> mvtuGeometry(const Op &O);

/// The default: the largest PE <= 8 dividing M, the largest SIMD <= DefaultMaxSimd dividing C.
Folding defaultFolding(const MvtuGeometry &G);

/// An error naming the layer unless PE divides M and SIMD divides KK * C (SIMD <= MaxHlsSimd).
llvm::Error checkFolding(const Op &O, const MvtuGeometry &G, const Folding &F);

/// Every valid folding of G, cheapest first (fewest PE * SIMD, then SIMD dividing C, then
/// fewest PE).
std::vector<Folding> foldingsByCost(const MvtuGeometry &G);

/// Per-layer foldings from a JSON file: either keys that are layer (op) names, or FINN's
/// folding-config shape {"Defaults": {...}, "<FINN layer>": {"PE": p, "SIMD": s}, ...} whose
/// MVAU / StreamingFCLayer entries map in order onto the folded layers, one to one.
/// Entries without PE or SIMD keep the default for that field.
llvm::Expected<std::map<const Op *, Folding>> readFoldingFile(const std::string &Path,
                                                              const Graph &G);

} // namespace xnorc

#endif
