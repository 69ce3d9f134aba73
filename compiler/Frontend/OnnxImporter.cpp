//===- OnnxImporter.cpp - Reads an ONNX model and lowers it to IR ---------===//
#include "compiler/Frontend/OnnxImporter.h"

#include "compiler/Frontend/ImportContext.h"
#include "compiler/IR/Verifier.h"

#include <fstream>
#include <llvm/Support/Path.h>
#include <onnx/defs/parser.h>
#include <queue>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace xnorc {

namespace {

// Opsets 7-17 are the supported range; older models load too, since the ops
// xnorc imports kept their meaning (legacy broadcast attributes are rejected).
constexpr int64_t MinOpset = 1, MaxOpset = 17;

/// A model's free text (producer_name) for a one-line note: printable ASCII, at
/// most 64 characters, so a hostile string cannot forge or split diagnostics.
std::string printable(const std::string &Text) {
  std::string Out;
  for (char C : Text.substr(0, 64))
    Out += (C >= 0x20 && C < 0x7f) ? C : '?';
  return Text.size() > 64 ? Out + "..." : Out;
}

llvm::Expected<int64_t> defaultDomainOpset(const onnx::ModelProto &M) {
  for (const auto &O : M.opset_import())
    if (O.domain().empty() || O.domain() == "ai.onnx") {
      if (O.version() < MinOpset || O.version() > MaxOpset)
        return makeError("opset {} is not supported (xnorc reads opsets {} to {})", O.version(),
                         MinOpset, MaxOpset);
      return O.version();
    }
  return makeError("model imports no version of the default ONNX domain");
}

llvm::Expected<TensorType> inputType(const onnx::ValueInfoProto &VI, const ImportOptions &Opts) {
  if (!VI.type().has_tensor_type())
    return makeError("graph input '{}' is not a tensor", VI.name());
  const auto &TT = VI.type().tensor_type();
  if (TT.elem_type() != onnx::TensorProto::FLOAT)
    return makeError(
        "graph input '{}' has element type {}; only float inputs are supported", VI.name(),
        onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(TT.elem_type())));
  if (!TT.has_shape())
    return makeError("graph input '{}' has no shape", VI.name());
  TensorType T{ElemType::F32, {}};
  for (int I = 0; I < TT.shape().dim_size(); ++I) {
    const auto &D = TT.shape().dim(I);
    if (D.has_dim_value() && D.dim_value() == 0)
      return makeError("graph input '{}' has a zero-size dimension {}, which is unsupported",
                       VI.name(), I);
    if (D.has_dim_value() && D.dim_value() < 0)
      return makeError("graph input '{}' has a negative dimension {} ({})", VI.name(), I,
                       D.dim_value());
    bool Known = D.has_dim_value() && D.dim_value() > 0;
    if (Known)
      T.Dims.push_back(D.dim_value());
    else if (I == 0)
      T.Dims.push_back(Opts.Batch);
    else
      return makeError("graph input '{}' has a symbolic dimension {} ('{}'); only the batch "
                       "dimension may be dynamic",
                       VI.name(), I, D.dim_param());
  }
  if (auto E = checkTensorLimits(T, Opts.Limits, "graph input '" + VI.name() + "'"))
    return std::move(E);
  return T;
}

/// Orders nodes so every input is produced before use; ONNX requires this but
/// not every exporter honours it. A leftover node means a cycle or a dangling input.
/// The order is that of repeated sweeps over the nodes in file order, each
/// taking every node whose inputs exist by then (a sorted graph keeps its
/// order), computed without the sweeps: a node waits for its missing inputs,
/// and when the last one appears it joins the current sweep if it comes later
/// in the file than the node that produced it, else the next sweep.
llvm::Expected<std::vector<const onnx::NodeProto *>>
topologicalOrder(const onnx::GraphProto &GP, std::unordered_set<std::string> Available) {
  const int N = GP.node_size();
  std::vector<int> Missing(N, 0);
  std::unordered_map<std::string, std::vector<int>> Waiting; // input name -> nodes
  std::unordered_set<std::string> Produced;
  for (int I = 0; I < N; ++I) {
    std::unordered_set<std::string> Seen;
    for (const auto &In : GP.node(I).input())
      if (!In.empty() && !Available.count(In) && Seen.insert(In).second) {
        ++Missing[I];
        Waiting[In].push_back(I);
      }
    // ONNX graphs are single-assignment: a second definition of a name would
    // silently replace the first.
    for (const auto &O : GP.node(I).output())
      if (!O.empty() && (Available.count(O) || !Produced.insert(O).second))
        return makeError("node '{}' ({}): output '{}' is already defined {}", GP.node(I).name(),
                         GP.node(I).op_type(), O,
                         Available.count(O) ? "as a graph input or initializer"
                                            : "by another node");
  }
  using MinHeap = std::priority_queue<int, std::vector<int>, std::greater<int>>;
  MinHeap Sweep, NextSweep;
  for (int I = 0; I < N; ++I)
    if (!Missing[I])
      Sweep.push(I);
  std::vector<const onnx::NodeProto *> Order;
  std::vector<bool> Placed(N, false);
  while (!Sweep.empty()) {
    while (!Sweep.empty()) {
      int I = Sweep.top();
      Sweep.pop();
      Order.push_back(&GP.node(I));
      Placed[I] = true;
      for (const auto &O : GP.node(I).output()) {
        if (!Available.insert(O).second)
          continue;
        auto It = Waiting.find(O);
        if (It == Waiting.end())
          continue;
        for (int J : It->second)
          if (--Missing[J] == 0)
            (J > I ? Sweep : NextSweep).push(J);
      }
    }
    std::swap(Sweep, NextSweep);
  }
  for (int I = 0; I < N; ++I) {
    if (Placed[I])
      continue;
    const onnx::NodeProto *Node = &GP.node(I);
    for (const auto &In : Node->input())
      if (!In.empty() && !Available.count(In) && !Produced.count(In))
        return makeError("node '{}' ({}): input '{}' is not a graph input, an initializer or "
                         "the output of any node",
                         Node->name(), Node->op_type(), In);
    return makeError("node '{}' ({}): the graph has a cycle through this node", Node->name(),
                     Node->op_type());
  }
  return Order;
}

/// A declared output shape that contradicts the computed one means a broken
/// model (or an importer bug): refuse rather than emit code for either.
llvm::Error checkDeclaredShape(const onnx::ValueInfoProto &VI, const Shape &Computed) {
  if (!VI.type().has_tensor_type() || !VI.type().tensor_type().has_shape())
    return llvm::Error::success();
  const auto &S = VI.type().tensor_type().shape();
  bool Mismatch = S.dim_size() != static_cast<int>(Computed.size());
  std::vector<std::string> Declared;
  for (int I = 0; I < S.dim_size(); ++I) {
    const auto &D = S.dim(I);
    bool Known = D.has_dim_value() && D.dim_value() > 0;
    Declared.push_back(Known ? std::to_string(D.dim_value())
                             : (D.dim_param().empty() ? "?" : D.dim_param()));
    // The batch dimension may legitimately differ (--batch); others may not.
    if (Known && I > 0 && I < static_cast<int>(Computed.size()) && D.dim_value() != Computed[I])
      Mismatch = true;
  }
  if (Mismatch)
    return makeError("graph output '{}' is declared [{}] but the graph computes {}", VI.name(),
                     fmt::join(Declared, ","), shapeToString(Computed));
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<Graph>>
importModel(const onnx::ModelProto &M, const ImportOptions &Opts, const std::string &ModelDir) {
  if (!M.has_graph())
    return makeError("the model has no graph");
  auto Opset = defaultDomainOpset(M);
  if (!Opset)
    return Opset.takeError();
  const onnx::GraphProto &GP = M.graph();
  if (auto E = checkNodeLimit(GP.node_size(), Opts.Limits))
    return std::move(E);
  auto G = std::make_unique<Graph>(GP.name().empty() ? "model" : GP.name());
  // Which framework's rounding decides BatchNorm ties (docs/XnorMath.md).
  ImportOptions Resolved = Opts;
  if (!Resolved.BatchNormArith)
    Resolved.BatchNormArith = bnArithForProducer(M.producer_name());
  ImportContext Ctx(*G, *Opset, Resolved, ModelDir);

  std::unordered_set<std::string> Available;
  int64_t WeightBytes = 0;
  for (const auto &Init : GP.initializer()) {
    if (Available.count(Init.name()))
      return makeError("initializer '{}' is defined twice", Init.name());
    auto T = tensorFromProto(Init, {Opts.Limits, ModelDir});
    if (!T)
      return withContext(T.takeError(), "initializer '" + Init.name() + "'");
    WeightBytes += T->type().storageBytes();
    Ctx.define(Init.name(), G->addConstant(Init.name(), std::move(*T)));
    Available.insert(Init.name());
  }
  std::unordered_set<std::string> InputNames;
  for (const auto &In : GP.input()) {
    if (!InputNames.insert(In.name()).second)
      return makeError("graph input '{}' is listed twice", In.name());
    if (Available.count(In.name()))
      continue; // Pre-IR-4 models list initializers as inputs too.
    auto T = inputType(In, Opts);
    if (!T)
      return T.takeError();
    Ctx.define(In.name(), G->addInput(In.name(), *T));
    Available.insert(In.name());
  }

  G->setSourceWeightBytes(WeightBytes);
  auto Order = topologicalOrder(GP, Available);
  if (!Order)
    return Order.takeError();
  for (const onnx::NodeProto *N : *Order) {
    Ctx.setNode(*N);
    std::string Domain = N->domain() == "ai.onnx" ? "" : N->domain();
    ImportFn Fn = lookupImporter(Domain, N->op_type());
    if (!Fn)
      return Ctx.error("unsupported operator '" + N->op_type() + "'" +
                       (Domain.empty() ? "" : " of domain '" + Domain + "'"));
    llvm::Error E = Fn(Ctx);
    // A mistyped attribute explains whatever else went wrong with the node.
    if (llvm::Error AttrE = Ctx.takeAttrError()) {
      llvm::consumeError(std::move(E));
      return std::move(AttrE);
    }
    if (E)
      return std::move(E);
  }

  for (const auto &Out : GP.output()) {
    Value *V = Ctx.lookup(Out.name());
    if (!V)
      return makeError("graph output '{}' is not produced by any node", Out.name());
    if (V->type().Elem != ElemType::F32)
      return makeError("graph output '{}' has element type {}; only float outputs are supported",
                       Out.name(), elemTypeName(V->type().Elem));
    if (auto E = checkDeclaredShape(Out, V->type().Dims))
      return std::move(E);
    G->addOutput(V);
  }
  G->removeUnusedConstants();
  bool HasBatchNorm = false;
  for (const Op *O : G->ops())
    HasBatchNorm |= O->kind() == OpKind::BatchNorm;
  if (!Opts.BatchNormArith && HasBatchNorm && Opts.Note)
    Opts.Note(fmt::format("BatchNorm follows {} arithmetic at ties (--bn-arith=auto, "
                          "producer_name '{}')",
                          bnArithName(*Resolved.BatchNormArith), printable(M.producer_name())));
  if (auto E = verifyGraph(*G))
    return withContext(std::move(E), "imported graph is invalid");
  return std::move(G);
}

/// The deepest nesting of (), [] and {} in ONNX text, outside strings and
/// comments. ONNX's parser recurses once per level (nested types, graph-valued
/// attributes), so a deep input would overflow the stack: it is refused first.
size_t textNestingDepth(const std::string &Text) {
  size_t Depth = 0, Max = 0;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    if (C == '#') {
      while (I < Text.size() && Text[I] != '\n')
        ++I;
    } else if (C == '"') {
      for (++I; I < Text.size() && Text[I] != '"'; ++I)
        if (Text[I] == '\\')
          ++I;
    } else if (C == '(' || C == '[' || C == '{') {
      Max = std::max(Max, ++Depth);
    } else if ((C == ')' || C == ']' || C == '}') && Depth > 0) {
      --Depth;
    }
  }
  return Max;
}

constexpr size_t MaxTextNesting = 64;

llvm::Expected<std::unique_ptr<Graph>>
importText(const std::string &Text, const ImportOptions &Opts, const std::string &ModelDir) {
  size_t Depth = textNestingDepth(Text);
  if (Depth > MaxTextNesting)
    return makeError("not valid ONNX text syntax: brackets nest {} deep, more than the limit of {}",
                     Depth, MaxTextNesting);
  onnx::ModelProto M;
  onnx::Common::Status S;
  try {
    S = onnx::OnnxParser::Parse(M, Text.c_str());
  } catch (const std::out_of_range &) {
    // ONNX's parser converts numbers with std::stoll and friends.
    return makeError("not valid ONNX text syntax: a number is out of range");
  } catch (const std::invalid_argument &) {
    // Their what() is just the function's name ("stoll"): say what it means.
    return makeError("not valid ONNX text syntax: a malformed number");
  } catch (const std::exception &E) {
    return makeError("not valid ONNX text syntax: {}", E.what());
  }
  if (!S.IsOK()) {
    // ONNX's message spans several lines; diagnostics are one line.
    std::string Msg = S.ErrorMessage();
    for (char &C : Msg)
      if (C == '\n')
        C = ' ';
    return makeError("not valid ONNX text syntax: {}", llvm::StringRef(Msg).trim().str());
  }
  return importModel(M, Opts, ModelDir);
}

llvm::Expected<std::unique_ptr<Graph>>
importProto(const std::string &Bytes, const ImportOptions &Opts, const std::string &ModelDir) {
  // Protobuf bounds message nesting (100 levels by default), so a model of
  // deeply nested subgraphs fails to parse instead of exhausting the stack.
  onnx::ModelProto M;
  if (Bytes.empty() || !M.ParseFromString(Bytes))
    return makeError("not a valid ONNX model (protobuf parse failed: truncated or not ONNX)");
  return importModel(M, Opts, ModelDir);
}

} // namespace

llvm::Expected<std::unique_ptr<Graph>> importOnnxText(const std::string &Text,
                                                      const ImportOptions &Opts) {
  return importText(Text, Opts, "");
}

llvm::Expected<std::unique_ptr<Graph>> importOnnxFile(const std::string &FileName,
                                                      const ImportOptions &Opts) {
  std::ifstream In(FileName, std::ios::binary);
  if (!In)
    return makeError("cannot open file: {}", std::strerror(errno));
  std::stringstream SS;
  SS << In.rdbuf();
  std::string Bytes = SS.str();
  std::string ModelDir = llvm::sys::path::parent_path(FileName).str();
  if (ModelDir.empty())
    ModelDir = ".";
  if (llvm::StringRef(FileName).endswith(".onnxtext"))
    return importText(Bytes, Opts, ModelDir);
  return importProto(Bytes, Opts, ModelDir);
}

llvm::Expected<std::unique_ptr<Graph>> importOnnxProto(const std::string &Bytes,
                                                       const ImportOptions &Opts) {
  return importProto(Bytes, Opts, "");
}

} // namespace xnorc
