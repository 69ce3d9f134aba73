//===- xnorc.cpp - The xnorc compiler driver ------------------------------===//
//
//   xnorc MODEL -o DIR [--target=generic] [--target-opt k=v] [--name=NAME] [--emit-main]
//
// Loads an ONNX model (or text IR), runs the pass pipeline and writes the
// target's C++ files. Every failure is one "file: error: ..." line and a
// non-zero exit, with nothing written.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/MemoryPlan.h"
#include "compiler/Analysis/ModelReport.h"
#include "compiler/IR/Printer.h"
#include "compiler/Support/CSource.h"
#include "compiler/Support/TerminalText.h"
#include "passes/Passes.h"
#include "targets/Target.h"
#include "tools/Driver/HlsFlags.h"
#include "tools/Driver/ImportFlags.h"
#include "tools/Driver/ModelLoader.h"
#include "tools/Driver/OutputFiles.h"
#include "tools/Driver/PassFlags.h"
#include "tools/Driver/RemarkOutput.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/WithColor.h>

using namespace xnorc;
namespace cl = llvm::cl;

static cl::OptionCategory IOCat("Input and output");
static cl::OptionCategory CodegenCat("Code generation");
static cl::OptionCategory PassCat("Passes and debugging");

static cl::opt<std::string> InputFile(cl::Positional, cl::desc("<model.onnx|.onnxtext|.xir>"),
                                      cl::Required, cl::cat(IOCat));
static cl::opt<std::string> OutDir("o", cl::desc("Output directory"), cl::value_desc("dir"),
                                   cl::cat(IOCat));
static cl::opt<std::string> ModelName("name",
                                      cl::desc("C identifier for the generated API (default: "
                                               "from the file name)"),
                                      cl::cat(IOCat));
enum class EmitKind { IR, Cpp };
static cl::opt<EmitKind>
    Emit("emit", cl::desc("What to produce"), cl::init(EmitKind::Cpp),
         cl::values(clEnumValN(EmitKind::IR, "ir",
                               "the IR after the pipeline (to stdout, or "
                               "DIR/<name>.xir with -o)"),
                    clEnumValN(EmitKind::Cpp, "cpp", "C++ source files (default)")),
         cl::cat(IOCat));
static cl::opt<bool> EmitMain("emit-main",
                              cl::desc("Also write <name>_main.cpp, a program running the "
                                       "model on .npy files"),
                              cl::cat(IOCat));

enum class ReportKind { None, Table, Json };
static cl::opt<ReportKind>
    Report("report", cl::desc("Print a per-layer report (op, kind, MACs, bytes) to stdout"),
           cl::ValueOptional, cl::init(ReportKind::None),
           cl::values(clEnumValN(ReportKind::Table, "", "a table (default)"),
                      clEnumValN(ReportKind::Table, "table", "a table"),
                      clEnumValN(ReportKind::Json, "json", "JSON, for tools")),
           cl::cat(IOCat));
static cl::opt<std::string> TargetName("target", cl::desc("Backend (see --list-targets)"),
                                       cl::init("generic"), cl::cat(CodegenCat));
static cl::opt<int> Threads("threads",
                            cl::desc("Threads per <name>_run call: layers with a kernel that "
                                     "splits its work run on all of them (default 1: "
                                     "single-threaded code, no thread library)"),
                            cl::init(1), cl::value_desc("N"), cl::cat(CodegenCat));
static cl::opt<ProfileFormat> Profile(
    "profile",
    cl::desc("Time every layer: the code gets <name>_run_profiled() with a timer around each "
             "layer call, and the --emit-main program prints a per-layer profile (time, "
             "share, roofline share; docs/GeneratedAPI.md)"),
    cl::ValueOptional, cl::init(ProfileFormat::Off),
    cl::values(clEnumValN(ProfileFormat::Table, "", "a table (default)"),
               clEnumValN(ProfileFormat::Table, "table", "a table"),
               clEnumValN(ProfileFormat::Json, "json", "JSON, for tools")),
    cl::cat(CodegenCat));
static cl::opt<bool> ListTargets("list-targets", cl::desc("List the backends and exit"),
                                 cl::cat(CodegenCat));
static cl::list<std::string>
    TargetOpts("target-opt",
               cl::desc("A target-specific option (repeatable; an unknown key lists the "
                        "target's options; docs/Targets.md)"),
               cl::value_desc("key=value"), cl::cat(CodegenCat));

static cl::opt<std::string> Pipeline("passes",
                                     cl::desc("Comma-separated pass pipeline (default: the "
                                              "standard one; see --list-passes)"),
                                     cl::cat(PassCat));
static cl::opt<bool>
    Quiet("quiet", cl::desc("Do not print notes and remarks (e.g. the binarization report)"),
          cl::cat(PassCat));
static cl::opt<bool> ListPasses("list-passes", cl::desc("List the passes and exit"),
                                cl::cat(PassCat));
static cl::opt<bool> PrintAfterAll("print-after-all", cl::desc("Print the IR after every pass"),
                                   cl::cat(PassCat));
static cl::list<std::string> PrintAfter("print-after",
                                        cl::desc("Print the IR after the named pass"),
                                        cl::CommaSeparated, cl::cat(PassCat));
static cl::opt<bool> VerifyEach("verify-each", cl::desc("Verify the IR after every pass"),
                                cl::cat(PassCat));

/// One layer prune-channels narrowed (its remark arguments).
static PrunedLayer prunedLayerFromRemark(const Remark &R) {
  PrunedLayer P;
  for (const auto &[Key, Value] : R.Args) {
    if (Key == "layer")
      P.Layer = Value;
    else if (Key == "before")
      P.Before = std::stoll(Value);
    else if (Key == "after")
      P.After = std::stoll(Value);
  }
  return P;
}

/// bn-sign-to-threshold's tie analysis of one BatchNorm (its remark arguments).
static TieRow tieRowFromRemark(const Remark &R) {
  TieRow T;
  for (const auto &[Key, Value] : R.Args) {
    if (Key == "layer")
      T.Layer = Value;
    else if (Key == "num_channels")
      T.NumChannels = std::stoll(Value);
    else if (Key == "channels")
      for (llvm::StringRef Rest = Value; !Rest.empty();) {
        auto [Item, Tail] = Rest.split(',');
        T.Channels.push_back(std::stoll(Item.str()));
        Rest = Tail;
      }
  }
  return T;
}

static int fail(const std::string &Msg) {
  llvm::WithColor::error(xnorc::diags(), "xnorc") << Msg << "\n";
  return 1;
}

/// Errors from the loader already carry "file: error:"; others get the prefix here.
static int failFor(llvm::Error E) {
  std::string Msg = llvm::toString(std::move(E));
  if (Msg.find(": error: ") != std::string::npos) {
    xnorc::diags() << Msg << "\n";
    return 1;
  }
  xnorc::diags() << InputFile << ": error: " << Msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM X(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) { OS << "xnorc " << XNORC_VERSION << "\n"; });
  cl::HideUnrelatedOptions({&IOCat, &importCategory(), &binarizationCategory(), &CodegenCat,
                            &hlsCategory(), &PassCat, &remarksCategory()});
  if (argc > 1 && (llvm::StringRef(argv[1]) == "--list-passes" ||
                   llvm::StringRef(argv[1]) == "--list-targets")) {
    if (llvm::StringRef(argv[1]) == "--list-passes")
      for (const PassInfo &P : registeredPasses())
        llvm::outs() << llvm::format("  %-18s %s\n", P.Name, P.Description);
    else
      for (const TargetInfo &T : registeredTargets())
        llvm::outs() << llvm::format("  %-18s %s\n", T.Name, T.Description);
    return 0;
  }
  cl::ParseCommandLineOptions(argc, argv,
                              "xnorc: compiles ONNX models of (binary) neural networks into "
                              "self-contained C++\n");

  if (Emit == EmitKind::Cpp && OutDir.empty() && Report == ReportKind::None)
    return fail("no output directory: give -o DIR");
  std::string Name =
      ModelName.getNumOccurrences() ? ModelName.getValue() : modelNameFromPath(InputFile);
  if (auto E = checkModelName(Name))
    return fail(llvm::toString(std::move(E)));
  if (Threads < 1 || Threads > MaxThreads)
    return fail("--threads=" + std::to_string(Threads) + ": must be 1 to " +
                std::to_string(MaxThreads));
  auto Target = createTarget(TargetName);
  if (!Target)
    return fail(llvm::toString(Target.takeError()));
  std::vector<std::string> Opts(TargetOpts.begin(), TargetOpts.end());
  auto HlsOpts = hlsTargetOptions((*Target)->name());
  if (!HlsOpts)
    return fail(llvm::toString(HlsOpts.takeError()));
  Opts.insert(Opts.end(), HlsOpts->begin(), HlsOpts->end());
  if (auto E = (*Target)->configure(Opts))
    return fail(llvm::toString(std::move(E)));
  if (Profile != ProfileFormat::Off && !(*Target)->supportsProfile())
    return fail(std::string("--profile: target ") + (*Target)->name() +
                " has no per-layer timers (the CPU targets have)");
  if (TargetName == "host" && !Quiet)
    llvm::WithColor::note(xnorc::diags(), "xnorc")
        << "--target=host: this CPU runs target " << (*Target)->name() << "\n";

  ImportOptions IO = importOptionsFromFlags("xnorc");
  if (Quiet)
    IO.Note = nullptr;
  auto G = loadModel(InputFile, IO);
  if (!G)
    return failFor(G.takeError());

  PipelineOptions PO;
  PO.PrintAfterAll = PrintAfterAll;
  PO.PrintAfter.assign(PrintAfter.begin(), PrintAfter.end());
  PO.VerifyEach = VerifyEach;
  RemarkOutput Remarks(
      InputFile, Quiet ? std::function<void(const std::string &)>() : [](const std::string &Text) {
        llvm::WithColor::remark(xnorc::diags(), "xnorc") << Text << "\n";
      });
  if (auto E = Remarks.init())
    return fail(llvm::toString(std::move(E)));
  // The report's tie section: the BatchNorm arithmetic (read before the passes
  // absorb the BatchNorms) and bn-sign-to-threshold's tie analysis.
  std::string BnArith = batchNormArithOf(**G);
  std::vector<TieRow> Ties;
  std::vector<PrunedLayer> Pruned;
  PO.Passes = passOptionsFromFlags([&Ties, &Pruned, Sink = Remarks.sink()](const Remark &R) {
    if (R.Pass == "prune-channels" && R.K == Remark::Kind::Applied) {
      // A layer narrowed in several rounds: one row, first count to last.
      PrunedLayer P = prunedLayerFromRemark(R);
      auto It = std::find_if(Pruned.begin(), Pruned.end(),
                             [&](const PrunedLayer &Q) { return Q.Layer == P.Layer; });
      if (It == Pruned.end())
        Pruned.push_back(P);
      else
        It->After = P.After;
    }
    if (R.Pass != "bn-sign-to-threshold" || R.K != Remark::Kind::Analysis)
      return Sink(R);
    // A BatchNorm read by several thresholds is analysed once per threshold.
    TieRow Row = tieRowFromRemark(R);
    if (std::none_of(Ties.begin(), Ties.end(),
                     [&](const TieRow &T) { return T.Layer == Row.Layer; }))
      Ties.push_back(std::move(Row));
    Sink(R);
  });
  // --remarks-json is written only once everything else succeeded.
  auto Succeed = [&] {
    if (auto E = Remarks.finish())
      return fail(llvm::toString(std::move(E)));
    return 0;
  };
  // Large models take a moment: show where the pipeline is, on a terminal only.
  bool ShowProgress = llvm::sys::Process::StandardErrIsDisplayed() && (*G)->ops().size() >= 50;
  if (ShowProgress)
    PO.Progress = [&](unsigned I, unsigned N, const char *Name) {
      llvm::errs() << llvm::format("\r\x1b[Kxnorc: [%u/%u] %s (%zu ops)", I, N, Name,
                                   (*G)->ops().size());
    };
  PassManager PM(PO);
  if (auto E =
          PM.parsePipeline(Pipeline.getNumOccurrences() ? Pipeline.getValue() : defaultPipeline()))
    return fail(llvm::toString(std::move(E)));
  if (auto E = (*Target)->addPasses(PM))
    return fail(llvm::toString(std::move(E)));
  auto PipelineResult = PM.run(**G);
  if (ShowProgress)
    llvm::errs() << "\r\x1b[K";
  if (PipelineResult)
    return failFor(std::move(PipelineResult));

  if (Report != ReportKind::None) {
    ModelReport R = buildReport(**G, planMemory(**G).ArenaBytes);
    R.BnArith = BnArith;
    R.Ties = std::move(Ties);
    R.Pruned = std::move(Pruned);
    llvm::outs() << (Report == ReportKind::Json ? formatReportJson(R) : formatReportTable(R));
    if (Report != ReportKind::Json) {
      auto Extra = (*Target)->report(**G);
      if (!Extra)
        return failFor(Extra.takeError());
      llvm::outs() << *Extra;
    }
    if (OutDir.empty() && Emit != EmitKind::IR)
      return Succeed();
  }

  std::vector<std::pair<std::string, std::string>> Files;
  if (Emit == EmitKind::IR) {
    std::string Text = printGraph(**G);
    if (OutDir.empty()) {
      llvm::outs() << Text;
      return Succeed();
    }
    Files.push_back({Name + ".xir", Text});
  } else {
    if (auto E = checkOpsSupported(**Target, **G))
      return failFor(std::move(E));
    EmitOptions EO;
    EO.Name = Name;
    EO.SourceFile = llvm::sys::path::filename(InputFile).str();
    EO.EmitMain = EmitMain;
    EO.Threads = Threads;
    EO.Profile = Profile;
    if (!Quiet)
      EO.Note = [](const std::string &Msg) {
        llvm::WithColor::note(xnorc::diags(), "xnorc") << Msg << "\n";
      };
    auto Out = (*Target)->emit(**G, EO);
    if (!Out)
      return failFor(Out.takeError());
    for (OutputFile &F : *Out)
      Files.push_back({F.Name, std::move(F.Contents)});
  }
  if (auto E = writeOutputFiles(OutDir, Files))
    return fail(llvm::toString(std::move(E)));
  return Succeed();
}
