//===- RuntimeHeaders.cpp - Pasting runtime headers into generated code ---===//
#include "targets/common/RuntimeHeaders.h"

#include "compiler/Support/EmbeddedRuntime.h"
#include "compiler/Support/Error.h"

#include <algorithm>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Path.h>
#include <sstream>

namespace xnorc {

llvm::Error collectRuntimeHeader(const std::string &H, std::vector<std::string> &Headers) {
  if (std::find(Headers.begin(), Headers.end(), H) != Headers.end())
    return llvm::Error::success();
  const char *Text = embeddedRuntimeSource(H.c_str());
  if (!Text)
    return makeError("internal error: runtime header {} is not embedded", H);
  std::string Dir = H.substr(0, H.rfind('/') + 1);
  std::istringstream In(Text);
  std::string Line;
  while (std::getline(In, Line)) {
    llvm::StringRef L = llvm::StringRef(Line).trim();
    if (!L.consume_front("#include \""))
      continue;
    std::string Dep = L.take_until([](char C) { return C == '"'; }).str();
    // x86 kernels include their generic counterparts as "../generic/x.h".
    std::string Path = Dep;
    if (Dep.find('/') == std::string::npos || llvm::StringRef(Dep).startswith("../")) {
      llvm::SmallString<64> P(Dir + Dep);
      llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true, llvm::sys::path::Style::posix);
      Path = std::string(P.str());
    }
    if (auto E = collectRuntimeHeader(Path, Headers))
      return E;
  }
  Headers.push_back(H);
  return llvm::Error::success();
}

std::string stripIncludes(const char *Text, bool KeepSystem) {
  std::istringstream In(Text);
  std::string Line, Out;
  while (std::getline(In, Line)) {
    llvm::StringRef L = llvm::StringRef(Line).ltrim();
    if (L.startswith("#include") && (!KeepSystem || L.drop_front(8).ltrim().startswith("\"")))
      continue;
    Out += Line + "\n";
  }
  return Out;
}

llvm::Expected<std::string> pasteRuntimeHeaders(const std::vector<std::string> &Hs,
                                                std::vector<std::string> &Pasted) {
  const size_t First = Pasted.size();
  for (const std::string &H : Hs)
    if (auto E = collectRuntimeHeader(H, Pasted))
      return std::move(E);
  std::string Out;
  for (size_t I = First; I < Pasted.size(); ++I) {
    const std::string &H = Pasted[I];
    Out += "// ---- xnorc runtime: " + H + " ----\n" +
           stripIncludes(embeddedRuntimeSource(H.c_str()), /*KeepSystem=*/true) + "\n";
  }
  return Out;
}

} // namespace xnorc
