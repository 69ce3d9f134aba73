//===- JsonText.h - Untrusted text as a JSON string value --------*- C++ -*-===//
//
// Machine-readable outputs (--report=json, --remarks-json) are written with
// llvm::json, which escapes quotes, backslashes and control characters. Names
// from a model may also hold bytes that are not UTF-8, which JSON cannot carry:
// jsonString() replaces those (U+FFFD) instead of relying on llvm::json's
// assertion-or-repair, so the output is valid JSON in every build.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_SUPPORT_JSONTEXT_H
#define XNORC_SUPPORT_JSONTEXT_H

#include <llvm/Support/JSON.h>

namespace xnorc {

/// S as a JSON string value; bytes that are not valid UTF-8 become U+FFFD.
llvm::json::Value jsonString(llvm::StringRef S);

} // namespace xnorc

#endif
