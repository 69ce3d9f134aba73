//===- Pass.h - The pass interface and the pass manager ----------*- C++ -*-===//
#ifndef XNORC_PASSES_PASS_H
#define XNORC_PASSES_PASS_H

#include "compiler/IR/Graph.h"

#include <functional>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>
#include <memory>
#include <string>
#include <vector>

namespace xnorc {

/// Settings passes read; set from the command line by the driver.
struct PassOptions {
  /// binarize: "auto" recognises binary layers the model expresses; "none"
  /// keeps every layer float; "weights" also binarizes the weights of float
  /// conv/dense layers post hoc (BWN); "all" also binarizes their inputs (XNOR).
  std::string Binarize = "auto";
  /// Post-hoc binarization leaves the first and last layer float unless set.
  bool BinarizeFirstLast = false;
  /// Post-hoc XNOR layers (--binarize=all) scale their output by the paper's
  /// K = mean_c|x| (*) box(kh, kw) per output position (XNOR-Net section 3.2).
  bool KScaling = false;
  /// Receives remarks (one line each) such as the per-layer binarization report.
  std::function<void(const std::string &)> Remark;
};

class Pass {
public:
  virtual ~Pass() = default;
  virtual const char *name() const = 0;
  /// Transforms G in place; an error stops the pipeline.
  virtual llvm::Error run(Graph &G) = 0;

  void setOptions(const PassOptions *O) { Opts = O; }

protected:
  const PassOptions &options() const {
    static const PassOptions Defaults;
    return Opts ? *Opts : Defaults;
  }
  void remark(const std::string &Text) const {
    if (options().Remark)
      options().Remark(Text);
  }

private:
  const PassOptions *Opts = nullptr;
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
  PassOptions Passes;
  /// Called before each pass with its position, the pipeline length and its name.
  std::function<void(unsigned, unsigned, const char *)> Progress;
};

/// Runs a comma-separated list of passes in order.
class PassManager {
public:
  explicit PassManager(PipelineOptions Opts = {}) : Opts(std::move(Opts)) {}
  /// Parses "a,b,c"; an error names an unknown pass and lists the known ones.
  llvm::Error parsePipeline(const std::string &Pipeline);
  void add(std::unique_ptr<Pass> P) {
    P->setOptions(&Opts.Passes);
    Passes.push_back(std::move(P));
  }
  llvm::Error run(Graph &G);

private:
  PipelineOptions Opts;
  std::vector<std::unique_ptr<Pass>> Passes;
};

/// The pipeline xnorc runs when --passes is not given.
const char *defaultPipeline();

} // namespace xnorc

#endif
