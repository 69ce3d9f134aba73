// Timing, random data, aligned buffers and layer shapes shared by the kernel benchmark
// programs.
#ifndef XNORC_BENCH_BENCH_TIMING_H
#define XNORC_BENCH_BENCH_TIMING_H

#include "xnorc/runtime/generic/conv.h"

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

// One image's square 2-D conv: hw x hw input, k x k kernel, equal stride and pad on both
// dims, Relu, as the ResNet-shaped benchmark rows have them.
inline xn_conv_params squareConv2d(int64_t c_in, int64_t c_out, int64_t hw, int64_t k,
                                   int64_t stride, int64_t pad) {
  xn_conv_params p{};
  p.spatial_rank = 2;
  p.n = 1;
  p.c_in = c_in;
  p.c_out = c_out;
  p.group = 1;
  p.in_dims[0] = p.in_dims[1] = hw;
  p.out_dims[0] = p.out_dims[1] = (hw + 2 * pad - k) / stride + 1;
  p.kernel[0] = p.kernel[1] = k;
  p.strides[0] = p.strides[1] = stride;
  p.dilations[0] = p.dilations[1] = 1;
  p.pads_begin[0] = p.pads_begin[1] = p.pads_end[0] = p.pads_end[1] = pad;
  p.act_kind = XN_ACT_RELU;
  return p;
}

#endif
