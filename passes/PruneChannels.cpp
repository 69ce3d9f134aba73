//===- PruneChannels.cpp - Remove constant and dead output channels -------===//
//
// A producer layer (conv, bconv, bconv_threshold, bwconv, bdense,
// bdense_threshold, bwdense; group 1, constant weights, no residual) loses
// output channel c when every reader of c -- the layers that read its result,
// directly or through channel-wise ops (bit and float pools, unary
// activations, threshold, unpack, BatchNorm) -- either
//   - does not read c (dead: every non-constant filter of the reader has zero
//     weights on c; analyzeLayer's UnreadInput), or
//   - is a bconv_threshold / bdense_threshold that the channel reaches through
//     bit pools only, and c is a constant bit s (the producer's integer
//     threshold lies outside [-K, K], constantThresholdBit).
// The producer's filter, scale/bias or thresholds of c go, the channel-wise
// ops' per-channel constants of c go, and every reader loses input channel c.
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
// the channel stays (remark "missed"). Float readers of a constant channel
// would fold it into their bias with a different rounding, and float-epilogue
// binary readers (bconv: fl(scale * d) + bias) cannot take an integer offset
// exactly: both keep the channel.
//
// Dead channels of a float producer: the reader's sum loses terms x * 0, which
// are zeros for finite x, so the result is the same (up to the sign of a zero).
// A producer keeps at least one channel (a tensor has no empty dimension).
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/SparsityAnalysis.h"
#include "compiler/IR/BitLayout.h"
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <unordered_set>

namespace xnorc {

namespace {

bool isBitPool(const Op &O) { return O.kind() == OpKind::BMaxPool; }

/// Channel-wise ops between a producer and its readers whose per-channel
/// operands (min_mask, tau/dir, BatchNorm's statistics), if any, are constants
/// that can be sliced.
bool narrowable(const Op &O) {
  if (!isChannelWise(O))
    return false;
  for (unsigned I = 1; I < O.numOperands(); ++I)
    if (O.operand(I) && !O.operand(I)->isConstant())
      return false;
  return true;
}

bool ungroupedLayer(const Op &O) {
  auto G = dyn_cast<GroupedConvOp>(O);
  return !G || G->group() == 1;
}

/// Producers this pass narrows: per-output-channel operands it can slice.
bool prunableProducer(const Op &O) {
  switch (O.kind()) {
  case OpKind::Conv:
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BWConv:
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
  case OpKind::BWDense:
    break;
  default:
    return false;
  }
  if (auto S = dyn_cast<ScaledLayerOp>(O))
    if (S->residual() || !S->bias()->isConstant())
      return false;
  if (auto C = dyn_cast<ConvOp>(O))
    if (C->bias() && !C->bias()->isConstant())
      return false;
  return ungroupedLayer(O);
}

/// A reader's input channels can be sliced: a producer-kind layer reading the
/// value as its x.
bool prunableReader(const Op &O) {
  return prunableProducer(O) || (isa<ScaledLayerOp>(O) && ungroupedLayer(O));
}

/// Where a producer's channels go: the ops to narrow and the layers reading them.
struct Readers {
  std::vector<Op *> Between; ///< channel-wise ops, in discovery order
  std::vector<Op *> Layers;
  bool BitsOnly = true;      ///< every op between is a bit pool
  const char *Why = nullptr; ///< why nothing can be pruned, or null
};

Readers findReaders(const Graph &G, const Op &P) {
  Readers R;
  std::vector<Value *> Work{P.result()};
  while (!Work.empty() && !R.Why) {
    Value *V = Work.back();
    Work.pop_back();
    if (G.isGraphOutput(V)) {
      R.Why = "a graph output holds its channels";
      break;
    }
    for (Op *U : G.users(V)) {
      bool AsInput = true;
      for (unsigned I = 1; I < U->numOperands(); ++I)
        AsInput &= U->operand(I) != V;
      if (AsInput && narrowable(*U)) {
        R.Between.push_back(U);
        R.BitsOnly &= isBitPool(*U);
        Work.push_back(U->result());
      } else if (AsInput && prunableReader(*U) && analyzeLayer(*U)) {
        R.Layers.push_back(U);
      } else {
        R.Why = "an op other than a layer or a channel-wise op reads it";
        break;
      }
    }
  }
  return R;
}

/// A constant bit s folds exactly into reader L (see the file header).
bool foldable(const Op &L, int S) {
  if (!isa<ThresholdLayerOp>(L))
    return false;
  auto X = dyn_cast<XnorConvOp>(L);
  if (!X)
    return true; // dense: no padding
  for (int64_t P : X->pads())
    if (P != 0)
      return X->pad_value() == S;
  return true;
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
  if (!V)
    return;
  O.setOperand(
      I, G.addConstant(G.uniqueName(V->name() + ".pruned"), keepAlong(V->constant(), Axis, Keep)));
}

void narrowResult(Op &O, int64_t Channels) {
  TensorType T = O.result()->type();
  T.Dims[1] = Channels;
  O.result()->setType(T);
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
        F += S * getBinary(W, (Mi * C + Ch) * Taps + Tp);
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
      for (Op *P : G.ops())
        Changed |= prune(G, *P);
    }
    G.removeUnusedConstants();
    return llvm::Error::success();
  }

private:
  std::unordered_set<const Op *> Remarked; ///< ops with a missed remark already

  bool prune(Graph &G, Op &P) {
    if (!prunableProducer(P))
      return false;
    auto S = analyzeLayer(P);
    if (!S)
      return false;
    Readers R = findReaders(G, P);
    const int64_t M = S->OutChannels;
    bool AnyConstant = S->constantChannels() > 0;
    if (R.Why) {
      if (AnyConstant && Remarked.insert(&P).second)
        missed(P, fmt::format("{} constant channels kept: {}", S->constantChannels(), R.Why));
      return false;
    }
    std::vector<LayerSparsity> Uses;
    for (Op *L : R.Layers)
      Uses.push_back(*analyzeLayer(*L));
    std::vector<int64_t> Keep;
    std::vector<std::pair<int64_t, int>> Const; // removed constant channels and their bits
    const char *Kept = nullptr;
    for (int64_t C = 0; C < M; ++C) {
      bool Unread = true, Fold = S->Constant[C] == 1 || S->Constant[C] == -1;
      for (size_t I = 0; I < R.Layers.size(); ++I) {
        Unread &= static_cast<bool>(Uses[I].UnreadInput[C]);
        Fold &= R.BitsOnly && foldable(*R.Layers[I], S->Constant[C]);
      }
      if (Unread)
        continue;
      if (Fold)
        Const.push_back({C, S->Constant[C]});
      else {
        Keep.push_back(C);
        if (S->Constant[C] != 0)
          Kept = !R.BitsOnly ? "a float op reads it"
                             : "a reader pads with another value or has a float epilogue";
      }
    }
    if (Keep.empty()) { // a tensor has no empty dimension
      Keep.push_back(Const.empty() ? 0 : Const.front().first);
      if (!Const.empty())
        Const.erase(Const.begin());
    }
    if (Kept && Remarked.insert(&P).second)
      missed(P, fmt::format("constant channels kept: {}", Kept));
    if (static_cast<int64_t>(Keep.size()) == M)
      return false;
    std::string Name = S->Name;
    applied(P,
            fmt::format("removed {} of {} output channels ({} constant folded into readers, {} "
                        "dead)",
                        M - Keep.size(), M, Const.size(), M - Keep.size() - Const.size()),
            {{"layer", Name},
             {"before", std::to_string(M)},
             {"after", std::to_string(Keep.size())},
             {"constant", std::to_string(Const.size())},
             {"dead", std::to_string(M - Keep.size() - Const.size())}});
    for (Op *L : R.Layers)
      if (!Const.empty() && isa<ThresholdLayerOp>(*L))
        foldIntoThresholds(G, *L, Const, Keep.size());
    // The producer: its filters and per-channel constants.
    for (unsigned I = 1; I < P.numOperands(); ++I)
      narrowOperand(G, P, I, 0, Keep);
    narrowResult(P, Keep.size());
    for (Op *B : R.Between) {
      for (unsigned I = 1; I < B->numOperands(); ++I)
        narrowOperand(G, *B, I, 0, Keep);
      narrowResult(*B, Keep.size());
    }
    for (Op *L : R.Layers)
      narrowOperand(G, *L, WeightedLayerOp::wIndex, 1, Keep);
    return true;
  }
};
} // namespace

std::unique_ptr<Pass> createPruneChannelsPass() { return std::make_unique<PruneChannelsPass>(); }

} // namespace xnorc
