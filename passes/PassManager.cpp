#include "compiler/IR/Printer.h"
#include "compiler/IR/Verifier.h"
#include "compiler/Support/Error.h"
#include "passes/Passes.h"

#include <algorithm>

namespace xnorc {

const char *remarkKindName(Remark::Kind K) {
  switch (K) {
  case Remark::Kind::Applied:
    return "applied";
  case Remark::Kind::Missed:
    return "missed";
  case Remark::Kind::Analysis:
    break;
  }
  return "analysis";
}

const std::vector<PassInfo> &registeredPasses() {
  static const std::vector<PassInfo> Infos = {
#define XNORC_PASS(Name, Factory, Description) {Name, Description, Factory},
#include "passes/Passes.def"
  };
  return Infos;
}

const char *defaultPipeline() {
  // dce after each rewrite drops the float chains it replaced, so the next
  // pass sees single-user values where the model has them.
  // quantize-layers runs before const-fold, which would fold the dequantized
  // constant weights it turns into integer layers.
  return "shape-infer,quantize-layers,const-fold,dce,binarize,dce,fold-batchnorm,"
         "bn-sign-to-threshold,dce,reorder-pool,dce,quantized-sign-bits,fuse-bconv-threshold,"
         "fuse-residual,fuse-activation,dce,prune-channels,fuse-bconv-quantize,dce";
}

llvm::Error PassManager::parsePipeline(const std::string &Pipeline) {
  // Checked with the pipeline, before any pass runs: a command-line mistake, not
  // one of the model's.
  for (const std::string &Name : Opts.PrintAfter) {
    const auto &Infos = registeredPasses();
    if (std::none_of(Infos.begin(), Infos.end(), [&](const PassInfo &I) { return Name == I.Name; }))
      return makeError("--print-after: unknown pass '{}'", Name);
  }
  llvm::SmallVector<llvm::StringRef, 8> Names;
  llvm::StringRef(Pipeline).split(Names, ',', -1, false);
  for (llvm::StringRef N : Names) {
    N = N.trim();
    if (N.empty())
      continue;
    if (N == "default") { // the pipeline xnorc runs, as one name
      if (auto E = parsePipeline(defaultPipeline()))
        return E;
      continue;
    }
    const auto &Infos = registeredPasses();
    auto It =
        std::find_if(Infos.begin(), Infos.end(), [&](const PassInfo &I) { return N == I.Name; });
    if (It == Infos.end()) {
      std::vector<std::string> Known;
      for (const PassInfo &I : Infos)
        Known.push_back(I.Name);
      return makeError("unknown pass '{}' (known passes: {})", N.str(), fmt::join(Known, ", "));
    }
    add(It->Create());
  }
  return llvm::Error::success();
}

llvm::Error PassManager::run(Graph &G) {
  for (size_t I = 0; I < Passes.size(); ++I) {
    auto &P = Passes[I];
    if (Opts.Progress)
      Opts.Progress(I + 1, Passes.size(), P->name());
    if (auto E = P->run(G))
      return withContext(std::move(E), std::string("pass '") + P->name() + "'");
    if (Opts.VerifyEach)
      if (auto E = verifyGraph(G))
        return withContext(std::move(E),
                           std::string("verification after pass '") + P->name() + "' failed");
    bool Print = Opts.PrintAfterAll || std::find(Opts.PrintAfter.begin(), Opts.PrintAfter.end(),
                                                 P->name()) != Opts.PrintAfter.end();
    if (Print)
      *Opts.PrintStream << "// -----// IR after " << P->name() << " //----- //\n"
                        << printGraph(G) << "\n";
  }
  return llvm::Error::success();
}

} // namespace xnorc
