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
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace xnorc {

class Graph;
class Op;

/// One use of a value: operand Slot of User.
struct Use {
  Op *User;
  unsigned Slot;
};

class Value {
public:
  Value(std::string Name, TensorType Type) : Name(std::move(Name)), Type(std::move(Type)) {}

  const std::string &name() const { return Name; }
  /// Renames the value; the owning graph's name table follows (uniqueName).
  void setName(std::string N);
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

  /// Every operand slot that reads this value, kept up to date by every IR
  /// mutation. The order is deterministic (it depends only on the sequence of
  /// mutations) but not the op order: erasing a use moves the last one into its
  /// place.
  const std::vector<Use> &uses() const { return Uses; }
  bool hasUses() const { return !Uses.empty(); }
  /// How many graph output slots hold this value.
  unsigned numOutputUses() const { return OutputUses; }

private:
  friend class Graph;
  friend class Op;
  std::string Name;
  TensorType Type;
  Op *Def = nullptr;
  std::optional<Tensor> Const;
  std::vector<Use> Uses;
  unsigned OutputUses = 0;
  Graph *Owner = nullptr;
  std::list<std::unique_ptr<Value>>::iterator Pos; ///< in Owner's value list
};

class Op {
public:
  Op(OpKind Kind, std::string Name) : Kind(Kind), Name(std::move(Name)) {}
  Op(const Op &) = delete;
  Op &operator=(const Op &) = delete;
  ~Op();

  OpKind kind() const { return Kind; }
  const char *mnemonic() const { return opMnemonic(Kind); }
  /// The source node's name, kept for diagnostics and reports.
  const std::string &name() const { return Name; }

  const std::vector<Value *> &operands() const { return Operands; }
  Value *operand(unsigned I) const { return Operands[I]; }
  unsigned numOperands() const { return Operands.size(); }
  /// Points operand I at V; both values' use-lists follow.
  void setOperand(unsigned I, Value *V);
  Value *result() const { return Result; }

  Attributes &attrs() { return Attrs; }
  const Attributes &attrs() const { return Attrs; }

  /// "conv 'Conv_3'" — how diagnostics name an op.
  std::string describe() const;

private:
  friend class Graph;
  /// Registers operand I in its value's use-list / takes it out again (O(1)).
  void addUse(unsigned I);
  void dropUse(unsigned I);
  void dropAllUses();

  OpKind Kind;
  std::string Name;
  std::vector<Value *> Operands;
  /// UseIndex[I]: where operand I sits in Operands[I]->Uses.
  std::vector<unsigned> UseIndex;
  Value *Result = nullptr;
  Attributes Attrs;
  std::list<std::unique_ptr<Op>>::iterator Pos; ///< in the graph's op list
};

class Graph {
public:
  explicit Graph(std::string Name = "model") : Name(std::move(Name)) {}
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;
  ~Graph();

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
  /// Inserts a new op right before Before (to keep the list topological). O(1).
  Op *insertOpBefore(Op *Before, OpKind Kind, std::string OpName, std::vector<Value *> Operands,
                     Attributes Attrs, std::string ResultName, TensorType ResultType);
  /// Moves O right before Before in the op list. The caller keeps the list topological
  /// (every operand of O still defined before it, every user after it). O(1).
  void moveOpBefore(Op *O, Op *Before);
  void addOutput(Value *V);
  void setOutput(unsigned I, Value *V);

  const std::vector<Value *> &inputs() const { return Inputs; }
  const std::vector<Value *> &outputs() const { return Outputs; }
  /// The ops in topological order (a copy: safe to iterate while rewriting).
  std::vector<Op *> ops() const;
  size_t numOps() const { return OpList.size(); }
  /// The constants, in the order they were added.
  std::vector<Value *> constants() const;

  /// Adds an operand at the end of O's operand list.
  void appendOperand(Op *O, Value *V);
  /// Every use of From (operands and graph outputs) now refers to To. O(uses).
  void replaceAllUsesWith(Value *From, Value *To);
  /// Replaces Old by the value New: every use of Old's result now reads New,
  /// New takes over the result's name, and Old is erased. New keeps Old's
  /// place in the IR as ONNX named it, so graph outputs and later references
  /// stay readable. If New is produced by an op, that op takes Old's op name
  /// unless it already has one.
  void replaceOp(Op *Old, Value *New);
  /// Removes ops and their results, and values no longer referenced. The
  /// results must be unused except by other ops of Dead. O(|Dead|).
  void eraseOps(const std::vector<Op *> &Dead);
  /// Drops constants nothing refers to. O(values).
  void removeUnusedConstants();
  /// Ops that use V as an operand, each once, in use-list order (see
  /// Value::uses()). O(uses).
  std::vector<Op *> users(const Value *V) const;
  bool isGraphOutput(const Value *V) const { return V->OutputUses != 0; }

  /// A value name not used yet: Base if free, else Base.1, Base.2, ... (the
  /// lowest free suffix). O(1) amortised: names are counted as they come and go.
  std::string uniqueName(const std::string &Base) const;

private:
  friend class Value;
  Value *newValue(std::string Name, TensorType Type);
  void eraseValue(Value *V);
  std::unique_ptr<Op> makeOp(OpKind Kind, std::string OpName, std::vector<Value *> Operands,
                             Attributes Attrs, std::string ResultName, TensorType ResultType);
  Op *link(std::list<std::unique_ptr<Op>>::iterator Where, std::unique_ptr<Op> O);
  void takeName(const std::string &N);
  void releaseName(const std::string &N);

  std::string Name;
  int64_t SourceWeightBytes = 0;
  std::vector<Value *> Inputs;
  std::vector<Value *> Outputs;
  std::list<std::unique_ptr<Op>> OpList;
  std::list<std::unique_ptr<Value>> Values;
  /// How many values hold each name.
  std::unordered_map<std::string, unsigned> NameCount;
  /// Per base name B: every "B.i" with 0 < i < NextSuffix[B] is taken.
  mutable std::unordered_map<std::string, int64_t> NextSuffix;
};

} // namespace xnorc

#endif
