// The threads of one <name>_run call, in code generated with xnorc --threads=N (N > 1).
//
// <name>_run starts N - 1 std::threads, runs the model's layers on them and on the
// calling thread, and joins them before it returns: no thread, pool or other state
// outlives the call, and two calls (or two models) never share anything. Every thread
// runs the same layer sequence: a layer whose kernel splits its work (common/parts.h)
// computes part `id` of `size` on each thread, any other layer runs on thread 0 alone, and
// xn_team_sync() separates layers that need each other's results. Thread start-up costs
// tens of microseconds per call, which is small against the layers worth splitting.
//
// If the system cannot start a thread, the team is simply smaller: parts are assigned
// from the team's size, and the results never depend on it.
#ifndef XNORC_RUNTIME_COMMON_TEAM_H
#define XNORC_RUNTIME_COMMON_TEAM_H

#include <atomic>
#include <thread>

struct xn_team {
  int size; // threads taking part; thread ids are 0 .. size - 1
  std::atomic<int> arrived;
  std::atomic<unsigned> generation;
};

// Barrier: returns once every thread of the team has called it. The last to arrive
// resets the count before it releases the others, so the next barrier starts clean.
inline void xn_team_sync(xn_team *t) {
  if (t->size == 1)
    return;
  const unsigned gen = t->generation.load(std::memory_order_acquire);
  if (t->arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == t->size) {
    t->arrived.store(0, std::memory_order_relaxed);
    t->generation.fetch_add(1, std::memory_order_acq_rel);
    return;
  }
  // Layers are short (tens of microseconds to milliseconds): spin briefly, then yield.
  for (int spins = 0; t->generation.load(std::memory_order_acquire) == gen; ++spins)
    if (spins > 2000)
      std::this_thread::yield();
}

// Runs body(&team, id) on thread 0 (the caller) and on up to Threads - 1 threads started
// for this call.
template <int Threads, typename Body> inline void xn_team_run(const Body &body) {
  xn_team team;
  team.size = 1;
  team.arrived.store(0);
  team.generation.store(0);
  std::atomic<bool> go(false);
  std::thread workers[Threads - 1];
  int started = 0;
  for (; started < Threads - 1; ++started) {
    const int id = started + 1;
    auto work = [&team, &go, &body, id] {
      while (!go.load(std::memory_order_acquire)) // team.size is final once go is set
        std::this_thread::yield();
      body(&team, id);
    };
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
    try {
      workers[started] = std::thread(work);
    } catch (...) { // no thread: a smaller team
      break;
    }
#else
    workers[started] = std::thread(work);
#endif
  }
  team.size = started + 1;
  go.store(true, std::memory_order_release);
  body(&team, 0);
  for (int i = 0; i < started; ++i)
    workers[i].join();
}

#endif // XNORC_RUNTIME_COMMON_TEAM_H
