//===- OpSchema.h - What Ops.def says about each op --------------*- C++ -*-===//
//
// The op table of Ops.def as data: per op kind its mnemonic, traits, operand
// roles and attribute specs (type, default, constraint). The verifier checks
// attributes against it, typed accessors (OpViews.h) take their defaults from
// it, and docs/OpTable.md is printed from it (OpTableDoc.h).
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_OPSCHEMA_H
#define XNORC_IR_OPSCHEMA_H

#include "compiler/IR/Attributes.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace xnorc {

class Value;

enum class OpKind {
#define XNORC_OP(Kind, Mnemonic, Traits, Operands, Attributes) Kind,
#include "compiler/IR/Ops.def"
};

constexpr unsigned NumOpKinds = 0
#define XNORC_OP(Kind, Mnemonic, Traits, Operands, Attributes) +1
#include "compiler/IR/Ops.def"
    ;

/// Properties of an op kind that code queries instead of listing kinds; what
/// each means is in OpTraits.def.
enum class OpTrait : unsigned {
#define XNORC_OP_TRAIT(Name, Bit, Description) Name = 1u << Bit,
#include "compiler/IR/OpTraits.def"
};

/// Every trait, in OpTraits.def's order.
const std::vector<OpTrait> &allOpTraits();
const char *traitName(OpTrait T);
const char *traitDescription(OpTrait T);

enum class OperandPresence { Required, Optional, Variadic };
enum class AttrType { Int, Float, Ints, Floats, String };

/// The most operands a Variadic operand takes.
constexpr unsigned MaxVariadicOperands = 64;

struct OperandSpec {
  const char *Role;
  OperandPresence Presence;
};

/// What an omitted attribute means.
struct AttrDefault {
  enum class Kind {
    Required,       ///< must be present
    Optional,       ///< absence has a meaning; reads give the empty value
    Value,          ///< Fixed
    PerSpatialDim,  ///< Fixed repeated once per spatial dim of operand 0
    PerSpatialBound ///< Fixed repeated twice per spatial dim (begins, ends)
  };
  Kind K = Kind::Required;
  Attr Fixed = int64_t(0);
};

/// Checks on an attribute's value; list constraints apply to every element.
struct AttrConstraint {
  enum class Length { Any, Spatial, TwiceSpatial, TwiceRank };
  bool HasMin = false, HasMax = false;
  double Min = 0, Max = 0;
  Length Len = Length::Any;
  std::vector<std::string> OneOf;
};

struct AttrSpec {
  const char *Name;
  AttrType Type;
  AttrDefault Default;
  AttrConstraint Constraint;
};

struct OpSchema {
  OpKind Kind;
  const char *Mnemonic;
  unsigned Traits;
  std::vector<OperandSpec> Operands;
  std::vector<AttrSpec> Attrs;

  unsigned minOperands() const;
  unsigned maxOperands() const;
  /// The attribute named Name, or null if the op has none.
  const AttrSpec *attr(const std::string &Name) const;
  /// The position of the operand with this role, or -1.
  int operandIndex(const std::string &Role) const;
  bool has(OpTrait T) const { return Traits & static_cast<unsigned>(T); }
};

const OpSchema &opSchema(OpKind K);

/// The shared views of Ops.def's XNORC_INTERFACE rows (OpViews.h).
enum class OpInterface {
#define XNORC_INTERFACE(Name, Trait, Operands, Attributes) Name,
#include "compiler/IR/Ops.def"
};

constexpr unsigned NumOpInterfaces = 0
#define XNORC_INTERFACE(Name, Trait, Operands, Attributes) +1
#include "compiler/IR/Ops.def"
    ;

/// An interface row: the trait, and the operands (at these positions) and
/// attributes (of these types) an op must share with it.
struct InterfaceSchema {
  const char *Name;
  unsigned Trait;
  std::vector<OperandSpec> Operands;
  std::vector<AttrSpec> Attrs;
};

const InterfaceSchema &interfaceSchema(OpInterface I);

/// True if K's table row has the interface's operands at its positions, its
/// attributes with their types, and its trait.
bool implementsInterface(OpKind K, OpInterface I);

const char *opMnemonic(OpKind K);
bool parseOpMnemonic(const std::string &S, OpKind &Out);
unsigned opMinOperands(OpKind K);
unsigned opMaxOperands(OpKind K);
inline bool hasTrait(OpKind K, OpTrait T) { return opSchema(K).has(T); }
/// True for the ops of the binary family (threshold, unpack, bconv, ...): the
/// only ops that read or write packed b1 values.
inline bool isBinaryOp(OpKind K) { return hasTrait(K, OpTrait::Binary); }

const char *attrTypeName(AttrType T);
/// True if A holds a value of type T (ints are accepted where floats are: the
/// text form writes 1 for 1.0, and an empty list reads back as ints).
bool attrHasType(const Attr &A, AttrType T);
/// The value an omitted attribute takes; SpatialRank is operand 0's rank - 2.
Attr defaultAttr(const AttrSpec &S, int64_t SpatialRank);

/// Checks Attrs against K's schema: no unknown attributes, every required one
/// present, every one of its type and within its constraint. Errors name the
/// attribute; callers prepend the op.
llvm::Error verifyAttributes(OpKind K, const std::vector<Value *> &Operands,
                             const Attributes &Attrs);

} // namespace xnorc

#endif
