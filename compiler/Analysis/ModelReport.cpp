#include "compiler/Analysis/ModelReport.h"

#include "compiler/IR/OpSchema.h"
#include "compiler/IR/OpViews.h"
#include "compiler/IR/ShapeInference.h"
#include "compiler/Support/JsonText.h"
#include "compiler/Support/TerminalText.h"

#include <fmt/format.h>
#include <set>
#include <unordered_set>

namespace xnorc {

namespace {

const char *layerKind(OpKind K) {
  if (hasTrait(K, OpTrait::DataMovement))
    return "-";
  if (isQuantizedOp(K))
    return "int8";
  if (hasTrait(K, OpTrait::BinaryWeight))
    return "binary-weight";
  // On bits without xnor-popcount: packing, unpacking, the bit max-pool.
  if (K == OpKind::Threshold || K == OpKind::QThreshold || K == OpKind::Unpack ||
      K == OpKind::BMaxPool)
    return "binary";
  if (hasTrait(K, OpTrait::Binary))
    return "xnor";
  return "float";
}

/// Bytes the generated code holds for constant operand V of O: its storage, but
/// ternary levels (i8 weights of an xnor layer) are emitted as two bit planes
/// and a nonzero count per filter (runtime/.../generic/tconv.h).
int64_t emittedBytes(const Op &O, const Value &V) {
  if (!isa<WeightedLayerOp>(O) || WeightedLayerOp(O).w() != &V || V.type().Elem != ElemType::I8)
    return V.type().storageBytes();
  const Shape &W = V.type().Dims; // [M, C, kh, kw] or [M, K]
  int64_t Taps = 1;
  for (size_t D = 2; D < W.size(); ++D)
    Taps *= W[D];
  return W[0] * (1 + 2 * Taps * ((W[1] + 63) / 64)) * 8;
}

/// Multiply-accumulates of conv-like and dense-like ops; 0 for the rest.
int64_t macsOf(const Op &O) {
  const Shape &Y = O.result()->type().Dims;
  switch (O.kind()) {
  case OpKind::Conv:
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BConvQuantize:
  case OpKind::BWConv: {
    const Shape &W = WeightedLayerOp(O).w()->type().Dims;
    return numElements(Y) * numElements(Shape(W.begin() + 1, W.end()));
  }
  case OpKind::Gemm: {
    GemmOp G(O);
    const Shape &A = G.a()->type().Dims;
    return numElements(Y) * (G.transA() ? A[0] : A[1]);
  }
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
  case OpKind::BDenseQuantize:
  case OpKind::BWDense:
    return numElements(Y) * WeightedLayerOp(O).x()->type().Dims[1];
  case OpKind::MatMul:
    return numElements(Y) * MatMulOp(O).a()->type().Dims.back();
  case OpKind::ConvMaxPool: { // the conv's MACs, over its un-pooled output
    const Shape &W = ConvMaxPoolOp(O).w()->type().Dims;
    return numElements(convMaxPoolConvDims(O)) * numElements(Shape(W.begin() + 1, W.end()));
  }
  case OpKind::AvgPoolConv: // the 1x1 conv's MACs (the pool's adds are not counted)
    return numElements(Y) * AvgPoolConvOp(O).w()->type().Dims[1];
  case OpKind::QConv: {
    const Shape &W = QConvOp(O).w()->type().Dims;
    return numElements(Y) * numElements(Shape(W.begin() + 1, W.end()));
  }
  case OpKind::QGemm:
    return numElements(Y) * QGemmOp(O).x()->type().Dims[1];
  default:
    return 0;
  }
}

std::string human(int64_t Bytes) {
  if (Bytes >= 10 << 20)
    return fmt::format("{:.1f} MiB", Bytes / 1048576.0);
  if (Bytes >= 10 << 10)
    return fmt::format("{:.1f} KiB", Bytes / 1024.0);
  return fmt::format("{} B", Bytes);
}

} // namespace

ModelReport buildReport(const Graph &G, int64_t ArenaBytes) {
  ModelReport R;
  R.ArenaBytes = ArenaBytes;
  R.SourceWeightBytes = G.sourceWeightBytes();
  for (const Value *C : G.constants())
    R.ConstantBytes += C->type().storageBytes();
  for (const Op *O : G.ops()) {
    LayerRow Row{O->name().empty() ? O->result()->name() : O->name(),
                 O->mnemonic(),
                 layerKind(O->kind()),
                 macsOf(*O),
                 0,
                 O->result()->type().storageBytes()};
    int64_t FloatEquivalent = 0;
    std::unordered_set<const Value *> Seen;
    for (const Value *V : O->operands())
      if (V->isConstant() && Seen.insert(V).second) {
        Row.WeightBytes += emittedBytes(*O, *V);
        FloatEquivalent += V->type().numElements() * 4;
      }
    bool Int8 = isQuantizedOp(O->kind());
    if (Row.Kind == std::string("xnor"))
      R.BinaryMacs += Row.Macs;
    else if (Int8)
      R.Int8Macs += Row.Macs;
    else
      R.FloatMacs += Row.Macs;
    if (Row.Kind != std::string("float") && Row.Kind != std::string("-") && !Int8) {
      R.BinaryLayerBytes += Row.WeightBytes;
      R.BinaryLayerFloatBytes += FloatEquivalent;
    }
    R.Rows.push_back(Row);
  }
  R.Sparsity = analyzeSparsity(G);
  return R;
}

std::string batchNormArithOf(const Graph &G) {
  std::set<std::string> Names;
  for (const Op *O : G.ops())
    if (auto BN = dyn_cast<BatchNormOp>(*O))
      Names.insert(BN->arith().empty() ? "xnorc (no arith attribute)" : BN->arith());
  return Names.empty() ? "none" : fmt::format("{}", fmt::join(Names, ","));
}

namespace {
int64_t tieCount(const ModelReport &R) {
  int64_t N = 0;
  for (const TieRow &T : R.Ties)
    N += T.Channels.size();
  return N;
}
} // namespace

std::string formatReportTable(const ModelReport &R) {
  std::string Out = fmt::format("{:<28} {:<17} {:<13} {:>14} {:>12} {:>12}\n", "layer", "op",
                                "kind", "MACs", "weights", "activation");
  for (const LayerRow &L : R.Rows)
    Out += fmt::format("{:<28} {:<17} {:<13} {:>14} {:>12} {:>12}\n",
                       terminalSafe(L.Name.substr(0, 28), /*KeepNewlines=*/false), L.Op, L.Kind,
                       L.Macs, human(L.WeightBytes), human(L.ActivationBytes));
  Out += fmt::format("totals: {} float MACs, {} binary MACs", R.FloatMacs, R.BinaryMacs);
  Out += R.Int8Macs ? fmt::format(", {} 8-bit MACs\n", R.Int8Macs) : std::string("\n");
  Out += fmt::format("arena: {} ({} bytes); constants: {} ({} bytes); source model weights: {} "
                     "({} bytes)",
                     human(R.ArenaBytes), R.ArenaBytes, human(R.ConstantBytes), R.ConstantBytes,
                     human(R.SourceWeightBytes), R.SourceWeightBytes);
  if (R.ConstantBytes > 0 && R.SourceWeightBytes > 0)
    Out += fmt::format(", {:.1f}x smaller", double(R.SourceWeightBytes) / R.ConstantBytes);
  Out += "\n";
  if (R.BinaryLayerBytes > 0)
    Out += fmt::format("binary layers: {} of weights, {} as float32 ({:.1f}x smaller)\n",
                       human(R.BinaryLayerBytes), human(R.BinaryLayerFloatBytes),
                       double(R.BinaryLayerFloatBytes) / R.BinaryLayerBytes);
  Out += fmt::format("BatchNorm arithmetic: {}; tie-sensitive channels: {} in {} thresholded "
                     "BatchNorm layers\n",
                     R.BnArith, tieCount(R), R.Ties.size());
  for (const TieRow &T : R.Ties)
    if (!T.Channels.empty())
      Out += fmt::format("  {}: {} of {} channels ({})\n", T.Layer, T.Channels.size(),
                         T.NumChannels, fmt::join(T.Channels, ", "));
  Out += formatSparsityTable(R.Sparsity, R.Pruned);
  return Out;
}

std::string formatReportJson(const ModelReport &R) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::json::OStream J(OS, 2);
  J.object([&] {
    J.attributeArray("layers", [&] {
      for (const LayerRow &L : R.Rows)
        J.object([&] {
          J.attribute("name", jsonString(L.Name));
          J.attribute("op", L.Op);
          J.attribute("kind", L.Kind);
          J.attribute("macs", L.Macs);
          J.attribute("weight_bytes", L.WeightBytes);
          J.attribute("activation_bytes", L.ActivationBytes);
        });
    });
    J.attribute("arena_bytes", R.ArenaBytes);
    J.attribute("constant_bytes", R.ConstantBytes);
    J.attribute("source_weight_bytes", R.SourceWeightBytes);
    J.attribute("float_macs", R.FloatMacs);
    J.attribute("binary_macs", R.BinaryMacs);
    J.attribute("int8_macs", R.Int8Macs);
    J.attribute("binary_layer_bytes", R.BinaryLayerBytes);
    J.attribute("binary_layer_float32_bytes", R.BinaryLayerFloatBytes);
    J.attribute("bn_arith", R.BnArith);
    J.attribute("tie_sensitive_channels", tieCount(R));
    J.attributeArray("tie_sensitive", [&] {
      for (const TieRow &T : R.Ties)
        J.object([&] {
          J.attribute("layer", jsonString(T.Layer));
          J.attributeArray("channels", [&] {
            for (auto C : T.Channels)
              J.value(C);
          });
          J.attribute("num_channels", T.NumChannels);
        });
    });
    writeSparsityJson(J, R.Sparsity, R.Pruned);
  });
  OS << "\n";
  return OS.str();
}

} // namespace xnorc
