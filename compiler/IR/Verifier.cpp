#include "compiler/IR/Verifier.h"

#include "compiler/IR/ShapeInference.h"
#include "compiler/Support/Error.h"

#include <unordered_set>

namespace xnorc {

llvm::Error verifyGraph(const Graph &G) {
  std::unordered_set<const Value *> Defined;
  for (Value *V : G.inputs())
    Defined.insert(V);
  for (Value *V : G.constants())
    Defined.insert(V);
  for (Op *O : G.ops()) {
    for (Value *V : O->operands())
      if (!Defined.count(V))
        return makeError("{}: operand %{} is used before it is defined", O->describe(),
                         V->name());
    auto T = inferResultType(*O);
    if (!T)
      return withContext(T.takeError(), O->describe());
    if (*T != O->result()->type())
      return makeError("{}: result %{} has type {}, but its operands give {}", O->describe(),
                       O->result()->name(), O->result()->type().str(), T->str());
    if (!Defined.insert(O->result()).second)
      return makeError("{}: result %{} is defined twice", O->describe(), O->result()->name());
  }
  if (G.outputs().empty())
    return makeError("graph has no outputs");
  for (Value *V : G.outputs())
    if (!Defined.count(V))
      return makeError("graph output %{} is not defined", V->name());
  return llvm::Error::success();
}

} // namespace xnorc
