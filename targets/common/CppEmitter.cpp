//===- CppEmitter.cpp - IR -> self-contained C++ for every C++ target ------===//
//
// Emits <name>.h, <name>.cpp (and <name>_main.cpp on request). The .cpp holds
// the runtime kernels it uses, pasted into a model-private namespace (so two
// models can be linked into one program), the constants as static arrays, and
// <name>_run(): one kernel call per op, every tensor at its planned arena
// offset. CPU targets differ only in what CpuTarget declares: which kernels
// replace the generic ones (with weights repacked at compile time) and which CPU
// features the code checks for before running.
//
// With EmitOptions::Threads > 1 the calls move into <name>_body(), which every
// thread of a team (runtime/common/team.h) runs: splittable kernels get their
// part, the others run on thread 0, with a barrier wherever work passes from
// one set of threads to the other.
//
// With EmitOptions::Profile the calls are timed (common/profile.h): <name>_run_profiled()
// writes each layer's wall-clock time to the caller's array, and <name>_run is it without
// the array. Without it the code holds no timer at all.
//
//===----------------------------------------------------------------------===//
#include "targets/common/CppEmitter.h"
#include "compiler/Analysis/MemoryPlan.h"
#include "compiler/Analysis/ModelReport.h"
#include "compiler/Lowering/KernelCall.h"
#include "compiler/Support/CSource.h"
#include "compiler/Support/Error.h"
#include "targets/common/ApiWriter.h"
#include "targets/common/ConstantWriter.h"
#include "targets/common/RuntimeHeaders.h"

#include <llvm/ADT/StringRef.h>
#include <unordered_map>

namespace xnorc {

namespace {

class Emitter {
public:
  Emitter(const Graph &G, const EmitOptions &Opts, const CpuTarget &T)
      : G(G), Opts(Opts), T(T), SignFused(T.signOutputs(G)), Plan(planMemory(G, writtenEarly())) {
    for (auto &[Thr, Producer] : SignFused)
      SignOutputOf[Producer] = Thr;
  }

  llvm::Expected<std::vector<OutputFile>> emit() {
    ModelApi Api = ModelApi::fromGraph(G, Opts.Name, T.name(), Opts.SourceFile, Plan.ArenaBytes);
    std::vector<OpCode> Code;
    for (const Op *O : G.ops()) {
      Code.emplace_back();
      Code.back().Layer = static_cast<int>(Code.size() - 1);
      if (auto E = emitOp(*O, Code.back()))
        return std::move(E);
    }
    if (profiling()) {
      if (auto E = addHeader("common/profile.h"))
        return std::move(E);
      ProfileApi P;
      P.Layers = buildReport(G, Plan.ArenaBytes).Rows;
      for (const OpCode &C : Code) {
        P.HasCode.push_back(!C.Call.empty());
        if (C.Multiplies >= 0) { // a Winograd kernel: its roofline is the products it does
          P.Layers[P.HasCode.size() - 1].Macs = C.Multiplies;
          P.Layers[P.HasCode.size() - 1].Kind = "winograd";
        }
      }
      P.Threads = Opts.Threads;
      P.Json = Opts.Profile == ProfileFormat::Json;
      P.PeakHeader = T.peakHeader();
      Api.Profile = std::move(P);
    }
    std::string Copies;
    for (auto &[Index, V] : Plan.OutputCopies)
      Copies += fmt::format("  // graph output {} is %{}\n  memcpy(outputs[{}], {}, {});\n", Index,
                            cComment(V->name()), Index, pointer(V), V->type().storageBytes());
    const bool Parallel = Opts.Threads > 1 && std::any_of(Code.begin(), Code.end(),
                                                          [](const OpCode &C) { return C.Split; });
    if (Parallel) {
      if (auto E = addHeader("common/team.h"))
        return std::move(E);
      Api.Threads = Opts.Threads;
    }
    if (Opts.Threads > 1 && !Parallel && Opts.Note)
      Opts.Note(fmt::format("--threads={}: no layer of this model has a kernel that splits its "
                            "work on target {}; the code is single-threaded",
                            Opts.Threads, T.name()));

    std::string Cpp =
        generatedBanner(Api, Opts.Name + ".cpp: inference code of model '" + Opts.Name + "'.");
    Cpp += fmt::format("#include \"{}.h\"\n\n", Opts.Name);
    Cpp += "#include <float.h>\n#include <limits.h>\n#include <math.h>\n#include <stddef.h>\n"
           "#include <stdint.h>\n#include <string.h>\n";
    for (const std::string &H : T.systemIncludes())
      Cpp += fmt::format("#include <{}>\n", H);
    if (Parallel) // common/team.h's
      Cpp += "#include <atomic>\n#include <chrono>\n#include <condition_variable>\n#include "
             "<mutex>\n#include <thread>\n";
    else if (profiling())
      Cpp += "#include <chrono>\n";
    Cpp += "\n";
    Cpp += fmt::format("namespace {} {{\n\n", runtimeNamespace());
    for (const std::string &H : Headers)
      Cpp += fmt::format("// ---- xnorc runtime: {} ----\n{}\n", H, runtimeHeaderText(H));
    Cpp += "// ---- constants ----\n" + Constants;
    if (Parallel)
      Cpp += "\n" + teamBody(Code, Copies);
    Cpp += fmt::format("\n}} // namespace {}\n\n", runtimeNamespace());
    Cpp += writeInfoDefinition(Api) + "\n";
    if (profiling())
      Cpp += writeLayerTable(Api) + "\n";
    Cpp += runFunction(Parallel ? teamLaunch() : serialBody(Code) + Copies);

    std::vector<OutputFile> Files{{Opts.Name + ".h", writeApiHeader(Api)},
                                  {Opts.Name + ".cpp", Cpp}};
    if (Opts.EmitMain)
      Files.push_back({Opts.Name + "_main.cpp", writeMainProgram(Api)});
    return Files;
  }

private:
  const Graph &G;
  const EmitOptions &Opts;
  const CpuTarget &T;
  /// Thresholds computed by their producer's kernel (CpuTarget::signOutputs), and the reverse.
  std::unordered_map<const Op *, const Op *> SignFused, SignOutputOf;
  MemoryPlan Plan;
  std::vector<std::string> Headers; // in first-use order, unique
  std::string Constants;
  std::unordered_map<const Value *, std::string> Symbols;
  CSymbolTable SymbolNames; ///< every symbol made from a model's name goes through it

  /// The fused thresholds' results, written when their producer runs.
  std::unordered_map<const Value *, const Op *> writtenEarly() const {
    std::unordered_map<const Value *, const Op *> W;
    for (auto &[Thr, Producer] : SignFused)
      W[Thr->result()] = Producer;
    return W;
  }

  std::string runtimeNamespace() const { return Opts.Name + "_impl"; }
  bool profiling() const { return Opts.Profile != ProfileFormat::Off; }

  /// Appends runtime header H after the project headers it includes (their
  /// #include lines are stripped when pasting, so order is what resolves them).
  llvm::Error addHeader(const std::string &H) { return collectRuntimeHeader(H, Headers); }

  const std::string &symbolFor(const Value *C) {
    auto It = Symbols.find(C);
    if (It != Symbols.end())
      return It->second;
    std::string S = SymbolNames.unique("k_", C->name());
    Constants += fmt::format("// %{} {}\n", cComment(C->name()), C->type().str()) +
                 writeConstantArray(S, C->constant());
    return Symbols[C] = S;
  }

  static const char *cType(ElemType E) {
    switch (E) {
    case ElemType::B1:
      return "uint64_t";
    case ElemType::I32:
      return "int32_t";
    case ElemType::I64:
      return "int64_t";
    case ElemType::I8:
      return "int8_t";
    case ElemType::U8:
      return "uint8_t";
    case ElemType::I16:
      return "int16_t";
    case ElemType::U16:
      return "uint16_t";
    case ElemType::F32:
      break;
    }
    return "float";
  }

  std::string pointer(const Value *V) {
    const Storage &S = Plan.Where.at(V);
    switch (S.K) {
    case Storage::Kind::Input:
      return fmt::format("inputs[{}]", S.Index);
    case Storage::Kind::Output:
      return fmt::format("outputs[{}]", S.Index);
    case Storage::Kind::Arena:
      return fmt::format("reinterpret_cast<{} *>(arena_bytes + {})", cType(V->type().Elem),
                         S.Offset);
    case Storage::Kind::Constant:
      return symbolFor(V);
    }
    return "nullptr";
  }

  /// One op's emitted code: a comment, and the kernel call unless the op has none.
  struct OpCode {
    std::string Comment, Call;
    bool Split = false;      ///< the call takes (part, parts): every thread runs it
    int Layer = 0;           ///< the op's index in execution order (--profile's layer_ns)
    int64_t Multiplies = -1; ///< KernelCall::Multiplies
  };

  /// --profile: the clock read before a layer's call (every thread reads it; only thread
  /// 0's reading is used) and the time stored after it, from thread 0 (Team) once the
  /// barrier ending the layer has passed. Empty without --profile.
  std::string timerStart(const OpCode &C) const {
    return profiling() ? fmt::format("  const long long xn_t{} = xn_prof_now();\n", C.Layer) : "";
  }
  std::string timerStop(const OpCode &C, bool Team) const {
    if (!profiling())
      return "";
    return fmt::format("  if ({}layer_ns)\n    layer_ns[{}] = {};\n",
                       Team ? "team_id == 0 && " : "", C.Layer,
                       C.Call.empty() ? "0" : fmt::format("xn_prof_now() - xn_t{}", C.Layer));
  }

  /// Op::describe() for a comment: the op's names pass through cComment.
  static std::string describeInComment(const Op &O) {
    if (!O.name().empty())
      return fmt::format("{} '{}'", O.mnemonic(), cComment(O.name()));
    return fmt::format("{} %{}", O.mnemonic(), cComment(O.result()->name()));
  }

  llvm::Error emitOp(const Op &O, OpCode &Code) {
    std::string &Body = Code.Comment;
    std::vector<std::string> OperandNames;
    for (const Value *V : O.operands())
      OperandNames.push_back("%" + cComment(V->name()));
    std::string Label =
        O.name().empty() ? O.mnemonic() : fmt::format("{} '{}'", O.mnemonic(), cComment(O.name()));
    Body += fmt::format("  // {}: ({}) -> %{} {}\n", Label, fmt::join(OperandNames, ", "),
                        cComment(O.result()->name()), O.result()->type().str());
    auto AliasIt = Plan.IsAlias.find(&O);
    if (AliasIt != Plan.IsAlias.end() && AliasIt->second) {
      Body += "  // (shares its operand's storage: no code)\n";
      return llvm::Error::success();
    }
    auto Fused = SignFused.find(&O);
    if (Fused != SignFused.end()) {
      Body += fmt::format("  // (written by {}'s kernel with its output: no code)\n",
                          describeInComment(*Fused->second));
      return llvm::Error::success();
    }
    auto Call = T.lower(O);
    if (!Call)
      return Call.takeError();
    auto SignOutput = SignOutputOf.find(&O);
    if (SignOutput != SignOutputOf.end())
      CpuTarget::addSignOutput(*SignOutput->second, *Call);
    const KernelInfo &Kernel = Call->info();
    for (const std::string &H : T.headersFor(*Call))
      if (auto E = addHeader(H))
        return E;
    std::vector<std::string> Args;
    for (const KernelArg &A : Call->Args) {
      switch (A.K) {
      case KernelArg::Kind::Operand:
        Args.push_back(pointer(O.operand(A.OperandIndex)));
        break;
      case KernelArg::Kind::Derived: {
        std::string S = SymbolNames.unique("k_", O.result()->name() + "_" + A.DerivedName);
        Constants += fmt::format("// {} of {}\n", A.DerivedName, describeInComment(O)) +
                     writeConstantArray(S, A.Derived);
        Args.push_back(S);
        break;
      }
      case KernelArg::Kind::Null:
        Args.push_back("nullptr");
        break;
      case KernelArg::Kind::Fused:
        Args.push_back(pointer(A.FusedValue));
        break;
      }
    }
    std::string Out = pointer(O.result());
    Code.Split = Kernel.Splittable && Opts.Threads > 1;
    Code.Multiplies = Call->Multiplies;
    if (Code.Split)
      Out += ", team_id, team->size";
    std::string &C = Code.Call;
    C += fmt::format("  {{\n    static const {} p = {};\n", Kernel.ParamsType, Call->ParamsInit);
    if (Call->ArgsAsArray)
      C += fmt::format("    const float *const in[] = {{{}}};\n    {}(&p, in, {});\n",
                       fmt::join(Args, ", "), Kernel.Function, Out);
    else
      C += fmt::format("    {}(&p, {}, {});\n", Kernel.Function, fmt::join(Args, ", "), Out);
    C += "  }\n";
    return llvm::Error::success();
  }

  std::string serialBody(const std::vector<OpCode> &Code) const {
    std::string Body;
    for (const OpCode &C : Code)
      Body += C.Comment + (C.Call.empty() ? "" : timerStart(C) + C.Call) + timerStop(C, false);
    return Body;
  }

  std::string bodyName() const { return Opts.Name + "_body"; }

  /// <name>_body(): the layers as every thread of the team runs them. Consecutive
  /// thread-0 layers share one `if`; a barrier stands wherever the set of threads
  /// changes (a split layer needs all earlier results, and its parts are needed whole).
  std::string teamBody(const std::vector<OpCode> &Code, const std::string &Copies) const {
    std::string B = fmt::format(
        "// Run by every thread of the team (common/team.h); team_id 0 is the caller's.\n"
        "static void {}(xn_team *team, int team_id, const float *const *inputs,\n"
        "               float *const *outputs, unsigned char *arena_bytes{}) {{\n"
        "  (void)inputs;\n  (void)outputs;\n  (void)arena_bytes;\n",
        bodyName(), profiling() ? ", long long *layer_ns" : "");
    bool InSerial = false, Pending = false; // inside `if (team_id == 0)`; work since a barrier
    auto OpenSerial = [&] {
      if (!InSerial)
        B += "  if (team_id == 0) {\n";
      InSerial = true;
    };
    auto CloseSerial = [&] {
      if (InSerial)
        B += "  }\n";
      InSerial = false;
    };
    for (const OpCode &C : Code) {
      if (C.Call.empty()) {
        B += C.Comment + timerStop(C, true);
        continue;
      }
      if (C.Split) {
        CloseSerial();
        if (Pending)
          B += "  xn_team_sync(team, team_id);\n";
        B += C.Comment + timerStart(C) + C.Call + "  xn_team_sync(team, team_id);\n" +
             timerStop(C, true);
        Pending = false;
        continue;
      }
      OpenSerial();
      Pending = true;
      B += C.Comment + timerStart(C) + C.Call + timerStop(C, false);
    }
    if (!Copies.empty()) {
      OpenSerial();
      B += Copies;
    }
    CloseSerial();
    return B + "}\n";
  }

  std::string teamLaunch() const {
    return fmt::format("  {NS}::xn_team_run<{T}>([&]({NS}::xn_team *team, int team_id) {{\n"
                       "    {NS}::{B}(team, team_id, inputs, outputs, {A}{P});\n"
                       "  }});\n",
                       fmt::arg("NS", runtimeNamespace()), fmt::arg("T", Opts.Threads),
                       fmt::arg("B", bodyName()),
                       fmt::arg("A", Plan.ArenaBytes > 0 ? "arena_bytes" : "nullptr"),
                       fmt::arg("P", profiling() ? ", layer_ns" : ""));
  }

  std::string runFunction(const std::string &Body) const {
    std::string U = upperName(Opts.Name);
    std::string Out;
    if (profiling())
      Out = fmt::format("extern \"C\" int {N}_run(const float *const *inputs, float *const "
                        "*outputs, void *arena) {{\n"
                        "  return {N}_run_profiled(inputs, outputs, arena, nullptr);\n}}\n\n",
                        fmt::arg("N", Opts.Name));
    Out += fmt::format(
        "extern \"C\" int {N}_run{P}(const float *const *inputs, float *const *outputs, "
        "void *arena{A}) {{\n"
        "  using namespace {NS};\n"
        "  if (({U}_NUM_INPUTS > 0 && !inputs) || !outputs || ({U}_ARENA_BYTES > 0 && !arena))\n"
        "    return {U}_ERROR_NULL_ARGUMENT;\n"
        "  if (reinterpret_cast<uintptr_t>(arena) % {U}_ARENA_ALIGN != 0)\n"
        "    return {U}_ERROR_MISALIGNED_ARENA;\n",
        fmt::arg("N", Opts.Name), fmt::arg("NS", runtimeNamespace()), fmt::arg("U", U),
        fmt::arg("P", profiling() ? "_profiled" : ""),
        fmt::arg("A", profiling() ? ", long long *layer_ns" : ""));
    if (!T.cpuCheck().empty())
      Out += fmt::format("  if (!({}))\n    return {}_ERROR_UNSUPPORTED_CPU;\n", T.cpuCheck(), U);
    if (Plan.ArenaBytes > 0)
      Out += "  unsigned char *const arena_bytes = static_cast<unsigned char *>(arena);\n";
    if (profiling())
      Out += "  (void)layer_ns; // a model without layers times nothing\n";
    return Out + Body + fmt::format("  return {}_OK;\n}}\n", U);
  }
};

} // namespace

llvm::Expected<std::vector<OutputFile>> emitCpp(const Graph &G, const EmitOptions &Opts,
                                                const CpuTarget &T) {
  return Emitter(G, Opts, T).emit();
}

} // namespace xnorc
