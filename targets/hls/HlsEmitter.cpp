//===- HlsEmitter.cpp - Vitis HLS dataflow C++ from a graph ---------------===//
//
// One process per layer, joined by hls::stream FIFOs, in a DATAFLOW top function whose
// inputs and outputs are AXI-Stream ports of floats (docs/HLS.md "Architecture"). Values
// travel as the stream conventions of runtime/include/xnorc/runtime/hls/layers_window.h say:
// 4-D maps one pixel per item (fpix<C> floats or ap_uint<C> bits), 2-D rows as F floats or
// one F-bit word. A value read by k layers is fanned out by k - 1 dup2 processes. A 4-D map
// flattened to a row streams pixel-major (h, w, c) while the model's flatten is channel-major
// (c, h, w): the row carries its stream order, and a dense layer reading it gets its weight
// columns permuted at compile time, as FINN does, instead of a transpose in hardware.
//
//===----------------------------------------------------------------------===//
#include "targets/hls/HlsEmitter.h"

#include "compiler/Analysis/ChannelAffine.h"
#include "compiler/IR/BitLayout.h"
#include "compiler/IR/OpViews.h"
#include "compiler/Support/CSource.h"
#include "compiler/Support/Error.h"
#include "compiler/Support/FloatText.h"
#include "targets/common/ApiWriter.h"
#include "targets/common/RuntimeHeaders.h"
#include "targets/hls/HlsDepths.h"

#include <algorithm>
#include <deque>
#include <fmt/format.h>
#include <unordered_map>

namespace xnorc {

namespace {

/// The widest ap_uint a stream item may be (Vitis' limit).
constexpr int64_t MaxApWidth = 4096;
/// The most floats a pixel item (xnorc_hls::fpix<C>) carries, and the most features a
/// flattened row has (its stream order is a table of that many entries): far above any
/// layer an FPGA holds, they keep a model's dims from sizing the emitter's own memory.
constexpr int64_t MaxPixelFloats = int64_t(1) << 16;
constexpr int64_t MaxRowFeatures = int64_t(1) << 22;

/// How a value travels between processes.
struct StreamShape {
  bool Bits = false;
  bool Pixels = false;                // rank 4: one item per pixel; rank 2: rows
  int64_t N = 1, C = 1, H = 1, W = 1; // rows: C is the row length F
  std::vector<int64_t> Order;         // rows: logical feature at each stream position

  int64_t pixelsPerImage() const { return H * W; }
  int64_t items() const { return Pixels ? N * H * W : Bits ? N : N * C; }
  int64_t feature(int64_t S) const { return Order.empty() ? S : Order[S]; }
  std::string itemType() const {
    if (Bits)
      return fmt::format("ap_uint<{}>", C);
    return Pixels ? fmt::format("xnorc_hls::fpix<{}>", C) : "float";
  }
  int64_t itemBits() const { return Bits ? C : Pixels ? 32 * C : 32; }
};

llvm::Expected<StreamShape> streamShape(const Value *V) {
  const TensorType &T = V->type();
  StreamShape S;
  if (T.Elem != ElemType::F32 && T.Elem != ElemType::B1)
    return makeError("value %{} has element type {}; streams carry f32 or b1", cComment(V->name()),
                     elemTypeName(T.Elem));
  S.Bits = T.Elem == ElemType::B1;
  if (T.rank() == 4) {
    S.Pixels = true;
    S.N = T.Dims[0], S.C = T.Dims[1], S.H = T.Dims[2], S.W = T.Dims[3];
  } else if (T.rank() == 2) {
    S.N = T.Dims[0], S.C = T.Dims[1];
  } else {
    return makeError("value %{} has rank {}; streams carry 4-D feature maps or 2-D rows",
                     cComment(V->name()), T.rank());
  }
  if (S.Bits && S.C > MaxApWidth)
    return makeError("value %{}: {} bits per stream item exceed ap_uint's {}", cComment(V->name()),
                     S.C, MaxApWidth);
  if (S.Pixels && !S.Bits && S.C > MaxPixelFloats)
    return makeError("value %{}: {} floats per pixel exceed the HLS target's {}",
                     cComment(V->name()), S.C, MaxPixelFloats);
  return S;
}

const char *actName(const std::string &A) {
  if (A.empty())
    return "xnorc_hls::ACT_NONE";
  if (A == "relu")
    return "xnorc_hls::ACT_RELU";
  if (A == "leaky_relu")
    return "xnorc_hls::ACT_LEAKY_RELU";
  if (A == "clip")
    return "xnorc_hls::ACT_CLIP";
  return nullptr;
}

/// An unpartitioned array of Count floats (weights, biases, scales): its memory. Float
/// arithmetic (DSPs and their LUTs) is not modeled.
Resources floatMemory(int64_t Count) { return memoryResources(32, Count); }

bool allOnes(const std::vector<int64_t> &V) {
  return std::all_of(V.begin(), V.end(), [](int64_t X) { return X == 1; });
}

/// Bits of a signed integer holding every value in [-K, K].
int64_t signedBits(int64_t K) {
  int64_t B = 1;
  while ((int64_t(1) << B) <= K)
    ++B;
  return B + 1;
}

/// The streamed data input of a supported op, by its role (x; gemm's and add's a); null for
/// an op without a streaming layer.
const Value *dataInput(const Op &O) {
  switch (O.kind()) {
  case OpKind::Conv:
  case OpKind::BWConv:
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
    return WeightedLayerOp(O).x();
  case OpKind::MaxPool:
    return MaxPoolOp(O).x();
  case OpKind::BMaxPool:
    return BMaxPoolOp(O).x();
  case OpKind::BatchNorm:
    return BatchNormOp(O).x();
  case OpKind::ReduceMean:
    return ReduceMeanOp(O).x();
  case OpKind::GlobalAvgPool:
    return GlobalAvgPoolOp(O).x();
  case OpKind::Threshold:
    return ThresholdOp(O).x();
  case OpKind::Unpack:
    return UnpackOp(O).x();
  case OpKind::Sign:
    return SignOp(O).x();
  case OpKind::Reshape:
    return ReshapeOp(O).x();
  case OpKind::Gemm:
    return GemmOp(O).a();
  case OpKind::Add:
    return AddOp(O).a();
  default:
    return nullptr;
  }
}

/// The weights of a conv or dense layer (its w).
const Value *weightsOf(const Op &O) { return WeightedLayerOp(O).w(); }

/// A conv's or pool's window (Dilations: its dilations) is one the generator can make.
OpSupport checkWindow(const Op &O, const std::vector<int64_t> &Dilations) {
  if (!allOnes(Dilations))
    return OpSupport::no("the sliding-window generator has no dilation");
  if (dataInput(O)->type().rank() != 4)
    return OpSupport::no("only 2-D windows (4-D tensors) stream");
  return OpSupport::yes();
}

OpSupport constantOperands(std::initializer_list<const Value *> Operands) {
  for (const Value *V : Operands)
    if (V && !V->isConstant())
      return OpSupport::no(fmt::format("operand %{} is not a constant: weights and thresholds "
                                       "are on-chip ROMs",
                                       cComment(V->name())));
  return OpSupport::yes();
}

/// A layer's weights and its scale / bias or thresholds are constants.
OpSupport layerConstants(const Op &O) {
  if (O.kind() == OpKind::Conv)
    return constantOperands({ConvOp(O).w(), ConvOp(O).bias()});
  if (isa<ThresholdLayerOp>(O)) {
    ThresholdLayerOp T(O);
    return constantOperands({T.w(), T.thresh(), T.dir()});
  }
  ScaledLayerOp S(O);
  return constantOperands({S.w(), S.scale(), S.bias()});
}

OpSupport checkActivation(const Op &O) {
  FusedActivationOp F(O);
  if (!actName(F.activation()))
    return OpSupport::no(fmt::format("fused activation '{}' has no streaming form (relu, "
                                     "leaky_relu, clip have)",
                                     F.activation()));
  return OpSupport::yes();
}

OpSupport both(OpSupport A, OpSupport B) { return A.Supported ? B : A; }

} // namespace

OpSupport hlsOpSupport(const Op &O) {
  for (const Value *V : O.operands())
    if (V && !V->isConstant())
      if (auto S = streamShape(V); !S)
        return OpSupport::no(llvm::toString(S.takeError()));
  if (auto S = streamShape(O.result()); !S)
    return OpSupport::no(llvm::toString(S.takeError()));
  const Value *X = dataInput(O); // null: no streaming layer (the default case below)
  const unsigned Rank = X ? X->type().rank() : 0;
  // A layer's data and residual arrive on streams, which only values computed from the
  // accelerator's inputs have (a constant is folded into ROMs, not streamed).
  const Value *Residual = nullptr;
  if (O.kind() == OpKind::BWConv || O.kind() == OpKind::BConv || O.kind() == OpKind::BDense)
    Residual = ScaledLayerOp(O).residual();
  for (const Value *V : {X, Residual})
    if (V && V->isConstant())
      return OpSupport::no(fmt::format("it streams %{}, a constant (an accelerator streams only "
                                       "values computed from its inputs)",
                                       cComment(V->name())));
  if (isa<WeightedLayerOp>(O) && WeightedLayerOp(O).w()->type().Elem == ElemType::I8)
    return OpSupport::no("ternary weights have no streaming layer");
  switch (O.kind()) {
  case OpKind::Conv:
  case OpKind::BWConv:
    if (GroupedConvOp(O).group() != 1)
      return OpSupport::no("grouped convolution has no streaming layer");
    return both(both(checkWindow(O, WindowedOp(O).dilations()), checkActivation(O)),
                layerConstants(O));
  case OpKind::BConv:
  case OpKind::BConvThreshold:
    if (GroupedConvOp(O).group() != 1)
      return OpSupport::no("grouped convolution has no streaming layer");
    if (O.kind() == OpKind::BConv)
      if (auto S = checkActivation(O); !S.Supported)
        return S;
    return both(checkWindow(O, WindowedOp(O).dilations()), layerConstants(O));
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
    if (O.kind() == OpKind::BDense) {
      if (ScaledLayerOp(O).residual())
        return OpSupport::no("a residual input of a dense layer has no streaming form");
      if (auto S = checkActivation(O); !S.Supported)
        return S;
    }
    return layerConstants(O);
  case OpKind::BMaxPool:
    return both(checkWindow(O, PoolOp(O).dilations()),
                constantOperands({BMaxPoolOp(O).min_mask()}));
  case OpKind::MaxPool:
    return checkWindow(O, PoolOp(O).dilations());
  case OpKind::BatchNorm:
    if (Rank != 4)
      return OpSupport::no("a float batch_norm streams on 4-D feature maps only");
    if (!batchNormAffine(O))
      return OpSupport::no("batch_norm statistics must be constants");
    return OpSupport::yes();
  case OpKind::ReduceMean: {
    ReduceOp R(O);
    std::vector<int64_t> Axes = R.axes();
    for (int64_t &A : Axes)
      A = A < 0 ? A + Rank : A;
    std::sort(Axes.begin(), Axes.end());
    if (Rank != 4 || Axes != std::vector<int64_t>{2, 3})
      return OpSupport::no("only a mean over the spatial axes [2, 3] of a 4-D map streams");
    return OpSupport::yes();
  }
  case OpKind::GlobalAvgPool:
    return Rank == 4 ? OpSupport::yes() : OpSupport::no("only 4-D maps stream");
  case OpKind::Threshold:
    return constantOperands({ThresholdOp(O).tau(), ThresholdOp(O).dir()});
  case OpKind::Unpack:
    return OpSupport::yes();
  case OpKind::Sign:
    return Rank == 4 ? OpSupport::yes()
                     : OpSupport::no("a float sign streams on 4-D feature maps only");
  case OpKind::Add:
    if (AddOp(O).a()->isConstant() || AddOp(O).b()->isConstant() ||
        AddOp(O).a()->type() != AddOp(O).b()->type() || Rank != 4)
      return OpSupport::no("only the sum of two 4-D feature maps of one shape (a residual "
                           "shortcut) streams");
    return OpSupport::yes();
  case OpKind::Reshape: {
    const Shape &In = dataInput(O)->type().Dims, &Out = O.result()->type().Dims;
    if (In == Out)
      return OpSupport::yes();
    if (In.size() == 4 && Out.size() == 2 && Out[0] == In[0])
      return O.result()->type().Elem == ElemType::B1 && Out[1] > MaxApWidth
                 ? OpSupport::no(fmt::format("flattened bit rows of {} bits exceed ap_uint's {}",
                                             Out[1], MaxApWidth))
                 : OpSupport::yes();
    return OpSupport::no("only a flatten of a 4-D map to [N, C*H*W] streams");
  }
  case OpKind::Gemm: {
    GemmOp Gm(O);
    if (Gm.transA())
      return OpSupport::no("transA = 1 has no streaming dense layer");
    if (auto S = constantOperands({Gm.b(), Gm.c()}); !S.Supported)
      return S;
    const int64_t N = O.result()->type().Dims[1];
    if (Gm.c() && Gm.c()->type().numElements() != N)
      return OpSupport::no("the bias must hold one value per output (no per-row bias)");
    return OpSupport::yes();
  }
  default:
    return OpSupport::no(fmt::format(
        "'{}' has no streaming layer in the HLS target (it streams conv, bconv, "
        "bconv_threshold, bdense, bdense_threshold, bwconv, gemm, threshold, unpack, bmax_pool, "
        "max_pool, batch_norm, reduce_mean/global_avg_pool over H and W, sign, add of two "
        "maps, flatten)",
        O.mnemonic()));
  }
}

namespace {

class HlsEmitterImpl {
public:
  HlsEmitterImpl(const Graph &G, const EmitOptions &Opts, const HlsConfig &Config, HlsEstimate &Est)
      : G(G), Opts(Opts), Config(Config), Est(Est) {}

  llvm::Expected<std::vector<OutputFile>> run();

private:
  const Graph &G;
  const EmitOptions &Opts;
  const HlsConfig &Config;
  HlsEstimate &Est;

  CSymbolTable Syms;
  std::string Constants, LayerFunctions;
  HlsDataflow Flow; ///< streams and processes, in the order they run sequentially
  std::unordered_map<const Value *, StreamShape> Shapes;
  std::unordered_map<const Value *, std::deque<int>> Endpoints; ///< stream per consumer

  // ---- streams ----
  int newStream(const StreamShape &S, const std::string &Label) {
    return Flow.addStream(Syms.unique("s_", Label), S.itemType(), S.items(), S.itemBits(), Label);
  }
  /// Registers the stream a value is produced on and fans it out to every reader.
  void produce(const Value *V, const StreamShape &S, int Stream) {
    Shapes[V] = S;
    size_t Readers = V->uses().size() + V->numOutputUses();
    std::deque<int> &Ends = Endpoints[V];
    int Cur = Stream;
    for (size_t I = 1; I < Readers; ++I) {
      int A = newStream(S, fmt::format("{} (reader {})", V->name(), I));
      int B = newStream(S, fmt::format("{} (readers {}+)", V->name(), I + 1));
      addProcess("dup " + V->name(),
                 fmt::format("xnorc_hls::dup2<{}, {}>({}, {}, {})", S.itemType(), S.items(),
                             sym(Cur), sym(A), sym(B)),
                 {Cur}, {A, B}, ProcessTiming::streaming(S.items()));
      Ends.push_back(A);
      Cur = B;
    }
    Ends.push_back(Cur);
  }
  int consume(const Value *V) {
    std::deque<int> &Ends = Endpoints.at(V);
    int S = Ends.front();
    Ends.pop_front();
    return S;
  }
  const std::string &sym(int Stream) const { return Flow.Streams[Stream].Symbol; }
  void addProcess(const std::string &Label, std::string Call, std::vector<int> In,
                  std::vector<int> Out, ProcessTiming Timing) {
    Flow.addProcess(Syms.unique("p_", Label), Label, std::move(Call), std::move(In), std::move(Out),
                    std::move(Timing));
  }

  // ---- constants ----
  std::string constSym(const Op &O, const std::string &What) {
    return Syms.unique("k_", hlsLayerName(O) + "_" + What);
  }
  void addConstant(const std::string &Decl, const std::string &Comment,
                   const std::vector<std::string> &Items, int PerLine) {
    std::string Out = fmt::format("// {}\n{} = {{", Comment, Decl);
    for (size_t I = 0; I < Items.size(); ++I) {
      if (I % PerLine == 0)
        Out += "\n   ";
      Out += " " + Items[I] + ",";
    }
    Constants += Out + "\n};\n";
  }
  /// float Sym[N] (or [A][B] when Dims2 has two entries) from Values.
  std::string floatArray(const Op &O, const std::string &What, const std::vector<float> &Values,
                         const std::string &Dims) {
    std::string S = constSym(O, What);
    std::vector<std::string> Items;
    for (float V : Values)
      Items.push_back(floatLiteral(V));
    if (Items.empty())
      Items.push_back("0.0f");
    addConstant(fmt::format("static const float {}{}", S, Dims),
                fmt::format("{} of layer '{}'", What, cComment(hlsLayerName(O))),
                nestBraces(Items, Dims), 8);
    return S;
  }
  /// Items of a [A][B] array in nested braces; flat arrays unchanged.
  static std::vector<std::string> nestBraces(const std::vector<std::string> &Items,
                                             const std::string &Dims) {
    size_t Second = Dims.find("][");
    if (Second == std::string::npos)
      return Items;
    int64_t B = std::stoll(Dims.substr(Second + 2));
    std::vector<std::string> Rows;
    for (size_t I = 0; I < Items.size(); I += B) {
      std::string Row = "{";
      for (int64_t J = 0; J < B; ++J)
        Row += (J ? ", " : "") + Items[I + J];
      Rows.push_back(Row + "}");
    }
    return Rows;
  }
  static std::vector<float> floats(const Value *V) {
    const Tensor &T = V->constant();
    return std::vector<float>(T.data<float>(), T.data<float>() + T.size());
  }
  static std::vector<int32_t> ints(const Value *V) {
    const Tensor &T = V->constant();
    return std::vector<int32_t>(T.data<int32_t>(), T.data<int32_t>() + T.size());
  }

  // ---- layers ----
  llvm::Error emitOp(const Op &O);
  int window(const Op &O, const StreamShape &In, int InStream, const std::vector<int64_t> &K,
             const std::vector<int64_t> &Strides, const std::vector<int64_t> &Pads,
             const Shape &OutDims, const std::string &Pad, bool PadValid);
  llvm::Error emitFloatConv(const Op &O);
  llvm::Error emitMvtu(const Op &O);
  llvm::Error emitPool(const Op &O);
  llvm::Error emitGemm(const Op &O);
  llvm::Error emitThreshold(const Op &O);
  llvm::Error emitReshape(const Op &O);
  llvm::Error emitUnpack(const Op &O);

  std::string topFunction() const;
  std::string runWrapper(const ModelApi &Api) const;
  std::string tclScript() const;
};

int HlsEmitterImpl::window(const Op &O, const StreamShape &In, int InStream,
                           const std::vector<int64_t> &K, const std::vector<int64_t> &Strides,
                           const std::vector<int64_t> &Pads, const Shape &OutDims,
                           const std::string &Pad, bool PadValid) {
  StreamShape TapShape = In;
  std::string TapType = fmt::format("xnorc_hls::tap<{}>", In.itemType());
  int64_t Taps = In.N * OutDims[2] * OutDims[3] * K[0] * K[1];
  int S = Flow.addStream(Syms.unique("s_", hlsLayerName(O) + "_window"), TapType, Taps,
                         In.itemBits() + 1, hlsLayerName(O) + " window");
  std::string Call = fmt::format(
      "xnorc_hls::sliding_window<{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}>({}, {}, {})",
      In.itemType(), In.N, In.H, In.W, K[0], K[1], Strides[0], Strides[1], Pads[0], Pads[1],
      OutDims[2], OutDims[3], PadValid ? "true" : "false", sym(InStream), sym(S), Pad);
  addProcess("window " + hlsLayerName(O), Call, {InStream}, {S},
             ProcessTiming::window(In.H, In.W, OutDims[2], OutDims[3], K[0], K[1], Strides[0],
                                   Pads[0], In.N));
  LayerEstimate L{hlsLayerName(O) + " (window)", "window", OutDims[2] * OutDims[3] * K[0] * K[1]};
  // The line buffer: K[0] rows (partitioned) of W pixels.
  const Resources Row = memoryResources(In.itemBits(), In.W);
  L.Res.LutRam = K[0] * Row.LutRam;
  L.Res.Bram18 = K[0] * Row.Bram18;
  Est.Layers.push_back(L);
  return S;
}

llvm::Error HlsEmitterImpl::emitFloatConv(const Op &O) {
  const StreamShape In = Shapes.at(dataInput(O));
  auto OutS = streamShape(O.result());
  if (!OutS)
    return OutS.takeError();
  WindowedOp Wd(O);
  const Shape &Wt = weightsOf(O)->type().Dims; // [M, C, kh, kw]
  const Shape &Y = O.result()->type().Dims;
  const int64_t M = Wt[0], C = Wt[1], KK = Wt[2] * Wt[3];
  int Win = window(O, In, consume(dataInput(O)), {Wt[2], Wt[3]}, Wd.strides(), Wd.pads(), Y,
                   fmt::format("xnorc_hls::fpix<{}>()", C), false);
  FusedActivationOp F(O);
  int Out = newStream(*OutS, O.result()->name());
  const int64_t Pixels = In.N * Y[2] * Y[3];
  std::string Fn = Syms.unique("layer_", hlsLayerName(O));
  std::string Call;
  if (O.kind() == OpKind::Conv) {
    std::string W =
        floatArray(O, "weights", floats(weightsOf(O)), fmt::format("[{}][{}]", M, C * KK));
    ConvOp Cv(O);
    std::string B =
        floatArray(O, "bias", Cv.bias() ? floats(Cv.bias()) : std::vector<float>(M, 0.0f),
                   fmt::format("[{}]", M));
    Call = fmt::format("xnorc_hls::float_conv<{}, {}, {}, {}, {}>({}, {}, {}, {}, {}, {})", C, KK,
                       M, Pixels, actName(F.activation()), sym(Win), sym(Out), W, B,
                       floatLiteral(static_cast<float>(F.act_alpha())),
                       floatLiteral(static_cast<float>(F.act_beta())));
    Est.Layers.push_back(
        {hlsLayerName(O), "float-conv", Y[2] * Y[3] * M * C * KK, 0, 0, 32 * M * C * KK, 32 * M});
    Est.Layers.back().Res = floatMemory(M * C * KK);
    Est.Layers.back().Res += floatMemory(M);
  } else { // bwconv: bit k * C + c of w[m] is -1
    ScaledLayerOp Sc(O);
    const Tensor &WT = weightsOf(O)->constant();
    std::vector<std::string> Items;
    for (int64_t m = 0; m < M; ++m)
      for (int64_t k = 0; k < KK; ++k)
        for (int64_t c = 0; c < C; ++c)
          Items.push_back(getBinary(WT, (m * C + c) * KK + k) < 0 ? "1" : "0");
    std::string W = constSym(O, "weights");
    addConstant(
        fmt::format("static const bool {}[{}][{}]", W, M, KK * C),
        fmt::format("weights of layer '{}' (1 = -1), [m][tap * C + c]", cComment(hlsLayerName(O))),
        nestBraces(Items, fmt::format("[{}][{}]", M, KK * C)), 32);
    std::string S = floatArray(O, "scale", floats(Sc.scale()), fmt::format("[{}]", M));
    std::string B = floatArray(O, "bias", floats(Sc.bias()), fmt::format("[{}]", M));
    std::string Res = "nullptr";
    std::vector<int> Ins{Win};
    if (Sc.residual()) {
      int R = consume(Sc.residual());
      Res = "&" + sym(R);
      Ins.push_back(R);
    }
    Call = fmt::format("xnorc_hls::bw_conv<{}, {}, {}, {}, {}, {}, {}>({}, {}, {}, {}, {}, {}, {}, "
                       "{})",
                       C, Wt[2], Wt[3], M, Pixels, actName(F.activation()),
                       Sc.residual() ? "true" : "false", sym(Win), Res, sym(Out), W, S, B,
                       floatLiteral(static_cast<float>(F.act_alpha())),
                       floatLiteral(static_cast<float>(F.act_beta())));
    Est.Layers.push_back(
        {hlsLayerName(O), "bw-conv", Y[2] * Y[3] * M * C * KK, 0, 0, M * C * KK, 64 * M});
    Est.Layers.back().Res = memoryResources(1, M * C * KK);
    Est.Layers.back().Res += floatMemory(M);
    Est.Layers.back().Res += floatMemory(M);
    addProcess(hlsLayerName(O), Call, Ins, {Out}, ProcessTiming::rows(Pixels, KK, M * C * KK, 1));
    produce(O.result(), *OutS, Out);
    return llvm::Error::success();
  }
  (void)Fn;
  addProcess(hlsLayerName(O), Call, {Win}, {Out}, ProcessTiming::rows(Pixels, KK, M * C * KK, 1));
  produce(O.result(), *OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitMvtu(const Op &O) {
  const MvtuGeometry Geo = *mvtuGeometry(O);
  auto FIt = Config.Foldings.find(&O);
  const Folding F = FIt != Config.Foldings.end() ? FIt->second : defaultFolding(Geo);
  if (auto E = checkFolding(O, Geo, F))
    return E;
  const StreamShape In = Shapes.at(dataInput(O));
  auto OutS = streamShape(O.result());
  if (!OutS)
    return OutS.takeError();
  const bool Conv = O.kind() == OpKind::BConv || O.kind() == OpKind::BConvThreshold;
  const bool Thresh = O.kind() == OpKind::BConvThreshold || O.kind() == OpKind::BDenseThreshold;
  const int64_t M = Geo.M, C = Geo.C, KK = Geo.KK, PE = F.PE, SIMD = F.SIMD;
  const int64_t NF = Geo.NF(F), SF = Geo.SF(F);
  const int64_t K = KK * C, AW = signedBits(K);
  const int64_t Pixels = Conv ? In.N * Geo.Pixels : In.N;

  int InStream = consume(dataInput(O));
  std::string InType = In.itemType();
  if (Conv) {
    WindowedOp Wd(O);
    const Shape &Wt = weightsOf(O)->type().Dims;
    const int64_t PadValue = XnorConvOp(O).pad_value();
    InStream =
        window(O, In, InStream, {Wt[2], Wt[3]}, Wd.strides(), Wd.pads(), O.result()->type().Dims,
               PadValue < 0 ? fmt::format("~ap_uint<{}>(0)", C) : fmt::format("ap_uint<{}>(0)", C),
               PadValue != 0);
    InType = "xnorc_hls::tap<" + InType + ">";
  }

  // Weights: w[pe][nf * SF + sf], the SIMD bits of output channel nf * PE + pe at window bits
  // [sf * SIMD, sf * SIMD + SIMD) (bit k * C + c: tap k, channel c), in lanes of at most 64
  // bits (weight_word in layers_mvtu.h).
  const int64_t Lanes = (SIMD + 63) / 64, LaneBits = (SIMD + Lanes - 1) / Lanes;
  const char *LaneType = LaneBits <= 8    ? "std::uint8_t"
                         : LaneBits <= 16 ? "std::uint16_t"
                         : LaneBits <= 32 ? "std::uint32_t"
                                          : "std::uint64_t";
  const Tensor &WT = weightsOf(O)->constant();
  std::vector<std::string> Words;
  std::vector<uint64_t> LaneValues(Lanes);
  for (int64_t pe = 0; pe < PE; ++pe)
    for (int64_t nf = 0; nf < NF; ++nf)
      for (int64_t sf = 0; sf < SF; ++sf) {
        const int64_t m = nf * PE + pe;
        std::fill(LaneValues.begin(), LaneValues.end(), 0);
        for (int64_t j = 0; j < SIMD; ++j) {
          const int64_t Bit = sf * SIMD + j, Tap = Bit / C, Ch = Bit % C;
          const int64_t Idx = Conv ? (m * C + Ch) * KK + Tap : m * C + In.feature(Ch);
          if (getBinary(WT, Idx) < 0)
            LaneValues[j / LaneBits] |= uint64_t(1) << (j % LaneBits);
        }
        std::string Item = "{";
        for (int64_t L = 0; L < Lanes; ++L)
          Item +=
              fmt::format("{}0x{:x}{}", L ? ", " : "", LaneValues[L], LaneBits > 32 ? "ull" : "");
        Words.push_back(Item + "}");
      }
  std::string W = constSym(O, "weights");
  addConstant(fmt::format("static const XNORC_HLS_ROM_WORD({}, {}) {}[{}][{}][{}]", LaneBits,
                          LaneType, W, PE, NF * SF, Lanes),
              fmt::format("weights of layer '{}': [PE][NF * SF] words of SIMD bits in lanes of "
                          "{} bits (1 = -1)",
                          cComment(hlsLayerName(O)), LaneBits),
              nestBraces(Words, fmt::format("[{}][{}]", PE, NF * SF)), 6);

  int Out = newStream(*OutS, O.result()->name());
  std::string Fn = Syms.unique("layer_", hlsLayerName(O));
  std::string Epi, ExtraParam, ExtraArgs, ExtraType;
  std::vector<int> Ins{InStream};
  int64_t ThreshBits;
  if (Thresh) {
    ThresholdLayerOp T(O);
    std::vector<int32_t> Th = ints(T.thresh()), Dir = ints(T.dir());
    std::vector<std::string> TI, NI;
    // Thresholds outside [-K-1, K+1] decide like the bound: clamp into the accumulator range.
    for (int64_t pe = 0; pe < PE; ++pe)
      for (int64_t nf = 0; nf < NF; ++nf) {
        const int64_t m = nf * PE + pe;
        TI.push_back(std::to_string(std::clamp<int64_t>(Th[m], -K - 1, K + 1)));
        NI.push_back(Dir[m] < 0 ? "1" : "0");
      }
    std::string TS = constSym(O, "thresholds"), NS = constSym(O, "negative");
    const std::string Dims = fmt::format("[{}][{}]", PE, NF);
    addConstant(fmt::format("static const ap_int<{}> {}{}", AW + 1, TS, Dims),
                fmt::format("thresholds of layer '{}', [PE][NF]", cComment(hlsLayerName(O))),
                nestBraces(TI, Dims), 12);
    addConstant(fmt::format("static const ap_uint<1> {}{}", NS, Dims),
                fmt::format("1: channel passes when d <= threshold (gamma < 0) in layer '{}'",
                            cComment(hlsLayerName(O))),
                nestBraces(NI, Dims), 16);
    Epi =
        fmt::format("  xnorc_hls::threshold_epilogue<{}, {}, {}, {}, Out> epi{{{}, {}, out, 0}};\n",
                    M, PE, NF, AW + 1, TS, NS);
    ThreshBits = M * (AW + 2);
  } else {
    ScaledLayerOp Sc(O);
    std::vector<float> Scale = floats(Sc.scale()), Bias = floats(Sc.bias()), SP, BP;
    for (int64_t pe = 0; pe < PE; ++pe)
      for (int64_t nf = 0; nf < NF; ++nf) {
        SP.push_back(Scale[nf * PE + pe]);
        BP.push_back(Bias[nf * PE + pe]);
      }
    const std::string Dims = fmt::format("[{}][{}]", PE, NF);
    std::string SS = floatArray(O, "scale", SP, Dims), BS = floatArray(O, "bias", BP, Dims);
    FusedActivationOp Fa(O);
    std::string Alpha = floatLiteral(static_cast<float>(Fa.act_alpha())),
                Beta = floatLiteral(static_cast<float>(Fa.act_beta()));
    if (Conv) {
      std::string Res = "nullptr", ResType = "Out";
      if (Sc.residual()) {
        int R = consume(Sc.residual());
        Ins.push_back(R);
        ExtraType = ", class Res";
        ExtraParam = ", Res &residual";
        ExtraArgs = ", " + sym(R);
        Res = "&residual";
        ResType = "Res";
      }
      Epi = fmt::format("  xnorc_hls::scale_epilogue<{}, {}, {}, {}, {}, {}, Out> epi{{{}, {}, {}, "
                        "{}, {}, out, {{}}, {{}}}};\n",
                        M, PE, NF, actName(Fa.activation()), Sc.residual() ? "true" : "false",
                        ResType, SS, BS, Alpha, Beta, Res);
    } else {
      Epi = fmt::format("  xnorc_hls::scale_row_epilogue<{}, {}, {}, {}, Out> epi{{{}, {}, {}, {}, "
                        "out, {{}}}};\n",
                        M, PE, NF, actName(Fa.activation()), SS, BS, Alpha, Beta);
    }
    ThreshBits = M * 64;
  }
  LayerFunctions += fmt::format(
      "// layer '{}': {} output channels, {} inputs per output; PE {}, SIMD {}: NF {} x SF {} "
      "steps per output pixel\n"
      "// in: hls::stream<{}>, out: hls::stream<{}> (of any depth)\n"
      "template <class In{}, class Out> static void {}(In &in{}, Out &out) {{\n{}"
      "  xnorc_hls::mvtu<{}, {}, {}, {}, {}, {}, {}>(in, {}, epi);\n}}\n\n",
      cComment(hlsLayerName(O)), M, K, PE, SIMD, NF, SF, InType, OutS->itemType(), ExtraType, Fn,
      ExtraParam, Epi, C, KK, M, PE, SIMD, Pixels, AW, W);
  // A dense layer with float outputs writes its M values per row; the others one item.
  ProcessTiming Timing =
      ProcessTiming::rows(Pixels, Conv ? KK : 1, NF * SF, Conv || Thresh ? 1 : M);
  Timing.ExtraFirst = true; // scale_epilogue reads the residual pixel before the window
  addProcess(hlsLayerName(O), fmt::format("{}({}{}, {})", Fn, sym(InStream), ExtraArgs, sym(Out)),
             Ins, {Out}, Timing);
  Est.Layers.push_back({hlsLayerName(O), Conv ? "mvtu-conv" : "mvtu-dense", Geo.cycles(F), PE, SIMD,
                        M * K, ThreshBits});
  Est.Layers.back().Res = mvtuResources({PE, SIMD, NF * SF, NF, AW, Thresh ? AW + 2 : 0, C});
  if (!Thresh) { // a float scale and bias per channel, [PE][NF] each
    const Resources P = floatMemory(NF);
    Est.Layers.back().Res.LutRam += 2 * PE * P.LutRam;
    Est.Layers.back().Res.Bram18 += 2 * PE * P.Bram18;
  }
  produce(O.result(), *OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitPool(const Op &O) {
  const StreamShape In = Shapes.at(dataInput(O));
  PoolOp P(O);
  const Shape &Y = O.result()->type().Dims;
  const std::vector<int64_t> K = P.kernel_shape();
  const bool Bits = O.kind() == OpKind::BMaxPool;
  int Win = window(O, In, consume(dataInput(O)), K, P.strides(), P.pads(), Y,
                   Bits ? fmt::format("ap_uint<{}>(0)", In.C)
                        : fmt::format("xnorc_hls::fpix<{}>()", In.C),
                   false);
  StreamShape OutS = In;
  OutS.H = Y[2], OutS.W = Y[3];
  int Out = newStream(OutS, O.result()->name());
  const int64_t Pixels = In.N * Y[2] * Y[3], KK = K[0] * K[1];
  std::string Call;
  if (Bits) {
    std::vector<std::string> Mask;
    const Value *MM = BMaxPoolOp(O).min_mask();
    for (int64_t c = 0; c < In.C; ++c)
      Mask.push_back(MM && getBinary(MM->constant(), c) < 0 ? "1" : "0");
    std::string MS = constSym(O, "min_mask");
    addConstant(fmt::format("static const ap_uint<1> {}[{}]", MS, In.C),
                fmt::format("1: channel pools with min (OR of bits) in layer '{}'",
                            cComment(hlsLayerName(O))),
                Mask, 32);
    Call = fmt::format("xnorc_hls::bit_max_pool<{}, {}, {}>({}, {}, {})", In.C, KK, Pixels,
                       sym(Win), sym(Out), MS);
  } else {
    Call = fmt::format("xnorc_hls::max_pool<{}, {}, {}>({}, {})", In.C, KK, Pixels, sym(Win),
                       sym(Out));
  }
  addProcess(hlsLayerName(O), Call, {Win}, {Out}, ProcessTiming::rows(Pixels, KK, KK, 1));
  Est.Layers.push_back({hlsLayerName(O), Bits ? "bit-max-pool" : "max-pool", Y[2] * Y[3] * KK});
  if (Bits) // an AND (OR) of each channel's bit into the pixel's C-bit register
    Est.Layers.back().Res.Luts = In.C;
  produce(O.result(), OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitGemm(const Op &O) {
  GemmOp Gm(O);
  const StreamShape In = Shapes.at(dataInput(O));
  auto OutS = streamShape(O.result());
  if (!OutS)
    return OutS.takeError();
  const int64_t K = In.C, N = OutS->C, Rows = In.N;
  const Tensor &B = Gm.b()->constant();
  std::vector<float> W;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t s = 0; s < K; ++s) {
      const int64_t k = In.feature(s);
      W.push_back(B.data<float>()[Gm.transB() ? n * K + k : k * N + n]);
    }
  std::string WS = floatArray(O, "weights", W, fmt::format("[{}][{}]", N, K));
  const bool UseC = Gm.c() && Gm.beta() != 0.0;
  std::string CS = floatArray(O, "bias", Gm.c() ? floats(Gm.c()) : std::vector<float>(N, 0.0f),
                              fmt::format("[{}]", N));
  int Out = newStream(*OutS, O.result()->name());
  int InS = consume(dataInput(O));
  addProcess(hlsLayerName(O),
             fmt::format("xnorc_hls::dense<{}, {}, {}, {}, {}>({}, {}, {}, {}, {}, {})", K, N, Rows,
                         UseC ? "true" : "false", Gm.alpha() != 1.0 ? "true" : "false", sym(InS),
                         sym(Out), WS, CS, floatLiteral(static_cast<float>(Gm.alpha())),
                         floatLiteral(static_cast<float>(Gm.beta()))),
             {InS}, {Out}, ProcessTiming::rows(Rows, K, K * N, N));
  Est.Layers.push_back({hlsLayerName(O), "float-dense", K * N, 0, 0, 32 * K * N, 32 * N});
  Est.Layers.back().Res = floatMemory(K * N);
  Est.Layers.back().Res += floatMemory(N);
  produce(O.result(), *OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitThreshold(const Op &O) {
  ThresholdOp T(O);
  const StreamShape In = Shapes.at(dataInput(O));
  StreamShape OutS = In;
  OutS.Bits = true;
  if (OutS.C > MaxApWidth)
    return makeError("{} bits per stream item exceed ap_uint's {}", OutS.C, MaxApWidth);
  std::vector<float> Tau = T.tau() ? floats(T.tau()) : std::vector<float>{},
                     Dir = T.dir() ? floats(T.dir()) : std::vector<float>{};
  std::vector<float> TauS;
  std::vector<std::string> Ge;
  for (int64_t s = 0; s < In.C; ++s) {
    const int64_t Ch = In.feature(s);
    auto At = [&](const std::vector<float> &V, float Default) {
      return V.empty() ? Default : V.size() == 1 ? V[0] : V[Ch];
    };
    TauS.push_back(At(Tau, 0.0f));
    Ge.push_back(At(Dir, 1.0f) > 0.0f ? "1" : "0");
  }
  std::string TS = floatArray(O, "tau", TauS, fmt::format("[{}]", In.C));
  std::string GS = constSym(O, "ge");
  addConstant(fmt::format("static const ap_uint<1> {}[{}]", GS, In.C),
              fmt::format("1: bit is +1 when x >= tau, 0: when x <= tau (layer '{}')",
                          cComment(hlsLayerName(O))),
              Ge, 32);
  int Out = newStream(OutS, O.result()->name());
  int InS = consume(dataInput(O));
  const bool Pix = In.Pixels;
  addProcess(hlsLayerName(O),
             fmt::format("xnorc_hls::{}<{}, {}>({}, {}, {}, {})",
                         Pix ? "threshold_pixels" : "threshold_rows", In.C, Pix ? In.items() : In.N,
                         sym(InS), sym(Out), TS, GS),
             {InS}, {Out},
             Pix ? ProcessTiming::streaming(In.items()) : ProcessTiming::rows(In.N, In.C, In.C, 1));
  Est.Layers.push_back(
      {hlsLayerName(O), "threshold", Pix ? In.pixelsPerImage() : In.C, 0, 0, 0, 33 * In.C});
  Est.Layers.back().Res = floatMemory(In.C);
  Est.Layers.back().Res += memoryResources(1, In.C);
  produce(O.result(), OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitReshape(const Op &O) {
  const StreamShape In = Shapes.at(dataInput(O));
  auto OutS = streamShape(O.result());
  if (!OutS)
    return OutS.takeError();
  int InS = consume(dataInput(O));
  if (dataInput(O)->type().Dims == O.result()->type().Dims) {
    // Same shape: the stream passes as it is (a dup fans it out if it has several readers).
    StreamShape Same = In;
    Shapes[O.result()] = Same;
    produce(O.result(), Same, InS);
    return llvm::Error::success();
  }
  // Flatten [N, C, H, W] -> [N, C*H*W]: stream position p * C + c is feature c * HW + p.
  const int64_t HW = In.H * In.W;
  if (In.C * HW > MaxRowFeatures)
    return makeError("value %{}: {} features per flattened row exceed the HLS target's {}",
                     cComment(O.result()->name()), In.C * HW, MaxRowFeatures);
  OutS->Order.resize(In.C * HW);
  for (int64_t p = 0; p < HW; ++p)
    for (int64_t c = 0; c < In.C; ++c)
      OutS->Order[p * In.C + c] = c * HW + p;
  int Out = newStream(*OutS, O.result()->name());
  if (In.Bits)
    addProcess(hlsLayerName(O),
               fmt::format("xnorc_hls::flatten_bits<{}, {}, {}>({}, {})", In.C, HW, In.N, sym(InS),
                           sym(Out)),
               {InS}, {Out}, ProcessTiming::rows(In.N, HW, HW, 1));
  else
    addProcess(hlsLayerName(O),
               fmt::format("xnorc_hls::unpack_pixels<{}, {}>({}, {})", In.C, In.items(), sym(InS),
                           sym(Out)),
               {InS}, {Out}, ProcessTiming::rows(In.items(), 1, In.C, In.C));
  Est.Layers.push_back({hlsLayerName(O), "flatten", In.Bits ? HW : HW * In.C});
  produce(O.result(), *OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitUnpack(const Op &O) {
  const StreamShape In = Shapes.at(dataInput(O));
  StreamShape OutS = In;
  OutS.Bits = false;
  int InS = consume(dataInput(O));
  int Out = newStream(OutS, O.result()->name());
  if (In.Pixels)
    addProcess(
        hlsLayerName(O),
        fmt::format("xnorc_hls::unpack_bits<{}, {}>({}, {})", In.C, In.items(), sym(InS), sym(Out)),
        {InS}, {Out}, ProcessTiming::streaming(In.items()));
  else
    addProcess(
        hlsLayerName(O),
        fmt::format("xnorc_hls::unpack_bit_rows<{}, {}>({}, {})", In.C, In.N, sym(InS), sym(Out)),
        {InS}, {Out}, ProcessTiming::rows(In.N, 1, In.C, In.C));
  Est.Layers.push_back({hlsLayerName(O), "unpack", In.Pixels ? In.pixelsPerImage() : In.C});
  produce(O.result(), OutS, Out);
  return llvm::Error::success();
}

llvm::Error HlsEmitterImpl::emitOp(const Op &O) {
  switch (O.kind()) {
  case OpKind::Conv:
  case OpKind::BWConv:
    return emitFloatConv(O);
  case OpKind::BConv:
  case OpKind::BConvThreshold:
  case OpKind::BDense:
  case OpKind::BDenseThreshold:
    return emitMvtu(O);
  case OpKind::BMaxPool:
  case OpKind::MaxPool:
    return emitPool(O);
  case OpKind::Gemm:
    return emitGemm(O);
  case OpKind::Threshold:
    return emitThreshold(O);
  case OpKind::Reshape:
    return emitReshape(O);
  case OpKind::Unpack:
    return emitUnpack(O);
  default:
    break;
  }
  // Per-pixel float layers: one input map, one output map (add: two inputs).
  const StreamShape In = Shapes.at(dataInput(O));
  auto OutS = streamShape(O.result());
  if (!OutS)
    return OutS.takeError();
  int InS = consume(dataInput(O));
  int Out = newStream(*OutS, O.result()->name());
  const int64_t Pixels = In.items(), HW = In.H * In.W;
  std::vector<int> Ins{InS};
  std::string Call;
  ProcessTiming Timing = ProcessTiming::streaming(Pixels);
  int64_t Cycles = HW, ParamBits = 0;
  switch (O.kind()) {
  case OpKind::BatchNorm: {
    auto A = batchNormAffine(O);
    std::string S = floatArray(O, "scale", A->Scale, fmt::format("[{}]", In.C));
    std::string H = floatArray(O, "shift", A->Shift, fmt::format("[{}]", In.C));
    Call = fmt::format("xnorc_hls::batch_norm<{}, {}>({}, {}, {}, {})", In.C, Pixels, sym(InS),
                       sym(Out), S, H);
    ParamBits = 64 * In.C;
    break;
  }
  case OpKind::Sign:
    Call = fmt::format("xnorc_hls::sign_pixels<{}, {}>({}, {}, {})", In.C, Pixels, sym(InS),
                       sym(Out), floatLiteral(static_cast<float>(SignOp(O).zero())));
    break;
  case OpKind::Add: {
    int B = consume(AddOp(O).b());
    Ins.push_back(B);
    Call = fmt::format("xnorc_hls::add_pixels<{}, {}>({}, {}, {})", In.C, Pixels, sym(InS), sym(B),
                       sym(Out));
    break;
  }
  case OpKind::ReduceMean:
  case OpKind::GlobalAvgPool:
    if (OutS->Pixels) { // keepdims: [N, C, 1, 1], one pixel per image
      StreamShape Row = *OutS;
      Row.Pixels = false;
      int Mid = newStream(Row, O.result()->name() + "_row");
      addProcess(hlsLayerName(O),
                 fmt::format("xnorc_hls::spatial_mean<{}, {}, {}>({}, {})", In.C, HW, In.N,
                             sym(InS), sym(Mid)),
                 {InS}, {Mid}, ProcessTiming::rows(In.N, HW, HW, In.C));
      Call = fmt::format("xnorc_hls::pack_pixels<{}, {}>({}, {})", In.C, In.N, sym(Mid), sym(Out));
      InS = Mid;
      Ins = {Mid};
      Timing = ProcessTiming::rows(In.N, In.C, In.C, 1);
    } else {
      Call = fmt::format("xnorc_hls::spatial_mean<{}, {}, {}>({}, {})", In.C, HW, In.N, sym(InS),
                         sym(Out));
      Timing = ProcessTiming::rows(In.N, HW, HW, In.C);
    }
    break;
  default:
    return makeError("internal error: no streaming layer for '{}'", O.mnemonic());
  }
  addProcess(hlsLayerName(O), Call, Ins, {Out}, Timing);
  Est.Layers.push_back({hlsLayerName(O), O.mnemonic(), Cycles, 0, 0, 0, ParamBits});
  Est.Layers.back().Res = floatMemory(ParamBits / 32);
  produce(O.result(), *OutS, Out);
  return llvm::Error::success();
}

std::string HlsEmitterImpl::topFunction() const {
  std::vector<std::string> Params;
  for (size_t I = 0; I < G.inputs().size(); ++I)
    Params.push_back(fmt::format("hls::stream<float> &in{}", I));
  for (size_t I = 0; I < G.outputs().size(); ++I)
    Params.push_back(fmt::format("hls::stream<float> &out{}", I));
  std::string Out = fmt::format("void {}_top({}) {{\n", Opts.Name, fmt::join(Params, ", "));
  for (size_t I = 0; I < G.inputs().size(); ++I)
    Out += fmt::format("  XNORC_HLS_PRAGMA(HLS INTERFACE axis port = in{})\n", I);
  for (size_t I = 0; I < G.outputs().size(); ++I)
    Out += fmt::format("  XNORC_HLS_PRAGMA(HLS INTERFACE axis port = out{})\n", I);
  Out += "  XNORC_HLS_PRAGMA(HLS INTERFACE s_axilite port = return)\n";
  // FIFOs are declared inside the region: the dataflow C simulation bounds those to their depth.
  Out += fmt::format("  XNORC_HLS_DATAFLOW_BEGIN({}_top);\n", Opts.Name);
  for (const HlsStream &S : Flow.Streams) {
    if (S.External)
      continue;
    Out += fmt::format("  // {}\n  hls::stream<{}, {}> {}({});\n", cComment(S.Label), S.ItemType,
                       S.Depth, S.Symbol, cStringLiteral(S.Label));
    Out +=
        fmt::format("  XNORC_HLS_PRAGMA(HLS STREAM variable = {} depth = {})\n", S.Symbol, S.Depth);
  }
  for (const HlsProcess &P : Flow.Processes)
    Out += fmt::format("  XNORC_HLS_PROCESS({}, {});\n", P.Ident, P.Call);
  Out += "  XNORC_HLS_DATAFLOW_END();\n}\n";
  return Out;
}

/// Loops over an [N, C, H, W] tensor in the streams' pixel-major order around Statement, in
/// which IDX stands for the element's NCHW index.
std::string pixelMajorLoops(const Shape &D, const std::string &Statement) {
  std::string Idx = fmt::format("((n * {} + c) * {} + h) * {} + w", D[1], D[2], D[3]);
  std::string S = Statement;
  S.replace(S.find("IDX"), 3, Idx);
  return fmt::format("  for (int n = 0; n < {}; ++n)\n    for (int h = 0; h < {}; ++h)\n"
                     "      for (int w = 0; w < {}; ++w)\n        for (int c = 0; c < {}; ++c)\n"
                     "          {}\n",
                     D[0], D[2], D[3], D[1], S);
}

std::string HlsEmitterImpl::runWrapper(const ModelApi &Api) const {
  std::string U = upperName(Opts.Name);
  std::string Body, Decls, Args;
  std::vector<std::string> ArgList;
  for (size_t I = 0; I < G.inputs().size(); ++I) {
    const Shape &D = G.inputs()[I]->type().Dims;
    const int64_t Size = numElements(D);
    Decls += fmt::format("  hls::stream<float> in{}(\"in{}\");\n", I, I);
    if (D.size() == 4)
      Body += pixelMajorLoops(D, fmt::format("in{0}.write(inputs[{0}][IDX]);", I));
    else
      Body += fmt::format("  for (int i = 0; i < {}; ++i)\n    in{}.write(inputs[{}][i]);\n", Size,
                          I, I);
    ArgList.push_back(fmt::format("in{}", I));
  }
  std::string Reads;
  for (size_t I = 0; I < G.outputs().size(); ++I) {
    const Value *V = G.outputs()[I];
    const Shape &D = V->type().Dims;
    Decls += fmt::format("  hls::stream<float> out{}(\"out{}\");\n", I, I);
    ArgList.push_back(fmt::format("out{}", I));
    if (D.size() == 4) {
      Reads += pixelMajorLoops(D, fmt::format("outputs[{0}][IDX] = out{0}.read();", I));
    } else {
      // A row in stream order: position s of row n is the model's feature order[s].
      const StreamShape &S = Shapes.at(V);
      std::string Order = "nullptr";
      if (!S.Order.empty()) {
        Order = fmt::format("{}_out{}_order", Opts.Name, I);
        Decls += fmt::format("  static const int {}[{}] = {{{}}};\n", Order, S.Order.size(),
                             fmt::join(S.Order, ", "));
      }
      Reads += fmt::format("  for (int n = 0; n < {N}; ++n)\n    for (int s = 0; s < {F}; ++s)\n"
                           "      outputs[{I}][n * {F} + {Idx}] = out{I}.read();\n",
                           fmt::arg("N", D[0]), fmt::arg("F", D[1]), fmt::arg("I", I),
                           fmt::arg("Idx", S.Order.empty() ? "s" : Order + "[s]"));
    }
  }
  (void)Api;
  return fmt::format(R"(
#ifndef __SYNTHESIS__
// The CPU targets' API over the accelerator, for C simulation: the host side of the
// AXI streams (NCHW tensors <-> pixel-major streams). Not part of the hardware.
extern "C" int {N}_run(const float *const *inputs, float *const *outputs, void *arena) {{
  (void)arena;
  if ({NI} && !inputs) return {U}_ERROR_NULL_ARGUMENT;
  if (!outputs) return {U}_ERROR_NULL_ARGUMENT;
  for (int i = 0; i < {NI}; ++i)
    if (!inputs[i]) return {U}_ERROR_NULL_ARGUMENT;
  for (int i = 0; i < {NO}; ++i)
    if (!outputs[i]) return {U}_ERROR_NULL_ARGUMENT;
{Decls}{Body}  {N}_top({Args});
{Reads}  return {U}_OK;
}}
#endif
)",
                     fmt::arg("N", Opts.Name), fmt::arg("U", U), fmt::arg("NI", G.inputs().size()),
                     fmt::arg("NO", G.outputs().size()), fmt::arg("Decls", Decls),
                     fmt::arg("Body", Body), fmt::arg("Args", fmt::join(ArgList, ", ")),
                     fmt::arg("Reads", Reads));
}

std::string HlsEmitterImpl::tclScript() const {
  return fmt::format(R"(# Vitis HLS project for model '{N}' (generated by xnorc; see docs/HLS.md).
# vitis_hls -f run_hls.tcl     (C simulation, then synthesis)
open_project -reset {N}_hls
set_top {N}_top
add_files {N}.cpp
add_files -tb {N}_main.cpp
add_files -tb {N}.h
open_solution -reset solution1 -flow_target vivado
set_part {{{Part}}}
create_clock -period {Period} -name default
# The testbench reads .npy inputs: csim_design -argv "input.npy -o out"
csim_design -argv "input.npy -o csim_out"
csynth_design
exit
)",
                     fmt::arg("N", Opts.Name), fmt::arg("Part", Config.Part),
                     fmt::arg("Period", doubleText(1000.0 / Config.ClockMHz)));
}

llvm::Expected<std::vector<OutputFile>> HlsEmitterImpl::run() {
  Est.ClockMHz = Config.ClockMHz;
  // Graph inputs: from the AXI-Stream port to the internal stream.
  for (size_t I = 0; I < G.inputs().size(); ++I) {
    const Value *V = G.inputs()[I];
    auto S = streamShape(V);
    if (!S)
      return S.takeError();
    if (S->Bits)
      return makeError("input %{} is binary; the accelerator's ports carry floats",
                       cComment(V->name()));
    StreamShape Port = *S;
    Port.Pixels = false;
    Port.C = numElements(V->type().Dims) / S->N;
    int Ext = Flow.addExternal(fmt::format("in{}", I), "float", S->items() * (S->Pixels ? S->C : 1),
                               32, fmt::format("input {}", I));
    int Int = newStream(*S, V->name());
    addProcess(
        "input " + V->name(),
        S->Pixels
            ? fmt::format("xnorc_hls::pack_pixels<{}, {}>(in{}, {})", S->C, S->items(), I, sym(Int))
            : fmt::format("xnorc_hls::copy_stream<{}>(in{}, {})", S->items(), I, sym(Int)),
        {Ext}, {Int},
        S->Pixels ? ProcessTiming::rows(S->items(), S->C, S->C, 1)
                  : ProcessTiming::streaming(S->items()));
    produce(V, *S, Int);
  }
  for (const Op *O : G.ops()) {
    OpSupport Sup = hlsOpSupport(*O);
    if (!Sup.Supported)
      return makeError("{}: {}", O->describe(), Sup.Reason);
    if (auto E = emitOp(*O))
      return withContext(std::move(E), O->describe());
  }
  for (size_t I = 0; I < G.outputs().size(); ++I) {
    const Value *V = G.outputs()[I];
    if (!Shapes.count(V))
      return makeError("output %{} is a constant (known at compile time); the accelerator's "
                       "ports carry values computed from its inputs",
                       cComment(V->name()));
    const StreamShape &S = Shapes.at(V);
    if (S.Bits)
      return makeError("output %{} is binary; the accelerator's ports carry floats",
                       cComment(V->name()));
    int Int = consume(V);
    int Ext = Flow.addExternal(fmt::format("out{}", I), "float", numElements(V->type().Dims), 32,
                               fmt::format("output {}", I));
    addProcess("output " + V->name(),
               S.Pixels
                   ? fmt::format("xnorc_hls::unpack_pixels<{}, {}>({}, out{})", S.C, S.items(),
                                 sym(Int), I)
                   : fmt::format("xnorc_hls::copy_stream<{}>({}, out{})", S.items(), sym(Int), I),
               {Int}, {Ext},
               S.Pixels ? ProcessTiming::rows(S.items(), 1, S.C, S.C)
                        : ProcessTiming::streaming(S.items()));
  }
  if (auto E = Flow.computeDepths())
    return std::move(E);
  for (const HlsStream &S : Flow.Streams)
    if (!S.External)
      Est.Streams.push_back({S.Label, S.Depth, S.WidthBits, fifoResources(S.WidthBits, S.Depth)});

  ModelApi Api = ModelApi::fromGraph(G, Opts.Name, "hls", Opts.SourceFile, 0);
  // mode.h says whether the vendor's headers are used (synthesis, vendor csim) or the
  // stand-ins pasted after it.
  std::vector<std::string> Pasted;
  auto Mode = pasteRuntimeHeaders({"hls/mode.h"}, Pasted);
  if (!Mode)
    return Mode.takeError();
  auto Runtime = pasteRuntimeHeaders(
      {"hls/pragma.h", "hls/ap_int.h", "hls/hls_stream.h", "hls/dataflow.h", "hls/layers_window.h",
       "hls/layers_act.h", "hls/layers_mvtu.h", "hls/layers_bpool.h", "hls/layers_float.h"},
      Pasted);
  if (!Runtime)
    return Runtime.takeError();
  std::string Cpp =
      generatedBanner(Api, Opts.Name + ".cpp: streaming dataflow accelerator of model '" +
                               Opts.Name + "' (Vitis HLS C++, docs/HLS.md).");
  Cpp += fmt::format("#include \"{}.h\"\n\n#include <math.h>\n\n", Opts.Name);
  Cpp += *Mode + "#if XNORC_HLS_VENDOR\n#include <ap_int.h>\n#include <hls_stream.h>\n#endif\n\n";
  Cpp += *Runtime;
  Cpp += "\n// ---- constants (on-chip ROMs) ----\n" + Constants;
  Cpp += "\n// ---- layers ----\n" + LayerFunctions;
  Cpp += "// ---- the accelerator: AXI-Stream in and out, one process per layer ----\n";
  Cpp += topFunction();
  Cpp += "\n#ifndef __SYNTHESIS__\n" + writeInfoDefinition(Api) + "#endif\n";
  Cpp += runWrapper(Api);

  std::vector<OutputFile> Files{{Opts.Name + ".h", writeApiHeader(Api)},
                                {Opts.Name + ".cpp", Cpp},
                                {Opts.Name + "_hls.json", Est.json(Opts.Name)},
                                {"run_hls.tcl", tclScript()}};
  if (Opts.EmitMain)
    Files.push_back({Opts.Name + "_main.cpp", writeMainProgram(Api)});
  return Files;
}

} // namespace

llvm::Expected<std::vector<OutputFile>> emitHls(const Graph &G, const EmitOptions &Opts,
                                                const HlsConfig &Config, HlsEstimate &Estimates) {
  return HlsEmitterImpl(G, Opts, Config, Estimates).run();
}

} // namespace xnorc
