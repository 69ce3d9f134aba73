// The dataflow C simulation's scheduler (XNORC_HLS_CSIM_DATAFLOW): every dataflow process
// runs as a fiber (a user-level thread with its own stack, fiber.h), all of them
// cooperatively on the calling thread, and the deadlock check.
//
// Why fibers, not one std::thread per process: a FIFO of depth 2 hands over control every
// two items, and an OS thread switch costs tens of microseconds on a busy machine (a 28-process
// design ran at 2 images/s); a fiber switch (fiber.h) costs nanoseconds, and there is no
// lock, no data race and no timing dependence: a run is deterministic.
//
// A process runs until it must wait: to read an empty stream, to write a full one, or for the
// processes of a dataflow region it opened (dataflow.h). Then the scheduler, running on the
// thread that opened the outermost region, resumes the next process whose wait is over, in
// round-robin order. If no process can run and the outermost region still has unfinished
// ones, nothing can ever change: the simulation reports every process waiting on a stream and
// exits with status 3 — at once, never a hang. Each OS thread has a scheduler of its own.
#ifndef XNORC_RUNTIME_HLS_SCHEDULER_H
#define XNORC_RUNTIME_HLS_SCHEDULER_H

#include "fiber.h"
#include "mode.h"
#include "stream_stats.h"

#if XNORC_HLS_THREADED
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace xnorc_hls {
namespace detail {

// What the scheduler sees of a stream: its name, bound and fill.
struct StreamState {
  std::string Name;
  int Depth = 0;
  bool Bounded = false;
  unsigned long long Size = 0;
  bool isFull() const { return Bounded && Size >= (unsigned long long)Depth; }
};

// One dataflow process: its fiber and what it waits for.
struct Process {
  enum class Wait { None, Read, Write, Join };
  std::string Name;
  std::function<void()> Body;
  int *RegionRunning = nullptr; // its region's count of unfinished processes
  Wait Waiting = Wait::None;
  const StreamState *On = nullptr; // Read / Write
  const int *Unjoined = nullptr;   // Join: its own region's unfinished processes
  bool Finished = false;
  FiberContext Context;
  std::unique_ptr<char[]> Stack; // allocated, not touched: pages are committed on use

  bool stuck() const {
    switch (Waiting) {
    case Wait::None:
      return false;
    case Wait::Read:
      return On->Size == 0;
    case Wait::Write:
      return On->isFull();
    case Wait::Join:
      return *Unjoined > 0;
    }
    return false;
  }
};

class Scheduler {
public:
  // A fiber's stack: what a thread gets by default on Linux, for layers with large locals.
  static constexpr size_t StackBytes = size_t(8) << 20;

  static Scheduler &get() {
    static thread_local Scheduler S;
    return S;
  }
  // The process running now, or null on the thread's own stack (the testbench).
  Process *current() const { return Current; }

  // Adds a process to run later (when the region's opener waits for it).
  void start(Process *P) {
    P->Stack.reset(new char[StackBytes]);
    if (!fiberMake(P->Context, P->Stack.get(), StackBytes, &Scheduler::entry))
      fail("xnorc hls csim: cannot make a fiber for process '" + P->Name + "'");
    Live.push_back(P);
  }

  // The running process P waits for reason Why until Ready(), handing the thread straight to
  // the next process that can run (no detour through the scheduler's own stack).
  template <class Pred> void wait(Process *P, Process::Wait Why, Pred Ready) {
    P->Waiting = Why;
    while (!Ready()) {
      Process *N = next();
      if (!N)
        deadlock(); // P included, every process waits for what no one can do
      if (N != P) {
        Current = N;
        fiberSwitch(P->Context, N->Context);
      }
    }
    P->Waiting = Process::Wait::None;
  }

  // On the thread's own stack: runs processes until Done(). Control comes back here each
  // time a process returns.
  template <class Pred> void runUntil(Pred Done) {
    while (!Done()) {
      Process *P = next();
      if (!P)
        deadlock();
      Current = P;
      fiberSwitch(Home, P->Context);
      Process *Ended = Current; // the one that returned, not necessarily P
      Current = nullptr;
      Live.erase(std::find(Live.begin(), Live.end(), Ended));
      Ended->Stack.reset();
    }
  }

private:
  Scheduler() = default;

  // A process's fiber: its body, then back to runUntil for good.
  static void entry() {
    Scheduler &S = get();
    Process *P = S.Current;
    P->Body();
    P->Finished = true;
    --*P->RegionRunning;
    fiberSwitch(P->Context, S.Home);
    std::abort(); // never resumed
  }

  // The next process that can run, after the last one that ran (round robin).
  Process *next() {
    const size_t N = Live.size();
    for (size_t K = 1; K <= N; ++K) {
      Process *P = Live[(Last + K) % N];
      if (!P->stuck()) {
        Last = (Last + K) % N;
        return P;
      }
    }
    return nullptr;
  }

  [[noreturn]] void deadlock() {
    std::string Msg = "xnorc hls csim: deadlock:";
    const char *Sep = " ";
    for (const Process *P : Live) {
      if (P->Waiting == Process::Wait::Join)
        continue; // it waits for the others listed here
      const bool Read = P->Waiting == Process::Wait::Read;
      Msg += Sep +
             ("'" + P->Name + "' waits to " + (Read ? "read '" : "write '") + P->On->Name + "' (" +
              (Read ? std::string("empty") : "full, depth " + std::to_string(P->On->Depth)) + ")");
      Sep = "; ";
    }
    fail(Msg);
  }

  [[noreturn]] static void fail(const std::string &Msg) {
    std::fprintf(stderr, "%s\n", Msg.c_str());
    std::fflush(stderr);
    StatRegistry::get().writeEnvReport();
    std::_Exit(3);
  }

  std::vector<Process *> Live; // started, not finished, in start order
  size_t Last = 0;
  Process *Current = nullptr;
  FiberContext Home; // the thread's own stack, where runUntil runs
};

} // namespace detail
} // namespace xnorc_hls
#endif // XNORC_HLS_THREADED

#endif
