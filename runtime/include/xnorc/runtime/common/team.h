// The threads of <name>_run, in code generated with xnorc --threads=N (N > 1).
//
// A call runs the model's layers on the calling thread and on N - 1 worker threads. Every
// thread runs the same layer sequence: a layer whose kernel splits its work
// (common/parts.h) computes part `id` of `size` on each thread, any other layer runs on
// thread 0 (the caller) alone, and xn_team_sync() separates layers that need each other's
// results.
//
// The workers are started by the model's first call and kept (xn_team_pool): starting
// and joining threads on every call cost ~30-60 us, and waking a sleeping CPU in a VM up
// to milliseconds, which on a 3 ms network ate most of what the second thread gained. After
// a call a worker spins for XN_TEAM_SPIN_US microseconds (so back-to-back calls find it
// awake), then sleeps on a condition variable until the next call: an idle model costs no
// CPU. The pool belongs to one model (the runtime is pasted into the model's namespace);
// its destructor, at exit, stops and joins the workers.
//
// Results never depend on the team's size (parts are assigned from it), which makes the
// fallbacks exact: if the system cannot start a thread the team is smaller, and a call made
// while another thread's call holds the workers runs on its own thread alone.
//
// Nor do they depend on where the parts end, which lets the team balance threads that run
// at different speeds: every call measures each thread's busy time (the call minus its
// waits at the barriers), and the next call's row splits (common/parts.h's shares) move a
// quarter of the way toward the shares that would have made those times equal. A static
// equal split runs at the pace of the slowest thread: on a VM whose virtual CPUs share
// physical cores with other guests one of them can run a third slower for minutes, and a
// phone's little cores are slower still. Channel splits stay equal (common/parts.h).
// -DXN_TEAM_EQUAL_SHARES keeps every split equal; -DXN_TEAM_TEST_SHARES draws each call's
// shares at random (tests: results must not change).
#ifndef XNORC_RUNTIME_COMMON_TEAM_H
#define XNORC_RUNTIME_COMMON_TEAM_H

#include "parts.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#ifndef XN_TEAM_SPIN_US
#define XN_TEAM_SPIN_US 1000
#endif

// One spin-wait step: tells the core it is a spin loop (less power, and no memory-order
// mis-speculation when the awaited store arrives).
inline void xn_team_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__) || (defined(__ARM_ARCH) && __ARM_ARCH >= 7)
  __asm__ __volatile__("yield");
#endif
}

#ifndef XN_TEAM_YIELD_US
#define XN_TEAM_YIELD_US 50
#endif

// Spins until done() holds; after XN_TEAM_YIELD_US microseconds of spinning, lets a thread
// that shares this CPU run between polls (more threads than CPUs: the thread waited for may
// be descheduled). The waits between layers are imbalances of microseconds, and a yield is a
// system call that, on a CPU shared with any other runnable process (even at nice 19), hands
// it a time slice: yielding after 200 polls (a few us) made two threads lose tens of
// microseconds per layer on a machine running a background job.
template <typename Done> inline void xn_team_spin_until(const Done &done) {
  std::chrono::steady_clock::time_point until{};
  bool timed = false, yielding = false;
  for (int spins = 1; !done(); ++spins) {
    if (yielding) {
      std::this_thread::yield();
      continue;
    }
    xn_team_relax();
    if ((spins & 255) != 0)
      continue;
    const auto now = std::chrono::steady_clock::now();
    if (!timed) {
      until = now + std::chrono::microseconds(XN_TEAM_YIELD_US);
      timed = true;
    } else if (now > until) {
      yielding = true;
    }
  }
}

inline long long xn_team_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One thread's time in a call: its waits at the barriers, and the rest (busy); when it
// left its last barrier, and whether its layers since then split by the shares
// (xn_part_shares::followed).
struct alignas(64) xn_team_times {
  long long wait_ns, busy_ns, layer_start_ns;
  unsigned char followed;
};

struct xn_team {
  int size;             // threads taking part; thread ids are 0 .. size - 1
  xn_team_times *times; // per thread, measured for the shares; NULL: not measured
  // Separate cache lines: waiters poll `generation` while arrivals update `arrived`.
  alignas(64) std::atomic<int> arrived;
  alignas(64) std::atomic<unsigned> generation;
};

inline void xn_team_init(xn_team *t, int size) {
  t->size = size;
  t->times = nullptr;
  t->arrived.store(0, std::memory_order_relaxed);
  t->generation.store(0, std::memory_order_relaxed);
}

// Barrier: returns once every thread of the team has called it; thread `id` adds the time
// it waited to its times, and the time since its last barrier too unless the layers in
// between split by the shares (xn_part_shares::followed): a thread's busy time is then its
// time on the splits the shares move. Counted whole, the layers whose splits stay equal
// (channel splits, common/parts.h) moved the row splits instead: on Bi-Real-18 two threads
// of a Xeon waited at every 56x56 layer for the first thread, which the shares had given
// 63 % of the rows to make up for its wait at the 28x28 and smaller, channel-split, layers.
// The last to arrive resets the count before it releases the others, so the next barrier
// starts clean.
inline void xn_team_sync(xn_team *t, int id) {
  if (t->size == 1)
    return;
  const long long t0 = t->times ? xn_team_now_ns() : 0;
  if (t->times) {
    if (!t->times[id].followed)
      t->times[id].wait_ns += t0 - t->times[id].layer_start_ns;
    t->times[id].followed = 0;
  }
  const unsigned gen = t->generation.load(std::memory_order_acquire);
  if (t->arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == t->size) {
    t->arrived.store(0, std::memory_order_relaxed);
    t->generation.fetch_add(1, std::memory_order_acq_rel);
    if (t->times)
      t->times[id].layer_start_ns = xn_team_now_ns();
    return;
  }
  xn_team_spin_until([&] { return t->generation.load(std::memory_order_acquire) != gen; });
  if (t->times) {
    const long long t1 = xn_team_now_ns();
    t->times[id].wait_ns += t1 - t0;
    t->times[id].layer_start_ns = t1;
  }
}

// A thread's run of the layers begins and ends: the time after its last barrier counts as a
// wait too unless those layers split by the shares (xn_team_sync). Thread 0's layers that do
// not split, while the others wait at the next barrier, count so: as busy time they made
// thread 0 look slow (QuickNet's depthwise convs, which did not split, moved the shares of
// every split layer to 1/4 and 3/4 on two threads).
inline void xn_team_begin_layers(xn_team *t, int id) {
  if (t->times) {
    t->times[id].layer_start_ns = xn_team_now_ns();
    t->times[id].followed = 0;
  }
}
inline void xn_team_end_layers(xn_team *t, int id) {
  if (!t->times)
    return;
  if (!t->times[id].followed)
    t->times[id].wait_ns += xn_team_now_ns() - t->times[id].layer_start_ns;
  t->times[id].followed = 0;
}

// The shares of a team of P threads (common/parts.h's cuts) after a call that took each
// thread `busy` nanoseconds: a thread's speed is its share over its busy time, and the
// shares move a quarter of the way toward the speeds' proportions (a quarter: one call
// slowed by an interrupt must not unbalance the next ones), each within [1/2, 3/2] of an
// equal part. Calls shorter than 20 us, or balanced within 2 %, leave them as they are.
template <int P> inline void xn_team_rebalance(uint32_t (&cut)[P + 1], const xn_team_times *times) {
  long long lo = times[0].busy_ns, hi = lo, sum = 0;
  for (int k = 0; k < P; ++k) {
    const long long b = times[k].busy_ns;
    lo = b < lo ? b : lo;
    hi = b > hi ? b : hi;
    sum += b;
  }
  if (lo <= 0 || sum < 20000LL * P || hi * 100 <= lo * 102)
    return;
  double share[P], speed[P], total = 0;
  for (int k = 0; k < P; ++k) {
    share[k] = (double)(cut[k + 1] - cut[k]) / XN_PART_ONE;
    speed[k] = share[k] / (double)times[k].busy_ns;
    total += speed[k];
  }
  double norm = 0;
  for (int k = 0; k < P; ++k) {
    const double next = share[k] + 0.25 * (speed[k] / total - share[k]);
    share[k] = next < 0.5 / P ? 0.5 / P : next > 1.5 / P ? 1.5 / P : next;
    norm += share[k];
  }
  double at = 0;
  for (int k = 1; k < P; ++k) {
    at += share[k - 1] / norm;
    cut[k] = (uint32_t)(at * XN_PART_ONE + 0.5);
  }
}

// Each call's shares drawn at random (-DXN_TEAM_TEST_SHARES): weights 1024 .. 3070, at most
// 3x apart (for two threads: within xn_team_rebalance's bounds).
template <int P> inline void xn_team_random_shares(uint32_t (&cut)[P + 1], uint32_t *seed) {
  uint32_t w[P], total = 0;
  for (int k = 0; k < P; ++k) {
    *seed = *seed * 1664525u + 1013904223u;
    w[k] = 1024 + (*seed >> 22) * 2;
    total += w[k];
  }
  uint32_t at = 0;
  for (int k = 1; k < P; ++k) {
    at += w[k - 1];
    cut[k] = (uint32_t)((uint64_t)at * XN_PART_ONE / total);
  }
}

// The workers of one model. `job` counts calls; a worker runs the body of each new call
// as thread `id`, then reports in `done`.
template <int Threads> struct xn_team_pool {
  std::mutex owner; // held by the call using the workers
  std::mutex m;     // guards sleeping workers' wake-up
  std::condition_variable wake;
  std::atomic<unsigned> job{0};
  std::atomic<int> done{0};
  std::atomic<bool> stop{false};
  void (*run)(const void *body, xn_team *team, int id) = nullptr;
  const void *body = nullptr;
  xn_team *team = nullptr;
  std::thread workers[Threads - 1];
  int started = 0;
  xn_team_times times[Threads];
  uint32_t cut[Threads + 1]; // the shares (common/parts.h) of a call by the whole team
  uint32_t seed = 1;         // -DXN_TEAM_TEST_SHARES's

  xn_team_pool() {
    for (int k = 0; k <= Threads; ++k)
      cut[k] = (uint32_t)((uint64_t)k * XN_PART_ONE / Threads);
  }

  ~xn_team_pool() {
    {
      std::lock_guard<std::mutex> lock(m);
      stop.store(true, std::memory_order_release);
    }
    wake.notify_all();
    for (int i = 0; i < started; ++i)
      workers[i].join();
  }

  // Waits for a call after `seen`: spins for XN_TEAM_SPIN_US, then sleeps. False: stop.
  bool await(unsigned seen) {
    const auto until =
        std::chrono::steady_clock::now() + std::chrono::microseconds(XN_TEAM_SPIN_US);
    for (int spins = 0; job.load(std::memory_order_acquire) == seen; ++spins) {
      if (stop.load(std::memory_order_acquire))
        return false;
      xn_team_relax();
      if ((spins & 1023) == 1023 && std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(m);
        wake.wait(lock, [&] {
          return job.load(std::memory_order_acquire) != seen ||
                 stop.load(std::memory_order_acquire);
        });
      }
    }
    return !stop.load(std::memory_order_acquire);
  }

  void work(int id, unsigned seen) {
    while (await(seen)) {
      seen = job.load(std::memory_order_acquire);
      const long long t0 = xn_team_now_ns();
      xn_team_begin_layers(team, id);
      run(body, team, id);
      xn_team_end_layers(team, id);
      times[id].busy_ns = xn_team_now_ns() - t0 - times[id].wait_ns;
      done.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  // Starts the workers not running yet (the pool is as large as the system allows); they
  // wait for the call after the current one.
  void start() {
    const unsigned now = job.load(std::memory_order_relaxed);
    for (; started < Threads - 1; ++started) {
      const int id = started + 1;
#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
      try {
        workers[started] = std::thread([this, id, now] { work(id, now); });
      } catch (...) { // no thread: a smaller team
        break;
      }
#else
      workers[started] = std::thread([this, id, now] { work(id, now); });
#endif
    }
  }
};

template <int Threads> inline xn_team_pool<Threads> &xn_team_pool_instance() {
  static xn_team_pool<Threads> pool;
  return pool;
}

template <typename Body> inline void xn_team_invoke(const void *body, xn_team *team, int id) {
  (*static_cast<const Body *>(body))(team, id);
}

// Runs body(&team, id) on the caller (id 0) and on the model's workers (ids 1 .. Threads - 1).
template <int Threads, typename Body> inline void xn_team_run(const Body &body) {
  xn_team team;
  xn_team_pool<Threads> &pool = xn_team_pool_instance<Threads>();
  std::unique_lock<std::mutex> own(pool.owner, std::try_to_lock);
  if (!own.owns_lock()) { // another thread's call has the workers
    xn_team_init(&team, 1);
    body(&team, 0);
    return;
  }
  pool.start();
  xn_team_init(&team, pool.started + 1);
  if (pool.started == 0) {
    body(&team, 0);
    return;
  }
  // Shares for a call by the whole team (with fewer threads than asked for, equal parts).
  const bool whole = pool.started + 1 == Threads;
  if (whole) {
#if defined(XN_TEAM_TEST_SHARES)
    xn_team_random_shares<Threads>(pool.cut, &pool.seed);
#endif
    for (int k = 0; k < Threads; ++k) {
      pool.times[k].wait_ns = 0;
      pool.times[k].followed = 0;
    }
    team.times = pool.times;
    xn_part_current_shares() =
        xn_part_shares{Threads, pool.cut, &pool.times[0].followed, (int64_t)sizeof(xn_team_times)};
  }
  pool.run = &xn_team_invoke<Body>;
  pool.body = &body;
  pool.team = &team;
  pool.done.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(pool.m);
    pool.job.fetch_add(1, std::memory_order_acq_rel);
  }
  pool.wake.notify_all();
  const long long t0 = xn_team_now_ns();
  xn_team_begin_layers(&team, 0);
  body(&team, 0);
  xn_team_end_layers(&team, 0);
  pool.times[0].busy_ns = xn_team_now_ns() - t0 - pool.times[0].wait_ns;
  xn_team_spin_until([&] { return pool.done.load(std::memory_order_acquire) == pool.started; });
  if (whole) {
    xn_part_current_shares() = xn_part_shares{0, nullptr, nullptr, 0};
#if !defined(XN_TEAM_EQUAL_SHARES) && !defined(XN_TEAM_TEST_SHARES)
    xn_team_rebalance<Threads>(pool.cut, pool.times);
#endif
  }
}

#endif // XNORC_RUNTIME_COMMON_TEAM_H
