#include "compiler/Support/JsonText.h"

namespace xnorc {

llvm::json::Value jsonString(llvm::StringRef S) {
  if (llvm::json::isUTF8(S))
    return S.str();
  return llvm::json::fixUTF8(S);
}

} // namespace xnorc
