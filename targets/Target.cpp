//===- Target.cpp - What every target shares: options, op support checks --===//
#include "targets/Target.h"
#include "compiler/Support/Error.h"

#include <algorithm>

namespace xnorc {

llvm::Error Target::configure(const std::vector<std::string> &KeyValues) {
  const std::vector<TargetOption> Known = options();
  for (const std::string &KV : KeyValues) {
    // Not a structured binding: clang 14 cannot capture one in the lambda below.
    std::pair<llvm::StringRef, llvm::StringRef> KeyValue = llvm::StringRef(KV).split('=');
    llvm::StringRef Key = KeyValue.first, Value = KeyValue.second;
    if (Key.empty() || Key.size() == KV.size())
      return makeError("--target-opt '{}': expected key=value", KV);
    auto It = std::find_if(Known.begin(), Known.end(),
                           [&](const TargetOption &O) { return O.Key == Key; });
    if (It == Known.end()) {
      std::vector<std::string> Keys;
      for (const TargetOption &O : Known)
        Keys.push_back(O.Key);
      return makeError("target '{}' has no option '{}' ({})", name(), Key.str(),
                       Keys.empty() ? std::string("it has no options")
                                    : fmt::format("known options: {}", fmt::join(Keys, ", ")));
    }
    if (!It->Values.empty() &&
        std::find(It->Values.begin(), It->Values.end(), Value.str()) == It->Values.end())
      return makeError("target '{}': option '{}' does not accept '{}' (one of: {})", name(),
                       Key.str(), Value.str(), fmt::join(It->Values, ", "));
    if (auto E = setOption(Key, Value))
      return E;
  }
  return llvm::Error::success();
}

llvm::Error Target::setOption(llvm::StringRef Key, llvm::StringRef) {
  return makeError("internal error: target '{}' declares option '{}' but does not set it", name(),
                   Key.str());
}

llvm::Error checkOpsSupported(const Target &T, const Graph &G) {
  for (const Op *O : G.ops()) {
    OpSupport S = T.isOpSupported(*O);
    if (!S.Supported)
      return makeError("{}: target '{}' cannot run this layer: {}", O->describe(), T.name(),
                       S.Reason);
  }
  return llvm::Error::success();
}

} // namespace xnorc
