//===- HlsResources.cpp - LUT / LUTRAM / BRAM18 estimates of HLS layers ---===//
#include "targets/hls/HlsResources.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace xnorc {

namespace {
int64_t ceilDiv(int64_t A, int64_t B) { return (A + B - 1) / B; }
} // namespace

int64_t bram18Blocks(int64_t Width, int64_t Depth) {
  if (Width <= 0 || Depth <= 0)
    return 0;
  // RAMB18E1/E2 in simple dual-port / ROM mode (UG473, UG573): depth x width.
  static const int64_t Ratios[][2] = {{16384, 1}, {8192, 2},  {4096, 4},
                                      {2048, 9},  {1024, 18}, {512, 36}};
  int64_t Best = -1;
  for (const auto &R : Ratios) {
    const int64_t N = ceilDiv(Depth, R[0]) * ceilDiv(Width, R[1]);
    Best = Best < 0 ? N : std::min(Best, N);
  }
  return Best;
}

namespace {
/// Up to MaxLutRamDepth words: Width * ceil(Depth / WordsPerLut) LUTs as memory (a LUT6 holds
/// 64 ROM/RAM words of one bit, or 32 shift-register stages); deeper: BRAM18 blocks.
Resources lutOrBram(int64_t Width, int64_t Depth, int64_t WordsPerLut) {
  Resources R;
  if (Width <= 0 || Depth <= 0)
    return R;
  if (Depth <= MaxLutRamDepth)
    R.LutRam = Width * ceilDiv(Depth, WordsPerLut);
  else
    R.Bram18 = bram18Blocks(Width, Depth);
  return R;
}
} // namespace

Resources memoryResources(int64_t Width, int64_t Depth) { return lutOrBram(Width, Depth, 64); }

int64_t popcountTreeLuts(int64_t Simd) {
  if (Simd <= 0)
    return 0;
  // First level: a LUT6 sees 3 input and 3 weight bits and gives one bit of their 2-bit
  // mismatch count.
  std::vector<int64_t> Widths(ceilDiv(Simd, 3), 2);
  int64_t Luts = 2 * static_cast<int64_t>(Widths.size());
  // Adder tree: pairwise, the wider operand's width in LUTs, one bit more in the result.
  while (Widths.size() > 1) {
    std::vector<int64_t> Next;
    for (size_t I = 0; I + 1 < Widths.size(); I += 2) {
      const int64_t W = std::max(Widths[I], Widths[I + 1]);
      Luts += W;
      Next.push_back(W + 1);
    }
    if (Widths.size() % 2)
      Next.push_back(Widths.back());
    Widths = std::move(Next);
  }
  return Luts;
}

Resources mvtuResources(const MvtuShape &S) {
  Resources PerPe = memoryResources(S.SIMD, S.WeightDepth);
  if (S.ThresholdBits)
    PerPe += memoryResources(S.ThresholdBits, S.NF);
  // The comparator is as wide as the threshold without its direction bit.
  PerPe.Luts += popcountTreeLuts(S.SIMD) + S.AccBits + (S.ThresholdBits ? S.ThresholdBits - 1 : 0);
  Resources R;
  R.Luts = S.PE * PerPe.Luts + MvtuControlLuts;
  if (S.TapBits > 0 && S.TapBits % S.SIMD != 0) {
    const int64_t Positions = S.SIMD / std::gcd(S.SIMD, S.TapBits);
    R.Luts += 2 * (S.SIMD + S.TapBits) * ceilDiv(Positions, 4);
  }
  R.LutRam = S.PE * PerPe.LutRam;
  R.Bram18 = S.PE * PerPe.Bram18;
  return R;
}

Resources fifoResources(int64_t Width, int64_t Depth) { return lutOrBram(Width, Depth, 32); }

} // namespace xnorc
