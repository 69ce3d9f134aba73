//===- HlsTarget.cpp - FPGA streaming dataflow accelerators (Vitis HLS) ---===//
//
// Not a CPU target: it derives from Target directly (docs/AddingATarget.md) and emits one
// HLS process per layer joined by FIFOs (HlsEmitter.cpp), with per-layer PE/SIMD folding
// (HlsFolding.cpp) and throughput / memory estimates (HlsEstimate.cpp). Options come through
// --target-opt, the interface every target shares, so the driver needs no HLS flags.
//
//===----------------------------------------------------------------------===//
#include "compiler/Support/CSource.h"
#include "compiler/Support/Error.h"
#include "targets/hls/HlsEmitter.h"

#include <llvm/ADT/StringExtras.h>

namespace xnorc {

namespace {
class HlsTarget : public Target {
public:
  const char *name() const override { return "hls"; }

  std::vector<TargetOption> options() const override {
    return {
        {"folding", "JSON file of per-layer PE/SIMD (layer names or FINN's folding config)", {}},
        {"fps", "target images per second: the cheapest folding that meets it", {}},
        {"clock-mhz", "clock of the estimates and of run_hls.tcl (default 100)", {}},
        {"part", "FPGA part for run_hls.tcl (default xc7z020clg400-1)", {}}};
  }

  OpSupport isOpSupported(const Op &O) const override { return hlsOpSupport(O); }

  llvm::Expected<std::vector<OutputFile>> emit(const Graph &G, const EmitOptions &Opts) override {
    HlsEstimate Est;
    return generate(G, Opts, Est);
  }

  /// The estimates of the accelerator emit() would generate (--report).
  llvm::Expected<std::string> report(const Graph &G) override {
    if (auto E = checkOpsSupported(*this, G))
      return std::move(E);
    EmitOptions Opts;
    Opts.Name = "model";
    HlsEstimate Est;
    auto Files = generate(G, Opts, Est);
    if (!Files)
      return Files.takeError();
    return "\n" + Est.text();
  }

protected:
  llvm::Error setOption(llvm::StringRef Key, llvm::StringRef Value) override {
    if (Key == "folding") {
      FoldingFile = Value.str();
      return llvm::Error::success();
    }
    if (Key == "part") {
      for (char C : Value)
        if (!llvm::isAlnum(C) && C != '-' && C != '_' && C != '.')
          return makeError("--target-opt part='{}': a part number has letters, digits, '-', "
                           "'_' and '.' only",
                           cComment(Value));
      Part = Value.str();
      return llvm::Error::success();
    }
    double V = 0;
    if (Value.getAsDouble(V) || !(V > 0) || V > 1e12)
      return makeError("--target-opt {}='{}': expected a positive number", Key.str(),
                       cComment(Value));
    (Key == "fps" ? Fps : ClockMHz) = V;
    return llvm::Error::success();
  }

private:
  llvm::Expected<std::vector<OutputFile>> generate(const Graph &G, const EmitOptions &Opts,
                                                   HlsEstimate &Est) const {
    HlsConfig Config;
    Config.ClockMHz = ClockMHz;
    Config.Part = Part;
    if (!FoldingFile.empty()) {
      auto F = readFoldingFile(FoldingFile, G);
      if (!F)
        return F.takeError();
      Config.Foldings = std::move(*F);
    }
    if (Fps > 0)
      if (auto E = foldForThroughput(G, Config))
        return std::move(E);
    return emitHls(G, Opts, Config, Est);
  }

  std::string FoldingFile, Part = "xc7z020clg400-1";
  double Fps = 0, ClockMHz = 100.0;

  /// Each folded layer gets its cheapest folding whose cycles per image meet the target
  /// (clock / fps), so the pipeline is balanced at the target rate; a layer that cannot
  /// meet it even fully unfolded is an error naming it.
  llvm::Error foldForThroughput(const Graph &G, HlsConfig &Config) const {
    const double Budget = ClockMHz * 1e6 / Fps;
    for (const Op *O : G.ops()) {
      auto Geo = mvtuGeometry(*O);
      if (!Geo)
        continue;
      bool Met = false;
      for (const Folding &F : foldingsByCost(*Geo))
        if (static_cast<double>(Geo->cycles(F)) <= Budget) {
          Config.Foldings[O] = F;
          Met = true;
          break;
        }
      if (!Met)
        return makeError("layer '{}': no folding meets {} images/s at {} MHz (fully parallel it "
                         "takes {} cycles per image, the budget is {:.0f})",
                         cComment(hlsLayerName(*O)), Fps, ClockMHz,
                         Geo->cycles(foldingsByCost(*Geo).back()), Budget);
    }
    return llvm::Error::success();
  }
};
} // namespace

std::unique_ptr<Target> createHlsTarget() { return std::make_unique<HlsTarget>(); }

} // namespace xnorc
