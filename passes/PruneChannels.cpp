//===- PruneChannels.cpp - Remove constant and dead output channels -------===//
//
// The pass narrows streams. A stream is a set of values whose channels are
// tied (StreamFinder): a channel-wise op (bit and float pools, unary
// activations, threshold, unpack, BatchNorm) ties channel c of its input and
// result, so does an add without broadcasting (operands and result) and the
// residual operand of a fused bconv / bwconv / bdense / bwdense (operand and
// result); a concat on dim 1 ties channel j of input i to channel offset_i + j
// of its result; a flatten [N, C, H, W] -> [N, C*H*W] turns channel c into the
// features c*H*W .. (c+1)*H*W-1 for the channel-wise ops and layers behind it.
// Producers are the layers writing stream values (conv, bconv,
// bconv_threshold, bwconv, bdense, bdense_threshold, bwdense; group 1, constant
// weights); readers the layers reading them as input (those, gemm, matmul).
// Stream channel c goes when every reader
//   - does not read c (dead: every non-constant filter of the reader has zero
//     weights -- float zeros, ternary level 0 -- on c; analyzeLayer's
//     UnreadInput), or
//   - is a bconv_threshold / bdense_threshold that the channel reaches through
//     bit pools only, c is a constant bit s (the producer's integer threshold
//     lies outside [-K, K], constantThresholdBit), and the stream has one
//     producer and nothing joined (an add or residual sums the constant with
//     another value),
// and no stream value is a graph output or touched by another op. Every
// producer loses output channel c (filter, scale/bias or thresholds), the
// channel-wise ops their per-channel constants of c, every value channel c,
// and every reader input channel c. Each value keeps at least one channel.
//
// Dead channels: every stream op computes channel c from channel c of its
// stream operands and its own constants of c, so when no reader uses c no
// kept value depends on it. A reader's sum loses terms x * 0: zero for an
// integer sum, +-0 for a float one with finite x, which leaves a non-zero
// partial sum as it is (up to the sign of a zero result). Ternary weights left
// without a zero are written as b1: the same d on the xnor kernels.
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
//===----------------------------------------------------------------------===//
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

/// Producers this pass narrows: per-output-channel operands it can slice. A
/// residual operand joins the layer's result to its stream (findStream).
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
    if (!S->bias()->isConstant())
      return false;
  if (auto C = dyn_cast<ConvOp>(O))
    if (C->bias() && !C->bias()->isConstant())
      return false;
  return ungroupedLayer(O);
}

/// The operand of reader O whose input-channel axis loses pruned channels, and
/// that axis; operand 0 when O cannot be narrowed so.
std::pair<unsigned, size_t> readerWeights(const Op &O) {
  if (auto G = dyn_cast<GemmOp>(O))
    return {GemmOp::bIndex, G->transB() ? 1 : 0};
  if (isa<MatMulOp>(O))
    return {MatMulOp::bIndex, 0};
  return {WeightedLayerOp::wIndex, 1};
}

/// A reader's input channels can be sliced: a producer-kind layer, or a float
/// matrix product reading the value as its rows' features (gemm without transA).
bool prunableReader(const Op &O) {
  if (auto G = dyn_cast<GemmOp>(O))
    return G->transA() == 0;
  if (isa<MatMulOp>(O))
    return true;
  return prunableProducer(O) || (isa<ScaledLayerOp>(O) && ungroupedLayer(O));
}

/// An element-wise add without broadcasting: channel c of the result is the sum
/// of the operands' channels c.
bool channelAdd(const Op &O) {
  if (O.kind() != OpKind::Add)
    return false;
  for (const Value *V : O.operands())
    if (V->isConstant() || V->type().Dims != O.result()->type().Dims)
      return false;
  return true;
}

bool channelConcat(const Op &O) {
  auto C = dyn_cast<ConcatOp>(O);
  return C && C->axis() == 1 && O.result()->type().rank() >= 2;
}

/// H*W if O flattens V, an [N, C, H, W...] tensor, to [N, C*H*W] (channel c is
/// features c*H*W .. (c+1)*H*W-1); 0 otherwise.
int64_t flattenSpread(const Op &O, const Value &V) {
  const Shape &In = V.type().Dims, &Out = O.result()->type().Dims;
  if (O.kind() != OpKind::Reshape || In.size() < 3 || Out.size() != 2 || Out[0] != In[0] ||
      Out[1] != numElements(In) / In[0])
    return 0;
  return numElements(In) / (In[0] * In[1]);
}

/// Ops whose result channel j is channel j (+ an offset) of a stream value they
/// read: the result belongs to the same stream.
bool streamLink(const Op &O) { return narrowable(O) || channelAdd(O) || channelConcat(O); }

/// An op of a stream: channel j of its result -- behind a flatten, its
/// features j*Spread .. (j+1)*Spread-1 -- is stream channel Offset + j.
struct Part {
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
  std::vector<Part> Producers; ///< layers writing stream values: lose output channels
  /// Channel-wise ops, adds, concats, flattens to [N, C*H*W] and the channel-wise
  /// ops behind those: lose result channels (features).
  std::vector<Part> Between;
  std::vector<StreamReader> Readers;
  int64_t Channels = 0;
  bool Joined = false;       ///< an add, concat or residual: no single producer per channel
  bool BitsOnly = true;      ///< every channel-wise op is a bit pool
  const char *Why = nullptr; ///< why nothing can be pruned, or null
};

class StreamFinder {
public:
  StreamFinder(const Graph &G) : G(G) {}

  Stream find(Value *Start) {
    reach(Start, 0);
    while (!Work.empty()) {
      Value *V = Work.back();
      Work.pop_back();
      visit(V, Offsets.at(V));
    }
    int64_t Min = 0;
    for (auto &[V, Off] : S.Values)
      Min = std::min(Min, Off);
    auto Shift = [&](std::vector<Part> &Ps) {
      for (Part &P : Ps)
        P.Offset -= Min;
    };
    Shift(S.Producers), Shift(S.Between);
    for (StreamReader &R : S.Readers)
      R.Offset -= Min;
    for (auto &[V, Off] : S.Values) {
      Off -= Min;
      S.Channels = std::max(S.Channels, Off + V->type().Dims[1]);
    }
    return std::move(S);
  }

private:
  const Graph &G;
  Stream S;
  std::unordered_map<const Value *, int64_t> Offsets;
  std::vector<Value *> Work;

  /// Records why the stream keeps every channel (a missed remark, not an error).
  void keepAll(const char *Why) {
    if (!S.Why)
      S.Why = Why;
  }

  void reach(Value *V, int64_t Off) {
    auto [It, New] = Offsets.emplace(V, Off);
    if (New) {
      S.Values.push_back({V, Off});
      Work.push_back(V);
    } else if (It->second != Off) {
      keepAll("a value meets the stream at two channel offsets");
    }
  }

  void addReader(Op &L, int64_t Off, int64_t Spread, int64_t Channels) {
    auto A = analyzeLayer(L);
    if (A && A->InChannels == Channels * Spread)
      S.Readers.push_back({&L, Off, Spread, std::move(*A)});
    else
      keepAll("an op other than a layer, a channel-wise op, add or concat reads it");
  }

  /// Where V's channels come from.
  void visitDef(Value *V, int64_t Off) {
    Op *D = V->definingOp();
    if (!D) {
      keepAll("a graph input or constant holds its channels");
    } else if (prunableProducer(*D) && analyzeLayer(*D)) {
      S.Producers.push_back({D, Off});
      if (auto L = dyn_cast<ScaledLayerOp>(*D); L && L->residual()) {
        S.Joined = true;
        reach(L->residual(), Off);
      }
    } else if (streamLink(*D)) {
      S.Between.push_back({D, Off});
      S.BitsOnly &= isBitPool(*D);
      S.Joined |= !narrowable(*D);
      int64_t At = Off;
      for (unsigned I = 0; I < (narrowable(*D) ? 1 : D->numOperands()); ++I) {
        reach(D->operand(I), At);
        if (channelConcat(*D))
          At += D->operand(I)->type().Dims[1];
      }
    } else {
      keepAll("an op other than a layer, a channel-wise op, add or concat writes it");
    }
  }

  /// A flatten of the stream and the channel-wise ops after it, which see
  /// channel c as Spread features, up to the layers reading them.
  void visitFlat(Op *F, int64_t Off, int64_t Spread, int64_t Channels) {
    S.Between.push_back({F, Off, Spread});
    S.BitsOnly = false;
    Value *V = F->result();
    if (G.isGraphOutput(V))
      keepAll("a graph output holds its channels");
    for (Op *U : G.users(V)) {
      if (!readsOnlyAsInput(*U, V))
        keepAll("an op other than a layer reads its flattened channels");
      else if (narrowable(*U))
        visitFlat(U, Off, Spread, Channels);
      else if (prunableReader(*U))
        addReader(*U, Off, Spread, Channels);
      else
        keepAll("an op other than a layer reads its flattened channels");
    }
  }

  void visit(Value *V, int64_t Off) {
    if (G.isGraphOutput(V))
      keepAll("a graph output holds its channels");
    if (V->type().rank() < 2)
      return keepAll("its channels are not dim 1");
    visitDef(V, Off);
    const int64_t C = V->type().Dims[1];
    for (Op *U : G.users(V)) {
      if (narrowable(*U) ? readsOnlyAsInput(*U, V) : channelAdd(*U)) {
        reach(U->result(), Off);
      } else if (channelConcat(*U)) {
        int64_t At = 0, Uses = 0;
        for (unsigned I = 0; I < U->numOperands(); ++I) {
          if (U->operand(I) == V)
            ++Uses, reach(U->result(), Off - At);
          At += U->operand(I)->type().Dims[1];
        }
        if (Uses > 1)
          keepAll("a concat reads it twice");
      } else if (auto L = dyn_cast<ScaledLayerOp>(*U); L && L->residual() == V) {
        reach(U->result(), Off);
        if (L->x() == V)
          addReader(*U, Off, 1, C);
        if (L->w() == V || L->scale() == V || L->bias() == V)
          keepAll("a layer reads it as weights");
      } else if (readsOnlyAsInput(*U, V) && prunableReader(*U)) {
        addReader(*U, Off, 1, C);
      } else if (int64_t Spread = flattenSpread(*U, *V)) {
        visitFlat(U, Off, Spread, C);
      } else {
        keepAll("an op other than a layer, a channel-wise op, add or concat reads it");
      }
    }
  }
};

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

  enum class Fate : char { Removed, Kept, Folded };

  bool prune(Graph &G, Op &P) {
    if (!prunableProducer(P) || Done.count(&P))
      return false;
    auto A = analyzeLayer(P);
    if (!A)
      return false;
    Stream S = StreamFinder(G).find(P.result());
    for (const Part &Q : S.Producers)
      Done.insert(Q.O);
    // Only a stream with one producer and no join has constant channels: an add
    // or residual sums the constant with other values.
    std::vector<int> Constant(S.Channels, 0);
    if (!S.Joined && static_cast<int64_t>(A->Constant.size()) == S.Channels)
      Constant = A->Constant;
    std::vector<Fate> Fates(S.Channels);
    const char *Kept = nullptr;
    int64_t PartlyUnread = 0;
    const Op *ReadBy = nullptr;
    for (int64_t C = 0; C < S.Channels; ++C) {
      bool Unread = true, SomeUnread = false, Fold = Constant[C] == 1 || Constant[C] == -1;
      const Op *Reads = nullptr;
      for (const StreamReader &R : S.Readers) {
        const int64_t J = C - R.Offset;
        if (J < 0 || J * R.Spread >= R.S.InChannels)
          continue;
        bool U = true;
        for (int64_t I = 0; I < R.Spread; ++I)
          U &= static_cast<bool>(R.S.UnreadInput[J * R.Spread + I]);
        Unread &= U, SomeUnread |= U;
        if (!U && !Reads)
          Reads = R.L;
        Fold &= S.BitsOnly && R.Spread == 1 && foldable(*R.L, Constant[C]);
      }
      if (!Unread && SomeUnread && !Fold)
        ++PartlyUnread, ReadBy = ReadBy ? ReadBy : Reads;
      Fates[C] = Unread ? Fate::Removed : Fold ? Fate::Folded : Fate::Kept;
      if (Fates[C] == Fate::Kept && Constant[C] != 0)
        Kept = !S.BitsOnly ? "a float op reads it"
                           : "a reader pads with another value or has a float epilogue";
    }
    // Every value keeps at least one channel (a tensor has no empty dimension).
    for (auto &[V, Off] : S.Values)
      if (std::none_of(Fates.begin() + Off, Fates.begin() + Off + V->type().Dims[1],
                       [](Fate F) { return F == Fate::Kept; }))
        Fates[Off] = Fate::Kept;
    const int64_t Removable =
        std::count_if(Fates.begin(), Fates.end(), [](Fate F) { return F != Fate::Kept; });
    if (S.Why) {
      if (A->constantChannels() > 0)
        missedOnce(P, ConstantKept,
                   fmt::format("{} constant channels kept: {}", A->constantChannels(), S.Why));
      else if (Removable > 0 && !S.Readers.empty())
        missedOnce(P, UnreadKept, fmt::format("{} unread channels kept: {}", Removable, S.Why));
      return false;
    }
    if (Kept)
      missedOnce(P, ConstantKept, fmt::format("constant channels kept: {}", Kept));
    if (PartlyUnread > 0)
      missedOnce(P, PartlyRead,
                 fmt::format("{} channels unread by other readers kept: {} reads them",
                             PartlyUnread, ReadBy->describe()));
    if (Removable == 0)
      return false;

    // The kept channels of the stream channels [Off, Off + N), local, each
    // widened to Spread features.
    auto Local = [&](int64_t Off, int64_t N, int64_t Spread = 1) {
      std::vector<int64_t> K;
      for (int64_t C = Off; C < Off + N; ++C)
        for (int64_t I = 0; Fates[C] == Fate::Kept && I < Spread; ++I)
          K.push_back((C - Off) * Spread + I);
      return K;
    };
    auto ChannelsOf = [](const Op *O) { return O->result()->type().Dims[1]; };
    for (const Part &Q : S.Producers) {
      const int64_t M = ChannelsOf(Q.O);
      const int64_t After = Local(Q.Offset, M).size(),
                    Folded = std::count(Fates.begin() + Q.Offset, Fates.begin() + Q.Offset + M,
                                        Fate::Folded);
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
    // Folding happens in unjoined streams only: one producer, offset 0, no flatten.
    std::vector<std::pair<int64_t, int>> Const;
    for (int64_t C = 0; C < S.Channels; ++C)
      if (Fates[C] == Fate::Folded)
        Const.push_back({C, Constant[C]});
    const int64_t KeptChannels = S.Channels - Removable;
    for (const StreamReader &R : S.Readers)
      if (!Const.empty() && isa<ThresholdLayerOp>(*R.L))
        foldIntoThresholds(G, *R.L, Const, KeptChannels);
    // Producers lose filters and per-channel constants, channel-wise ops their
    // per-channel constants (a residual or add operand is a stream value), a
    // flatten and the ops after it H*W features per channel.
    for (const std::vector<Part> *Ops : {&S.Producers, &S.Between})
      for (const Part &Q : *Ops) {
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
    for (const Part &Q : S.Producers)
      binaryIfNoZero(G, *Q.O);
    for (const StreamReader &R : S.Readers)
      binaryIfNoZero(G, *R.L);
    return true;
  }
};
} // namespace

std::unique_ptr<Pass> createPruneChannelsPass() { return std::make_unique<PruneChannelsPass>(); }

} // namespace xnorc
