// The random generator of xnorc's kernel tests (xorshift64): fixed seeds give the same
// cases on every platform, x86 and the ARM targets under qemu alike, so a failure names a
// case that reproduces anywhere.
#ifndef XNORC_TEST_COMMON_TESTRNG_H
#define XNORC_TEST_COMMON_TESTRNG_H

#include <cstddef>
#include <cstdint>

namespace xnorc_test {

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  /// Uniform in [lo, hi].
  int64_t range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  /// Uniform in [-1, 1), multiples of 2^-15.
  float f() { return static_cast<float>((next() >> 40) & 0xffff) / 32768.0f - 1.0f; }
  /// One element of a, uniformly.
  template <typename T, size_t N> T pick(const T (&a)[N]) { return a[next() % N]; }
};

} // namespace xnorc_test

#endif // XNORC_TEST_COMMON_TESTRNG_H
