//===- HlsFolding.cpp - PE/SIMD folding of the HLS target's layers --------===//
#include "targets/hls/HlsFolding.h"

#include "compiler/IR/OpViews.h"
#include "compiler/Support/CSource.h"
#include "compiler/Support/Error.h"

#include <algorithm>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <tuple>

namespace xnorc {

std::string hlsLayerName(const Op &O) { return O.name().empty() ? O.result()->name() : O.name(); }

std::optional<MvtuGeometry> mvtuGeometry(const Op &O) {
  switch (O.kind()) {
  case OpKind::BConv:
  case OpKind::BConvThreshold: {
    const Shape &W = WeightedLayerOp(O).w()->type().Dims; // [M, C, kh, kw]
    const Shape &Y = O.result()->type().Dims;             // [N, M, oh, ow]
    if (W.size() != 4 || Y.size() != 4)
      return std::nullopt;
    return MvtuGeometry{W[0], W[1], W[2] * W[3], Y[2] * Y[3]};
  }
  case OpKind::BDense:
  case OpKind::BDenseThreshold: {
    const Shape &W = WeightedLayerOp(O).w()->type().Dims; // [M, K]
    if (W.size() != 2)
      return std::nullopt;
    return MvtuGeometry{W[0], W[1], 1, 1};
  }
  default:
    return std::nullopt;
  }
}

namespace {
int64_t largestDivisorAtMost(int64_t N, int64_t Bound) {
  for (int64_t D = std::min(N, Bound); D > 1; --D)
    if (N % D == 0)
      return D;
  return 1;
}
} // namespace

Folding defaultFolding(const MvtuGeometry &G) {
  return {largestDivisorAtMost(G.M, 8), largestDivisorAtMost(G.C, DefaultMaxSimd)};
}

llvm::Error checkFolding(const Op &O, const MvtuGeometry &G, const Folding &F) {
  if (F.PE < 1 || G.M % F.PE != 0)
    return makeError("layer '{}': PE {} does not divide its {} output channels",
                     cComment(hlsLayerName(O)), F.PE, G.M);
  if (F.SIMD < 1 || (G.KK * G.C) % F.SIMD != 0)
    return makeError("layer '{}': SIMD {} does not divide its {} inputs per output ({} taps x {} "
                     "channels)",
                     cComment(hlsLayerName(O)), F.SIMD, G.KK * G.C, G.KK, G.C);
  if (F.SIMD > MaxHlsSimd)
    return makeError("layer '{}': SIMD {} is above the largest supported, {}",
                     cComment(hlsLayerName(O)), F.SIMD, MaxHlsSimd);
  return llvm::Error::success();
}

std::vector<Folding> foldingsByCost(const MvtuGeometry &G) {
  std::vector<Folding> All;
  for (int64_t PE = 1; PE <= G.M; ++PE)
    if (G.M % PE == 0)
      for (int64_t S = 1; S <= std::min(G.KK * G.C, MaxHlsSimd); ++S)
        if ((G.KK * G.C) % S == 0)
          All.push_back({PE, S});
  // At equal PE * SIMD a SIMD dividing C is cheaper (no tap buffer, HlsResources.h).
  auto Key = [&G](const Folding &F) {
    return std::make_tuple(F.PE * F.SIMD, G.C % F.SIMD != 0, F.PE);
  };
  std::stable_sort(All.begin(), All.end(),
                   [&Key](const Folding &A, const Folding &B) { return Key(A) < Key(B); });
  return All;
}

namespace {
/// PE and SIMD of one JSON entry, over Base; an error names the entry.
llvm::Expected<Folding> readEntry(const llvm::json::Object &E, llvm::StringRef Key, Folding Base) {
  for (const char *Field : {"PE", "SIMD"}) {
    const llvm::json::Value *V = E.get(Field);
    if (!V)
      continue;
    auto N = V->getAsInteger();
    if (!N || *N < 1)
      return makeError("entry '{}': {} must be a positive integer", cComment(Key), Field);
    (std::string(Field) == "PE" ? Base.PE : Base.SIMD) = *N;
  }
  return Base;
}

bool isFinnMvauName(llvm::StringRef Key) {
  return Key.startswith("MVAU") || Key.startswith("StreamingFCLayer") ||
         Key.startswith("MatrixVectorActivation");
}
} // namespace

llvm::Expected<std::map<const Op *, Folding>> readFoldingFile(const std::string &Path,
                                                              const Graph &G) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf)
    return makeError("{}: cannot read folding file: {}", Path, Buf.getError().message());
  auto Json = llvm::json::parse((*Buf)->getBuffer());
  if (!Json)
    return makeError("{}: not valid JSON: {}", Path, llvm::toString(Json.takeError()));
  const llvm::json::Object *Root = Json->getAsObject();
  if (!Root)
    return makeError("{}: expected a JSON object of layers", Path);

  std::vector<const Op *> Folded;
  for (const Op *O : G.ops())
    if (mvtuGeometry(*O))
      Folded.push_back(O);

  Folding Defaults{0, 0}; // 0: the target's default for that field
  if (const llvm::json::Object *D = Root->getObject("Defaults")) {
    auto F = readEntry(*D, "Defaults", Defaults);
    if (!F)
      return withContext(F.takeError(), Path);
    Defaults = *F;
  }
  std::map<const Op *, Folding> Out;
  for (const Op *O : Folded) {
    Folding F = defaultFolding(*mvtuGeometry(*O));
    Out[O] = {Defaults.PE ? Defaults.PE : F.PE, Defaults.SIMD ? Defaults.SIMD : F.SIMD};
  }

  // FINN's MVAU entries, in the order of their index suffix, onto the folded layers in order.
  // In FINN's shape the MVAU entries map onto the layers; its other entries (window
  // generators, FIFOs, ...) have no counterpart here and are ignored.
  const bool FinnShape = std::any_of(Root->begin(), Root->end(), [](const auto &KV) {
    return isFinnMvauName(llvm::StringRef(KV.first));
  });
  std::vector<std::pair<int64_t, std::string>> Finn;
  for (const auto &KV : *Root) {
    llvm::StringRef Key = KV.first;
    if (Key == "Defaults")
      continue;
    const llvm::json::Object *E = KV.second.getAsObject();
    if (!E)
      return makeError("{}: entry '{}' is not an object", Path, cComment(Key));
    auto It = std::find_if(Folded.begin(), Folded.end(),
                           [&](const Op *O) { return hlsLayerName(*O) == Key; });
    if (It != Folded.end()) {
      auto F = readEntry(*E, Key, Out[*It]);
      if (!F)
        return withContext(F.takeError(), Path);
      Out[*It] = *F;
      continue;
    }
    if (!isFinnMvauName(Key)) {
      if (FinnShape)
        continue;
      return makeError("{}: entry '{}' names no folded layer of the model (binary conv or "
                       "dense layers: {})",
                       Path, cComment(Key), Folded.size());
    }
    int64_t Index = 0;
    llvm::StringRef Digits = Key.substr(Key.rfind('_') + 1);
    if (Digits.getAsInteger(10, Index))
      return makeError("{}: FINN entry '{}' has no _<index> suffix", Path, cComment(Key));
    Finn.push_back({Index, Key.str()});
  }
  if (!Finn.empty()) {
    std::sort(Finn.begin(), Finn.end());
    if (Finn.size() != Folded.size())
      return makeError("{}: {} FINN matrix-vector entries but the model has {} binary conv/dense "
                       "layers: they must map one to one",
                       Path, Finn.size(), Folded.size());
    for (size_t I = 0; I < Finn.size(); ++I) {
      auto F = readEntry(*Root->getObject(Finn[I].second), Finn[I].second, Out[Folded[I]]);
      if (!F)
        return withContext(F.takeError(), Path);
      Out[Folded[I]] = *F;
    }
  }
  for (const auto &[O, F] : Out)
    if (auto E = checkFolding(*O, *mvtuGeometry(*O), F))
      return withContext(std::move(E), Path);
  return Out;
}

} // namespace xnorc
