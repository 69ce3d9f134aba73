// How common/parts.h splits work among a team's threads: equal parts, parts in proportion to
// the shares a team sets (common/team.h), and the splits that stay equal whatever the shares
// (channel blocks; xn_split_even's tiles); and which of a thread's time the team measures its
// speed on. Expected ranges are worked out by hand.
#include "xnorc/runtime/common/parts.h"
#include "xnorc/runtime/common/team.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <utility>
#include <vector>

namespace {

std::vector<std::pair<int64_t, int64_t>> ranges(int64_t count, int parts) {
  std::vector<std::pair<int64_t, int64_t>> r;
  for (int k = 0; k < parts; ++k) {
    int64_t lo = -1, hi = -1;
    xn_part_range(count, k, parts, &lo, &hi);
    r.emplace_back(lo, hi);
  }
  return r;
}

// The team's shares for the duration of a test (followed: the parts' marks, or null); equal
// parts again afterwards.
struct Shares {
  explicit Shares(int parts, const uint32_t *cut, unsigned char *followed = nullptr,
                  int64_t stride = 1) {
    xn_part_current_shares() = xn_part_shares{parts, cut, followed, stride};
  }
  ~Shares() { xn_part_current_shares() = xn_part_shares{0, nullptr, nullptr, 0}; }
};

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

TEST(Parts, EqualPartsDifferByAtMostOne) {
  EXPECT_EQ(ranges(56, 2), (Ranges{{0, 28}, {28, 56}}));
  EXPECT_EQ(ranges(7, 3), (Ranges{{0, 3}, {3, 5}, {5, 7}}));
  EXPECT_EQ(ranges(1, 2), (Ranges{{0, 1}, {1, 1}}));
}

TEST(Parts, SharesCutInProportion) {
  const uint32_t cut[3] = {0, XN_PART_ONE * 3 / 5, XN_PART_ONE}; // 60 % / 40 %
  Shares s(2, cut);
  EXPECT_EQ(ranges(56, 2), (Ranges{{0, 34}, {34, 56}})); // 33.6 rounds to 34
  EXPECT_EQ(ranges(5, 2), (Ranges{{0, 3}, {3, 5}}));
  int64_t lo, hi;
  xn_part_range_aligned(3136, 16, 0, 2, &lo, &hi); // 196 chunks of 16: 117.6 -> 118
  EXPECT_EQ(lo, 0);
  EXPECT_EQ(hi, 118 * 16);
  xn_part_range_aligned(3136, 16, 1, 2, &lo, &hi);
  EXPECT_EQ(lo, 118 * 16);
  EXPECT_EQ(hi, 3136);
}

TEST(Parts, SharesForAnotherTeamSizeAreIgnored) {
  const uint32_t cut[3] = {0, XN_PART_ONE / 4, XN_PART_ONE};
  Shares s(2, cut);
  EXPECT_EQ(ranges(9, 3), (Ranges{{0, 3}, {3, 6}, {6, 9}}));
  EXPECT_EQ(ranges(9, 1), (Ranges{{0, 9}}));
}

TEST(Parts, ChannelBlocksAndEvenSplitsIgnoreShares) {
  const uint32_t cut[3] = {0, XN_PART_ONE / 4, XN_PART_ONE};
  Shares s(2, cut);
  int64_t lo, hi;
  // 7x7 planes (small): 16 blocks in tiles of 4 -> 2 tiles each, whatever the shares.
  ASSERT_TRUE(xn_part_channel_blocks(49, 16, 4, 0, 2, &lo, &hi));
  EXPECT_EQ(lo, 0);
  EXPECT_EQ(hi, 8);
  ASSERT_TRUE(xn_part_channel_blocks(49, 16, 4, 1, 2, &lo, &hi));
  EXPECT_EQ(lo, 8);
  EXPECT_EQ(hi, 16);
  xn_split_even(14, 0, 2, &lo, &hi);
  EXPECT_EQ(lo, 0);
  EXPECT_EQ(hi, 7);
}

TEST(Parts, SharedRangesCoverEveryItemOnce) {
  const uint32_t cut[4] = {0, 20000, 41000, XN_PART_ONE};
  Shares s(3, cut);
  for (int64_t count : {0, 1, 2, 3, 7, 28, 56, 113, 3136}) {
    const Ranges r = ranges(count, 3);
    EXPECT_EQ(r.front().first, 0);
    EXPECT_EQ(r.back().second, count);
    for (int k = 0; k < 3; ++k) {
      EXPECT_LE(r[k].first, r[k].second);
      if (k > 0) {
        EXPECT_EQ(r[k - 1].second, r[k].first);
      }
    }
  }
}

TEST(Parts, MapsSplitAsTheConvsWritingThem) {
  // 56x56 planes (12,544 bytes, split by rows in the convs): both parts take every plane,
  // elements cut at a multiple of 16 (3136 / 16 = 196 chunks, 98 each).
  xn_map_part m = xn_part_map(64, 3136, 16, 0, 2);
  EXPECT_EQ(m.pl_lo, 0);
  EXPECT_EQ(m.pl_hi, 64);
  EXPECT_EQ(m.s_lo, 0);
  EXPECT_EQ(m.s_hi, 1568);
  m = xn_part_map(64, 3136, 16, 1, 2);
  EXPECT_EQ(m.s_lo, 1568);
  EXPECT_EQ(m.s_hi, 3136);
  // 7x7 planes (196 bytes, split by channels in the convs): whole planes.
  m = xn_part_map(512, 49, 16, 1, 2);
  EXPECT_EQ(m.pl_lo, 256);
  EXPECT_EQ(m.pl_hi, 512);
  EXPECT_EQ(m.s_lo, 0);
  EXPECT_EQ(m.s_hi, 49);
  // One part: everything; one small plane for two parts: its elements (no part idles on
  // planes it cannot share), 49 = 4 chunks of 16: 2 and 2 (32 and 17 floats).
  m = xn_part_map(512, 49, 16, 0, 1);
  EXPECT_EQ(m.pl_hi - m.pl_lo, 512);
  EXPECT_EQ(m.s_hi - m.s_lo, 49);
  m = xn_part_map(1, 49, 16, 0, 2);
  EXPECT_EQ(m.s_lo, 0);
  EXPECT_EQ(m.s_hi, 32);
  // Runs: one contiguous run for whole planes, one per plane otherwise.
  std::vector<std::pair<int64_t, int64_t>> runs;
  auto collect = [&](int64_t lo, int64_t hi) { runs.emplace_back(lo, hi); };
  xn_map_part_runs(xn_part_map(4, 49, 16, 1, 2), 49, collect);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].first, 98);
  EXPECT_EQ(runs[0].second, 196);
  runs.clear();
  xn_map_part_runs(xn_part_map(3, 3136, 16, 1, 2), 3136, collect);
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[2].first, 2 * 3136 + 1568);
  EXPECT_EQ(runs[2].second, 3 * 3136);
}

TEST(Parts, RangesCutBySharesAreMarked) {
  const uint32_t cut[3] = {0, XN_PART_ONE / 4, XN_PART_ONE};
  unsigned char followed[6] = {0, 0, 0, 0, 0, 0}; // part k's mark at 3 k
  int64_t lo, hi;
  {
    Shares s(2, cut, followed, 3);
    EXPECT_TRUE(xn_part_channel_blocks(49, 16, 4, 0, 2, &lo, &hi)); // equal whatever the shares
    xn_split_even(56, 0, 2, &lo, &hi);
    xn_part_range(9, 0, 1, &lo, &hi); // one part: the whole
    xn_part_range(9, 0, 3, &lo, &hi); // shares of another team size: equal parts
    EXPECT_EQ(std::vector<unsigned char>(followed, followed + 6), std::vector<unsigned char>(6, 0));
    xn_part_range(56, 1, 2, &lo, &hi);
    EXPECT_EQ(std::vector<unsigned char>(followed, followed + 6),
              (std::vector<unsigned char>{0, 0, 0, 1, 0, 0}));
  }
  xn_part_range(56, 0, 2, &lo, &hi); // no shares set: equal parts, nothing marked
  EXPECT_EQ(followed[0], 0);
}

// A call of two threads whose first layer splits by the shares and whose second does not (as
// a channel split): thread 1 spends 20 ms in the first and 60 ms in the second. Its busy time,
// on which the next call's shares are cut, is the first layer's alone; counted whole it would
// be 80 ms. (Thread 0 does no work: its busy time is about nothing.)
TEST(Team, BusyTimeIsTheSplitsThatFollowTheShares) {
  auto body = [](xn_team *team, int id) {
    int64_t lo, hi;
    xn_part_range(56, id, team->size, &lo, &hi);
    if (id == 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    xn_team_sync(team, id);
    xn_split_even(56, id, team->size, &lo, &hi);
    if (id == 1)
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
    xn_team_sync(team, id);
  };
  xn_team_run<2>(body);
  xn_team_pool<2> &pool = xn_team_pool_instance<2>();
  if (pool.started == 0)
    GTEST_SKIP() << "no thread could be started";
  EXPECT_GE(pool.times[1].busy_ns, 20000000LL);
  EXPECT_LT(pool.times[1].busy_ns, 50000000LL);
  EXPECT_LT(pool.times[0].busy_ns, 10000000LL);
}

} // namespace
