//===- Error.h - Diagnostics helpers -----------------------------*- C++ -*-===//
#ifndef XNORC_SUPPORT_ERROR_H
#define XNORC_SUPPORT_ERROR_H

#include <fmt/format.h>
#include <llvm/Support/Error.h>

namespace xnorc {

/// An llvm::Error carrying a formatted message. Messages are lower-case
/// fragments that callers prefix with the file and node ("file: error: ...").
template <typename... Args> llvm::Error makeError(fmt::format_string<Args...> F, Args &&...A) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 fmt::format(F, std::forward<Args>(A)...));
}

/// Prefixes the message of E (if any) with Context + ": ".
llvm::Error withContext(llvm::Error E, const std::string &Context);

} // namespace xnorc

#endif
