//===- PruneChannels.cpp - Remove constant and dead output channels -------===//
//
// The pass narrows streams: which channels of a stream go, and why that is
// exact, is decideStream's rule (compiler/Analysis/ChannelStreams.cpp), the
// same one --report counts dead channels with. Every producer loses output
// channel c (filter, scale/bias or thresholds), the channel-wise ops their
// per-channel constants of c, every value channel c, and every reader input
// channel c. A constant bit a reader sees is folded into its thresholds.
//
// The math of the fold. A reader's filter m sums d = sum_(c,tap) x[c,tap] w[m,c,tap]
// over +-1 values. With channel c constant s at every tap,
//   d = d' + F_m,  F_m = s * sum_tap w[m,c,tap],
// d' the dot product over the other channels, in [-K', K'] with
// K' = K - taps. So (d >= t) == (d' >= t - F_m) and (d <= t) == (d' <= t - F_m):
// the reader's integer threshold becomes t - F_m, exactly (a threshold then
// outside [-K', K'] is written as the constant INT32_MIN / INT32_MAX). A bit
// pool of a constant channel is the same constant: it takes the max (or min)
// of valid taps only, and a window always has one (shape inference).
//
// Padding. A padded tap of the reader is 0 (zero padding) or pad_value (one
// padding), not s: at border positions F_m would sum fewer taps and the fold
// would be wrong there. So a constant channel is folded only into readers
// without padding or with pad_value == s (then every tap holds s); otherwise
// the channel stays (remark "missed"). Float readers of a non-zero constant
// would fold it into their bias with a different rounding, and float-epilogue
// binary readers (bconv: fl(scale * d) + bias) cannot take an integer offset
// exactly: both keep the channel. A float reader of a +-0 channel loses it
// like a dead one (its terms w * (+-0) are +-0).
//
// Dead channels: every stream op computes channel c from channel c of its
// stream operands and its own constants of c, so when no reader uses c no
// kept value depends on it. A reader's sum loses terms x * 0: zero for an
// integer sum, +-0 for a float one with finite x, which leaves a non-zero
// partial sum as it is (up to the sign of a zero result). Ternary weights left
// without a zero are written as b1: the same d on the xnor kernels.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/ChannelStreams.h"
#include "compiler/Analysis/SparsityAnalysis.h"
#include "compiler/IR/BitLayout.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace xnorc {

namespace {

/// The operand of reader O whose input-channel axis loses pruned channels, and
/// that axis; operand 0 when O cannot be narrowed so.
std::pair<unsigned, size_t> readerWeights(const Op &O) {
  if (auto G = dyn_cast<GemmOp>(O))
    return {GemmOp::bIndex, G->transB() ? 1 : 0};
  if (isa<MatMulOp>(O))
    return {MatMulOp::bIndex, 0};
  return {WeightedLayerOp::wIndex, 1};
}

/// T with the entries of dim Axis at the indices Keep, in that order.
Tensor keepAlong(const Tensor &T, size_t Axis, const std::vector<int64_t> &Keep) {
  Shape D = T.dims();
  const int64_t Old = D[Axis];
  D[Axis] = static_cast<int64_t>(Keep.size());
  Tensor Out(TensorType{T.elem(), D});
  int64_t Inner = 1, Outer = 1;
  for (size_t I = Axis + 1; I < D.size(); ++I)
    Inner *= D[I];
  for (size_t I = 0; I < Axis; ++I)
    Outer *= D[I];
  const bool Bits = T.elem() == ElemType::B1;
  const size_t Bytes = Bits ? 0 : elemTypeBytes(T.elem());
  for (int64_t O = 0; O < Outer; ++O)
    for (size_t K = 0; K < Keep.size(); ++K)
      for (int64_t I = 0; I < Inner; ++I) {
        int64_t From = (O * Old + Keep[K]) * Inner + I, To = (O * Keep.size() + K) * Inner + I;
        if (Bits)
          setBinary(Out, To, getBinary(T, From) < 0);
        else
          std::memcpy(Out.data<uint8_t>() + To * Bytes, T.data<uint8_t>() + From * Bytes, Bytes);
      }
  return Out;
}

/// Replaces operand I of O (a constant) by its entries at Keep along Axis.
void narrowOperand(Graph &G, Op &O, unsigned I, size_t Axis, const std::vector<int64_t> &Keep) {
  Value *V = O.operand(I);
  if (!V || !V->isConstant())
    return;
  bool Same = static_cast<int64_t>(Keep.size()) == V->type().Dims[Axis];
  for (size_t K = 0; K < Keep.size() && Same; ++K)
    Same = Keep[K] == static_cast<int64_t>(K);
  if (Same)
    return;
  O.setOperand(
      I, G.addConstant(G.uniqueName(V->name() + ".pruned"), keepAlong(V->constant(), Axis, Keep)));
}

/// Ternary weights (i8 levels) without a zero left are binary weights: the
/// same sum d, run on the xnor kernels rather than the two-plane ternary ones.
void binaryIfNoZero(Graph &G, Op &O) {
  if (!isa<WeightedLayerOp>(O) || !hasTrait(O.kind(), OpTrait::Binary))
    return;
  Value *W = WeightedLayerOp(O).w();
  if (W->type().Elem != ElemType::I8 || !W->isConstant())
    return;
  const Tensor &Levels = W->constant();
  Tensor Bits(TensorType{ElemType::B1, Levels.dims()});
  for (int64_t I = 0; I < Levels.size(); ++I) {
    const int8_t L = Levels.data<int8_t>()[I];
    if (L == 0)
      return;
    setBinary(Bits, I, L < 0);
  }
  O.setOperand(WeightedLayerOp::wIndex,
               G.addConstant(G.uniqueName(W->name() + ".binary"), std::move(Bits)));
}

void narrowResult(Op &O, int64_t Channels) {
  TensorType T = O.result()->type();
  T.Dims[1] = Channels;
  O.result()->setType(T);
}

/// Weight I of a reader: +-1 (b1) or a ternary level -1, 0, +1 (i8).
int64_t weightAt(const Tensor &W, int64_t I) {
  return W.elem() == ElemType::B1 ? getBinary(W, I) : W.getAsInt(I);
}

/// Folds the constant input channels Const (channel, bit) into threshold
/// reader L's integer thresholds: t - F_m, normalised when out of range.
void foldIntoThresholds(Graph &G, Op &L, const std::vector<std::pair<int64_t, int>> &Const,
                        int64_t KeptChannels) {
  ThresholdLayerOp T(L);
  const Tensor &W = T.w()->constant();
  const Shape &D = W.dims();
  const int64_t M = D[0], C = D[1], Taps = numElements(D) / (M * C);
  Tensor Th = T.thresh()->constant(), Dir = T.dir()->constant();
  for (int64_t Mi = 0; Mi < M; ++Mi) {
    int64_t F = 0;
    for (auto [Ch, S] : Const)
      for (int64_t Tp = 0; Tp < Taps; ++Tp)
        F += S * weightAt(W, (Mi * C + Ch) * Taps + Tp);
    int32_t &Ti = Th.data<int32_t>()[Mi], &Di = Dir.data<int32_t>()[Mi];
    const int64_t K = C * Taps, NewK = KeptChannels * Taps;
    // An already-constant channel stays as written.
    if (constantThresholdBit(Ti, Di, K) != 0)
      continue;
    int64_t New = int64_t(Ti) - F;
    int Bit = constantThresholdBit(
        static_cast<int32_t>(std::clamp<int64_t>(New, INT32_MIN + 1, INT32_MAX - 1)), Di, NewK);
    Ti = Bit > 0 ? INT32_MIN : Bit < 0 ? INT32_MAX : static_cast<int32_t>(New);
    if (Bit != 0)
      Di = 1;
  }
  L.setOperand(ThresholdLayerOp::threshIndex,
               G.addConstant(G.uniqueName(T.thresh()->name() + ".folded"), std::move(Th)));
  L.setOperand(ThresholdLayerOp::dirIndex,
               G.addConstant(G.uniqueName(T.dir()->name() + ".folded"), std::move(Dir)));
}

class PruneChannelsPass : public Pass {
public:
  const char *name() const override { return "prune-channels"; }
  llvm::Error run(Graph &G) override {
    // A reader may become prunable once its input narrowed: repeat to a fixed point.
    for (bool Changed = true; Changed;) {
      Changed = false;
      Done.clear();
      for (Op *P : G.ops())
        Changed |= prune(G, *P);
    }
    G.removeUnusedConstants();
    return llvm::Error::success();
  }

private:
  enum RemarkKind { ConstantKept, UnreadKept, PartlyRead };
  std::set<std::pair<const Op *, RemarkKind>> Remarked; ///< missed remarks made already
  std::unordered_set<const Op *> Done; ///< producers whose stream this sweep has seen

  void missedOnce(const Op &P, RemarkKind K, std::string Message) {
    if (Remarked.insert({&P, K}).second)
      missed(P, std::move(Message));
  }

  bool prune(Graph &G, Op &P) {
    if (!prunableProducer(P) || Done.count(&P))
      return false;
    auto A = analyzeLayer(P);
    if (!A)
      return false;
    Stream S = findStream(G, P.result());
    for (const StreamPart &Q : S.Producers)
      Done.insert(Q.O);
    const StreamDecision D = decideStream(S);
    const std::vector<ChannelFate> &Fates = D.Fates;
    const int64_t Removable = D.removable();
    if (S.Why) {
      if (A->constantChannels() > 0)
        missedOnce(P, ConstantKept,
                   fmt::format("{} constant channels kept: {}", A->constantChannels(), S.Why));
      else if (Removable > 0 && !S.Readers.empty())
        missedOnce(P, UnreadKept, fmt::format("{} unread channels kept: {}", Removable, S.Why));
      return false;
    }
    if (D.ConstantKept)
      missedOnce(P, ConstantKept, fmt::format("constant channels kept: {}", D.ConstantKept));
    if (D.PartlyUnread > 0)
      missedOnce(P, PartlyRead,
                 fmt::format("{} channels unread by other readers kept: {} reads them",
                             D.PartlyUnread, D.ReadBy->describe()));
    if (Removable == 0)
      return false;

    // The kept channels of the stream channels [Off, Off + N), local, each
    // widened to Spread features.
    auto Local = [&](int64_t Off, int64_t N, int64_t Spread = 1) {
      std::vector<int64_t> K;
      for (int64_t C = Off; C < Off + N; ++C)
        for (int64_t I = 0; Fates[C] == ChannelFate::Kept && I < Spread; ++I)
          K.push_back((C - Off) * Spread + I);
      return K;
    };
    auto ChannelsOf = [](const Op *O) { return O->result()->type().Dims[1]; };
    for (const StreamPart &Q : S.Producers) {
      const int64_t M = ChannelsOf(Q.O);
      const int64_t After = Local(Q.Offset, M).size(),
                    Folded = std::count(Fates.begin() + Q.Offset, Fates.begin() + Q.Offset + M,
                                        ChannelFate::Folded);
      if (After == M)
        continue;
      applied(*Q.O,
              fmt::format("removed {} of {} output channels ({} constant folded into readers, {} "
                          "dead)",
                          M - After, M, Folded, M - After - Folded),
              {{"layer", analyzeLayer(*Q.O)->Name},
               {"before", std::to_string(M)},
               {"after", std::to_string(After)},
               {"constant", std::to_string(Folded)},
               {"dead", std::to_string(M - After - Folded)}});
    }
    // Folds happen in unjoined streams only: one producer, offset 0, no flatten.
    const int64_t KeptChannels = S.Channels - Removable;
    for (size_t R = 0; R < S.Readers.size(); ++R)
      if (!D.Folds[R].empty())
        foldIntoThresholds(G, *S.Readers[R].L, D.Folds[R], KeptChannels);
    // Producers lose filters and per-channel constants, channel-wise ops their
    // per-channel constants (a residual or add operand is a stream value), a
    // flatten and the ops after it H*W features per channel.
    for (const std::vector<StreamPart> *Ops : {&S.Producers, &S.Between})
      for (const StreamPart &Q : *Ops) {
        std::vector<int64_t> K = Local(Q.Offset, ChannelsOf(Q.O) / Q.Spread, Q.Spread);
        for (unsigned I = 1; I < Q.O->numOperands(); ++I)
          narrowOperand(G, *Q.O, I, 0, K);
        narrowResult(*Q.O, K.size());
        if (isa<ReshapeOp>(*Q.O))
          ReshapeOp::set_shape(*Q.O, Q.O->result()->type().Dims);
      }
    for (const StreamReader &R : S.Readers) {
      auto [I, Axis] = readerWeights(*R.L);
      narrowOperand(G, *R.L, I, Axis, Local(R.Offset, R.S.InChannels / R.Spread, R.Spread));
    }
    for (const StreamPart &Q : S.Producers)
      binaryIfNoZero(G, *Q.O);
    for (const StreamReader &R : S.Readers)
      binaryIfNoZero(G, *R.L);
    return true;
  }
};
} // namespace

std::unique_ptr<Pass> createPruneChannelsPass() { return std::make_unique<PruneChannelsPass>(); }

} // namespace xnorc
