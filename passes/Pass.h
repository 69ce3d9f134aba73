//===- Pass.h - The pass interface and the pass manager ----------*- C++ -*-===//
#ifndef XNORC_PASSES_PASS_H
#define XNORC_PASSES_PASS_H

#include "compiler/IR/Graph.h"

#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>
#include <memory>
#include <string>
#include <vector>

namespace xnorc {

class Pass {
public:
  virtual ~Pass() = default;
  virtual const char *name() const = 0;
  /// Transforms G in place; an error stops the pipeline.
  virtual llvm::Error run(Graph &G) = 0;
};

struct PassInfo {
  const char *Name;
  const char *Description;
  std::unique_ptr<Pass> (*Create)();
};
/// Every registered pass, in Passes.def order.
const std::vector<PassInfo> &registeredPasses();

struct PipelineOptions {
  bool PrintAfterAll = false;
  std::vector<std::string> PrintAfter; ///< pass names
  bool VerifyEach = false;
  llvm::raw_ostream *PrintStream = &llvm::errs();
};

/// Runs a comma-separated list of passes in order.
class PassManager {
public:
  explicit PassManager(PipelineOptions Opts = {}) : Opts(std::move(Opts)) {}
  /// Parses "a,b,c"; an error names an unknown pass and lists the known ones.
  llvm::Error parsePipeline(const std::string &Pipeline);
  void add(std::unique_ptr<Pass> P) { Passes.push_back(std::move(P)); }
  llvm::Error run(Graph &G);

private:
  PipelineOptions Opts;
  std::vector<std::unique_ptr<Pass>> Passes;
};

/// The pipeline xnorc runs when --passes is not given.
const char *defaultPipeline();

} // namespace xnorc

#endif
