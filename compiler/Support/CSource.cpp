#include "compiler/Support/CSource.h"

#include "compiler/Support/Error.h"

#include <algorithm>
#include <fmt/format.h>
#include <iterator>

namespace xnorc {

namespace {

bool isPrintableAscii(char C) { return C >= 0x20 && C <= 0x7e; }
bool isAsciiAlnum(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') || (C >= '0' && C <= '9');
}

// C++20's keywords and alternative tokens, and C17's keywords that C++ lacks (the
// generated header is also compiled as C). Sorted for binary search.
// clang-format off
const char *const Keywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
    "case", "catch", "char", "char16_t", "char32_t", "char8_t", "class", "co_await",
    "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "decltype", "default", "delete", "do", "double",
    "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept",
    "not", "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected", "public",
    "register", "reinterpret_cast", "requires", "restrict", "return", "short", "signed",
    "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template", "this",
    "thread_local", "throw", "true", "try", "typedef", "typeid", "typename", "union",
    "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
};
// clang-format on

} // namespace

bool isCKeyword(llvm::StringRef S) {
  return std::binary_search(std::begin(Keywords), std::end(Keywords), S,
                            [](llvm::StringRef A, llvm::StringRef B) { return A < B; });
}

std::string cComment(llvm::StringRef S, size_t MaxChars) {
  llvm::StringRef Text = S.take_front(MaxChars);
  std::string Out;
  for (size_t I = 0; I < Text.size(); ++I) {
    char C = Text[I];
    // Neighbours outside the text are unknown: treat them as the worst case.
    char Prev = I > 0 ? Text[I - 1] : '*', Next = I + 1 < Text.size() ? Text[I + 1] : '*';
    bool Escape = !isPrintableAscii(C) || C == '\\' || (C == '/' && (Prev == '*' || Next == '*')) ||
                  (C == '?' && Prev == '?');
    if (Escape)
      Out += fmt::format("\\x{:02x}", static_cast<unsigned char>(C));
    else
      Out += C;
  }
  if (Text.size() < S.size())
    Out += fmt::format("...({} bytes)", S.size());
  return Out;
}

std::string cStringLiteral(llvm::StringRef S) {
  std::string Out = "\"";
  for (char C : S) {
    if (C == '"' || C == '\\' || C == '?')
      Out += {'\\', C};
    else if (isPrintableAscii(C))
      Out += C;
    else // always three digits, so a following digit is never taken into the escape
      Out += fmt::format("\\{:03o}", static_cast<unsigned char>(C));
  }
  return Out + "\"";
}

std::string cIdentifier(llvm::StringRef S, size_t MaxChars, llvm::StringRef Prefix) {
  std::string Out;
  for (char C : S) {
    if (isAsciiAlnum(C))
      Out += C;
    else if (!Out.empty() && Out.back() != '_')
      Out += '_';
  }
  if (Out.size() > MaxChars)
    Out.resize(MaxChars);
  while (!Out.empty() && Out.back() == '_')
    Out.pop_back();
  if (Out.empty() || (Out[0] >= '0' && Out[0] <= '9') || isCKeyword(Out))
    Out = Out.empty() ? Prefix.str() : Prefix.str() + "_" + Out;
  return Out;
}

std::string CSymbolTable::unique(llvm::StringRef Prefix, llvm::StringRef Name) {
  std::string Base = Prefix.str() + cIdentifier(Name);
  std::string S = Base;
  for (int I = 2; !Used.insert(S).second; ++I)
    S = fmt::format("{}_{}", Base, I);
  return S;
}

llvm::Error checkModelName(llvm::StringRef Name) {
  std::string Shown = cComment(Name, 64);
  if (Name.empty())
    return makeError("--name is empty: give a C identifier");
  if (!llvm::all_of(Name, [](char C) { return isAsciiAlnum(C) || C == '_'; }) ||
      (Name[0] >= '0' && Name[0] <= '9'))
    return makeError("--name '{}' is not a C identifier", Shown);
  if (Name[0] == '_' || Name.back() == '_' || Name.contains("__"))
    return makeError("--name '{}' would make reserved identifiers: a leading, trailing or "
                     "doubled '_' gives names such as '_X_H' or 'x__run'",
                     Shown);
  if (Name.size() > 64)
    return makeError("--name '{}' is longer than 64 characters", Shown);
  return llvm::Error::success();
}

} // namespace xnorc
