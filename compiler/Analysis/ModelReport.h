//===- ModelReport.h - Per-layer cost and size report ------------*- C++ -*-===//
#ifndef XNORC_ANALYSIS_MODELREPORT_H
#define XNORC_ANALYSIS_MODELREPORT_H

#include "compiler/Analysis/SparsityAnalysis.h"
#include "compiler/IR/Graph.h"

#include <string>

namespace xnorc {

struct LayerRow {
  std::string Name, Op, Kind;  ///< Kind: xnor, binary-weight, float, or "-" for data movement
  int64_t Macs = 0;            ///< multiply-accumulates (binary MACs for xnor layers)
  int64_t WeightBytes = 0;     ///< bytes of the constants this op reads
  int64_t ActivationBytes = 0; ///< bytes of its result
};

/// A BatchNorm whose threshold some attainable integer pre-activation comes
/// within a few ulps of (bn-sign-to-threshold finds them): the framework's
/// float arithmetic decides those channels.
struct TieRow {
  std::string Layer;
  std::vector<int64_t> Channels; ///< the tie-sensitive ones
  int64_t NumChannels = 0;
};

struct ModelReport {
  std::vector<LayerRow> Rows;
  /// The arithmetic the model's BatchNorms follow ("pytorch", ...; "none" without any).
  std::string BnArith = "none";
  std::vector<TieRow> Ties;
  int64_t ArenaBytes = 0, ConstantBytes = 0, SourceWeightBytes = 0;
  int64_t FloatMacs = 0, BinaryMacs = 0;
  int64_t Int8Macs = 0; ///< of the 8-bit integer layers (qconv, qgemm)
  /// Weight bytes of the layers that became xnor / binary-weight, now and as float32.
  int64_t BinaryLayerBytes = 0, BinaryLayerFloatBytes = 0;
  /// Zero weights, constant and dead channels per conv/dense layer.
  std::vector<LayerSparsity> Sparsity;
  /// The layers prune-channels narrowed (from its remarks).
  std::vector<PrunedLayer> Pruned;
};

ModelReport buildReport(const Graph &G, int64_t ArenaBytes);
/// The distinct 'arith' attributes of G's batch_norm ops, comma-separated
/// ("none" if G has none): read it before the passes absorb them.
std::string batchNormArithOf(const Graph &G);
std::string formatReportTable(const ModelReport &R);
std::string formatReportJson(const ModelReport &R);

} // namespace xnorc

#endif
