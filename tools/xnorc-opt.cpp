//===- xnorc-opt.cpp - Run passes on IR and print the result --------------===//
//
//   xnorc-opt FILE.xir --passes=a,b [--print-after-all] [--verify-each]
//   xnorc-opt --print-op-table      (docs/OpTable.md)
//
// The workhorse of pass tests: IR text in, IR text out, no code generation.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpTableDoc.h"
#include "compiler/IR/Printer.h"
#include "compiler/Support/TerminalText.h"
#include "passes/Passes.h"
#include "tools/Driver/ImportFlags.h"
#include "tools/Driver/ModelLoader.h"
#include "tools/Driver/PassFlags.h"
#include "tools/Driver/RemarkOutput.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/InitLLVM.h>

using namespace xnorc;
namespace cl = llvm::cl;

static cl::OptionCategory OptCat("xnorc-opt options");
static cl::opt<std::string> InputFile(cl::Positional, cl::desc("<file.xir|.onnx|.onnxtext>"),
                                      cl::cat(OptCat));
static cl::opt<std::string> Pipeline("passes", cl::desc("Comma-separated pass pipeline"),
                                     cl::cat(OptCat));
static cl::opt<bool> PrintAfterAll("print-after-all", cl::desc("Print the IR after every pass"),
                                   cl::cat(OptCat));
static cl::opt<bool> VerifyEach("verify-each", cl::desc("Verify the IR after every pass"),
                                cl::cat(OptCat));
static cl::opt<bool> PrintOpTable("print-op-table",
                                  cl::desc("Print the op table (Ops.def) as Markdown, the text "
                                           "of docs/OpTable.md, and exit"),
                                  cl::cat(OptCat));

int main(int argc, char **argv) {
  llvm::InitLLVM X(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) { OS << "xnorc-opt " << XNORC_VERSION << "\n"; });
  cl::HideUnrelatedOptions(
      {&OptCat, &importCategory(), &binarizationCategory(), &remarksCategory()});
  cl::ParseCommandLineOptions(argc, argv, "xnorc-opt: runs xnorc passes on IR\n");
  if (PrintOpTable) {
    llvm::outs() << printOpTableMarkdown();
    return 0;
  }
  if (InputFile.empty()) {
    xnorc::diags() << "xnorc-opt: error: no input file (see --help)\n";
    return 1;
  }
  ImportOptions IO = importOptionsFromFlags("xnorc-opt");
  auto G = loadModel(InputFile, IO);
  if (!G) {
    xnorc::diags() << llvm::toString(G.takeError()) << "\n";
    return 1;
  }
  PipelineOptions PO;
  PO.PrintAfterAll = PrintAfterAll;
  PO.VerifyEach = VerifyEach;
  PO.PrintStream = &llvm::outs();
  RemarkOutput Remarks(
      InputFile, [](const std::string &Text) { xnorc::diags() << "remark: " << Text << "\n"; });
  if (auto E = Remarks.init()) {
    xnorc::diags() << "xnorc-opt: error: " << llvm::toString(std::move(E)) << "\n";
    return 1;
  }
  PO.Passes = passOptionsFromFlags(Remarks.sink());
  PassManager PM(PO);
  if (auto E = PM.parsePipeline(Pipeline)) {
    xnorc::diags() << "xnorc-opt: error: " << llvm::toString(std::move(E)) << "\n";
    return 1;
  }
  if (auto E = PM.run(**G)) {
    xnorc::diags() << InputFile << ": error: " << llvm::toString(std::move(E)) << "\n";
    return 1;
  }
  llvm::outs() << printGraph(**G);
  if (auto E = Remarks.finish()) {
    xnorc::diags() << "xnorc-opt: error: " << llvm::toString(std::move(E)) << "\n";
    return 1;
  }
  return 0;
}
