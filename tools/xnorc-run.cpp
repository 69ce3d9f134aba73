//===- xnorc-run.cpp - Execute a model with the reference interpreter -----===//
//
//   xnorc-run MODEL IN0.npy|IN0.pb ... -o DIR [--passes=...]
//
// Writes DIR/output<i>.npy. Like the generated --emit-main program, an input
// holding k times the model's input runs k times and the outputs are
// concatenated, so both can be compared file for file.
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/TensorIO.h"
#include "compiler/Interpreter/Interpreter.h"
#include "compiler/Support/TerminalText.h"
#include "passes/Passes.h"
#include "tools/Driver/ImportFlags.h"
#include "tools/Driver/ModelLoader.h"
#include "tools/Driver/PassFlags.h"
#include "xnorc/runtime/common/npy.h"

#include <fmt/format.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/InitLLVM.h>

using namespace xnorc;
namespace cl = llvm::cl;

static cl::OptionCategory RunCat("xnorc-run options");
static cl::opt<std::string> ModelFile(cl::Positional, cl::desc("<model>"), cl::Required,
                                      cl::cat(RunCat));
static cl::list<std::string> InputFiles(cl::Positional, cl::desc("<input.npy|.pb>..."),
                                        cl::ZeroOrMore, cl::cat(RunCat));
static cl::opt<std::string> OutDir("o", cl::desc("Output directory"), cl::Required,
                                   cl::cat(RunCat));
static cl::opt<std::string> Pipeline("passes",
                                     cl::desc("Passes to run before interpreting (default: none)"),
                                     cl::cat(RunCat));

static int fail(const std::string &Msg) {
  xnorc::diags() << Msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM X(argc, argv);
  cl::SetVersionPrinter([](llvm::raw_ostream &OS) { OS << "xnorc-run " << XNORC_VERSION << "\n"; });
  cl::HideUnrelatedOptions({&RunCat, &importCategory(), &binarizationCategory()});
  cl::ParseCommandLineOptions(argc, argv, "xnorc-run: runs a model in the reference interpreter\n");
  ImportOptions IO = importOptionsFromFlags("xnorc-run");
  auto G = loadModel(ModelFile, IO);
  if (!G)
    return fail(llvm::toString(G.takeError()));
  PipelineOptions PO;
  PO.Passes = passOptionsFromFlags(nullptr);
  PassManager PM(PO);
  if (auto E = PM.parsePipeline(Pipeline))
    return fail("xnorc-run: error: " + llvm::toString(std::move(E)));
  if (auto E = PM.run(**G))
    return fail(ModelFile + ": error: " + llvm::toString(std::move(E)));
  const Graph &Graph = **G;
  if (InputFiles.size() != Graph.inputs().size())
    return fail(fmt::format("xnorc-run: error: the model has {} inputs, {} files were given",
                            Graph.inputs().size(), InputFiles.size()));

  std::vector<Tensor> Inputs;
  int64_t K = InputFiles.empty() ? 1 : -1;
  for (size_t I = 0; I < InputFiles.size(); ++I) {
    auto T = readTensorFile(InputFiles[I]);
    if (!T)
      return fail("xnorc-run: error: " + llvm::toString(T.takeError()));
    // .npy files carry their element type (f64 reads as f32): it must be the input's.
    if (T->elem() != Graph.inputs()[I]->type().Elem)
      return fail(fmt::format("xnorc-run: error: {}: holds {} values; input '{}' is {}",
                              InputFiles[I], elemTypeName(T->elem()), Graph.inputs()[I]->name(),
                              elemTypeName(Graph.inputs()[I]->type().Elem)));
    // The same shape rule as the --emit-main program: the input's shape, or k of them
    // along the leading dimension.
    const Shape &Want = Graph.inputs()[I]->type().Dims;
    std::vector<long long> HaveDims(T->dims().begin(), T->dims().end()),
        WantDims(Want.begin(), Want.end());
    long long Batches = xn_npy_batches(HaveDims.data(), static_cast<int>(HaveDims.size()),
                                       WantDims.data(), static_cast<int>(WantDims.size()));
    if (Batches <= 0)
      return fail(fmt::format("xnorc-run: error: {}: shape {} does not fit input {} ('{}') of "
                              "shape {}: give that shape, or k inputs concatenated along the "
                              "leading dimension",
                              InputFiles[I], shapeToString(T->dims()), I, Graph.inputs()[I]->name(),
                              shapeToString(Want)));
    if (K >= 0 && K != Batches)
      return fail(fmt::format("xnorc-run: error: {}: holds {} inputs along its leading "
                              "dimension, the earlier files {}",
                              InputFiles[I], Batches, K));
    K = Batches;
    Inputs.push_back(std::move(*T));
  }

  std::vector<Tensor> Outputs;
  for (int64_t B = 0; B < K; ++B) {
    std::vector<Tensor> Slice;
    for (size_t I = 0; I < Inputs.size(); ++I) {
      Tensor S(Graph.inputs()[I]->type());
      if (!S.bytes().empty())
        std::memcpy(S.data<uint8_t>(), Inputs[I].data<uint8_t>() + B * S.bytes().size(),
                    S.bytes().size());
      Slice.push_back(std::move(S));
    }
    auto Out = interpretGraph(Graph, Slice);
    if (!Out)
      return fail(ModelFile + ": error: " + llvm::toString(Out.takeError()));
    if (B == 0) {
      for (Tensor &T : *Out) {
        Shape D = T.dims();
        if (K > 1) {
          if (D.empty())
            D.push_back(K);
          else
            D[0] *= K;
        }
        Outputs.emplace_back(TensorType{T.elem(), D});
      }
    }
    for (size_t O = 0; O < Out->size(); ++O) {
      const Tensor &T = (*Out)[O];
      if (T.bytes().empty())
        continue; // an empty tensor's data pointers may be null, which memcpy may not take
      std::memcpy(Outputs[O].data<uint8_t>() + B * T.bytes().size(), T.bytes().data(),
                  T.bytes().size());
    }
  }
  bool CreatedDir = !llvm::sys::fs::exists(OutDir);
  if (auto EC = llvm::sys::fs::create_directories(OutDir))
    return fail("xnorc-run: error: " + OutDir + ": " + EC.message());
  // A failed run leaves no output: neither the files written before the failure
  // nor the directory it created.
  std::vector<std::string> Written;
  for (size_t O = 0; O < Outputs.size(); ++O) {
    std::string Path = OutDir + "/output" + std::to_string(O) + ".npy";
    if (auto E = writeNpy(Path, Outputs[O])) {
      for (const std::string &W : Written)
        llvm::sys::fs::remove(W);
      if (CreatedDir)
        llvm::sys::fs::remove(OutDir);
      return fail("xnorc-run: error: " + llvm::toString(std::move(E)));
    }
    Written.push_back(Path);
  }
  return 0;
}
