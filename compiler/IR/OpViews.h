//===- OpViews.h - Typed accessors generated from Ops.def --------*- C++ -*-===//
//
// One thin view class per op kind (ConvOp, BConvOp, ...) and per interface of
// Ops.def (WindowedOp, ScaledLayerOp, ...), with a method per operand role and
// per attribute:
//
//   if (auto C = dyn_cast<ConvOp>(O))
//     use(C->pads(), C->group(), C->bias());   // bias() is null when absent
//   O.setOperand(ConvOp::wIndex, NewW);
//
// Attribute accessors return the value the op holds or, when it is omitted,
// the default of Ops.def, so no reader repeats a default. Writes are typed too,
// generated from the same row: a static setter per attribute, for an op or for
// the Attributes of an op being built, and an unsetter that omits it again:
//
//   FusedActivationOp::set_activation(*Conv, "relu");
//   Attributes A;
//   ReshapeOp::set_shape(A, Dims);
//   BatchNormOp::unset_arith(BN);
//
// so no code outside the IR library writes an attribute by name. isSet("name") says
// whether it is written, and declaredAttrs() copies the view's written ones
// (`PoolOp(*Pool).declaredAttrs()` gives a bit pool the float pool's window). Operand accessors of
// Optional roles return null when the operand is absent. A view holds
// pointers to the op's operands and attributes: it lives no longer than they.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_IR_OPVIEWS_H
#define XNORC_IR_OPVIEWS_H

#include "compiler/IR/Graph.h"

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace xnorc {

/// What every view shares: the op's kind, operands and attributes.
class OpView {
public:
  explicit OpView(const Op &O) : OpView(O.kind(), O.operands(), O.attrs()) {}
  /// A view of an op not built yet (the importer types ops before adding them).
  OpView(OpKind Kind, const std::vector<Value *> &Operands, const Attributes &Attrs)
      : Kind(Kind), Operands(&Operands), Attrs(&Attrs) {}

  OpKind kind() const { return Kind; }
  const std::vector<Value *> &operands() const { return *Operands; }
  /// True if the attribute is written on the op (not defaulted).
  bool isSet(const char *Name) const { return Attrs->has(Name); }
  /// The same op through another view (which must apply to it).
  template <typename View> View as() const { return View(Kind, *Operands, *Attrs); }

protected:
  Value *operandAt(unsigned I) const { return I < Operands->size() ? (*Operands)[I] : nullptr; }
  std::vector<Value *> operandsFrom(unsigned I) const {
    return I < Operands->size() ? std::vector<Value *>(Operands->begin() + I, Operands->end())
                                : std::vector<Value *>();
  }
  /// Those of the attributes Specs that are written on the op.
  Attributes writtenAttrs(const std::vector<AttrSpec> &Specs) const;
  /// The attribute's value, or its default from Ops.def.
  Attr attr(const char *Name) const;

private:
  OpKind Kind;
  const std::vector<Value *> *Operands;
  const Attributes *Attrs;
};

// Operand positions: ConvOp::xIndex, ConvOp::wIndex, ConvOp::biasIndex (NumOperandRoles ends
// the list, so an op or interface without operands still declares an enumerator).
#define XNORC_OPERAND(Role, Presence) Role##Index,
#define XNORC_OP(Kind, Mnemonic, Traits, OperandList, AttrList)                                    \
  struct Kind##OpOperands {                                                                        \
    enum : unsigned { OperandList NumOperandRoles };                                               \
  };
#define XNORC_INTERFACE(Name, Trait, OperandList, AttrList)                                        \
  struct Name##Operands {                                                                          \
    enum : unsigned { OperandList NumOperandRoles };                                               \
  };
#include "compiler/IR/Ops.def"

#define XNORC_VIEW_OPERAND_Required(Role)                                                          \
  Value *Role() const { return operandAt(Role##Index); }
#define XNORC_VIEW_OPERAND_Optional(Role)                                                          \
  Value *Role() const { return operandAt(Role##Index); }
#define XNORC_VIEW_OPERAND_Variadic(Role)                                                          \
  std::vector<Value *> Role() const { return operandsFrom(Role##Index); }

// The C++ type of each attribute Type of Ops.def, which attrAs<Type>
// (attrAsInt, attrAsInts, ...: Attributes.h) reads.
#define XNORC_VIEW_ATTR_TYPE_Int int64_t
#define XNORC_VIEW_ATTR_TYPE_Float double
#define XNORC_VIEW_ATTR_TYPE_Ints std::vector<int64_t>
#define XNORC_VIEW_ATTR_TYPE_Floats std::vector<double>
#define XNORC_VIEW_ATTR_TYPE_String std::string

// An attribute's getter, setters and unsetters. The Op overloads check that the
// view applies to the op; the Attributes ones serve an op not built yet.
#define XNORC_VIEW_ATTR(Name, Type)                                                                \
  XNORC_VIEW_ATTR_TYPE_##Type Name() const { return attrAs##Type(attr(#Name)); }                   \
  static void set_##Name(Attributes &A, XNORC_VIEW_ATTR_TYPE_##Type V) {                           \
    A.set(#Name, std::move(V));                                                                    \
  }                                                                                                \
  static void set_##Name(Op &O, XNORC_VIEW_ATTR_TYPE_##Type V) {                                   \
    assert(classof(O.kind()));                                                                     \
    set_##Name(O.attrs(), std::move(V));                                                           \
  }                                                                                                \
  static void unset_##Name(Attributes &A) { A.erase(#Name); }                                      \
  static void unset_##Name(Op &O) {                                                                \
    assert(classof(O.kind()));                                                                     \
    unset_##Name(O.attrs());                                                                       \
  }

#define XNORC_VIEW_CLASS(Name, Classof, Schema, OperandList, AttrList)                             \
  class Name : public OpView, public Name##Operands {                                              \
  public:                                                                                          \
    static bool classof(OpKind K) { return Classof; }                                              \
    /* The attributes of this view the op writes (omitted ones stay omitted, not defaulted),    */ \
    /* to give a new op the same settings.                                                      */ \
    Attributes declaredAttrs() const { return writtenAttrs(Schema.Attrs); }                        \
    explicit Name(const Op &O) : OpView(O) { assert(classof(O.kind())); }                          \
    Name(OpKind K, const std::vector<Value *> &Ops, const Attributes &A) : OpView(K, Ops, A) {     \
      assert(classof(K));                                                                          \
    }                                                                                              \
    OperandList AttrList                                                                           \
  };

#define XNORC_OPERAND(Role, Presence) XNORC_VIEW_OPERAND_##Presence(Role)
#define XNORC_ATTR(Name, Type, Default, Constraint) XNORC_VIEW_ATTR(Name, Type)
#define XNORC_OP(Kind, Mnemonic, Traits, OperandList, AttrList)                                    \
  XNORC_VIEW_CLASS(Kind##Op, K == OpKind::Kind, opSchema(OpKind::Kind), OperandList, AttrList)
#define XNORC_INTERFACE(Name, Trait, OperandList, AttrList)                                        \
  XNORC_VIEW_CLASS(Name, implementsInterface(K, OpInterface::Name),                                \
                   interfaceSchema(OpInterface::Name), OperandList, AttrList)
#include "compiler/IR/Ops.def"

#undef XNORC_VIEW_CLASS
#undef XNORC_VIEW_OPERAND_Required
#undef XNORC_VIEW_OPERAND_Optional
#undef XNORC_VIEW_OPERAND_Variadic
#undef XNORC_VIEW_ATTR
#undef XNORC_VIEW_ATTR_TYPE_Int
#undef XNORC_VIEW_ATTR_TYPE_Float
#undef XNORC_VIEW_ATTR_TYPE_Ints
#undef XNORC_VIEW_ATTR_TYPE_Floats
#undef XNORC_VIEW_ATTR_TYPE_String

/// True if O is an op the view View applies to.
template <typename View> bool isa(const Op &O) { return View::classof(O.kind()); }
template <typename View> bool isa(const Op *O) { return O && isa<View>(*O); }

/// A View of O, or nothing if View does not apply to O.
template <typename View> std::optional<View> dyn_cast(const Op &O) {
  if (!isa<View>(O))
    return std::nullopt;
  return View(O);
}
template <typename View> std::optional<View> dyn_cast(const Op *O) {
  if (!isa<View>(O))
    return std::nullopt;
  return View(*O);
}

/// The 8-bit integer ops: quantize, dequantize, qconv, qgemm. Like the binary
/// ops, the interpreter evaluates them from their definition, not their kernels.
inline bool isQuantizedOp(OpKind K) { return QLinearOp::classof(K) || QLayerOp::classof(K); }

/// A quantize's clamp range: its lo / hi attributes, or (absent) its result type's range.
struct QuantizeBounds {
  int64_t Lo, Hi;
};
template <typename View> QuantizeBounds quantizeBoundsOf(const View &Q, ElemType E) {
  return {Q.isSet("lo") ? Q.lo() : integerTypeMin(E), Q.isSet("hi") ? Q.hi() : integerTypeMax(E)};
}
inline QuantizeBounds quantizeBounds(const QuantizeOp &Q) {
  return quantizeBoundsOf(Q, Q.zero_point()->type().Elem);
}
/// The same for a binary layer requantized in its epilogue.
inline QuantizeBounds quantizeBounds(const QuantizedLayerOp &Q) {
  return quantizeBoundsOf(Q, Q.y_zero_point()->type().Elem);
}

} // namespace xnorc

#endif
