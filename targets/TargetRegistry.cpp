#include "compiler/Support/Error.h"
#include "targets/Target.h"

namespace xnorc {

#define XNORC_TARGET(Name, Factory, Description) std::unique_ptr<Target> Factory();
#include "targets/Targets.def"

const std::vector<TargetInfo> &registeredTargets() {
  static const std::vector<TargetInfo> Infos = {
#define XNORC_TARGET(Name, Factory, Description) {Name, Description, Factory},
#include "targets/Targets.def"
  };
  return Infos;
}

llvm::Expected<std::unique_ptr<Target>> createTarget(const std::string &Name) {
  std::vector<std::string> Known;
  for (const TargetInfo &I : registeredTargets()) {
    if (Name == I.Name)
      return I.Create();
    Known.push_back(I.Name);
  }
  return makeError("unknown target '{}' (known targets: {})", Name, fmt::join(Known, ", "));
}

} // namespace xnorc
