//===- HlsFlags.cpp - The FPGA (HLS) target's driver flags ----------------===//
#include "tools/Driver/HlsFlags.h"

#include "compiler/Support/Error.h"

namespace xnorc {

namespace cl = llvm::cl;

cl::OptionCategory &hlsCategory() {
  static cl::OptionCategory Cat("FPGA (--target=hls)");
  return Cat;
}

static cl::opt<double> HlsFps("hls-fps",
                              cl::desc("Target images per second: each folded layer gets the "
                                       "cheapest PE/SIMD meeting it (--target-opt fps=F)"),
                              cl::value_desc("F"), cl::cat(hlsCategory()));
static cl::opt<double> HlsClockMHz("hls-clock-mhz",
                                   cl::desc("Clock of the estimates and of run_hls.tcl, in MHz "
                                            "(default 100; --target-opt clock-mhz=M)"),
                                   cl::value_desc("M"), cl::cat(hlsCategory()));
static cl::opt<std::string> HlsFolding("hls-folding",
                                       cl::desc("JSON file of per-layer PE/SIMD: layer names "
                                                "or FINN's folding config (--target-opt "
                                                "folding=FILE)"),
                                       cl::value_desc("FILE.json"), cl::cat(hlsCategory()));

llvm::Expected<std::vector<std::string>> hlsTargetOptions(const std::string &TargetName) {
  struct Flag {
    const char *Name, *Key;
    bool Given;
  };
  const Flag Flags[] = {{"hls-fps", "fps", HlsFps.getNumOccurrences() > 0},
                        {"hls-clock-mhz", "clock-mhz", HlsClockMHz.getNumOccurrences() > 0},
                        {"hls-folding", "folding", HlsFolding.getNumOccurrences() > 0}};
  std::vector<std::string> Out;
  for (const Flag &F : Flags) {
    if (!F.Given)
      continue;
    if (TargetName != "hls")
      return makeError("--{} is an option of --target=hls (the target is '{}')", F.Name,
                       TargetName);
    if (F.Key == std::string("folding")) {
      Out.push_back("folding=" + HlsFolding.getValue());
      continue;
    }
    const double V = F.Key == std::string("fps") ? HlsFps : HlsClockMHz;
    if (!(V > 0))
      return makeError("--{}={}: expected a positive number", F.Name, V);
    // The shortest text that reads back as V, so the target sees exactly the value given.
    Out.push_back(fmt::format("{}={}", F.Key, V));
  }
  return Out;
}

} // namespace xnorc
