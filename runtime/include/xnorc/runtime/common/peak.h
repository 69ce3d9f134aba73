// Ceilings of one core, measured by the --emit-main program of code built with xnorc
// --profile: how many binary MACs (xor + popcount of one bit) and float MACs (one multiply-add)
// per second the instructions of the target's kernels can do at most. A profile divides each
// layer's ideal time at these rates by its measured time (its share of the roofline).
//
// Each ISA's header (generic/peak.h, x86/avx2_peak.h, x86/avx512_peak.h) defines
//   void xn_peak_ceilings(double *binary_macs_per_s, double *float_macs_per_s)
// with loops of independent accumulators, so that throughput and not latency bounds them
// (as the project's shared/tools/peak.cpp), timed by xn_peak_rate below.
#ifndef XNORC_RUNTIME_COMMON_PEAK_H
#define XNORC_RUNTIME_COMMON_PEAK_H

#include <chrono>

// MACs per second of loop(iters), a loop doing macs_per_iter MACs per iteration: the
// iteration count doubles until one run lasts 20 ms, then the best of three such runs. The
// best, because a ceiling is what the core can do; a slower run was interrupted.
template <typename Loop> double xn_peak_rate(const Loop &loop, double macs_per_iter) {
  typedef std::chrono::steady_clock clk;
  long long iters = 1024;
  double best = 0;
  for (int long_runs = 0; long_runs < 3;) {
    const clk::time_point t0 = clk::now();
    loop(iters);
    const double s = std::chrono::duration<double>(clk::now() - t0).count();
    if (s < 0.02) {
      iters *= 2;
      continue;
    }
    ++long_runs;
    const double rate = static_cast<double>(iters) * macs_per_iter / s;
    best = rate > best ? rate : best;
  }
  return best;
}

#endif // XNORC_RUNTIME_COMMON_PEAK_H
