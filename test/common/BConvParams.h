// Binary-layer conv parameters and operands for the kernel tests (x86, NEON, ternary): an
// ungrouped conv from its shape, a one-line description of any xn_bconv_params for failure
// messages, random packed activations and random thresholds.
#ifndef XNORC_TEST_COMMON_BCONVPARAMS_H
#define XNORC_TEST_COMMON_BCONVPARAMS_H

#include "TestRng.h"
#include "xnorc/runtime/generic/bconv.h"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace xnorc_test {

inline std::string describe(const xn_bconv_params &p) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "n=%lld c_in=%lld c_out=%lld in=%lldx%lld k=%lldx%lld s=%lld,%lld d=%lld,%lld "
           "pad=%lld,%lld,%lld,%lld pad_value=%d",
           (long long)p.n, (long long)p.c_in, (long long)p.c_out, (long long)p.in_h,
           (long long)p.in_w, (long long)p.kh, (long long)p.kw, (long long)p.stride_h,
           (long long)p.stride_w, (long long)p.dil_h, (long long)p.dil_w, (long long)p.pad_top,
           (long long)p.pad_left, (long long)p.pad_bottom, (long long)p.pad_right, p.pad_value);
  return buf;
}

// An ungrouped conv: square kernel k, stride, dilation dil, pad on every side.
inline xn_bconv_params convParams(int64_t n, int64_t c_in, int64_t c_out, int64_t h, int64_t w,
                                  int64_t k, int64_t stride, int64_t dil, int64_t pad,
                                  int32_t pad_value) {
  xn_bconv_params p{};
  p.n = n;
  p.c_in = c_in;
  p.c_out = c_out;
  p.group = 1;
  p.in_h = h;
  p.in_w = w;
  p.kh = k;
  p.kw = k;
  p.stride_h = stride;
  p.stride_w = stride;
  p.dil_h = dil;
  p.dil_w = dil;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = pad;
  p.out_h = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  p.out_w = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
  p.pad_value = pad_value;
  p.act_kind = XN_ACT_NONE;
  return p;
}

// `vectors` random packed vectors of `c` channels, zero tail bits.
inline std::vector<uint64_t> randomBits(int64_t vectors, int64_t c, Rng &r) {
  const int64_t cw = xn_bit_words(c);
  std::vector<uint64_t> b(static_cast<size_t>(vectors * cw));
  for (int64_t v = 0; v < vectors; ++v)
    for (int64_t j = 0; j < cw; ++j)
      b[static_cast<size_t>(v * cw + j)] = r.next() & xn_bit_word_mask(c, j);
  return b;
}

// Thresholds spread over the reachable range [-n_bits, n_bits] plus both sentinels, and
// directions of both signs (0 counts as >=).
inline void randomThresholds(int64_t m, int64_t n_bits, Rng &r, std::vector<int32_t> &t,
                             std::vector<int32_t> &dir) {
  t.resize(static_cast<size_t>(m));
  dir.resize(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) {
    const int k = static_cast<int>(r.range(0, 19));
    t[i] = k == 0   ? INT32_MIN
           : k == 1 ? INT32_MAX
                    : static_cast<int32_t>(r.range(-(int)n_bits - 2, (int)n_bits + 2));
    dir[i] = static_cast<int32_t>(r.range(-1, 1));
  }
}

} // namespace xnorc_test

#endif // XNORC_TEST_COMMON_BCONVPARAMS_H
