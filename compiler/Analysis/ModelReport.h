//===- ModelReport.h - Per-layer cost and size report ------------*- C++ -*-===//
#ifndef XNORC_ANALYSIS_MODELREPORT_H
#define XNORC_ANALYSIS_MODELREPORT_H

#include "compiler/IR/Graph.h"

#include <string>

namespace xnorc {

struct LayerRow {
  std::string Name, Op, Kind; ///< Kind: xnor, binary-weight, float, or "-" for data movement
  int64_t Macs = 0;           ///< multiply-accumulates (binary MACs for xnor layers)
  int64_t WeightBytes = 0;    ///< bytes of the constants this op reads
  int64_t ActivationBytes = 0; ///< bytes of its result
};

struct ModelReport {
  std::vector<LayerRow> Rows;
  int64_t ArenaBytes = 0, ConstantBytes = 0, SourceWeightBytes = 0;
  int64_t FloatMacs = 0, BinaryMacs = 0;
  /// Weight bytes of the layers that became xnor / binary-weight, now and as float32.
  int64_t BinaryLayerBytes = 0, BinaryLayerFloatBytes = 0;
};

ModelReport buildReport(const Graph &G, int64_t ArenaBytes);
std::string formatReportTable(const ModelReport &R);
std::string formatReportJson(const ModelReport &R);

} // namespace xnorc

#endif
