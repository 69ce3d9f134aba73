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
//                             to their DEPTH), PROCESS starts the call on a new thread named
//                             after its first argument (the name a deadlock report gives),
//                             END waits for all of them. Regions nest: a process may open one.
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
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#define XNORC_HLS_DATAFLOW_BEGIN(region) xnorc_hls::detail::Region xnorc_hls_region_(#region)
#define XNORC_HLS_PROCESS(name, ...) xnorc_hls_region_.spawn(#name, [&]() { __VA_ARGS__; })
#define XNORC_HLS_DATAFLOW_END() xnorc_hls_region_.join()

namespace xnorc_hls {
namespace detail {

// One dataflow region of the dataflow C simulation: its processes' threads, and the
// thread that opened it, which counts as a process while it starts them (so nothing looks
// deadlocked before every process exists) and waits for them in join().
class Region {
public:
  explicit Region(const char *Name) {
    Scheduler &S = Scheduler::get();
    std::lock_guard<std::mutex> L(S.mutex());
    Owner = Scheduler::current();
    if (!Owner) { // the testbench's thread: a process for the region's lifetime
      OwnProcess.Name = Name;
      Owner = &OwnProcess;
      Scheduler::current() = Owner;
      S.enter(Owner);
    }
    ++openRegions();
  }
  Region(const Region &) = delete;
  Region &operator=(const Region &) = delete;
  ~Region() { join(); }

  void spawn(const char *Name, std::function<void()> Body) {
    Scheduler &S = Scheduler::get();
    auto P = std::make_unique<Process>();
    P->Name = Name;
    Process *Raw = P.get();
    {
      std::lock_guard<std::mutex> L(S.mutex());
      S.enter(Raw);
      ++Running;
    }
    Processes.push_back(std::move(P));
    try {
      Threads.emplace_back([this, Raw, Body = std::move(Body)] {
        Scheduler::current() = Raw;
        Body();
        Scheduler &Sched = Scheduler::get();
        std::lock_guard<std::mutex> L(Sched.mutex());
        --Running;
        Done.notify_all();
        Sched.leave(Raw);
      });
    } catch (const std::system_error &) {
      std::fprintf(stderr, "xnorc hls csim: cannot start a thread for process '%s'\n", Name);
      std::fflush(stderr);
      std::_Exit(3);
    }
  }

  void join() {
    if (Joined)
      return;
    Joined = true;
    Scheduler &S = Scheduler::get();
    {
      std::unique_lock<std::mutex> L(S.mutex());
      --openRegions();
      Owner->Unjoined = &Running;
      S.wait(L, Done, Owner, Process::Wait::Join, [this] { return Running == 0; });
      if (Owner == &OwnProcess) {
        Scheduler::current() = nullptr;
        S.leave(Owner);
      }
    }
    for (std::thread &T : Threads)
      T.join();
  }

private:
  Process OwnProcess;
  Process *Owner = nullptr;
  std::vector<std::unique_ptr<Process>> Processes;
  std::vector<std::thread> Threads;
  std::condition_variable Done;
  int Running = 0; // processes started and not yet returned; guarded by the scheduler's mutex
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
