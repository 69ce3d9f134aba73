// hls::stream<T, DEPTH> for C simulation without Vitis: a stand-in for the vendor's
// <hls_stream.h> (UG1399, "HLS Stream Library"). Under __SYNTHESIS__ or
// XNORC_HLS_USE_VENDOR_HEADERS (mode.h) this header is empty and the vendor's is used.
//
// API: stream(), explicit stream(const char *name), read(), read(T &), operator>>,
// write(const T &), operator<<, empty(), full(), size(), read_nb(T &), write_nb(const T &),
// name(); not copyable.
//
// Sequential mode (default): processes run one after the other, so a FIFO must hold a whole
// tensor: a stream is an unbounded queue (full() is always false) and read() from an empty
// stream stops the simulation with "xnorc hls csim: read from empty stream '<name>'" (it
// would wait forever in hardware). Not thread-safe, like the vendor's default.
//
// Dataflow mode (XNORC_HLS_CSIM_DATAFLOW): a stream declared inside a dataflow region
// (after XNORC_HLS_DATAFLOW_BEGIN, dataflow.h) holds at most DEPTH items: write() waits
// while it is full, read() while it is empty, and a deadlock is reported (scheduler.h).
// Processes are fibers on one thread, so no operation needs a lock.
// Streams declared elsewhere (the testbench's, passed to the top function) are unbounded,
// as the top function's AXI-Stream ports are in hardware; a dataflow process waits on them
// when empty, the testbench stops as in sequential mode.
//
// Both modes record each stream's largest occupancy (stream_stats.h) and warn when a stream
// is destroyed holding items (what Vitis's csim calls leftover data).
#ifndef XNORC_RUNTIME_HLS_HLS_STREAM_H
#define XNORC_RUNTIME_HLS_HLS_STREAM_H

#include "mode.h"
#include "scheduler.h"
#include "stream_stats.h"

#if !XNORC_HLS_VENDOR
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>

namespace xnorc_hls {
namespace detail {

// Streams constructed by this thread while it has a dataflow region open are bounded.
inline int &openRegions() {
  static thread_local int N = 0;
  return N;
}

[[noreturn]] inline void streamFail(const char *What, const std::string &Name) {
  std::fprintf(stderr, "xnorc hls csim: %s '%s'\n", What, Name.c_str());
  std::fflush(stderr);
  std::abort();
}

inline std::string defaultStreamName() {
  static std::atomic<unsigned> Count{0};
  return "stream_" + std::to_string(Count++);
}

} // namespace detail
} // namespace xnorc_hls

namespace hls {

template <class T, int DEPTH = 2> class stream {
  static_assert(DEPTH >= 1, "a stream's depth is at least 1");

public:
  stream() : stream(detail_name()) {}
  explicit stream(const char *Name) : stream(std::string(Name ? Name : "")) {}
  stream(const stream &) = delete;
  stream &operator=(const stream &) = delete;
  ~stream() {
    if (!Items.empty())
      std::fprintf(stderr, "xnorc hls csim: warning: stream '%s' destroyed holding %zu item(s)\n",
                   StreamName.c_str(), Items.size());
  }

  const char *name() const { return StreamName.c_str(); }

#if XNORC_HLS_THREADED
  void write(const T &X) {
    if (State.isFull())
      waitFor(xnorc_hls::detail::Process::Wait::Write, "write to full stream",
              [this] { return !State.isFull(); });
    push(X);
  }
  T read() {
    if (Items.empty())
      waitFor(xnorc_hls::detail::Process::Wait::Read, "read from empty stream",
              [this] { return !Items.empty(); });
    return pop();
  }
  bool read_nb(T &X) {
    if (Items.empty())
      return false;
    X = pop();
    return true;
  }
  bool write_nb(const T &X) {
    if (State.isFull())
      return false;
    push(X);
    return true;
  }
  bool empty() const { return Items.empty(); }
  bool full() const { return State.isFull(); }
  size_t size() const { return Items.size(); }
#else
  void write(const T &X) {
    Items.push_back(X);
    record();
  }
  T read() {
    if (Items.empty())
      xnorc_hls::detail::streamFail("read from empty stream", StreamName);
    T X = Items.front();
    Items.pop_front();
    return X;
  }
  bool read_nb(T &X) {
    if (Items.empty())
      return false;
    X = read();
    return true;
  }
  bool write_nb(const T &X) {
    write(X);
    return true;
  }
  bool empty() const { return Items.empty(); }
  bool full() const { return false; }
  size_t size() const { return Items.size(); }
#endif

  void read(T &X) { X = read(); }
  stream &operator>>(T &X) {
    X = read();
    return *this;
  }
  stream &operator<<(const T &X) {
    write(X);
    return *this;
  }

private:
  static std::string detail_name() { return xnorc_hls::detail::defaultStreamName(); }

  explicit stream(std::string Name)
      : StreamName(std::move(Name)),
        Stat(xnorc_hls::detail::StatRegistry::get().record(
            StreamName, DEPTH, XNORC_HLS_THREADED && xnorc_hls::detail::openRegions() > 0)) {
#if XNORC_HLS_THREADED
    State.Name = StreamName;
    State.Depth = DEPTH;
    State.Bounded = xnorc_hls::detail::openRegions() > 0;
#endif
  }

  // After a write: the occupancy record.
  void record() {
    ++Stat->Writes;
    if (Items.size() > Stat->MaxOccupancy)
      Stat->MaxOccupancy = Items.size();
  }

#if XNORC_HLS_THREADED
  void push(const T &X) {
    Items.push_back(X);
    ++State.Size;
    record();
  }
  T pop() {
    T X = Items.front();
    Items.pop_front();
    --State.Size;
    return X;
  }

  // Waits until Ready(): only a dataflow process may; the testbench would wait for something
  // nothing runs to provide.
  template <class Pred>
  void waitFor(xnorc_hls::detail::Process::Wait Why, const char *Failure, Pred Ready) {
    xnorc_hls::detail::Process *P = xnorc_hls::detail::Scheduler::get().current();
    if (!P)
      xnorc_hls::detail::streamFail(Failure, StreamName);
    P->On = &State;
    xnorc_hls::detail::Scheduler::get().wait(P, Why, Ready);
  }
  xnorc_hls::detail::StreamState State;
#endif

  std::string StreamName;
  xnorc_hls::StreamStat *Stat;
  std::deque<T> Items;
};

} // namespace hls
#endif // !XNORC_HLS_VENDOR

#endif
