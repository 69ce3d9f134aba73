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

Value *Graph::newValue(std::string VName, TensorType Type) {
  Values.push_back(std::make_unique<Value>(std::move(VName), std::move(Type)));
  return Values.back().get();
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
  O->Attrs = std::move(Attrs);
  O->Result = newValue(std::move(ResultName), std::move(ResultType));
  O->Result->Def = O.get();
  return O;
}

Op *Graph::addOp(OpKind Kind, std::string OpName, std::vector<Value *> Operands, Attributes Attrs,
                 std::string ResultName, TensorType ResultType) {
  OpList.push_back(makeOp(Kind, std::move(OpName), std::move(Operands), std::move(Attrs),
                          std::move(ResultName), std::move(ResultType)));
  return OpList.back().get();
}

Op *Graph::insertOpBefore(Op *Before, OpKind Kind, std::string OpName,
                          std::vector<Value *> Operands, Attributes Attrs, std::string ResultName,
                          TensorType ResultType) {
  auto It = std::find_if(OpList.begin(), OpList.end(), [&](auto &P) { return P.get() == Before; });
  auto NewOp = makeOp(Kind, std::move(OpName), std::move(Operands), std::move(Attrs),
                      std::move(ResultName), std::move(ResultType));
  return OpList.insert(It, std::move(NewOp))->get();
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

void Graph::replaceAllUsesWith(Value *From, Value *To) {
  for (auto &O : OpList)
    std::replace(O->Operands.begin(), O->Operands.end(), From, To);
  std::replace(Outputs.begin(), Outputs.end(), From, To);
}

std::vector<Op *> Graph::users(const Value *V) const {
  std::vector<Op *> Out;
  for (auto &O : OpList)
    if (std::find(O->Operands.begin(), O->Operands.end(), V) != O->Operands.end())
      Out.push_back(O.get());
  return Out;
}

bool Graph::isGraphOutput(const Value *V) const {
  return std::find(Outputs.begin(), Outputs.end(), V) != Outputs.end();
}

void Graph::eraseOps(const std::vector<Op *> &Dead) {
  std::unordered_set<const Op *> DeadSet(Dead.begin(), Dead.end());
  std::unordered_set<const Value *> DeadValues;
  for (const Op *O : Dead)
    DeadValues.insert(O->Result);
  OpList.erase(std::remove_if(OpList.begin(), OpList.end(),
                              [&](auto &P) { return DeadSet.count(P.get()) != 0; }),
               OpList.end());
  Values.erase(std::remove_if(Values.begin(), Values.end(),
                              [&](auto &V) { return DeadValues.count(V.get()) != 0; }),
               Values.end());
}

void Graph::removeUnusedConstants() {
  std::unordered_set<const Value *> Used(Outputs.begin(), Outputs.end());
  for (auto &O : OpList)
    Used.insert(O->Operands.begin(), O->Operands.end());
  Values.erase(std::remove_if(Values.begin(), Values.end(),
                              [&](auto &V) { return V->isConstant() && !Used.count(V.get()); }),
               Values.end());
}

std::string Graph::uniqueName(const std::string &Base) const {
  std::unordered_set<std::string> Taken;
  for (auto &V : Values)
    Taken.insert(V->name());
  if (!Taken.count(Base))
    return Base;
  for (int I = 1;; ++I) {
    std::string Candidate = fmt::format("{}.{}", Base, I);
    if (!Taken.count(Candidate))
      return Candidate;
  }
}

} // namespace xnorc
