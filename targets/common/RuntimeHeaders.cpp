//===- RuntimeHeaders.cpp - Pasting runtime headers into generated code ---===//
#include "targets/common/RuntimeHeaders.h"

#include "compiler/Support/EmbeddedRuntime.h"
#include "compiler/Support/Error.h"

#include <algorithm>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Path.h>
#include <map>
#include <mutex>
#include <sstream>

namespace xnorc {

namespace {

/// What the emitters need from one embedded header, worked out once per process: every
/// compilation pastes the same dozens of headers, and scanning their text line by line for
/// each model was a large share of the time of compiling a small one (the fuzz targets').
struct EmbeddedHeader {
  std::vector<std::string> Deps; ///< the runtime headers it includes, as runtime paths
  std::string Body;              ///< text without any #include line
  std::string BodyKeepSystem;    ///< text without its project includes only
};

std::string stripIncludeLines(const char *Text, bool KeepSystem) {
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

EmbeddedHeader scanHeader(const std::string &H, const char *Text) {
  EmbeddedHeader R;
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
    R.Deps.push_back(std::move(Path));
  }
  R.Body = stripIncludeLines(Text, /*KeepSystem=*/false);
  R.BodyKeepSystem = stripIncludeLines(Text, /*KeepSystem=*/true);
  return R;
}

/// Null if H is not embedded. Entries are never removed, so the pointer stays valid.
const EmbeddedHeader *embeddedHeader(const std::string &H) {
  static std::mutex Lock; // the compiler library may be driven from several threads
  static std::map<std::string, EmbeddedHeader> Cache;
  std::lock_guard<std::mutex> Guard(Lock);
  auto It = Cache.find(H);
  if (It == Cache.end()) {
    const char *Text = embeddedRuntimeSource(H.c_str());
    if (!Text)
      return nullptr;
    It = Cache.emplace(H, scanHeader(H, Text)).first;
  }
  return &It->second;
}

} // namespace

llvm::Error collectRuntimeHeader(const std::string &H, std::vector<std::string> &Headers) {
  if (std::find(Headers.begin(), Headers.end(), H) != Headers.end())
    return llvm::Error::success();
  const EmbeddedHeader *E = embeddedHeader(H);
  if (!E)
    return makeError("internal error: runtime header {} is not embedded", H);
  for (const std::string &Dep : E->Deps)
    if (auto Err = collectRuntimeHeader(Dep, Headers))
      return Err;
  Headers.push_back(H);
  return llvm::Error::success();
}

const std::string &runtimeHeaderText(const std::string &H, bool KeepSystem) {
  static const std::string Missing;
  const EmbeddedHeader *E = embeddedHeader(H);
  return !E ? Missing : KeepSystem ? E->BodyKeepSystem : E->Body;
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
    Out += "// ---- xnorc runtime: " + H + " ----\n" + runtimeHeaderText(H, /*KeepSystem=*/true) +
           "\n";
  }
  return Out;
}

} // namespace xnorc
