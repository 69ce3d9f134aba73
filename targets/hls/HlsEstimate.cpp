//===- HlsEstimate.cpp - Throughput and memory estimates of HLS layers ----===//
#include "targets/hls/HlsEstimate.h"

#include "compiler/Support/CSource.h"
#include "compiler/Support/JsonText.h"

#include <fmt/format.h>
#include <llvm/Support/JSON.h>

namespace xnorc {

int HlsEstimate::bottleneck() const {
  int Best = -1;
  for (size_t I = 0; I < Layers.size(); ++I)
    if (Best < 0 || Layers[I].CyclesPerImage > Layers[Best].CyclesPerImage)
      Best = static_cast<int>(I);
  return Best;
}

int64_t HlsEstimate::maxCycles() const {
  int B = bottleneck();
  return B < 0 ? 0 : Layers[B].CyclesPerImage;
}

double HlsEstimate::imagesPerSecond() const {
  int64_t C = maxCycles();
  return C == 0 ? 0.0 : ClockMHz * 1e6 / static_cast<double>(C);
}

double HlsEstimate::latencyMicroseconds() const {
  int64_t Sum = 0;
  for (const LayerEstimate &L : Layers)
    Sum += L.CyclesPerImage;
  return static_cast<double>(Sum) / ClockMHz;
}

Resources HlsEstimate::fifoTotal() const {
  Resources R;
  for (const StreamEstimate &S : Streams)
    R += S.Res;
  return R;
}

Resources HlsEstimate::totalResources() const {
  Resources R = fifoTotal();
  for (const LayerEstimate &L : Layers)
    R += L.Res;
  return R;
}

namespace {
void addResources(llvm::json::Object &O, const Resources &R) {
  O["luts"] = R.Luts;
  O["lutram"] = R.LutRam;
  O["bram18"] = R.Bram18;
}
} // namespace

std::string HlsEstimate::json(const std::string &ModelName) const {
  llvm::json::Array Ls, Ss;
  int64_t WBits = 0, TBits = 0;
  for (const LayerEstimate &L : Layers) {
    llvm::json::Object O{{"name", jsonString(L.Name)},
                         {"kind", L.Kind},
                         {"cycles_per_image", L.CyclesPerImage},
                         {"weight_bits", L.WeightBits},
                         {"threshold_bits", L.ThresholdBits}};
    addResources(O, L.Res);
    if (L.PE) {
      O["PE"] = L.PE;
      O["SIMD"] = L.SIMD;
    }
    Ls.push_back(std::move(O));
    WBits += L.WeightBits;
    TBits += L.ThresholdBits;
  }
  for (const StreamEstimate &S : Streams) {
    llvm::json::Object O{
        {"name", jsonString(S.Name)}, {"depth", S.Depth}, {"width_bits", S.WidthBits}};
    addResources(O, S.Res);
    Ss.push_back(std::move(O));
  }
  int B = bottleneck();
  llvm::json::Object Root{
      {"model", jsonString(ModelName)},
      {"clock_mhz", ClockMHz},
      {"layers", std::move(Ls)},
      {"bottleneck", B < 0 ? llvm::json::Value(nullptr) : jsonString(Layers[B].Name)},
      {"max_cycles_per_image", maxCycles()},
      {"images_per_second", imagesPerSecond()},
      {"latency_us", latencyMicroseconds()},
      {"weight_bits", WBits},
      {"threshold_bits", TBits},
      {"streams", std::move(Ss)}};
  llvm::json::Object Fifos, Total;
  addResources(Fifos, fifoTotal());
  addResources(Total, totalResources());
  Root["fifo_resources"] = std::move(Fifos);
  Root["resources"] = std::move(Total);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
  return OS.str();
}

std::string HlsEstimate::text() const {
  std::string Out = fmt::format("hls estimate at {} MHz (cycles per image; one II=1 step per "
                                "cycle):\n",
                                ClockMHz);
  int B = bottleneck();
  for (size_t I = 0; I < Layers.size(); ++I) {
    const LayerEstimate &L = Layers[I];
    std::string Fold = L.PE ? fmt::format(" PE {} SIMD {}", L.PE, L.SIMD) : "";
    Out += fmt::format("  {:<14} {:>10} cycles{}{}  weights {} bits, thresholds {} bits  LUT {} "
                       "LUTRAM {} BRAM18 {}  '{}'\n",
                       L.Kind, L.CyclesPerImage, Fold,
                       static_cast<int>(I) == B ? " (bottleneck)" : "", L.WeightBits,
                       L.ThresholdBits, L.Res.Luts, L.Res.LutRam, L.Res.Bram18, cComment(L.Name));
  }
  const Resources F = fifoTotal(), T = totalResources();
  Out += fmt::format("  fifos ({}): LUTRAM {} BRAM18 {}\n", Streams.size(), F.LutRam, F.Bram18);
  Out += fmt::format("  throughput {:.1f} images/s, latency <= {:.1f} us\n", imagesPerSecond(),
                     latencyMicroseconds());
  Out += fmt::format("  resources: LUT {} + LUTRAM {} = {} LUTs, BRAM18 {} (docs/HLS.md, "
                     "\"Resources\")\n",
                     T.Luts, T.LutRam, T.Luts + T.LutRam, T.Bram18);
  return Out;
}

} // namespace xnorc
