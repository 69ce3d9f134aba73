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
// the default of Ops.def, so no reader repeats a default; isSet("name") says
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
  int64_t intAttr(const char *Name) const { return attrAsInt(attr(Name)); }
  double floatAttr(const char *Name) const { return attrAsFloat(attr(Name)); }
  std::vector<int64_t> intsAttr(const char *Name) const { return attrAsInts(attr(Name)); }
  std::vector<double> floatsAttr(const char *Name) const { return attrAsFloats(attr(Name)); }
  std::string stringAttr(const char *Name) const { return attrAsString(attr(Name)); }

private:
  /// The attribute's value, or its default from Ops.def.
  Attr attr(const char *Name) const;

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
#define XNORC_VIEW_ATTR_Int(Name)                                                                  \
  int64_t Name() const { return intAttr(#Name); }
#define XNORC_VIEW_ATTR_Float(Name)                                                                \
  double Name() const { return floatAttr(#Name); }
#define XNORC_VIEW_ATTR_Ints(Name)                                                                 \
  std::vector<int64_t> Name() const { return intsAttr(#Name); }
#define XNORC_VIEW_ATTR_Floats(Name)                                                               \
  std::vector<double> Name() const { return floatsAttr(#Name); }
#define XNORC_VIEW_ATTR_String(Name)                                                               \
  std::string Name() const { return stringAttr(#Name); }

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
#define XNORC_ATTR(Name, Type, Default, Constraint) XNORC_VIEW_ATTR_##Type(Name)
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
#undef XNORC_VIEW_ATTR_Int
#undef XNORC_VIEW_ATTR_Float
#undef XNORC_VIEW_ATTR_Ints
#undef XNORC_VIEW_ATTR_Floats
#undef XNORC_VIEW_ATTR_String

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

} // namespace xnorc

#endif
