// The layer timer of code generated with xnorc --profile.
//
// <name>_run_profiled() reads this clock before and after each layer call and writes the
// difference to the caller's layer_ns[layer]. Code compiled without --profile contains none
// of it. Under --threads the caller's thread (team id 0) reads the clock after the barrier
// that ends a split layer, so a layer's time is the wall-clock time until its last part is
// done, not one thread's share of it.
#ifndef XNORC_RUNTIME_COMMON_PROFILE_H
#define XNORC_RUNTIME_COMMON_PROFILE_H

#include <chrono>

// Nanoseconds on a monotonic clock; only differences of two readings mean anything.
inline long long xn_prof_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

#endif // XNORC_RUNTIME_COMMON_PROFILE_H
