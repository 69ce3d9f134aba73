// The one weight packing of the output-channels-across-lanes kernels (common/oc_pack.h) and
// the x86 and NEON names the compiler packs through (common/x86_pack.h, common/neon_pack.h), on
// layouts worked out by hand. Also checks that the packers compile without intrinsics
// headers: this file includes no x86 or NEON kernel.
#include "xnorc/runtime/common/neon_pack.h"
#include "xnorc/runtime/common/x86_pack.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace {

// Weight (m, q) of a test layer is 10 * (m + 1) + q: 10, 11, ... for channel 0.
std::vector<float> rowMajor(int64_t cOut, int64_t qn) {
  std::vector<float> w;
  for (int64_t m = 0; m < cOut; ++m)
    for (int64_t q = 0; q < qn; ++q)
      w.push_back(static_cast<float>(10 * (m + 1) + q));
  return w;
}

TEST(OcPack, OneVectorPerGroupPadsChannels) {
  // 3 channels in vectors of 2: [block][q][lane], channel 3 is padding.
  const std::vector<float> w = rowMajor(3, 2);
  std::vector<float> got(xn_oc_packed_size(3, 2, 2), -1.0f);
  ASSERT_EQ(got.size(), 8u);
  xn_oc_pack_elems(3, 2, 2, 1, 0, w.data(), got.data());
  EXPECT_EQ(got, (std::vector<float>{10, 20, 11, 21, 30, 0, 31, 0}));
}

TEST(OcPack, TileGroupsNarrowLastGroup) {
  // 5 channels, vectors of 2, groups of 2 vectors: channels 0-3 side by side per q, then
  // the narrower last group (channel 4 and its padding).
  const std::vector<float> w = rowMajor(5, 2);
  std::vector<float> got(xn_oc_packed_size(5, 2, 2), -1.0f);
  ASSERT_EQ(got.size(), 12u);
  xn_oc_pack_elems(5, 2, 2, 2, 0, w.data(), got.data());
  EXPECT_EQ(got, (std::vector<float>{10, 20, 30, 40, 11, 21, 31, 41, 50, 0, 51, 0}));
}

TEST(OcPack, ByColumnReadsTransposedWeights) {
  // Gemm's B as [K][N]: weight (m, q) at q * c_out + m.
  const std::vector<float> b = {10, 20, 30, 11, 21, 31};
  std::vector<float> got(8, -1.0f);
  xn_oc_pack_elems(3, 2, 2, 1, 1, b.data(), got.data());
  EXPECT_EQ(got, (std::vector<float>{10, 20, 11, 21, 30, 0, 31, 0}));
  // x86 Gemm packing: by column unless trans_b; NEON: the by_column flag as given.
  std::fill(got.begin(), got.end(), -1.0f);
  xn_x86_gemm_pack(3, 2, 2, 0, b.data(), got.data());
  EXPECT_EQ(got, (std::vector<float>{10, 20, 11, 21, 30, 0, 31, 0}));
}

TEST(OcPack, NeonAndX86FloatNamesShareTheOrder) {
  // NEON: 4 lanes, one vector per group; x86 pixels-across-lanes conv: T lanes, likewise.
  const std::vector<float> w = rowMajor(5, 1);
  std::vector<float> neon(xn_neon_fpack_floats(5, 1), -1.0f), x86(8, -1.0f);
  ASSERT_EQ(neon.size(), 8u);
  xn_neon_fpack(5, 1, 0, w.data(), neon.data());
  xn_x86_conv_pack(5, 1, 4, w.data(), x86.data());
  const std::vector<float> want = {10, 20, 30, 40, 50, 0, 0, 0};
  EXPECT_EQ(neon, want);
  EXPECT_EQ(x86, want);
}

TEST(OcPack, SignBitsOneBytePerVectorOfEight) {
  // 3 channels, 2 input channels, 2 taps: q = c * taps + t, bit q * 8 + m of the word.
  // Channel 0: every weight -1; channel 1: (c 1, t 0) -1; channel 2: (c 0, t 1) -1.
  // Generic layout [m][t][words]: bit c of word (m, t).
  const std::vector<uint64_t> generic = {0b11, 0b11, 0b10, 0b00, 0b00, 0b01};
  const uint64_t want = (1ull << 0) | (1ull << 8) | (1ull << 16) | (1ull << 24) // channel 0
                        | (1ull << 17)                                          // q 2, channel 1
                        | (1ull << 10);                                         // q 1, channel 2
  ASSERT_EQ(xn_oc_bits_size(3, 4, 8), 1u);
  uint64_t common = ~0ull, x86 = ~0ull, neon = ~0ull;
  xn_oc_pack_bits(3, 2, 2, 8, 1, generic.data(), &common);
  xn_x86_oc_pack_bits(3, 2, 2, 8, 1, generic.data(), &x86);
  ASSERT_EQ(xn_neon_bwpack_words(3, 4), 1u);
  xn_neon_bwpack(3, 2, 2, generic.data(), &neon);
  EXPECT_EQ(common, want);
  EXPECT_EQ(x86, want);
  EXPECT_EQ(neon, want);
}

TEST(OcPack, BinaryWordsKeepTheirLanes) {
  // common/oc_blocked.h: 3 channels of 2 taps x 1 word, 2 lanes: [block][tap][word][lane].
  const std::vector<uint64_t> generic = {1, 2, 3, 4, 5, 6};
  std::vector<uint64_t> got(xn_oc_packed_words(3, 2, 1, 2), ~0ull);
  ASSERT_EQ(got.size(), 8u);
  xn_oc_pack(3, 2, 1, 2, generic.data(), got.data());
  EXPECT_EQ(got, (std::vector<uint64_t>{1, 3, 2, 4, 5, 0, 6, 0}));
}

} // namespace
