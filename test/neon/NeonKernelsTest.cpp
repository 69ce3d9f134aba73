// Unit test of the ARM NEON binary kernels (runtime/include/xnorc/runtime/neon) against the
// generic kernels they replace: bit for bit (packed outputs) and exactly (float outputs: both
// compute the same integer d and call the same float epilogue expression), over shapes with
// channel tails, odd spatial sizes, strides, dilations, every padding mode, threshold
// directions and sentinels, plus a long reduction past the 16-bit accumulators' fold point.
// Cross-compiled (no gtest on the target) and run under qemu by ctest (test/neon).
//
// Build: aarch64-linux-gnu-g++ -std=c++17 -O2 -static -I runtime/include NeonKernelsTest.cpp
//        arm-linux-gnueabihf-g++ -std=c++17 -O2 -static -mfpu=neon -mfloat-abi=hard ...
// Prints "neon kernel tests (<arch>): N passed, F failed"; exit 1 on a failure.
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/neon/bconv.h"
#include "xnorc/runtime/neon/bitpack.h"
#include "xnorc/runtime/neon/bpool.h"

#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Bits = std::vector<uint64_t>;

constexpr uint64_t kPoison = 0xA5A5A5A5A5A5A5A5ull;
constexpr float kPoisonF = 12345.5f;

int g_pass = 0, g_fail = 0;

void report(bool ok, const std::string &what) {
  if (ok) {
    ++g_pass;
  } else {
    ++g_fail;
    if (g_fail <= 20)
      printf("FAIL %s\n", what.c_str());
  }
}

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  int range(int lo, int hi) { return lo + static_cast<int>(next() % uint64_t(hi - lo + 1)); }
};

int64_t words(int64_t c) { return (c + 63) / 64; }

Bits randomBits(int64_t vectors, int64_t c, Rng &r) {
  const int64_t cw = words(c);
  Bits b(static_cast<size_t>(vectors * cw));
  for (int64_t v = 0; v < vectors; ++v)
    for (int64_t j = 0; j < cw; ++j)
      b[static_cast<size_t>(v * cw + j)] = r.next() & xn_bit_word_mask(c, j);
  return b;
}

void randomThresholds(int64_t m, int64_t n_bits, Rng &r, std::vector<int32_t> &t,
                      std::vector<int32_t> &dir) {
  t.resize(static_cast<size_t>(m));
  dir.resize(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) {
    const int k = r.range(0, 19);
    t[i] = k == 0 ? INT32_MIN
                  : k == 1 ? INT32_MAX
                           : static_cast<int32_t>(r.range(-(int)n_bits - 2, (int)n_bits + 2));
    dir[i] = r.range(-1, 1);
  }
}

std::string describe(const xn_bconv_params &p) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "conv n=%lld c_in=%lld c_out=%lld in=%lldx%lld k=%lldx%lld s=%lld,%lld d=%lld,%lld "
           "pad=%lld pad_value=%d",
           (long long)p.n, (long long)p.c_in, (long long)p.c_out, (long long)p.in_h,
           (long long)p.in_w, (long long)p.kh, (long long)p.kw, (long long)p.stride_h,
           (long long)p.stride_w, (long long)p.dil_h, (long long)p.dil_w, (long long)p.pad_top,
           p.pad_value);
  return buf;
}

xn_bconv_params convParams(int64_t n, int64_t c_in, int64_t c_out, int64_t h, int64_t w,
                           int64_t k, int64_t stride, int64_t dil, int64_t pad, int32_t pad_value) {
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

void checkConv(const xn_bconv_params &p, Rng &r) {
  const std::string name = describe(p);
  if (p.out_h <= 0 || p.out_w <= 0)
    return;
  const Bits x = randomBits(p.n * p.in_h * p.in_w, p.c_in, r);
  const Bits w = randomBits(p.c_out * p.kh * p.kw, p.c_in, r);
  Bits packed(xn_neon_bconv_packed_words(&p));
  xn_neon_bconv_pack(&p, w.data(), packed.data());

  std::vector<int32_t> t, dir;
  randomThresholds(p.c_out, p.kh * p.kw * p.c_in, r, t, dir);
  const size_t ywords = static_cast<size_t>(p.n * p.out_h * p.out_w * words(p.c_out));
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    Bits want(ywords, kPoison), got(ywords, kPoison);
    const int32_t *d = with_dir ? dir.data() : nullptr;
    xn_bconv_threshold(&p, x.data(), w.data(), t.data(), d, want.data());
    xn_neon_bconv_threshold(&p, x.data(), packed.data(), t.data(), d, got.data());
    report(want == got, name + (with_dir ? " threshold dir" : " threshold"));
  }

  const size_t yn = static_cast<size_t>(p.n * p.c_out * p.out_h * p.out_w);
  std::vector<float> scale(static_cast<size_t>(p.c_out)), bias(scale.size()), res(yn);
  for (float &f : scale)
    f = static_cast<float>(r.range(-4000, 4000)) / 1617.0f;
  for (float &f : bias)
    f = static_cast<float>(r.range(-4000, 4000)) / 813.0f;
  for (float &f : res)
    f = static_cast<float>(r.range(-40, 40)) / 4.0f;
  for (int variant = 0; variant < 2; ++variant) {
    xn_bconv_params q = p;
    q.act_kind = variant ? XN_ACT_RELU : XN_ACT_NONE;
    const float *s = variant ? scale.data() : nullptr;
    const float *b = variant ? bias.data() : nullptr;
    const float *re = variant ? res.data() : nullptr;
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    xn_bconv(&q, x.data(), w.data(), s, b, re, want.data());
    xn_neon_bconv(&q, x.data(), packed.data(), s, b, re, got.data());
    report(memcmp(want.data(), got.data(), yn * sizeof(float)) == 0,
           name + (variant ? " float scale/bias/residual/relu" : " float"));
  }
}

void checkDense(int64_t n, int64_t k, int64_t m, Rng &r) {
  char buf[128];
  snprintf(buf, sizeof buf, "dense n=%lld k=%lld m=%lld", (long long)n, (long long)k,
           (long long)m);
  xn_bdense_params p{n, k, m, XN_ACT_NONE, 0.0f, 0.0f};
  const Bits x = randomBits(n, k, r), w = randomBits(m, k, r);
  Bits packed(xn_neon_bdense_packed_words(&p));
  xn_neon_bdense_pack(&p, w.data(), packed.data());
  std::vector<int32_t> t, dir;
  randomThresholds(m, k, r, t, dir);
  const size_t yw = static_cast<size_t>(n * words(m));
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    Bits want(yw, kPoison), got(yw, kPoison);
    const int32_t *d = with_dir ? dir.data() : nullptr;
    xn_bdense_threshold(&p, x.data(), w.data(), t.data(), d, want.data());
    xn_neon_bdense_threshold(&p, x.data(), packed.data(), t.data(), d, got.data());
    report(want == got, std::string(buf) + " threshold");
  }
  std::vector<float> scale(static_cast<size_t>(m)), bias(scale.size());
  for (float &f : scale)
    f = static_cast<float>(r.range(-4000, 4000)) / 1617.0f;
  for (float &f : bias)
    f = static_cast<float>(r.range(-4000, 4000)) / 813.0f;
  const size_t yn = static_cast<size_t>(n * m);
  std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
  xn_bdense(&p, x.data(), w.data(), scale.data(), bias.data(), nullptr, want.data());
  xn_neon_bdense(&p, x.data(), packed.data(), scale.data(), bias.data(), nullptr, got.data());
  report(memcmp(want.data(), got.data(), yn * sizeof(float)) == 0, std::string(buf) + " float");
}

void checkPool(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t s, int64_t dil,
               int64_t pad, bool with_min, Rng &r) {
  xn_bmaxpool_params p{};
  p.n = n;
  p.c = c;
  p.in_h = h;
  p.in_w = w;
  p.kh = p.kw = k;
  p.stride_h = p.stride_w = s;
  p.dil_h = p.dil_w = dil;
  p.pad_top = p.pad_left = pad;
  p.out_h = (h + 2 * pad - dil * (k - 1) - 1 + s - 1) / s + 1; // ceil mode: may hold empty windows
  p.out_w = (w + 2 * pad - dil * (k - 1) - 1 + s - 1) / s + 1;
  char buf[160];
  snprintf(buf, sizeof buf, "bmaxpool n=%lld c=%lld in=%lldx%lld k=%lld s=%lld d=%lld pad=%lld%s",
           (long long)n, (long long)c, (long long)h, (long long)w, (long long)k, (long long)s,
           (long long)dil, (long long)pad, with_min ? " min_mask" : "");
  const Bits x = randomBits(n * h * w, c, r);
  const Bits mm = randomBits(1, c, r);
  const size_t yw = static_cast<size_t>(n * p.out_h * p.out_w * words(c));
  Bits want(yw, kPoison), got(yw, kPoison);
  xn_bmaxpool(&p, x.data(), with_min ? mm.data() : nullptr, want.data());
  xn_neon_bmaxpool(&p, x.data(), with_min ? mm.data() : nullptr, got.data());
  report(want == got, buf);
}

void checkThreshold(int64_t n, int64_t c, int64_t spatial, int mode, Rng &r) {
  char buf[128];
  snprintf(buf, sizeof buf, "threshold n=%lld c=%lld spatial=%lld mode=%d", (long long)n,
           (long long)c, (long long)spatial, mode);
  xn_threshold_params p{n, c, spatial};
  std::vector<float> x(static_cast<size_t>(n * c * spatial));
  for (float &f : x) {
    const int k = r.range(0, 15);
    f = k == 0 ? 0.0f : k == 1 ? -0.0f : k == 2 ? NAN : k == 3 ? INFINITY : k == 4 ? -INFINITY
        : static_cast<float>(r.range(-64, 64)) / 16.0f;
  }
  std::vector<float> tau(static_cast<size_t>(c)), dir(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) {
    tau[i] = static_cast<float>(r.range(-32, 32)) / 16.0f;
    dir[i] = static_cast<float>(r.range(-1, 1));
  }
  const size_t yw = static_cast<size_t>(n * spatial * words(c));
  Bits want(yw, kPoison), got(yw, kPoison);
  const float *t = mode & 1 ? tau.data() : nullptr;
  const float *d = mode & 2 ? dir.data() : nullptr;
  xn_threshold(&p, x.data(), t, d, want.data());
  xn_neon_threshold(&p, x.data(), t, d, got.data());
  report(want == got, buf);
}

const int64_t kChannels[] = {1, 3, 63, 64, 65, 127, 130, 261};

} // namespace

int main() {
  Rng r(2024);
  // Every channel count x kernel size x stride x padding mode.
  for (int64_t c_in : kChannels)
    for (int64_t k : {1, 3, 5})
      for (int64_t stride : {1, 2})
        for (int32_t pad_value : {0, 1, -1}) {
          const int64_t c_out = kChannels[r.range(0, 7)];
          const int64_t h = r.range(k, k + 5), w = r.range(k, k + 8);
          const int64_t pad = r.range(0, k / 2 + (k > 1 ? 1 : 0));
          checkConv(convParams(r.range(1, 2), c_in, c_out, h, w, k, stride, 1, pad, pad_value), r);
        }
  // Output channel counts around the tile width (2 * XN_NEON_B) and word boundaries.
  for (int64_t c_out : {1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 66, 100, 129})
    checkConv(convParams(1, 70, c_out, 7, 9, 3, 1, 1, 1, r.range(-1, 1)), r);
  // Dilations, asymmetric windows and strides.
  for (int64_t dil : {2, 3})
    for (int32_t pad_value : {0, 1, -1}) {
      checkConv(convParams(1, 65, 19, 11, 13, 3, 1, dil, dil, pad_value), r);
      checkConv(convParams(2, 64, 9, 12, 10, 3, 2, dil, 2, pad_value), r);
    }
  {
    xn_bconv_params p = convParams(1, 67, 21, 9, 12, 3, 1, 1, 1, -1);
    p.kw = 5;
    p.stride_w = 3;
    p.dil_w = 2;
    p.pad_left = 4;
    p.out_w = (p.in_w + 2 * 4 - 2 * 4 - 1) / 3 + 1;
    checkConv(p, r);
    p.pad_value = 0;
    checkConv(p, r);
  }
  // A reduction longer than XN_NEON_FOLD words per 16-bit accumulator: 3x3 x 30000 channels
  // = 9 x 469 = 4221 words (tile and border paths), and a dense layer of 4500 words.
  checkConv(convParams(1, 30000, 5, 3, 6, 3, 1, 1, 1, -1), r);
  checkConv(convParams(1, 30000, 5, 3, 6, 3, 1, 1, 1, 0), r);
  checkDense(2, 4500 * 64 - 5, 9, r);
  // Dense: batch, tails.
  for (int64_t k : {1, 63, 64, 65, 130, 1000})
    for (int64_t m : {1, 2, 9, 10, 64, 65, 130})
      checkDense(r.range(1, 3), k, m, r);
  // Max-pool: tails, 1..5 words, strides, dilation, padding (incl. empty windows).
  for (int64_t c : {1, 63, 64, 65, 128, 130, 200, 320})
    for (int with_min = 0; with_min < 2; ++with_min) {
      checkPool(2, c, 9, 11, 2, 2, 1, 0, with_min, r);
      checkPool(1, c, 8, 7, 3, 2, 1, 1, with_min, r);
      checkPool(1, c, 9, 9, 3, 1, 2, 2, with_min, r);
      checkPool(1, c, 4, 5, 3, 3, 1, 2, with_min, r);
    }
  // Float -> bits threshold: tails, spatial sizes around the vector width, every mode.
  for (int64_t c : {1, 3, 63, 64, 65, 130})
    for (int64_t spatial : {1, 3, 4, 5, 8, 17, 99})
      for (int mode = 0; mode < 4; ++mode)
        checkThreshold(r.range(1, 2), c, spatial, mode, r);

#if defined(__aarch64__)
  const char *arch = "aarch64";
#else
  const char *arch = "armv7";
#endif
  printf("neon kernel tests (%s, tile %dx%d): %d passed, %d failed\n", arch, XN_NEON_P, XN_NEON_B,
         g_pass, g_fail);
  return g_fail ? 1 : 0;
}
