//===- Graph.h - Values, ops and the graph of the xnorc IR -------*- C++ -*-===//
//
// The IR is a single-block SSA graph: values are produced once (by an op, as a
// graph input, or as a constant) and ops are kept in a topological order.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_GRAPH_H
#define XNORC_IR_GRAPH_H

#include "compiler/IR/Attributes.h"
#include "compiler/IR/OpSchema.h"
#include "compiler/IR/Tensor.h"
#include "compiler/IR/Type.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace xnorc {

class Op;

class Value {
public:
  Value(std::string Name, TensorType Type) : Name(std::move(Name)), Type(std::move(Type)) {}

  const std::string &name() const { return Name; }
  void setName(std::string N) { Name = std::move(N); }
  const TensorType &type() const { return Type; }
  void setType(TensorType T) { Type = std::move(T); }

  /// The op producing this value; null for graph inputs and constants.
  Op *definingOp() const { return Def; }
  bool isConstant() const { return Const.has_value(); }
  const Tensor &constant() const { return *Const; }
  void setConstant(Tensor T) {
    Type = T.type();
    Const = std::move(T);
    Def = nullptr;
  }

private:
  friend class Graph;
  std::string Name;
  TensorType Type;
  Op *Def = nullptr;
  std::optional<Tensor> Const;
};

class Op {
public:
  Op(OpKind Kind, std::string Name) : Kind(Kind), Name(std::move(Name)) {}

  OpKind kind() const { return Kind; }
  const char *mnemonic() const { return opMnemonic(Kind); }
  /// The source node's name, kept for diagnostics and reports.
  const std::string &name() const { return Name; }

  const std::vector<Value *> &operands() const { return Operands; }
  Value *operand(unsigned I) const { return Operands[I]; }
  unsigned numOperands() const { return Operands.size(); }
  void setOperand(unsigned I, Value *V) { Operands[I] = V; }
  Value *result() const { return Result; }

  Attributes &attrs() { return Attrs; }
  const Attributes &attrs() const { return Attrs; }

  /// "conv 'Conv_3'" — how diagnostics name an op.
  std::string describe() const;

private:
  friend class Graph;
  OpKind Kind;
  std::string Name;
  std::vector<Value *> Operands;
  Value *Result = nullptr;
  Attributes Attrs;
};

class Graph {
public:
  explicit Graph(std::string Name = "model") : Name(std::move(Name)) {}
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;

  const std::string &name() const { return Name; }
  void setName(std::string N) { Name = std::move(N); }

  /// Bytes of the source model's weights (initializers) as the importer read
  /// them; the baseline the report compares generated constants with.
  int64_t sourceWeightBytes() const { return SourceWeightBytes; }
  void setSourceWeightBytes(int64_t B) { SourceWeightBytes = B; }

  Value *addInput(std::string Name, TensorType Type);
  Value *addConstant(std::string Name, Tensor T);
  /// Appends an op at the end of the op list; its result gets ResultType.
  Op *addOp(OpKind Kind, std::string OpName, std::vector<Value *> Operands, Attributes Attrs,
            std::string ResultName, TensorType ResultType);
  /// Inserts a new op right before Before (to keep the list topological).
  Op *insertOpBefore(Op *Before, OpKind Kind, std::string OpName, std::vector<Value *> Operands,
                     Attributes Attrs, std::string ResultName, TensorType ResultType);
  void addOutput(Value *V) { Outputs.push_back(V); }
  void setOutput(unsigned I, Value *V) { Outputs[I] = V; }

  const std::vector<Value *> &inputs() const { return Inputs; }
  const std::vector<Value *> &outputs() const { return Outputs; }
  std::vector<Op *> ops() const;
  std::vector<Value *> constants() const;

  /// Adds an operand at the end of O's operand list.
  void appendOperand(Op *O, Value *V) { O->Operands.push_back(V); }
  /// Every use of From (operands and graph outputs) now refers to To.
  void replaceAllUsesWith(Value *From, Value *To);
  /// Removes ops (their results must be unused) and values no longer referenced.
  void eraseOps(const std::vector<Op *> &Dead);
  /// Drops constants nothing refers to.
  void removeUnusedConstants();
  /// Ops that use V as an operand.
  std::vector<Op *> users(const Value *V) const;
  bool isGraphOutput(const Value *V) const;

  /// A value name not used yet, derived from Base.
  std::string uniqueName(const std::string &Base) const;

private:
  Value *newValue(std::string Name, TensorType Type);
  std::unique_ptr<Op> makeOp(OpKind Kind, std::string OpName, std::vector<Value *> Operands,
                             Attributes Attrs, std::string ResultName, TensorType ResultType);

  std::string Name;
  int64_t SourceWeightBytes = 0;
  std::vector<Value *> Inputs;
  std::vector<Value *> Outputs;
  std::vector<std::unique_ptr<Op>> OpList;
  std::vector<std::unique_ptr<Value>> Values;
};

} // namespace xnorc

#endif
