//===- ChannelStreams.h - Tied channels and which of them can go -*- C++ -*-===//
//
// One rule for two users: `prune-channels` removes the channels decideStream()
// lets go, and `--report` (analyzeSparsity) calls the ones it removes as dead
// its dead channels. The rule and its exactness argument are in
// ChannelStreams.cpp.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_ANALYSIS_CHANNELSTREAMS_H
#define XNORC_ANALYSIS_CHANNELSTREAMS_H

#include "compiler/Analysis/SparsityAnalysis.h"
#include "compiler/IR/Graph.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace xnorc {

/// Layers whose output channels a stream can lose: conv, bconv, bconv_threshold, bwconv,
/// bdense, bdense_threshold, bwdense with group 1 and constant per-channel operands.
bool prunableProducer(const Op &O);

/// An op of a stream: channel j of its result -- behind a flatten, its
/// features j*Spread .. (j+1)*Spread-1 -- is stream channel Offset + j.
struct StreamPart {
  Op *O;
  int64_t Offset, Spread = 1;
};

/// A layer reading stream channels: its input channel j -- through a flatten,
/// its features j*Spread .. (j+1)*Spread-1 -- is stream channel Offset + j.
struct StreamReader {
  Op *L;
  int64_t Offset, Spread;
  LayerSparsity S;
};

/// A residual stream: values whose channels are tied together, so a channel
/// goes from all of them at once. Channel-wise ops, element-wise adds and the
/// residual operand of a fused layer tie their operand's channel c to their
/// result's channel c; a concat ties channel c of its i-th input to channel
/// offset_i + c of its result.
struct Stream {
  std::vector<std::pair<Value *, int64_t>> Values; ///< each value and its offset
  std::vector<StreamPart> Producers; ///< layers writing stream values: lose output channels
  /// Channel-wise ops, adds, concats, flattens to [N, C*H*W] and the channel-wise
  /// ops behind those: lose result channels (features).
  std::vector<StreamPart> Between;
  std::vector<StreamReader> Readers;
  int64_t Channels = 0;
  bool Joined = false;       ///< an add, concat or residual: no single producer per channel
  const char *Why = nullptr; ///< why nothing can be pruned, or null
};

/// The stream Start (a producer's result) belongs to.
Stream findStream(const Graph &G, Value *Start);

enum class ChannelFate : char { Removed, Kept, Folded };

/// Which stream channels go, and how.
struct StreamDecision {
  /// Per stream channel: Removed (dead: no reader uses it), Folded (constant: each reader
  /// takes its fixed contribution or none), Kept.
  std::vector<ChannelFate> Fates;
  /// Per reader (as Stream::Readers): the constant bits (stream channel, +-1) folded into
  /// its integer thresholds.
  std::vector<std::vector<std::pair<int64_t, int>>> Folds;
  const char *ConstantKept = nullptr; ///< why a constant channel stays, or null
  int64_t PartlyUnread = 0;           ///< channels some readers do not read but another does
  const Op *ReadBy = nullptr;         ///< such a reader
  int64_t removable() const;
};

/// The channels of S that go (the .cpp header); when S.Why is set, the ones that would
/// go were nothing holding the stream: then none does.
StreamDecision decideStream(const Stream &S);

} // namespace xnorc

#endif
