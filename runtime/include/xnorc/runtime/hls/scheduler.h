// The dataflow C simulation's scheduler (XNORC_HLS_CSIM_DATAFLOW): which processes are
// alive, what each one waits for, and the deadlock check.
//
// Every dataflow process runs on a thread of its own (dataflow.h) and every stream
// operation holds the one mutex here, so "what each process waits for" and "how full each
// stream is" are one consistent state. A process that must wait records why (reading an
// empty stream, writing a full one, or joining the processes of a dataflow region it
// opened) and, before it sleeps, checks that state: if no process is running and no
// waiting process's reason has gone away, nothing can ever change it again, and the
// simulation reports every waiting process and exits with status 3. The last process to
// stop running is always the one that checks, so a deadlock is found at once, without
// timeouts, whatever the threads' timing.
#ifndef XNORC_RUNTIME_HLS_SCHEDULER_H
#define XNORC_RUNTIME_HLS_SCHEDULER_H

#include "mode.h"
#include "stream_stats.h"

#if XNORC_HLS_THREADED
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

namespace xnorc_hls {
namespace detail {

// What the scheduler sees of a stream: its name, bound and fill, and the condition its
// waiters sleep on. Guarded by Scheduler::mutex().
struct StreamState {
  std::string Name;
  int Depth = 0;
  bool Bounded = false;
  unsigned long long Size = 0;
  int Waiters = 0;
  std::condition_variable Changed;
  bool isFull() const { return Bounded && Size >= (unsigned long long)Depth; }
};

// A thread taking part in a dataflow region: a process, or the thread that opened the
// region (named after it) while it starts and joins the region's processes.
struct Process {
  enum class Wait { None, Read, Write, Join };
  std::string Name;
  Wait Waiting = Wait::None;
  const StreamState *On = nullptr; // Read / Write
  const int *Unjoined = nullptr;   // Join: the region's processes still running
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
  static Scheduler &get() {
    static Scheduler S;
    return S;
  }
  std::mutex &mutex() { return M; }
  // The process the calling thread runs, or null outside every dataflow region.
  static Process *&current() {
    static thread_local Process *P = nullptr;
    return P;
  }

  // With the mutex held.
  void enter(Process *P) { Live.push_back(P); }
  void leave(Process *P) {
    Live.erase(std::find(Live.begin(), Live.end(), P));
    checkDeadlock();
  }

  // Sleeps on Cv (with L, the mutex) until Ready(), P waiting for reason Why meanwhile.
  template <class Pred>
  void wait(std::unique_lock<std::mutex> &L, std::condition_variable &Cv, Process *P,
            Process::Wait Why, Pred Ready) {
    P->Waiting = Why;
    while (!Ready()) {
      checkDeadlock();
      Cv.wait(L);
    }
    P->Waiting = Process::Wait::None;
  }

private:
  Scheduler() = default;

  void checkDeadlock() {
    if (Live.empty())
      return;
    for (const Process *P : Live)
      if (!P->stuck())
        return;
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
    std::fprintf(stderr, "%s\n", Msg.c_str());
    std::fflush(stderr);
    StatRegistry::get().writeEnvReport();
    std::_Exit(3); // the other threads sleep forever: end the process, never hang
  }

  std::mutex M;
  std::vector<Process *> Live;
};

} // namespace detail
} // namespace xnorc_hls
#endif // XNORC_HLS_THREADED

#endif
