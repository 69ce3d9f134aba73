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
#ifndef XNORC_RUNTIME_COMMON_TEAM_H
#define XNORC_RUNTIME_COMMON_TEAM_H

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

struct xn_team {
  int size; // threads taking part; thread ids are 0 .. size - 1
  // Separate cache lines: waiters poll `generation` while arrivals update `arrived`.
  alignas(64) std::atomic<int> arrived;
  alignas(64) std::atomic<unsigned> generation;
};

inline void xn_team_init(xn_team *t, int size) {
  t->size = size;
  t->arrived.store(0, std::memory_order_relaxed);
  t->generation.store(0, std::memory_order_relaxed);
}

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
  xn_team_spin_until([&] { return t->generation.load(std::memory_order_acquire) != gen; });
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
      run(body, team, id);
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
  pool.run = &xn_team_invoke<Body>;
  pool.body = &body;
  pool.team = &team;
  pool.done.store(0, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(pool.m);
    pool.job.fetch_add(1, std::memory_order_acq_rel);
  }
  pool.wake.notify_all();
  body(&team, 0);
  xn_team_spin_until([&] { return pool.done.load(std::memory_order_acquire) == pool.started; });
}

#endif // XNORC_RUNTIME_COMMON_TEAM_H
