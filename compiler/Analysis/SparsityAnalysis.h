//===- SparsityAnalysis.h - Zero weights, constant and dead channels -*- C++ -*-===//
//
// Per conv/dense layer with constant weights (conv, gemm, matmul, and the binary
// layers bconv, bconv_threshold, bdense, bdense_threshold, bwconv, bwdense): how
// many weights are zero (float zeros, ternary level 0, a zero binary scale's
// filter), which filters are all zero, which output channels are
// constant (the same value for every finite input), which input channels no
// filter reads, which output channels nothing downstream reads (dead, by the
// stream rule prune-channels removes them with: ChannelStreams.h), and the
// share of all-zero weight blocks at the block sizes the kernels stream.
// `xnorc --report` prints it; `prune-channels` uses the same constant-channel rule.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_ANALYSIS_SPARSITYANALYSIS_H
#define XNORC_ANALYSIS_SPARSITYANALYSIS_H

#include "compiler/IR/Graph.h"

#include <cstdint>
#include <llvm/Support/JSON.h>
#include <optional>
#include <string>
#include <vector>

namespace xnorc {

/// The bit a binary threshold layer's channel writes whatever its input is: +1
/// or -1 when the integer threshold T (direction Dir, docs/IR.md) lies outside
/// the accumulator range [-K, K], else 0. Every output position's range lies
/// inside [-K, K] (zero padding only shrinks it), so a bit constant on [-K, K]
/// is constant everywhere.
int constantThresholdBit(int32_t T, int32_t Dir, int64_t K);

/// True for ops whose output channel c depends on channel c of operand 0
/// alone (the ChannelWise trait of Ops.def: pools, unary activations, threshold,
/// unpack, BatchNorm).
bool isChannelWise(const Op &O);

/// True if every use of V by U is operand 0 (the data input).
bool readsOnlyAsInput(const Op &U, const Value *V);

/// All-zero weight blocks at one kernel block size.
struct BlockSparsity {
  std::string Kernel; ///< "4 oc" (NEON float lanes), "8 oc", "16 oc", "64 ic" (a b1 word)
  int64_t Blocks = 0; ///< blocks holding weights of the layer
  int64_t ZeroBlocks = 0;
};

struct LayerSparsity {
  const Op *Layer = nullptr; ///< valid while the graph is
  std::string Name, OpName;  ///< as the report's layer table names the op
  int64_t OutChannels = 0, InChannels = 0, Groups = 1, Taps = 1;
  int64_t Weights = 0, ZeroWeights = 0, ZeroFilters = 0;
  /// Per output channel: 0 varies with the input; for a binary threshold layer
  /// +1 / -1 is the constant bit; 2 a float constant (a zero filter or a zero
  /// binary scale, without residual: act(bias), for finite inputs).
  std::vector<int> Constant;
  std::vector<bool> UnreadInput; ///< per input channel: no non-constant filter reads it
  std::vector<bool> Dead;        ///< per output channel: prune-channels removes it as dead
  std::vector<BlockSparsity> Blocks;
  /// The CPU ISAs ("generic", "avx2", "avx512") whose sparse kernel the layer runs under
  /// --target-opt sparse=auto: those whose measured break-even it reaches (SparseBreakEven.h).
  std::vector<std::string> SparseOn;

  int64_t count(const std::vector<bool> &V) const;
  int64_t constantChannels() const;
};

/// The analysis of one layer (Dead left all false), or nothing if O is not a
/// conv/dense layer with constant weights (and scale / thresholds).
std::optional<LayerSparsity> analyzeLayer(const Op &O);

/// Every such layer of G in op order, with dead output channels: those
/// prune-channels removes as dead (decideStream in ChannelStreams.h: no layer
/// reading the layer's residual stream -- through channel-wise ops, adds,
/// residual operands, concats and flattens -- uses them).
std::vector<LayerSparsity> analyzeSparsity(const Graph &G);

/// One layer prune-channels narrowed (from its remark), for the report.
struct PrunedLayer {
  std::string Layer;
  int64_t Before = 0, After = 0;
};

/// The report's sparsity section: one line per layer, then the pruned layers.
std::string formatSparsityTable(const std::vector<LayerSparsity> &L,
                                const std::vector<PrunedLayer> &Pruned);
/// The same as JSON members "sparsity" and "pruned_channels" of the report object.
void writeSparsityJson(llvm::json::OStream &J, const std::vector<LayerSparsity> &L,
                       const std::vector<PrunedLayer> &Pruned);

} // namespace xnorc

#endif
