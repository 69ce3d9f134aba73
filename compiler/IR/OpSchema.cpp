//===- OpSchema.cpp - Ops.def as data, and the attribute verifier ---------===//
#include "compiler/IR/OpSchema.h"

#include "compiler/IR/Graph.h"
#include "compiler/IR/Printer.h"
#include "compiler/Support/Error.h"

#include <llvm/Support/ErrorHandling.h>

#include <algorithm>
#include <cmath>

namespace xnorc {

namespace {

// The vocabulary of Ops.def's Default and Constraint columns.

AttrDefault required() { return {AttrDefault::Kind::Required, int64_t(0)}; }
AttrDefault optional() { return {AttrDefault::Kind::Optional, int64_t(0)}; }
AttrDefault value(int V) { return {AttrDefault::Kind::Value, int64_t(V)}; }
AttrDefault value(double V) { return {AttrDefault::Kind::Value, V}; }
AttrDefault perSpatialDim(int V) { return {AttrDefault::Kind::PerSpatialDim, int64_t(V)}; }
AttrDefault perSpatialBound(int V) { return {AttrDefault::Kind::PerSpatialBound, int64_t(V)}; }

AttrConstraint unconstrained() { return {}; }
AttrConstraint inRange(double Lo, double Hi) {
  AttrConstraint C;
  C.HasMin = C.HasMax = true;
  C.Min = Lo;
  C.Max = Hi;
  return C;
}
AttrConstraint nonNegative() {
  AttrConstraint C;
  C.HasMin = true;
  return C;
}
/// Integers >= 1 (every positive attribute is an integer).
AttrConstraint positive() {
  AttrConstraint C;
  C.HasMin = true;
  C.Min = 1;
  return C;
}
template <typename... Names> AttrConstraint oneOf(Names... N) {
  AttrConstraint C;
  C.OneOf = {N...};
  return C;
}
AttrConstraint withLength(AttrConstraint::Length L) {
  AttrConstraint C;
  C.Len = L;
  return C;
}
AttrConstraint lengthSpatial() { return withLength(AttrConstraint::Length::Spatial); }
AttrConstraint lengthTwiceSpatial() { return withLength(AttrConstraint::Length::TwiceSpatial); }
AttrConstraint lengthTwiceRank() { return withLength(AttrConstraint::Length::TwiceRank); }

/// Both constraints (they never set the same check in Ops.def).
AttrConstraint operator&(AttrConstraint A, const AttrConstraint &B) {
  if (B.HasMin) {
    A.HasMin = true;
    A.Min = B.Min;
  }
  if (B.HasMax) {
    A.HasMax = true;
    A.Max = B.Max;
  }
  if (B.Len != AttrConstraint::Length::Any)
    A.Len = B.Len;
  if (!B.OneOf.empty())
    A.OneOf = B.OneOf;
  return A;
}

// Trait names as Ops.def writes them.
constexpr unsigned NoTraits = 0;
#define XNORC_OP_TRAIT(Name, Bit, Description)                                                     \
  constexpr unsigned Name = static_cast<unsigned>(OpTrait::Name);
#include "compiler/IR/OpTraits.def"

struct TraitInfo {
  OpTrait Trait;
  const char *Name;
  const char *Description;
};

const std::vector<TraitInfo> &traitInfos() {
  static const std::vector<TraitInfo> Infos = {
#define XNORC_OP_TRAIT(Name, Bit, Description) {OpTrait::Name, #Name, Description},
#include "compiler/IR/OpTraits.def"
  };
  return Infos;
}

const TraitInfo &traitInfo(OpTrait T) {
  for (const TraitInfo &I : traitInfos())
    if (I.Trait == T)
      return I;
  llvm_unreachable("not a single trait");
}

const std::vector<OpSchema> &allSchemas() {
  static const std::vector<OpSchema> Schemas = {
#define XNORC_OP(Kind, Mnemonic, Traits, Operands, Attributes)                                     \
  OpSchema{OpKind::Kind, Mnemonic, Traits, {Operands}, {Attributes}},
#define XNORC_OPERAND(Role, Presence) OperandSpec{#Role, OperandPresence::Presence},
#define XNORC_ATTR(Name, Type, Default, Constraint)                                                \
  AttrSpec{#Name, AttrType::Type, Default, Constraint},
#include "compiler/IR/Ops.def"
  };
  return Schemas;
}

const std::vector<InterfaceSchema> &allInterfaces() {
  static const std::vector<InterfaceSchema> Interfaces = {
#define XNORC_INTERFACE(Name, Trait, Operands, Attributes)                                         \
  InterfaceSchema{#Name, Trait, {Operands}, {Attributes}},
#define XNORC_OPERAND(Role, Presence) OperandSpec{#Role, OperandPresence::Presence},
#define XNORC_ATTR(Name, Type, Default, Constraint)                                                \
  AttrSpec{#Name, AttrType::Type, Default, Constraint},
#include "compiler/IR/Ops.def"
  };
  return Interfaces;
}

bool computeImplements(const OpSchema &S, const InterfaceSchema &I) {
  if ((S.Traits & I.Trait) != I.Trait || I.Operands.size() > S.Operands.size())
    return false;
  for (size_t K = 0; K < I.Operands.size(); ++K)
    if (std::string(I.Operands[K].Role) != S.Operands[K].Role ||
        I.Operands[K].Presence != S.Operands[K].Presence)
      return false;
  for (const AttrSpec &A : I.Attrs) {
    const AttrSpec *Own = S.attr(A.Name);
    if (!Own || Own->Type != A.Type)
      return false;
  }
  return true;
}

const char *valueTypeName(const Attr &A) {
  static const char *Names[] = {"int", "float", "ints", "floats", "string"};
  return Names[A.index()];
}

/// The numbers of A (one for a scalar) as doubles; empty for strings.
std::vector<double> numbersOf(const Attr &A) {
  if (auto *I = std::get_if<int64_t>(&A))
    return {static_cast<double>(*I)};
  if (auto *F = std::get_if<double>(&A))
    return {*F};
  if (auto *V = std::get_if<std::vector<int64_t>>(&A))
    return std::vector<double>(V->begin(), V->end());
  if (auto *V = std::get_if<std::vector<double>>(&A))
    return *V;
  return {};
}

size_t listLength(const Attr &A) {
  if (auto *V = std::get_if<std::vector<int64_t>>(&A))
    return V->size();
  if (auto *V = std::get_if<std::vector<double>>(&A))
    return V->size();
  return 1;
}

llvm::Error checkConstraint(const AttrSpec &S, const Attr &A, int64_t Rank) {
  const AttrConstraint &C = S.Constraint;
  for (double V : numbersOf(A)) {
    if (C.HasMin && C.HasMax && (V < C.Min || V > C.Max))
      return makeError("attribute '{}' must be in [{}, {}], got {}", S.Name, C.Min, C.Max,
                       printAttrValue(A));
    if (C.HasMin && !C.HasMax && V < C.Min)
      return makeError("attribute '{}' must be {}, got {}", S.Name,
                       C.Min > 0 ? "positive" : "non-negative", printAttrValue(A));
  }
  if (!C.OneOf.empty()) {
    const std::string &Str = std::get<std::string>(A);
    if (std::find(C.OneOf.begin(), C.OneOf.end(), Str) == C.OneOf.end())
      return makeError("attribute '{}' must be one of {}, got {}", S.Name, fmt::join(C.OneOf, ", "),
                       printAttrValue(A));
  }
  int64_t Spatial = Rank - 2;
  size_t Want = 0;
  const char *Why = "";
  switch (C.Len) {
  case AttrConstraint::Length::Any:
    return llvm::Error::success();
  case AttrConstraint::Length::Spatial:
    Want = Spatial, Why = "one per spatial dim";
    break;
  case AttrConstraint::Length::TwiceSpatial:
    Want = 2 * Spatial, Why = "begin and end per spatial dim";
    break;
  case AttrConstraint::Length::TwiceRank:
    Want = 2 * Rank, Why = "begin and end per dim";
    break;
  }
  // Ranks below the op's minimum are the shape rule's to report.
  if (Spatial >= 0 && listLength(A) != Want)
    return makeError("attribute '{}' has {} values, expected {} ({} of a rank-{} input)", S.Name,
                     listLength(A), Want, Why, Rank);
  return llvm::Error::success();
}

} // namespace

unsigned OpSchema::minOperands() const {
  unsigned N = 0;
  for (const OperandSpec &O : Operands)
    N += O.Presence != OperandPresence::Optional;
  return N;
}

unsigned OpSchema::maxOperands() const {
  unsigned N = 0;
  for (const OperandSpec &O : Operands)
    N += O.Presence == OperandPresence::Variadic ? MaxVariadicOperands : 1;
  return N;
}

const AttrSpec *OpSchema::attr(const std::string &Name) const {
  for (const AttrSpec &A : Attrs)
    if (Name == A.Name)
      return &A;
  return nullptr;
}

int OpSchema::operandIndex(const std::string &Role) const {
  for (size_t I = 0; I < Operands.size(); ++I)
    if (Role == Operands[I].Role)
      return static_cast<int>(I);
  return -1;
}

const OpSchema &opSchema(OpKind K) { return allSchemas()[static_cast<size_t>(K)]; }

const InterfaceSchema &interfaceSchema(OpInterface I) {
  return allInterfaces()[static_cast<size_t>(I)];
}

const std::vector<OpTrait> &allOpTraits() {
  static const std::vector<OpTrait> Traits = [] {
    std::vector<OpTrait> T;
    for (const TraitInfo &I : traitInfos())
      T.push_back(I.Trait);
    return T;
  }();
  return Traits;
}

const char *traitName(OpTrait T) { return traitInfo(T).Name; }
const char *traitDescription(OpTrait T) { return traitInfo(T).Description; }

bool implementsInterface(OpKind K, OpInterface I) {
  static const std::vector<std::vector<bool>> Table = [] {
    std::vector<std::vector<bool>> T;
    for (const InterfaceSchema &IS : allInterfaces()) {
      T.emplace_back();
      for (const OpSchema &S : allSchemas())
        T.back().push_back(computeImplements(S, IS));
    }
    return T;
  }();
  return Table[static_cast<size_t>(I)][static_cast<size_t>(K)];
}

const char *opMnemonic(OpKind K) { return opSchema(K).Mnemonic; }
unsigned opMinOperands(OpKind K) { return opSchema(K).minOperands(); }
unsigned opMaxOperands(OpKind K) { return opSchema(K).maxOperands(); }

bool parseOpMnemonic(const std::string &S, OpKind &Out) {
  for (const OpSchema &Schema : allSchemas())
    if (S == Schema.Mnemonic) {
      Out = Schema.Kind;
      return true;
    }
  return false;
}

const char *attrTypeName(AttrType T) {
  static const char *Names[] = {"int", "float", "ints", "floats", "string"};
  return Names[static_cast<int>(T)];
}

bool attrHasType(const Attr &A, AttrType T) {
  switch (T) {
  case AttrType::Int:
    return std::holds_alternative<int64_t>(A);
  case AttrType::Float:
    return std::holds_alternative<double>(A) || std::holds_alternative<int64_t>(A);
  case AttrType::Ints:
    if (auto *F = std::get_if<std::vector<double>>(&A))
      return F->empty();
    return std::holds_alternative<std::vector<int64_t>>(A);
  case AttrType::Floats:
    return std::holds_alternative<std::vector<double>>(A) ||
           std::holds_alternative<std::vector<int64_t>>(A);
  case AttrType::String:
    return std::holds_alternative<std::string>(A);
  }
  return false;
}

Attr defaultAttr(const AttrSpec &S, int64_t SpatialRank) {
  const AttrDefault &D = S.Default;
  size_t N = static_cast<size_t>(std::max<int64_t>(SpatialRank, 0));
  switch (D.K) {
  case AttrDefault::Kind::Value:
    return D.Fixed;
  case AttrDefault::Kind::PerSpatialDim:
    return std::vector<int64_t>(N, std::get<int64_t>(D.Fixed));
  case AttrDefault::Kind::PerSpatialBound:
    return std::vector<int64_t>(2 * N, std::get<int64_t>(D.Fixed));
  case AttrDefault::Kind::Required:
  case AttrDefault::Kind::Optional:
    break;
  }
  // The empty value of the type: what reading an absent attribute gives.
  switch (S.Type) {
  case AttrType::Int:
    return int64_t(0);
  case AttrType::Float:
    return 0.0;
  case AttrType::Ints:
    return std::vector<int64_t>{};
  case AttrType::Floats:
    return std::vector<double>{};
  case AttrType::String:
    return std::string();
  }
  return int64_t(0);
}

llvm::Error verifyAttributes(OpKind K, const std::vector<Value *> &Operands,
                             const Attributes &Attrs) {
  const OpSchema &S = opSchema(K);
  for (const auto &[Name, A] : Attrs.all())
    if (!S.attr(Name))
      return makeError("unknown attribute '{}'", Name);
  int64_t Rank = Operands.empty() ? 0 : static_cast<int64_t>(Operands[0]->type().rank());
  for (const AttrSpec &Spec : S.Attrs) {
    if (!Attrs.has(Spec.Name)) {
      if (Spec.Default.K == AttrDefault::Kind::Required)
        return makeError("attribute '{}' is required", Spec.Name);
      continue;
    }
    const Attr &A = Attrs.all().at(Spec.Name);
    if (!attrHasType(A, Spec.Type))
      return makeError("attribute '{}' has type {}, expected {}", Spec.Name, valueTypeName(A),
                       attrTypeName(Spec.Type));
    if (auto E = checkConstraint(Spec, A, Rank))
      return E;
  }
  return llvm::Error::success();
}

} // namespace xnorc
