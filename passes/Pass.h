//===- Pass.h - The pass interface and the pass manager ----------*- C++ -*-===//
#ifndef XNORC_PASSES_PASS_H
#define XNORC_PASSES_PASS_H

#include "compiler/IR/Graph.h"

#include <fmt/format.h>
#include <functional>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>
#include <memory>
#include <string>
#include <vector>

namespace xnorc {

/// What a pass did to an op (Applied), did not do and why (Missed), or found
/// (Analysis). Passes emit them through Pass::remark(); the driver prints them
/// (--pass-remarks), writes them as JSON (--remarks-json) and shows report lines.
struct Remark {
  enum class Kind { Applied, Missed, Analysis };
  using Arguments = std::vector<std::pair<std::string, std::string>>;

  std::string Pass;
  Kind K = Kind::Analysis;
  std::string Op; ///< the op's describe() when the remark was made; empty: the graph
  std::string Message;
  Arguments Args; ///< key/value details, in the order the pass gave them
  /// The line the pass's report shows by default (the binarization report), or
  /// empty: the remark is shown only on request.
  std::string ReportLine;
};

/// "applied", "missed", "analysis".
const char *remarkKindName(Remark::Kind K);

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
  /// Receives every remark (null: dropped).
  std::function<void(const Remark &)> Remarks;
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
  /// Emits a remark about the op described as OpText (O->describe(); empty:
  /// the whole graph). Take the text before erasing the op.
  void remark(Remark::Kind K, std::string OpText, std::string Message, Remark::Arguments Args = {},
              std::string ReportLine = {}) const {
    if (options().Remarks)
      options().Remarks(Remark{name(), K, std::move(OpText), std::move(Message), std::move(Args),
                               std::move(ReportLine)});
  }
  /// The pass changed O (call while O still exists).
  void applied(const Op &O, std::string Message, Remark::Arguments Args = {}) const {
    remark(Remark::Kind::Applied, O.describe(), std::move(Message), std::move(Args));
  }
  /// The pass could have changed O but did not; Message says why.
  void missed(const Op &O, std::string Message, Remark::Arguments Args = {}) const {
    remark(Remark::Kind::Missed, O.describe(), std::move(Message), std::move(Args));
  }
  /// Why V cannot be absorbed into its single reader: it has other readers or
  /// is a graph output. Null if neither.
  static const char *notSoleUse(const Graph &G, const Value &V) {
    if (G.users(&V).size() != 1)
      return "its result has other users";
    if (G.isGraphOutput(&V))
      return "its result is a graph output";
    return nullptr;
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
