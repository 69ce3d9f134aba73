// Timing, random data and aligned buffers shared by the kernel benchmark programs.
#ifndef XNORC_BENCH_BENCH_TIMING_H
#define XNORC_BENCH_BENCH_TIMING_H

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <vector>

namespace bench {

// This thread's CPU time: the machine is shared, and time slices lost to other processes
// would otherwise count against the kernel.
inline double cpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
inline double since(double t0) { return cpuNow() - t0; }

// Seconds per call: repeat until min_time has passed, best of reps.
template <typename F> double timeIt(F f, double min_time, int reps) {
  f();
  double bestT = 1e30;
  for (int r = 0; r < reps; ++r) {
    long calls = 0;
    const double t0 = cpuNow();
    double s = 0;
    do {
      f();
      ++calls;
      s = since(t0);
    } while (s < min_time);
    bestT = std::min(bestT, s / calls);
  }
  return bestT;
}

// A fixed xorshift stream: every run benchmarks the same data.
inline uint64_t &rngState() {
  static uint64_t s = 0x243F6A8885A308D3ull;
  return s;
}
inline float rndf() {
  uint64_t &s = rngState();
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return (float)((s >> 40) & 0xffff) / 32768.0f - 1.0f;
}
inline std::vector<float> randomVec(size_t n) {
  std::vector<float> v(n);
  for (float &f : v)
    f = rndf();
  return v;
}

// Packed weights as the generated code has them: 64-byte aligned (alignas(64) constants).
// With malloc's 16-byte alignment every other 32- or 64-byte weight load would split a
// cache line, which costs the x86 convs up to a third of their speed.
template <typename T> struct Aligned {
  struct Free {
    void operator()(T *p) const { free(p); }
  };
  std::unique_ptr<T, Free> p;
  explicit Aligned(size_t n)
      : p(static_cast<T *>(aligned_alloc(64, (n * sizeof(T) + 63) / 64 * 64))) {}
  T *data() const { return p.get(); }
};

} // namespace bench

#endif
