//===- CSource.h - Untrusted text made safe for generated C/C++ --*- C++ -*-===//
//
// Everything a model carries (node, tensor and graph names, the file name) is
// untrusted input, and generated code quotes it in comments, string literals and
// symbol names. This is the one place that text crosses into C/C++ source: an
// emitter never pastes a name directly, it passes it through one of these, so a
// name cannot end a comment, splice a line, form a trigraph, close a string or
// collide with another symbol (docs/Reliability.md, "Untrusted names").
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_SUPPORT_CSOURCE_H
#define XNORC_SUPPORT_CSOURCE_H

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <set>
#include <string>

namespace xnorc {

/// S as text that is inert inside a `//` or a `/* */` comment, whatever comes
/// before or after it on the line: printable ASCII is kept; a backslash, any other
/// byte (control characters, newlines, non-ASCII), the `/` of a `*/` or `/*`, a
/// `/` at either end and the second `?` of `??` become `\xNN`. Texts longer than
/// MaxChars bytes are cut there and end in "...(N bytes)".
std::string cComment(llvm::StringRef S, size_t MaxChars = 80);

/// A C/C++ string literal (quotes included) whose value is exactly S's bytes:
/// `"`, `\` and `?` (no trigraphs) are escaped, other non-printable or non-ASCII
/// bytes written as three-digit octal escapes.
std::string cStringLiteral(llvm::StringRef S);

/// An identifier made from S: runs of characters outside [A-Za-z0-9] and of `_`
/// become one `_`, leading and trailing `_` are dropped (so no `__` and no
/// `_X`, which C and C++ reserve), the result is cut to MaxChars. An empty
/// result, one starting with a digit or a C/C++ keyword gets Prefix + "_" in
/// front. Different names can give the same identifier: see CSymbolTable.
std::string cIdentifier(llvm::StringRef S, size_t MaxChars = 48, llvm::StringRef Prefix = "v");

/// Whether S is a C or C++ keyword (or alternative operator token, e.g. `and`).
bool isCKeyword(llvm::StringRef S);

/// Symbols of one generated file: unique() hands out each name once, giving a
/// name already taken the first free suffix _2, _3, ... in call order, so the
/// same model always gets the same symbols.
class CSymbolTable {
public:
  /// Prefix + cIdentifier(Name), made unique.
  std::string unique(llvm::StringRef Prefix, llvm::StringRef Name);

private:
  std::set<std::string> Used;
};

/// Checks a --name value: it prefixes every generated symbol, macro and file
/// name, so it must be a C identifier without a leading, trailing or doubled `_`
/// (which would make reserved names such as `_X_H` or `x__run`), at most 64
/// characters.
llvm::Error checkModelName(llvm::StringRef Name);

} // namespace xnorc

#endif
