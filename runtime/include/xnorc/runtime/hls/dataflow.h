// How generated HLS code writes a dataflow region, so that the same text synthesizes and
// runs in both C-simulation modes:
//
//   void top(hls::stream<in_t> &in, hls::stream<out_t> &out) {
//     XNORC_HLS_PRAGMA(HLS INTERFACE axis port=in)         // interface pragmas first
//     XNORC_HLS_DATAFLOW_BEGIN(top);
//     hls::stream<ap_uint<64>, 4> s1("conv1_to_pool1");   // FIFOs after BEGIN
//     XNORC_HLS_PRAGMA(HLS STREAM variable=s1 depth=4)
//     XNORC_HLS_PROCESS(conv1, conv1_layer(in, s1));
//     XNORC_HLS_PROCESS(pool1, pool1_layer(s1, out));
//     XNORC_HLS_DATAFLOW_END();
//   }
//
//   synthesis / vendor csim   BEGIN is `#pragma HLS DATAFLOW`, PROCESS its call, END nothing
//   sequential csim           the calls in order
//   dataflow csim             BEGIN opens the region (streams declared after it are bounded
//                             to their DEPTH), PROCESS makes the call a process (a fiber,
//                             scheduler.h) named after its first argument (the name a
//                             deadlock report gives), END runs them all to their end.
//                             Regions nest: a process may open one.
//
// The process name is an identifier; the call may contain commas (template arguments).
#ifndef XNORC_RUNTIME_HLS_DATAFLOW_H
#define XNORC_RUNTIME_HLS_DATAFLOW_H

#include "hls_stream.h"
#include "mode.h"
#include "pragma.h"
#include "scheduler.h"

#if XNORC_HLS_VENDOR
#define XNORC_HLS_DATAFLOW_BEGIN(region) XNORC_HLS_PRAGMA(HLS DATAFLOW)
#define XNORC_HLS_PROCESS(name, ...) __VA_ARGS__
#define XNORC_HLS_DATAFLOW_END()
#elif XNORC_HLS_THREADED
#include <functional>
#include <memory>
#include <vector>

#define XNORC_HLS_DATAFLOW_BEGIN(region) xnorc_hls::detail::Region xnorc_hls_region_(#region)
#define XNORC_HLS_PROCESS(name, ...) xnorc_hls_region_.spawn(#name, [&]() { __VA_ARGS__; })
#define XNORC_HLS_DATAFLOW_END() xnorc_hls_region_.join()

namespace xnorc_hls {
namespace detail {

// One dataflow region of the dataflow C simulation: its processes (fibers, scheduler.h),
// started at PROCESS and run when the region's opener waits for them at END — by running
// the scheduler if the opener is the testbench, by waiting like any process if the opener is
// a process itself (a nested region).
class Region {
public:
  explicit Region(const char *) { ++openRegions(); }
  Region(const Region &) = delete;
  Region &operator=(const Region &) = delete;
  ~Region() { join(); }

  void spawn(const char *Name, std::function<void()> Body) {
    auto P = std::make_unique<Process>();
    P->Name = Name;
    P->Body = std::move(Body);
    P->RegionRunning = &Running;
    ++Running;
    Scheduler::get().start(P.get());
    Processes.push_back(std::move(P));
  }

  void join() {
    if (Joined)
      return;
    Joined = true;
    --openRegions();
    Scheduler &S = Scheduler::get();
    if (Process *Owner = S.current()) {
      Owner->Unjoined = &Running;
      S.wait(Owner, Process::Wait::Join, [this] { return Running == 0; });
    } else {
      S.runUntil([this] { return Running == 0; });
    }
  }

private:
  std::vector<std::unique_ptr<Process>> Processes;
  int Running = 0; // processes started and not yet returned
  bool Joined = false;
};

} // namespace detail
} // namespace xnorc_hls
#else
#define XNORC_HLS_DATAFLOW_BEGIN(region) ((void)0)
#define XNORC_HLS_PROCESS(name, ...) __VA_ARGS__
#define XNORC_HLS_DATAFLOW_END() ((void)0)
#endif

#endif
