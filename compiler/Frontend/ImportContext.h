//===- ImportContext.h - State shared by the per-op importers ----*- C++ -*-===//
//
// Each ONNX op is lowered by one function in the import table (ImportTable.cpp).
// Importers read inputs and attributes through this context and create IR ops
// with emit(), which types the result and folds it when every operand is a
// constant, so exporters' Shape/Gather/Concat chains become plain constants.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_FRONTEND_IMPORTCONTEXT_H
#define XNORC_FRONTEND_IMPORTCONTEXT_H

#include "compiler/Frontend/OnnxImporter.h"
#include "compiler/IR/Graph.h"
#include "compiler/Support/CheckedArith.h"
#include "compiler/Support/Error.h"

#include <onnx/onnx_pb.h>
#include <optional>
#include <unordered_map>

namespace xnorc {

/// Where a TensorProto's data may come from and how large the tensor may be.
struct TensorSource {
  ModelLimits Limits;
  /// The folder of the model file, which external data must stay inside. Empty:
  /// external data is refused (a model given as text in memory).
  std::string ModelDir;
};

class ImportContext {
public:
  ImportContext(Graph &G, int64_t Opset, const ImportOptions &Opts, std::string ModelDir)
      : G(G), Opset(Opset), Opts(Opts), Source{Opts.Limits, std::move(ModelDir)} {}

  const ImportOptions &options() const { return Opts; }
  /// Emits a note once per distinct text (conventions applied while importing).
  void noteOnce(const std::string &Text);

  Graph &graph() { return G; }
  int64_t opset() const { return Opset; }
  const onnx::NodeProto &node() const { return *Node; }
  void setNode(const onnx::NodeProto &N) {
    Node = &N;
    AttrError.clear();
  }

  /// Input I of the current node; error if absent. Optional inputs may be empty names.
  llvm::Expected<Value *> input(int I) const;
  bool hasInput(int I) const;
  /// Input I, which must be a compile-time constant (after folding).
  llvm::Expected<const Tensor *> constantInput(int I) const;
  /// Input I as a compile-time constant of integers (shapes, axes, pads: int64 in ONNX, so
  /// a float tensor is an error, not a value rounded into a dimension).
  llvm::Expected<std::vector<int64_t>> constantInts(int I) const;

  /// Typed attribute reads. An attribute of another type than the read asks for
  /// gives Default and records an error that the import reports for this node
  /// (takeAttrError), so a model cannot make a float mean 0 silently.
  bool hasAttr(const std::string &Name) const;
  int64_t attrInt(const std::string &Name, int64_t Default) const;
  float attrFloat(const std::string &Name, float Default) const;
  std::vector<int64_t> attrInts(const std::string &Name, std::vector<int64_t> Default = {}) const;
  std::string attrString(const std::string &Name, std::string Default = {}) const;
  const onnx::AttributeProto *attr(const std::string &Name) const;
  /// The attribute Name if it has type Type; otherwise null, recording the
  /// mismatch if it exists with another type.
  const onnx::AttributeProto *attr(const std::string &Name,
                                   onnx::AttributeProto::AttributeType Type) const;
  /// The first attribute type mismatch of the current node, if any (and clears it).
  llvm::Error takeAttrError();

  /// Creates Kind on Operands, named after output Out of the current node, typed
  /// by its shape rule, and folded if all operands are constants. Out = -1
  /// makes an intermediate value that no node output refers to.
  llvm::Expected<Value *> emit(OpKind Kind, std::vector<Value *> Operands, Attributes Attrs,
                               int Out = 0);
  /// Makes output Out of the current node refer to V (for ops that lower to nothing).
  void bindOutput(int Out, Value *V);
  /// Binds output 0 to a new constant holding T (named after it; a node without that output,
  /// which only a malformed model has, binds nothing).
  void bindConstantOutput(Tensor T);
  /// The name of output Out's value: the output's own, or one made from the node's.
  std::string resultName(int Out) const;
  /// A new constant owned by the graph.
  Value *constant(Tensor T, const std::string &NameHint);

  void define(const std::string &OnnxName, Value *V) { Symbols[OnnxName] = V; }
  Value *lookup(const std::string &OnnxName) const;

  /// Normalises a possibly negative axis against Rank; errors if out of range.
  llvm::Expected<int64_t> normalizeAxis(int64_t Axis, int64_t Rank) const;
  /// An error about the current node with its op type and name.
  llvm::Error error(const std::string &Msg) const;
  /// T against the import's limits; What names the tensor in the error.
  llvm::Error checkLimits(const TensorType &T, const std::string &What) const;
  /// A tensor of the model (initializer or attribute), read within the limits.
  llvm::Expected<Tensor> readTensor(const onnx::TensorProto &P) const;

private:
  Graph &G;
  int64_t Opset;
  const ImportOptions &Opts;
  TensorSource Source;
  std::vector<std::string> NotesGiven;
  const onnx::NodeProto *Node = nullptr;
  mutable std::string AttrError;
  std::unordered_map<std::string, Value *> Symbols;
};

using ImportFn = llvm::Error (*)(ImportContext &);

/// The importer for an op type in a domain ("" for ONNX's default domain, or a
/// QONNX/FINN custom-op domain), or null if unsupported.
ImportFn lookupImporter(const std::string &Domain, const std::string &OpType);

/// Converts an ONNX TensorProto to a Tensor (f32 / i64; f64, i32 and bool widen or
/// narrow), checking its type against Src's limits before allocating and reading
/// external data through readExternalData.
llvm::Expected<Tensor> tensorFromProto(const onnx::TensorProto &T, const TensorSource &Src);

} // namespace xnorc

#endif
