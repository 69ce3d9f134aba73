//===- SparsityAnalysis.cpp - Zero weights, constant and dead channels ----===//
//
// What counts as constant, exactly:
//   - bconv_threshold / bdense_threshold: the integer threshold lies outside the
//     range [-K, K] of the dot product (K = weights per filter): no input, and
//     no output position (zero padding only narrows the range), reaches it;
//   - bconv / bdense / bwconv / bwdense with scale 0 and no residual:
//     act(fl(0 * d) + bias) = act(bias) (for bwconv/bwdense: d finite);
//   - conv / gemm / matmul with an all-zero filter: the sum of x * 0 is 0 for
//     finite x, so the channel is act(bias) (gemm: beta * C).
// Zero weights of binary layers: the level 0 of ternary (i8) weights, and the
// whole filter where a bconv / bdense scale is 0. A ternary filter of zeros
// alone is not called constant here (its d is 0, not a threshold outside [-K, K]).
// A threshold inside [-K, K] counts as not constant: any output position
// without padding attains every d of [-K, K] with K's parity.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/SparsityAnalysis.h"
#include "compiler/Analysis/ChannelStreams.h"
#include "compiler/Analysis/SparseBreakEven.h"

#include "compiler/IR/OpSchema.h"
#include "compiler/IR/OpViews.h"
#include "compiler/Support/JsonText.h"
#include "compiler/Support/TerminalText.h"

#include <fmt/format.h>

#include <climits>
#include <unordered_map>
#include <unordered_set>

namespace xnorc {

int constantThresholdBit(int32_t T, int32_t Dir, int64_t K) {
  int64_t Th = T;
  if (Dir >= 0) // +1 iff d >= T
    return Th <= -K ? 1 : Th > K ? -1 : 0;
  return Th >= K ? 1 : Th < -K ? -1 : 0; // +1 iff d <= T
}

int64_t LayerSparsity::count(const std::vector<bool> &V) const {
  int64_t N = 0;
  for (bool B : V)
    N += B;
  return N;
}

int64_t LayerSparsity::constantChannels() const {
  int64_t N = 0;
  for (int C : Constant)
    N += C != 0;
  return N;
}

namespace {

int64_t tapsOf(const Shape &W) {
  int64_t T = 1;
  for (size_t D = 2; D < W.size(); ++D)
    T *= W[D];
  return T;
}

bool constF32(const Value *V) { return V && V->isConstant() && V->type().Elem == ElemType::F32; }

/// The layer's geometry and its zero weights, Zero[(m * Cg + c) * Taps + t].
struct Weights {
  int64_t M = 0, Cg = 0, Taps = 1, Groups = 1;
  bool Float = true; ///< float or BWN blocks (output-channel lanes); else b1 words
  std::vector<bool> Zero;
};

std::optional<Weights> floatWeights(const Op &O) {
  Weights W;
  if (auto C = dyn_cast<ConvOp>(O)) {
    if (!constF32(C->w()))
      return std::nullopt;
    const Shape &D = C->w()->type().Dims;
    W.M = D[0], W.Cg = D[1], W.Taps = tapsOf(D), W.Groups = C->group();
    const float *P = C->w()->constant().data<float>();
    for (int64_t I = 0; I < W.M * W.Cg * W.Taps; ++I)
      W.Zero.push_back(P[I] == 0.0f);
    return W;
  }
  // A matrix product: weight (m, k) at B[k * N + m], or B[m * K + k] when transposed.
  const Value *B = nullptr;
  bool Trans = false;
  if (auto G = dyn_cast<GemmOp>(O)) {
    B = G->b(), Trans = G->transB();
  } else if (auto MM = dyn_cast<MatMulOp>(O)) {
    if (MM->a()->type().rank() != 2)
      return std::nullopt;
    B = MM->b();
  }
  if (!constF32(B) || B->type().rank() != 2)
    return std::nullopt;
  const Shape &D = B->type().Dims;
  W.M = Trans ? D[0] : D[1], W.Cg = Trans ? D[1] : D[0];
  const float *P = B->constant().data<float>();
  W.Zero.resize(W.M * W.Cg);
  for (int64_t M = 0; M < W.M; ++M)
    for (int64_t K = 0; K < W.Cg; ++K)
      W.Zero[M * W.Cg + K] = (Trans ? P[M * W.Cg + K] : P[K * W.M + M]) == 0.0f;
  return W;
}

/// Binary layers: a weight is zero where it is a ternary weight's level 0 or
/// its filter's scale is 0.
std::optional<Weights> binaryWeights(const Op &O, std::vector<int> &Constant) {
  WeightedLayerOp L(O);
  if (!L.w()->isConstant())
    return std::nullopt;
  Weights W;
  const Shape &D = L.w()->type().Dims;
  W.M = D[0], W.Cg = D[1], W.Taps = tapsOf(D);
  if (auto G = dyn_cast<GroupedConvOp>(O))
    W.Groups = G->group();
  W.Float = hasTrait(O.kind(), OpTrait::BinaryWeight);
  W.Zero.assign(W.M * W.Cg * W.Taps, false);
  if (L.w()->type().Elem == ElemType::I8)
    for (int64_t I = 0; I < W.M * W.Cg * W.Taps; ++I)
      W.Zero[I] = L.w()->constant().data<int8_t>()[I] == 0;
  Constant.assign(W.M, 0);
  if (auto T = dyn_cast<ThresholdLayerOp>(O)) {
    if (!T->thresh()->isConstant() || !T->dir()->isConstant())
      return std::nullopt;
    const int32_t *Th = T->thresh()->constant().data<int32_t>(),
                  *Dir = T->dir()->constant().data<int32_t>();
    for (int64_t M = 0; M < W.M; ++M)
      Constant[M] = constantThresholdBit(Th[M], Dir[M], W.Cg * W.Taps);
    return W;
  }
  ScaledLayerOp S(O);
  if (!constF32(S.scale()))
    return std::nullopt;
  const float *Scale = S.scale()->constant().data<float>();
  for (int64_t M = 0; M < W.M; ++M)
    if (Scale[M] == 0.0f) {
      std::fill_n(W.Zero.begin() + M * W.Cg * W.Taps, W.Cg * W.Taps, true);
      Constant[M] = S.residual() ? 0 : 2;
    }
  return W;
}

bool allZero(const std::vector<bool> &Z, int64_t From, int64_t N, int64_t Step = 1) {
  for (int64_t I = 0; I < N; ++I)
    if (!Z[From + I * Step])
      return false;
  return true;
}

/// Float and BWN kernels put L output channels across vector lanes and stream
/// one weight index q = (c, tap) at a time; xnor kernels stream 64 input
/// channels of one tap as a word.
std::vector<BlockSparsity> blockSparsity(const Weights &W) {
  const int64_t Q = W.Cg * W.Taps;
  std::vector<BlockSparsity> Out;
  if (!W.Float) {
    BlockSparsity B{"64 ic"};
    for (int64_t M = 0; M < W.M; ++M)
      for (int64_t T = 0; T < W.Taps; ++T)
        for (int64_t C0 = 0; C0 < W.Cg; C0 += 64, ++B.Blocks)
          B.ZeroBlocks += allZero(W.Zero, (M * W.Cg + C0) * W.Taps + T,
                                  std::min<int64_t>(64, W.Cg - C0), W.Taps);
    return {B};
  }
  for (int64_t Lanes : {4, 8, 16}) {
    BlockSparsity B{std::to_string(Lanes) + " oc"};
    for (int64_t M0 = 0; M0 < W.M; M0 += Lanes)
      for (int64_t I = 0; I < Q; ++I, ++B.Blocks)
        B.ZeroBlocks += allZero(W.Zero, M0 * Q + I, std::min(Lanes, W.M - M0), Q);
    Out.push_back(B);
  }
  return Out;
}

} // namespace

std::optional<LayerSparsity> analyzeLayer(const Op &O) {
  LayerSparsity S;
  S.Layer = &O;
  S.Name = O.name().empty() ? O.result()->name() : O.name();
  S.OpName = O.mnemonic();
  std::optional<Weights> W;
  if (isa<ConvOp>(O) || isa<GemmOp>(O) || isa<MatMulOp>(O)) {
    W = floatWeights(O);
  } else if (isa<WeightedLayerOp>(O)) {
    W = binaryWeights(O, S.Constant);
  }
  if (!W)
    return std::nullopt;
  const int64_t Q = W->Cg * W->Taps, Mg = W->M / W->Groups;
  S.OutChannels = W->M, S.InChannels = W->Cg * W->Groups, S.Groups = W->Groups, S.Taps = W->Taps;
  S.Weights = W->M * Q;
  if (S.Constant.empty())
    S.Constant.assign(W->M, 0);
  for (int64_t M = 0; M < W->M; ++M) {
    bool Zero = allZero(W->Zero, M * Q, Q);
    S.ZeroFilters += Zero;
    if (Zero && !hasTrait(O.kind(), OpTrait::Binary)) // binary layers: binaryWeights()
      S.Constant[M] = 2;
  }
  for (bool Z : W->Zero)
    S.ZeroWeights += Z;
  S.UnreadInput.assign(S.InChannels, true);
  for (int64_t M = 0; M < W->M; ++M) {
    if (S.Constant[M] != 0)
      continue;
    int64_t G = M / Mg;
    for (int64_t C = 0; C < W->Cg; ++C)
      if (!allZero(W->Zero, (M * W->Cg + C) * W->Taps, W->Taps))
        S.UnreadInput[G * W->Cg + C] = false;
  }
  S.Dead.assign(S.OutChannels, false);
  S.Blocks = blockSparsity(*W);
  return S;
}

bool isChannelWise(const Op &O) { return hasTrait(O.kind(), OpTrait::ChannelWise); }

bool readsOnlyAsInput(const Op &U, const Value *V) {
  for (unsigned I = 1; I < U.numOperands(); ++I)
    if (U.operand(I) == V)
      return false;
  return true;
}

std::vector<LayerSparsity> analyzeSparsity(const Graph &G) {
  std::vector<LayerSparsity> Out;
  std::unordered_map<const Op *, size_t> Index;
  for (const Op *O : G.ops())
    if (auto S = analyzeLayer(*O)) {
      S->SparseOn = sparseKernelIsas(*O, *S);
      Index[O] = Out.size();
      Out.push_back(std::move(*S));
    }
  // Dead: the channels prune-channels removes as dead, one stream at a time.
  std::unordered_set<const Op *> Seen;
  for (const LayerSparsity &S : Out) {
    if (!prunableProducer(*S.Layer) || Seen.count(S.Layer))
      continue;
    const Stream St = findStream(G, S.Layer->result());
    const StreamDecision D = decideStream(St);
    for (const StreamPart &Q : St.Producers) {
      Seen.insert(Q.O);
      auto It = Index.find(Q.O);
      if (St.Why || It == Index.end())
        continue;
      LayerSparsity &L = Out[It->second];
      for (int64_t C = 0; C < L.OutChannels; ++C)
        L.Dead[C] = D.Fates[Q.Offset + C] == ChannelFate::Removed;
    }
  }
  return Out;
}

namespace {
std::string share(int64_t N, int64_t Of) {
  return fmt::format("{} of {} ({:.1f}%)", N, Of, Of ? 100.0 * N / Of : 0.0);
}
std::string ofTotal(int64_t N, int64_t Of) { return fmt::format("{} of {}", N, Of); }
} // namespace

std::string formatSparsityTable(const std::vector<LayerSparsity> &Layers,
                                const std::vector<PrunedLayer> &Pruned) {
  std::string Out = fmt::format("sparsity: {:<28} {:<17} {:>26} {:>12} {:>12} {:>12} {:>12}  {}\n",
                                "layer", "op", "zero weights", "zero filters", "constant", "dead",
                                "unread in", "all-zero blocks");
  for (const LayerSparsity &L : Layers) {
    std::vector<std::string> Blocks;
    for (const BlockSparsity &B : L.Blocks)
      Blocks.push_back(fmt::format("{}: {}", B.Kernel, share(B.ZeroBlocks, B.Blocks)));
    Out += fmt::format("sparsity: {:<28} {:<17} {:>26} {:>12} {:>12} {:>12} {:>12}  {}\n",
                       terminalSafe(L.Name.substr(0, 28), /*KeepNewlines=*/false), L.OpName,
                       share(L.ZeroWeights, L.Weights), ofTotal(L.ZeroFilters, L.OutChannels),
                       ofTotal(L.constantChannels(), L.OutChannels),
                       ofTotal(L.count(L.Dead), L.OutChannels),
                       ofTotal(L.count(L.UnreadInput), L.InChannels), fmt::join(Blocks, ", "));
  }
  for (const LayerSparsity &L : Layers)
    if (!L.SparseOn.empty())
      Out += fmt::format("sparse kernel: {}: {} zero weights, on {}\n",
                         terminalSafe(L.Name, /*KeepNewlines=*/false),
                         share(L.ZeroWeights, L.Weights), fmt::join(L.SparseOn, ", "));
  for (const PrunedLayer &P : Pruned)
    Out += fmt::format("pruned: {}: {} -> {} output channels\n",
                       terminalSafe(P.Layer, /*KeepNewlines=*/false), P.Before, P.After);
  return Out;
}

void writeSparsityJson(llvm::json::OStream &J, const std::vector<LayerSparsity> &Layers,
                       const std::vector<PrunedLayer> &Pruned) {
  auto Indices = [&](const char *Key, auto Pick) {
    J.attributeArray(Key, [&] {
      for (size_t I = 0; I < Pick.size(); ++I)
        if (Pick[I])
          J.value(static_cast<int64_t>(I));
    });
  };
  J.attributeArray("sparsity", [&] {
    for (const LayerSparsity &L : Layers)
      J.object([&] {
        J.attribute("name", jsonString(L.Name));
        J.attribute("op", L.OpName);
        J.attribute("output_channels", L.OutChannels);
        J.attribute("input_channels", L.InChannels);
        J.attribute("weights", L.Weights);
        J.attribute("zero_weights", L.ZeroWeights);
        J.attribute("zero_filters", L.ZeroFilters);
        std::vector<bool> Constant;
        for (int C : L.Constant)
          Constant.push_back(C != 0);
        Indices("constant_channels", Constant);
        Indices("dead_channels", L.Dead);
        Indices("unread_input_channels", L.UnreadInput);
        J.attributeArray("sparse_kernel_on", [&] {
          for (const std::string &Isa : L.SparseOn)
            J.value(Isa);
        });
        J.attributeArray("blocks", [&] {
          for (const BlockSparsity &B : L.Blocks)
            J.object([&] {
              J.attribute("block", B.Kernel);
              J.attribute("blocks", B.Blocks);
              J.attribute("zero_blocks", B.ZeroBlocks);
            });
        });
      });
  });
  J.attributeArray("pruned_channels", [&] {
    for (const PrunedLayer &P : Pruned)
      J.object([&] {
        J.attribute("layer", jsonString(P.Layer));
        J.attribute("before", P.Before);
        J.attribute("after", P.After);
      });
  });
}

} // namespace xnorc
