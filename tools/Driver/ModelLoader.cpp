#include "tools/Driver/ModelLoader.h"

#include "compiler/IR/Parser.h"
#include "compiler/IR/Verifier.h"
#include "compiler/Support/Error.h"

#include <fstream>
#include <llvm/Support/Path.h>
#include <sstream>

namespace xnorc {

llvm::Expected<std::unique_ptr<Graph>> loadModel(const std::string &Path,
                                                 const ImportOptions &Opts) {
  if (llvm::StringRef(Path).endswith(".xir")) {
    std::ifstream In(Path);
    if (!In)
      return makeError("{}: error: cannot open file: {}", Path, std::strerror(errno));
    std::stringstream SS;
    SS << In.rdbuf();
    auto G = parseGraph(SS.str(), Opts.Limits);
    if (!G)
      return withContext(G.takeError(), Path + ": error");
    if (auto E = verifyGraph(**G))
      return withContext(std::move(E), Path + ": error");
    return G;
  }
  auto G = importOnnxFile(Path, Opts);
  if (!G)
    return withContext(G.takeError(), Path + ": error");
  return G;
}

std::string modelNameFromPath(const std::string &Path) {
  std::string Stem = llvm::sys::path::stem(Path).str();
  std::string Out;
  for (char C : Stem)
    Out += isalnum(static_cast<unsigned char>(C)) ? static_cast<char>(tolower(C)) : '_';
  if (Out.empty() || isdigit(static_cast<unsigned char>(Out[0])))
    Out = "m_" + Out;
  return Out;
}

} // namespace xnorc
