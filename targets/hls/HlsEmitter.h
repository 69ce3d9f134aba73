//===- HlsEmitter.h - Vitis HLS dataflow C++ from a graph --------*- C++ -*-===//
#ifndef XNORC_TARGETS_HLS_HLSEMITTER_H
#define XNORC_TARGETS_HLS_HLSEMITTER_H

#include "targets/Target.h"
#include "targets/hls/HlsEstimate.h"
#include "targets/hls/HlsFolding.h"

#include <map>

namespace xnorc {

/// What the HLS target was configured with (--target-opt).
struct HlsConfig {
  std::map<const Op *, Folding> Foldings; ///< per folded layer; others get defaultFolding()
  double ClockMHz = 100.0;
  std::string Part = "xc7z020clg400-1";
};

/// Whether O has a streaming layer (and which constraint it misses if not).
OpSupport hlsOpSupport(const Op &O);

/// <name>.h (the CPU targets' API, so --emit-main's program runs the C simulation),
/// <name>.cpp (the accelerator and, outside synthesis, its <name>_run wrapper),
/// <name>_hls.json (estimates), run_hls.tcl, and <name>_main.cpp with EmitMain.
/// Estimates receives the per-layer estimate the files were generated with.
llvm::Expected<std::vector<OutputFile>> emitHls(const Graph &G, const EmitOptions &Opts,
                                                const HlsConfig &Config, HlsEstimate &Estimates);

} // namespace xnorc

#endif
