// hls::stream and the dataflow macros in the dataflow C simulation (XNORC_HLS_CSIM_DATAFLOW):
// one fiber per process, FIFOs declared in a region bounded to their DEPTH, deadlocks
// reported with the stuck processes and streams. Expected values are the items the tests
// wrote and the messages the scheduler's contract (docs/HLS.md) states.
#include "xnorc/runtime/hls/ap_int.h"
#include "xnorc/runtime/hls/dataflow.h"
#include "xnorc/runtime/hls/hls_stream.h"

#include <gtest/gtest.h>

#include <string>

static_assert(XNORC_HLS_THREADED, "this program tests the dataflow mode");

namespace {

xnorc_hls::StreamStat statOf(const std::string &Name) {
  for (const xnorc_hls::StreamStat &S : xnorc_hls::stream_stats())
    if (S.Name == Name)
      return S;
  ADD_FAILURE() << "no stream " << Name;
  return {};
}

void produce(hls::stream<ap_uint<20>> &In, hls::stream<ap_uint<20>, 1> &Out, int N) {
  for (int I = 0; I < N; ++I)
    Out.write(In.read() + 1);
}
void consume(hls::stream<ap_uint<20>, 1> &In, hls::stream<long long> &Out, int N) {
  for (int I = 0; I < N; ++I)
    Out.write(In.read().to_int64());
}
void pair(hls::stream<ap_uint<20>> &In, hls::stream<long long> &Out, int N) {
  XNORC_HLS_DATAFLOW_BEGIN(pair);
  hls::stream<ap_uint<20>, 1> Mid("pair_mid");
  XNORC_HLS_PROCESS(produce, produce(In, Mid, N));
  XNORC_HLS_PROCESS(consume, consume(Mid, Out, N));
  XNORC_HLS_DATAFLOW_END();
}

// 100,000 items through a depth-1 FIFO between two threads: all arrive in order, and the
// FIFO never held more than one (the producer waited whenever it was full). The testbench's
// streams, declared outside the region, take the whole input and output.
TEST(HlsStreamDataflow, DepthOneProducerConsumer) {
  const int N = 100000;
  hls::stream<ap_uint<20>> In("pair_in");
  hls::stream<long long> Out("pair_out");
  for (int I = 0; I < N; ++I)
    In.write(I);
  pair(In, Out, N);
  ASSERT_EQ(Out.size(), size_t(N));
  for (int I = 0; I < N; ++I)
    ASSERT_EQ(Out.read(), (I + 1) % (1 << 20));
  const xnorc_hls::StreamStat Mid = statOf("pair_mid");
  EXPECT_TRUE(Mid.Bounded);
  EXPECT_EQ(Mid.Depth, 1);
  EXPECT_EQ(Mid.MaxOccupancy, 1u);
  EXPECT_EQ(Mid.Writes, unsigned(N));
  EXPECT_FALSE(statOf("pair_in").Bounded);
  EXPECT_EQ(statOf("pair_out").MaxOccupancy, unsigned(N));
}

void fillAndDrain(hls::stream<int, 3> &S, bool *Ok) {
  bool Good = S.empty() && !S.full();
  for (int I = 0; I < 3; ++I)
    Good = Good && S.write_nb(I);
  Good = Good && S.full() && S.size() == 3 && !S.write_nb(99);
  int X = -1;
  for (int I = 0; I < 3; ++I)
    Good = Good && S.read_nb(X) && X == I;
  *Ok = Good && S.empty() && !S.read_nb(X);
}

// full() at DEPTH, and the non-blocking calls refuse rather than wait.
TEST(HlsStreamDataflow, FullAtDepth) {
  bool Ok = false;
  XNORC_HLS_DATAFLOW_BEGIN(full);
  hls::stream<int, 3> S("full_at_3");
  XNORC_HLS_PROCESS(fill, fillAndDrain(S, &Ok));
  XNORC_HLS_DATAFLOW_END();
  EXPECT_TRUE(Ok);
}

void sender(hls::stream<int, 2> &Data, hls::stream<int, 2> &Ack, int N) {
  for (int I = 0; I < N; ++I) {
    Data.write(I);
    if (I % 2 == 1)
      Ack.read(); // wait for the receiver every second item
  }
}
void receiver(hls::stream<int, 2> &Data, hls::stream<int, 2> &Ack, int N, long long *Sum) {
  for (int I = 0; I < N; ++I) {
    *Sum += Data.read();
    if (I % 2 == 1)
      Ack.write(0);
  }
}
// A cycle of streams that does not deadlock: both processes wait on each other in turn.
TEST(HlsStreamDataflow, HandshakeCycleRuns) {
  long long Sum = 0;
  XNORC_HLS_DATAFLOW_BEGIN(handshake);
  hls::stream<int, 2> Data("hs_data"), Ack("hs_ack");
  XNORC_HLS_PROCESS(sender, sender(Data, Ack, 1000));
  XNORC_HLS_PROCESS(receiver, receiver(Data, Ack, 1000, &Sum));
  XNORC_HLS_DATAFLOW_END();
  EXPECT_EQ(Sum, 999LL * 1000 / 2);
}

void twoWay(hls::stream<int, 2> &Out, hls::stream<int, 2> &In) {
  for (int I = 0; I < 5; ++I) // more than the FIFO holds before the peer reads
    Out.write(I);
  In.read();
}
void cross() {
  XNORC_HLS_DATAFLOW_BEGIN(cross);
  hls::stream<int, 2> AtoB("a_to_b"), BtoA("b_to_a");
  XNORC_HLS_PROCESS(a, twoWay(AtoB, BtoA));
  XNORC_HLS_PROCESS(b, twoWay(BtoA, AtoB));
  XNORC_HLS_DATAFLOW_END();
}

// Each process writes 5 items into a depth-2 FIFO before reading the other's: both wait to
// write, the report names both and the program exits with status 3 instead of hanging.
TEST(HlsStreamDataflowDeathTest, DeadlockNamesBothStreams) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(cross(), testing::ExitedWithCode(3),
              "xnorc hls csim: deadlock: 'a' waits to write 'a_to_b' \\(full, depth 2\\); "
              "'b' waits to write 'b_to_a' \\(full, depth 2\\)\n$");
}

void writeTwo(hls::stream<int, 4> &Out) {
  Out.write(1);
  Out.write(2);
}
void readThree(hls::stream<int, 4> &In) {
  for (int I = 0; I < 3; ++I)
    In.read();
}
void shortProducer() {
  XNORC_HLS_DATAFLOW_BEGIN(short_producer);
  hls::stream<int, 4> S("skip3");
  XNORC_HLS_PROCESS(add3, readThree(S));
  XNORC_HLS_PROCESS(conv2, writeTwo(S));
  XNORC_HLS_DATAFLOW_END();
}

// The producer returns after two items, the consumer waits for a third: once the producer
// has finished nothing can write it.
TEST(HlsStreamDataflowDeathTest, ConsumerOutlivesProducer) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(shortProducer(), testing::ExitedWithCode(3),
              "xnorc hls csim: deadlock: 'add3' waits to read 'skip3' \\(empty\\)\n$");
}

// Outside every dataflow process nothing could ever fill the stream: stop as in sequential
// mode rather than wait.
TEST(HlsStreamDataflowDeathTest, TestbenchReadFromEmptyStreamStops) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        hls::stream<int> S("tb_empty");
        S.read();
      },
      "xnorc hls csim: read from empty stream 'tb_empty'");
}

template <int DI, int DO>
void affine(hls::stream<int, DI> &In, hls::stream<int, DO> &Out, int N, int Mul, int Add) {
  for (int I = 0; I < N; ++I)
    Out.write(In.read() * Mul + Add);
}
// A process that is itself a dataflow region of two processes.
void inner(hls::stream<int, 2> &In, hls::stream<int, 2> &Out, int N) {
  XNORC_HLS_DATAFLOW_BEGIN(inner);
  hls::stream<int, 1> Mid("inner_mid");
  XNORC_HLS_PROCESS(inner_double, affine<2, 1>(In, Mid, N, 2, 0));
  XNORC_HLS_PROCESS(inner_inc, affine<1, 2>(Mid, Out, N, 1, 1));
  XNORC_HLS_DATAFLOW_END();
}
void outer(hls::stream<int> &In, hls::stream<int> &Out, int N) {
  XNORC_HLS_DATAFLOW_BEGIN(outer);
  hls::stream<int, 2> A("outer_a"), B("outer_b");
  XNORC_HLS_PROCESS(src, affine<2, 2>(In, A, N, 1, 0));
  XNORC_HLS_PROCESS(nested, inner(A, B, N));
  XNORC_HLS_PROCESS(sink, affine<2, 2>(B, Out, N, 1, 0));
  XNORC_HLS_DATAFLOW_END();
}

TEST(HlsStreamDataflow, NestedRegions) {
  const int N = 2000;
  hls::stream<int> In("nest_in"), Out("nest_out");
  for (int I = 0; I < N; ++I)
    In.write(I);
  outer(In, Out, N);
  for (int I = 0; I < N; ++I)
    ASSERT_EQ(Out.read(), 2 * I + 1);
  EXPECT_EQ(statOf("inner_mid").MaxOccupancy, 1u);
  EXPECT_LE(statOf("outer_a").MaxOccupancy, 2u);
}

void innerStuck(hls::stream<int, 2> &In) {
  XNORC_HLS_DATAFLOW_BEGIN(inner);
  hls::stream<int, 1> Never("never_written");
  XNORC_HLS_PROCESS(waiter, affine<1, 2>(Never, In, 1, 1, 0));
  XNORC_HLS_DATAFLOW_END();
}
void outerStuck() {
  XNORC_HLS_DATAFLOW_BEGIN(outer);
  hls::stream<int, 2> S("outer_s");
  XNORC_HLS_PROCESS(nested, innerStuck(S));
  XNORC_HLS_PROCESS(reader, affine<2, 2>(S, S, 1, 1, 0));
  XNORC_HLS_DATAFLOW_END();
}

// A deadlock across nesting levels: the processes waiting for their regions are not listed,
// the ones waiting on streams are.
TEST(HlsStreamDataflowDeathTest, DeadlockInsideNestedRegion) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(outerStuck(), testing::ExitedWithCode(3),
              "xnorc hls csim: deadlock: ('reader' waits to read 'outer_s' \\(empty\\); "
              "'waiter' waits to read 'never_written' \\(empty\\)|'waiter' waits to read "
              "'never_written' \\(empty\\); 'reader' waits to read 'outer_s' \\(empty\\))\n$");
}

} // namespace
