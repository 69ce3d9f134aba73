//===- ChannelStreams.cpp - Tied channels and which of them can go --------===//
//
// A stream is a set of values whose channels are tied (findStream): a
// channel-wise op (bit and float pools, unary activations, threshold, unpack,
// BatchNorm) ties channel c of its input and result, so does an add without
// broadcasting (operands and result) and the residual operand of a fused
// bconv / bwconv / bdense / bwdense (operand and result); a concat on dim 1
// ties channel j of input i to channel offset_i + j of its result; a flatten
// [N, C, H, W] -> [N, C*H*W] turns channel c into the features c*H*W ..
// (c+1)*H*W-1 for the channel-wise ops and layers behind it. Producers are the
// layers writing stream values (conv, bconv, bconv_threshold, bwconv, bdense,
// bdense_threshold, bwdense; group 1, constant weights); readers the layers
// reading them as input (those, gemm, matmul).
//
// Stream channel c goes (decideStream) when no stream value is a graph output
// or touched by another op, and
//   - Removed (dead): no reader reads c: every non-constant filter of the
//     reader has zero weights -- float zeros, ternary level 0 -- on c
//     (analyzeLayer's UnreadInput); or
//   - Folded (constant): the stream has one producer and nothing joined (an add
//     or residual sums the constant with another value), the producer makes c
//     the same value at every position, and every reader (those not reading c
//     included) sees there
//       * a constant bit s it folds exactly: a bconv_threshold /
//         bdense_threshold without padding or with pad_value == s, not behind
//         a flatten (PruneChannels.cpp folds s into its thresholds), or
//       * a float +-0, as a float-input reader (conv, gemm, matmul, bwconv,
//         bwdense): its terms w * (+-0) are +-0, as for a dead channel.
// Each value keeps at least one channel: the first is kept when all would go.
//
// The constant a reader sees. At the producer: a bconv_threshold /
// bdense_threshold whose integer threshold lies outside [-K, K] writes the bit
// constantThresholdBit; a float layer whose filter is all zero (a conv) or
// whose scale is 0 (a bconv, bwconv, bdense, bwdense without residual) writes
// act(fl(bias + sum of +-0)) = act(bias), for finite inputs -- if bias is +-0
// the sum may be +0 or -0 per position, so both act(+0) and act(-0) are
// followed. On the way to the reader (the one chain of channel-wise ops and
// flattens from the producer), a value v (each position holding one of the
// followed values) stays v through a max pool (every window has a valid tap),
// a bit pool and a flatten; +-0 stays +-0 through an average pool and a relu,
// leaky relu or clip whose range holds 0; a threshold turns v into the bit
// threshold(v) if it is the same for every followed value. Any other op, or a
// non-zero float through an average pool (the mean of n copies of v need not
// round to v), ends the constant: the channel is kept. A non-zero float read by
// a float reader is kept too: folding it into the bias would round differently.
//
// Why dropping a +-0 channel from a float reader is exact: each of its terms
// is w * (+-0) = +-0 (w finite), and s + (+-0) = s for a non-zero partial sum
// s, so the sum over the remaining terms in the same order is the same number
// (up to the sign of a zero sum, as for dead channels).
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/ChannelStreams.h"

#include "compiler/IR/OpSchema.h"
#include "compiler/IR/OpViews.h"
#include "compiler/IR/ThresholdDef.h"
#include "compiler/Lowering/ActivationKind.h"

#include <algorithm>
#include <cmath>
#include <cstring>
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
    auto Shift = [&](std::vector<StreamPart> &Ps) {
      for (StreamPart &P : Ps)
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

/// A constant bit s folds exactly into reader L (see PruneChannels.cpp).
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

/// What one channel holds at every position: a bit, or one of the floats F[0],
/// F[1] (act(+0) and act(-0) for a +-0 bias), or nothing known.
struct ChannelValue {
  enum Kind : char { Varies, Float, Bit } K = Varies;
  float F[2] = {0, 0};
  int B = 0;
  bool zero() const { return K == Float && F[0] == 0 && F[1] == 0; }
};

/// The producer's output channel M: a constant bit, act(bias) for a float
/// constant (Constant 2 of analyzeLayer), or Varies.
ChannelValue producerValue(const Op &P, int Constant, int64_t M) {
  ChannelValue V;
  if (Constant == 1 || Constant == -1) {
    V.K = ChannelValue::Bit, V.B = Constant;
    return V;
  }
  const Value *Bias = nullptr;
  if (auto C = dyn_cast<ConvOp>(P))
    Bias = C->bias();
  else if (auto S = dyn_cast<ScaledLayerOp>(P))
    Bias = S->bias();
  if (Constant != 2 || P.result()->type().Elem != ElemType::F32 ||
      (Bias && (!Bias->isConstant() || Bias->type().Elem != ElemType::F32)))
    return V;
  const float B = Bias ? Bias->constant().data<float>()[M] : 0.0f;
  if (!std::isfinite(B))
    return V;
  V.K = ChannelValue::Float;
  // A zero bias plus +-0 terms is +0 or -0 depending on the input: follow both.
  const float Sum[2] = {B == 0 ? 0.0f : B, B == 0 ? -0.0f : B};
  for (int I = 0; I < 2; ++I)
    V.F[I] = applyActivation(FusedActivationOp(P), Sum[I]);
  return V;
}

/// Whether O maps +-0 to +-0 (applied to any mix of +0 and -0).
bool keepsZero(const Op &O) {
  switch (O.kind()) {
  case OpKind::MaxPool:
  case OpKind::GlobalMaxPool:
  case OpKind::AvgPool:
  case OpKind::GlobalAvgPool:
  case OpKind::Relu:
  case OpKind::LeakyRelu:
    return true;
  case OpKind::Clip:
    return ClipOp(O).min() <= 0 && ClipOp(O).max() >= 0;
  default:
    return false;
  }
}

/// V (stream channel Ch) through stream op Q: the channel at Q's result (file header).
/// Behind a flatten (Q.Spread > 1) only +-0 is followed: Q's constants are per feature.
ChannelValue through(const StreamPart &Q, ChannelValue V, int64_t Ch) {
  const Op &O = *Q.O;
  ChannelValue Out;
  if (V.K == ChannelValue::Bit)
    return isBitPool(O) ? V : Out;
  if (V.K != ChannelValue::Float)
    return Out;
  if (V.zero() && (keepsZero(O) || O.kind() == OpKind::Reshape))
    return V;
  if (Q.Spread != 1)
    return Out;
  if (O.kind() == OpKind::MaxPool || O.kind() == OpKind::GlobalMaxPool)
    return V;
  if (auto T = dyn_cast<ThresholdOp>(O)) {
    const float Tau = T->tau() ? T->tau()->constant().data<float>()[Ch] : 0.0f,
                Dir = T->dir() ? T->dir()->constant().data<float>()[Ch] : 1.0f;
    const bool Plus = thresholdPasses(V.F[0], Tau, Dir);
    if (Plus == thresholdPasses(V.F[1], Tau, Dir))
      Out.K = ChannelValue::Bit, Out.B = Plus ? 1 : -1;
  }
  return Out;
}

/// The stream ops from the producer's result to reader R's input, producer side first
/// (an unjoined stream: each op between reads one stream value).
std::vector<const StreamPart *> pathTo(const Stream &S, const StreamReader &R) {
  std::unordered_map<const Op *, const StreamPart *> ByOp;
  for (const StreamPart &B : S.Between)
    ByOp[B.O] = &B;
  std::unordered_set<const Value *> InStream;
  for (const auto &VO : S.Values)
    InStream.insert(VO.first);
  auto StreamInput = [&](const Op &O) -> const Value * {
    for (const Value *V : O.operands())
      if (InStream.count(V))
        return V;
    return nullptr;
  };
  std::vector<const StreamPart *> Path;
  for (const Value *V = StreamInput(*R.L); V && V->definingOp() && ByOp.count(V->definingOp());
       V = StreamInput(*V->definingOp()))
    Path.push_back(ByOp[V->definingOp()]);
  std::reverse(Path.begin(), Path.end());
  return Path;
}

/// A float-input reader (conv, gemm, matmul, bwconv, bwdense): its terms are w * x with float x.
bool floatReader(const Op &L) {
  return !hasTrait(L.kind(), OpTrait::Binary) || hasTrait(L.kind(), OpTrait::BinaryWeight);
}

} // namespace

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

Stream findStream(const Graph &G, Value *Start) { return StreamFinder(G).find(Start); }

int64_t StreamDecision::removable() const {
  return std::count_if(Fates.begin(), Fates.end(),
                       [](ChannelFate F) { return F != ChannelFate::Kept; });
}

StreamDecision decideStream(const Stream &S) {
  StreamDecision D;
  D.Fates.assign(S.Channels, ChannelFate::Kept);
  D.Folds.resize(S.Readers.size());
  // Only a stream with one producer and no join has constant channels: an add
  // or residual sums the constant with other values.
  std::vector<int> Constant(S.Channels, 0);
  const Op *P = S.Producers.empty() ? nullptr : S.Producers.front().O;
  if (!S.Joined && S.Producers.size() == 1)
    if (auto A = analyzeLayer(*P); A && static_cast<int64_t>(A->Constant.size()) == S.Channels)
      Constant = A->Constant;
  std::vector<std::vector<const StreamPart *>> Paths;
  for (const StreamReader &R : S.Readers)
    Paths.push_back(pathTo(S, R));
  for (int64_t C = 0; C < S.Channels; ++C) {
    bool Unread = true, SomeUnread = false, Fold = Constant[C] != 0, BitKept = false;
    const Op *Reads = nullptr;
    const ChannelValue AtProducer =
        Constant[C] != 0 ? producerValue(*P, Constant[C], C) : ChannelValue{};
    for (size_t Ri = 0; Ri < S.Readers.size(); ++Ri) {
      const StreamReader &R = S.Readers[Ri];
      const int64_t J = C - R.Offset;
      if (J < 0 || J * R.Spread >= R.S.InChannels)
        continue;
      bool U = true;
      for (int64_t I = 0; I < R.Spread; ++I)
        U &= static_cast<bool>(R.S.UnreadInput[J * R.Spread + I]);
      Unread &= U, SomeUnread |= U;
      if (!U && !Reads)
        Reads = R.L;
      ChannelValue V = AtProducer;
      for (const StreamPart *Q : Paths[Ri])
        V = through(*Q, V, C);
      const bool FoldsBit = V.K == ChannelValue::Bit && R.Spread == 1 && foldable(*R.L, V.B);
      if (FoldsBit)
        D.Folds[Ri].push_back({C, V.B});
      Fold &= FoldsBit || (V.zero() && floatReader(*R.L));
      BitKept |= !FoldsBit && V.K == ChannelValue::Bit;
    }
    if (!Unread && SomeUnread && !Fold)
      ++D.PartlyUnread, D.ReadBy = D.ReadBy ? D.ReadBy : Reads;
    D.Fates[C] = Unread ? ChannelFate::Removed : Fold ? ChannelFate::Folded : ChannelFate::Kept;
    if (D.Fates[C] == ChannelFate::Kept && Constant[C] != 0)
      D.ConstantKept = BitKept ? "a reader pads with another value or has a float epilogue"
                               : "a float op reads it";
  }
  // Every value keeps at least one channel (a tensor has no empty dimension).
  for (auto &[V, Off] : S.Values)
    if (std::none_of(D.Fates.begin() + Off, D.Fates.begin() + Off + V->type().Dims[1],
                     [](ChannelFate F) { return F == ChannelFate::Kept; }))
      D.Fates[Off] = ChannelFate::Kept;
  // A kept channel folds into no reader.
  for (auto &Fs : D.Folds)
    Fs.erase(std::remove_if(Fs.begin(), Fs.end(),
                            [&](const std::pair<int64_t, int> &F) {
                              return D.Fates[F.first] != ChannelFate::Folded;
                            }),
             Fs.end());
  return D;
}

} // namespace xnorc
