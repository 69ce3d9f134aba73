// hls::stream and the dataflow macros in the sequential C simulation (the default mode):
// unbounded FIFOs, processes called in order, a read from an empty stream stops the
// program with a message. Expected values are the items the tests wrote.
#include "xnorc/runtime/hls/ap_int.h"
#include "xnorc/runtime/hls/dataflow.h"
#include "xnorc/runtime/hls/hls_stream.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

static_assert(!XNORC_HLS_THREADED, "this program tests the sequential mode");

namespace {

TEST(HlsStreamSequential, FifoOrderAndApi) {
  hls::stream<ap_uint<12>, 2> S("order");
  EXPECT_TRUE(S.empty());
  for (int I = 0; I < 1000; ++I) // far past DEPTH: sequential streams are unbounded
    S.write(I * 7);
  EXPECT_EQ(S.size(), 1000u);
  EXPECT_FALSE(S.full());
  S << ap_uint<12>(5);
  ap_uint<12> X;
  for (int I = 0; I < 1000; ++I) {
    if (I % 3 == 0)
      S >> X;
    else if (I % 3 == 1)
      S.read(X);
    else
      X = S.read();
    ASSERT_EQ(X.to_int(), (I * 7) % 4096);
  }
  EXPECT_TRUE(S.read_nb(X));
  EXPECT_EQ(X.to_int(), 5);
  EXPECT_FALSE(S.read_nb(X));
  EXPECT_TRUE(S.write_nb(ap_uint<12>(9)));
  EXPECT_EQ(S.read().to_int(), 9);
  EXPECT_TRUE(S.empty());
  EXPECT_STREQ(S.name(), "order");
}

TEST(HlsStreamSequential, ReadFromEmptyStreamStops) {
  EXPECT_DEATH(
      {
        hls::stream<int> S("lonely");
        S.write(1);
        S.read();
        S.read();
      },
      "xnorc hls csim: read from empty stream 'lonely'");
}

void produce(hls::stream<int, 1> &Out, int N) {
  for (int I = 0; I < N; ++I)
    Out.write(I);
}
void square(hls::stream<int, 1> &In, hls::stream<int> &Out, int N) {
  for (int I = 0; I < N; ++I) {
    const int X = In.read();
    Out.write(X * X);
  }
}
void top(hls::stream<int> &Out, int N) {
  XNORC_HLS_DATAFLOW_BEGIN(top);
  hls::stream<int, 1> Mid("seq_mid");
  XNORC_HLS_PRAGMA(HLS STREAM variable = Mid depth = 1)
  XNORC_HLS_PROCESS(produce, produce(Mid, N));
  XNORC_HLS_PROCESS(square, square(Mid, Out, N));
  XNORC_HLS_DATAFLOW_END();
}

// The region's processes run one after the other: the producer's whole output waits in the
// depth-1 FIFO, whose record shows it.
TEST(HlsStreamSequential, DataflowMacrosCallInOrder) {
  hls::stream<int> Out("seq_out");
  top(Out, 50);
  for (int I = 0; I < 50; ++I)
    ASSERT_EQ(Out.read(), I * I);
  bool Found = false;
  for (const xnorc_hls::StreamStat &S : xnorc_hls::stream_stats())
    if (S.Name == "seq_mid") {
      Found = true;
      EXPECT_EQ(S.Depth, 1);
      EXPECT_FALSE(S.Bounded);
      EXPECT_EQ(S.MaxOccupancy, 50u);
      EXPECT_EQ(S.Writes, 50u);
    }
  EXPECT_TRUE(Found);
}

TEST(HlsStreamSequential, FifoReportAndLeftoverWarning) {
  testing::internal::CaptureStderr();
  {
    hls::stream<int, 3> S("odd \"name\"\n");
    S.write(1);
    S.write(2);
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "xnorc hls csim: warning: stream 'odd \"name\"\n' destroyed holding 2 item(s)\n");
  const std::string Path = testing::TempDir() + "hls_fifo_report.json";
  ASSERT_TRUE(xnorc_hls::write_fifo_report(Path.c_str()));
  std::ifstream F(Path);
  std::stringstream Text;
  Text << F.rdbuf();
  EXPECT_NE(Text.str().find("{\"mode\": \"sequential\", \"streams\": ["), std::string::npos);
  EXPECT_NE(Text.str().find("{\"name\": \"odd \\\"name\\\"\\u000a\", \"depth\": 3, \"bounded\": "
                            "false, \"max_occupancy\": 2, \"writes\": 2}"),
            std::string::npos)
      << Text.str();
  std::remove(Path.c_str());
  EXPECT_FALSE(xnorc_hls::write_fifo_report("/nonexistent-dir/report.json"));
}

} // namespace
