#include "compiler/IR/Graph.h"

#include <algorithm>
#include <fmt/format.h>
#include <unordered_set>

namespace xnorc {

std::string Op::describe() const {
  // Exporters often leave nodes unnamed; the result then names the op.
  if (Name.empty())
    return Result ? fmt::format("{} %{}", mnemonic(), Result->name()) : mnemonic();
  return fmt::format("{} '{}'", mnemonic(), Name);
}

void Value::setName(std::string N) {
  if (Owner) {
    Owner->releaseName(Name);
    Owner->takeName(N);
  }
  Name = std::move(N);
}

Op::~Op() { dropAllUses(); }

void Op::addUse(unsigned I) {
  Value *V = Operands[I];
  if (!V)
    return;
  UseIndex[I] = V->Uses.size();
  V->Uses.push_back({this, I});
}

void Op::dropUse(unsigned I) {
  Value *V = Operands[I];
  if (!V)
    return;
  // Swap-remove: the last use takes the slot of the removed one.
  unsigned Idx = UseIndex[I];
  Use Last = V->Uses.back();
  V->Uses[Idx] = Last;
  Last.User->UseIndex[Last.Slot] = Idx;
  V->Uses.pop_back();
}

void Op::dropAllUses() {
  for (unsigned I = 0; I < Operands.size(); ++I)
    dropUse(I);
  Operands.clear();
  UseIndex.clear();
}

void Op::setOperand(unsigned I, Value *V) {
  dropUse(I);
  Operands[I] = V;
  addUse(I);
}

Graph::~Graph() {
  // Ops go first: their destructors take their uses out of the values.
  OpList.clear();
}

void Graph::takeName(const std::string &N) { ++NameCount[N]; }

void Graph::releaseName(const std::string &N) {
  auto It = NameCount.find(N);
  if (It == NameCount.end())
    return;
  if (--It->second == 0)
    NameCount.erase(It);
  // "B.i" is free again: uniqueName(B) must find it first.
  size_t Dot = N.rfind('.');
  if (Dot == std::string::npos || Dot + 1 == N.size() || N.size() - Dot > 19 || N[Dot + 1] == '0')
    return;
  int64_t I = 0;
  for (size_t K = Dot + 1; K < N.size(); ++K) {
    if (!isdigit(static_cast<unsigned char>(N[K])))
      return;
    I = I * 10 + (N[K] - '0');
  }
  auto Next = NextSuffix.find(N.substr(0, Dot));
  if (Next != NextSuffix.end() && I < Next->second)
    Next->second = I;
}

std::string Graph::uniqueName(const std::string &Base) const {
  if (!NameCount.count(Base))
    return Base;
  int64_t &I = NextSuffix.emplace(Base, 1).first->second;
  for (;; ++I) {
    std::string Candidate = fmt::format("{}.{}", Base, I);
    if (!NameCount.count(Candidate))
      return Candidate;
  }
}

Value *Graph::newValue(std::string VName, TensorType Type) {
  takeName(VName);
  Values.push_back(std::make_unique<Value>(std::move(VName), std::move(Type)));
  Value *V = Values.back().get();
  V->Owner = this;
  V->Pos = std::prev(Values.end());
  return V;
}

void Graph::eraseValue(Value *V) {
  releaseName(V->Name);
  Values.erase(V->Pos);
}

Value *Graph::addInput(std::string VName, TensorType Type) {
  Value *V = newValue(std::move(VName), std::move(Type));
  Inputs.push_back(V);
  return V;
}

Value *Graph::addConstant(std::string VName, Tensor T) {
  Value *V = newValue(std::move(VName), T.type());
  V->setConstant(std::move(T));
  return V;
}

std::unique_ptr<Op> Graph::makeOp(OpKind Kind, std::string OpName, std::vector<Value *> Operands,
                                  Attributes Attrs, std::string ResultName, TensorType ResultType) {
  auto O = std::make_unique<Op>(Kind, std::move(OpName));
  O->Operands = std::move(Operands);
  O->UseIndex.resize(O->Operands.size());
  for (unsigned I = 0; I < O->Operands.size(); ++I)
    O->addUse(I);
  O->Attrs = std::move(Attrs);
  O->Result = newValue(std::move(ResultName), std::move(ResultType));
  O->Result->Def = O.get();
  return O;
}

Op *Graph::link(std::list<std::unique_ptr<Op>>::iterator Where, std::unique_ptr<Op> O) {
  auto It = OpList.insert(Where, std::move(O));
  (*It)->Pos = It;
  return It->get();
}

Op *Graph::addOp(OpKind Kind, std::string OpName, std::vector<Value *> Operands, Attributes Attrs,
                 std::string ResultName, TensorType ResultType) {
  return link(OpList.end(), makeOp(Kind, std::move(OpName), std::move(Operands), std::move(Attrs),
                                   std::move(ResultName), std::move(ResultType)));
}

Op *Graph::insertOpBefore(Op *Before, OpKind Kind, std::string OpName,
                          std::vector<Value *> Operands, Attributes Attrs, std::string ResultName,
                          TensorType ResultType) {
  return link(Before->Pos, makeOp(Kind, std::move(OpName), std::move(Operands), std::move(Attrs),
                                  std::move(ResultName), std::move(ResultType)));
}

void Graph::moveOpBefore(Op *O, Op *Before) {
  if (O != Before)
    OpList.splice(Before->Pos, OpList, O->Pos); // iterators, O->Pos included, stay valid
}

void Graph::addOutput(Value *V) {
  Outputs.push_back(V);
  ++V->OutputUses;
}

void Graph::setOutput(unsigned I, Value *V) {
  --Outputs[I]->OutputUses;
  Outputs[I] = V;
  ++V->OutputUses;
}

std::vector<Op *> Graph::ops() const {
  std::vector<Op *> Out;
  Out.reserve(OpList.size());
  for (auto &O : OpList)
    Out.push_back(O.get());
  return Out;
}

std::vector<Value *> Graph::constants() const {
  std::vector<Value *> Out;
  for (auto &V : Values)
    if (V->isConstant())
      Out.push_back(V.get());
  return Out;
}

void Graph::appendOperand(Op *O, Value *V) {
  O->Operands.push_back(V);
  O->UseIndex.push_back(0);
  O->addUse(O->Operands.size() - 1);
}

void Graph::replaceAllUsesWith(Value *From, Value *To) {
  if (From == To)
    return;
  while (!From->Uses.empty()) {
    Use U = From->Uses.back();
    U.User->setOperand(U.Slot, To);
  }
  if (From->OutputUses)
    for (unsigned I = 0; I < Outputs.size(); ++I)
      if (Outputs[I] == From)
        setOutput(I, To);
}

void Graph::replaceOp(Op *Old, Value *New) {
  std::string ResultName = Old->result()->name();
  replaceAllUsesWith(Old->result(), New);
  eraseOps({Old});
  New->setName(std::move(ResultName));
}

std::vector<Op *> Graph::users(const Value *V) const {
  std::vector<Op *> Out;
  // An op reading V in several slots counts once; a set only for wide fan-outs.
  std::unordered_set<const Op *> Seen;
  bool Wide = V->Uses.size() > 16;
  for (const Use &U : V->Uses) {
    bool New =
        Wide ? Seen.insert(U.User).second : std::find(Out.begin(), Out.end(), U.User) == Out.end();
    if (New)
      Out.push_back(U.User);
  }
  return Out;
}

void Graph::eraseOps(const std::vector<Op *> &Dead) {
  // Uses first, so that results read only by other dead ops become free.
  for (Op *O : Dead)
    O->dropAllUses();
  std::unordered_set<const Op *> Erased;
  for (Op *O : Dead) {
    if (!Erased.insert(O).second)
      continue;
    eraseValue(O->Result);
    OpList.erase(O->Pos);
  }
}

void Graph::removeUnusedConstants() {
  for (auto It = Values.begin(); It != Values.end();) {
    Value *V = It->get();
    ++It;
    if (V->isConstant() && V->Uses.empty() && !V->OutputUses)
      eraseValue(V);
  }
}

} // namespace xnorc
