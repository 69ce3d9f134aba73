#include "tools/fuzz/FuzzCompile.h"

#include "compiler/Frontend/OnnxImporter.h"
#include "passes/Pass.h"
#include "targets/Target.h"

namespace xnorc {

const ImportOptions &fuzzImportOptions() {
  static const ImportOptions Opts;
  return Opts;
}

void compileForFuzzing(llvm::Expected<std::unique_ptr<Graph>> Imported) {
  if (!Imported) {
    llvm::consumeError(Imported.takeError());
    return;
  }
  Graph &G = **Imported;
  PipelineOptions PO;
  PO.VerifyEach = true; // a pass that breaks the IR is a finding, not a later crash
  PassManager PM(PO);
  if (auto E = PM.parsePipeline(defaultPipeline())) {
    llvm::consumeError(std::move(E));
    return;
  }
  if (auto E = PM.run(G)) {
    llvm::consumeError(std::move(E));
    return;
  }
  // Each emitter reads the same optimized graph; the x86 and NEON targets choose
  // their own kernels (and packers) from it. Target passes are not added: they
  // would change the graph the next target sees.
  for (const TargetInfo &T : registeredTargets()) {
    if (llvm::StringRef(T.Name) == "host")
      continue;
    auto Tgt = createTarget(T.Name);
    if (!Tgt) {
      llvm::consumeError(Tgt.takeError());
      continue;
    }
    if (auto E = checkOpsSupported(**Tgt, G)) {
      llvm::consumeError(std::move(E));
      continue;
    }
    EmitOptions EO;
    EO.Name = "fuzz";
    EO.SourceFile = "fuzz.onnx";
    EO.EmitMain = true;
    auto Out = (*Tgt)->emit(G, EO);
    if (!Out)
      llvm::consumeError(Out.takeError());
  }
}

} // namespace xnorc
