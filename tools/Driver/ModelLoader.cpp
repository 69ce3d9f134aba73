#include "tools/Driver/ModelLoader.h"

#include "compiler/IR/OpViews.h"
#include "compiler/IR/Parser.h"
#include "compiler/IR/Verifier.h"
#include "compiler/Support/CSource.h"
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
    // Text IR states its BatchNorm arithmetic per op; --bn-arith fills it in
    // where an op leaves it out (without, such an op keeps xnorc's own
    // double-folded scale and shift).
    if (Opts.BatchNormArith)
      for (Op *O : (*G)->ops())
        if (auto BN = dyn_cast<BatchNormOp>(O); BN && !BN->isSet("arith"))
          BatchNormOp::set_arith(*O, std::string(bnArithName(*Opts.BatchNormArith)));
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
  // The file name is untrusted too: made an identifier the way every name is.
  return cIdentifier(llvm::StringRef(llvm::sys::path::stem(Path)).lower(), 64, "m");
}

} // namespace xnorc
