#include "compiler/Support/Error.h"

namespace xnorc {

llvm::Error withContext(llvm::Error E, const std::string &Context) {
  if (!E)
    return E;
  std::string Msg = llvm::toString(std::move(E));
  return llvm::createStringError(llvm::inconvertibleErrorCode(), Context + ": " + Msg);
}

} // namespace xnorc
