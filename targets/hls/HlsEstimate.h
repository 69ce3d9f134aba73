//===- HlsEstimate.h - Throughput and memory estimates of HLS layers -*- C++ -*-===//
//
// The cost model (docs/HLS.md, "Cost model"): every layer is a pipeline of II=1 steps; its
// cycles per image are the steps it takes for one image (NF * SF * output pixels for a
// folded layer, one step per multiply-add or per pixel for the others). In a dataflow
// pipeline the slowest layer bounds the throughput: images/s = clock / max cycles; the
// latency of one image is at most the sum of the layers' cycles. Resources (LUT, LUTRAM,
// BRAM18) per layer and per FIFO come from HlsResources.h.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_HLS_HLSESTIMATE_H
#define XNORC_TARGETS_HLS_HLSESTIMATE_H

#include "targets/hls/HlsResources.h"

#include <cstdint>
#include <string>
#include <vector>

namespace xnorc {

struct LayerEstimate {
  std::string Name; ///< the op's name (untrusted: escape before printing into code)
  std::string Kind; ///< the streaming layer, e.g. "mvtu-conv", "float-conv"
  int64_t CyclesPerImage = 0;
  int64_t PE = 0, SIMD = 0;  ///< 0 for layers that are not folded
  int64_t WeightBits = 0;    ///< on-chip weight memory
  int64_t ThresholdBits = 0; ///< on-chip threshold memory (and scale/bias floats)
  Resources Res{};           ///< LUT / LUTRAM / BRAM18 (HlsResources.h)
};

struct StreamEstimate {
  std::string Name; ///< producer -> consumer
  int64_t Depth = 0;
  int64_t WidthBits = 0;
  Resources Res{}; ///< fifoResources(WidthBits, Depth)
};

struct HlsEstimate {
  double ClockMHz = 100.0;
  std::vector<LayerEstimate> Layers;
  std::vector<StreamEstimate> Streams;

  /// Index of the layer with the most cycles per image (the first of equals); -1 if none.
  int bottleneck() const;
  int64_t maxCycles() const;
  double imagesPerSecond() const;
  double latencyMicroseconds() const;
  /// The layers' resources plus the FIFOs'.
  Resources totalResources() const;
  Resources fifoTotal() const;
  /// <name>_hls.json.
  std::string json(const std::string &ModelName) const;
  /// The human-readable table --report prints.
  std::string text() const;
};

} // namespace xnorc

#endif
