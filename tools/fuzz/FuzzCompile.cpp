#include "tools/fuzz/FuzzCompile.h"

#include "compiler/Frontend/OnnxImporter.h"
#include "passes/Pass.h"
#include "targets/Target.h"

namespace xnorc {

const ImportOptions &fuzzImportOptions() {
  static const ImportOptions Opts;
  return Opts;
}

void compileForFuzzing(llvm::Expected<std::unique_ptr<Graph>> Imported, size_t TargetSelector) {
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
  // One emitter per input, chosen by the caller's selector (the input's size), so
  // an execution costs one emission while a run still reaches every emitter.
  std::vector<const TargetInfo *> Emitters;
  for (const TargetInfo &T : registeredTargets())
    if (llvm::StringRef(T.Name) != "host")
      Emitters.push_back(&T);
  auto Tgt = createTarget(Emitters[TargetSelector % Emitters.size()]->Name);
  if (!Tgt) {
    llvm::consumeError(Tgt.takeError());
    return;
  }
  if (auto E = (*Tgt)->addPasses(PM)) {
    llvm::consumeError(std::move(E));
    return;
  }
  if (auto E = PM.run(G)) {
    llvm::consumeError(std::move(E));
    return;
  }
  if (auto E = checkOpsSupported(**Tgt, G)) {
    llvm::consumeError(std::move(E));
    return;
  }
  EmitOptions EO;
  EO.Name = "fuzz";
  EO.SourceFile = "fuzz.onnx";
  EO.EmitMain = true;
  auto Out = (*Tgt)->emit(G, EO);
  if (!Out)
    llvm::consumeError(Out.takeError());
}

} // namespace xnorc
