// Unit tests for the x86 binary and ternary-weight kernels (runtime/include/xnorc/runtime/x86):
// every kernel against the generic kernel it replaces, bit for bit (packed outputs) and exactly
// (float outputs: both compute the same integer d and the same float epilogue), over shapes with
// channel tails, odd spatial sizes, strides, dilations, every padding mode, threshold
// directions and sentinels; and requantized outputs (bconv_quantize, bdense_quantize) byte for
// byte. The generic kernels are themselves checked against a naive reference in
// BinaryKernelsTest.cpp. Paths whose instructions this CPU lacks are skipped.
#include "TernaryCases.h"
#include "TestRng.h"
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/x86/avx2_bconv.h"
#include "xnorc/runtime/x86/avx2_bpool.h"
#include "xnorc/runtime/x86/avx2_tconv.h"
#include "xnorc/runtime/x86/avx512_bconv.h"
#include "xnorc/runtime/x86/avx512_bpool.h"
#include "xnorc/runtime/x86/avx512_tconv.h"
#include "xnorc/runtime/x86/bconv_quantize.h"

#include <gtest/gtest.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Bits = std::vector<uint64_t>;

constexpr uint64_t kPoison = 0xA5A5A5A5A5A5A5A5ull;
constexpr float kPoisonF = 12345.5f;

bool hasAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vpopcntdq");
}
bool hasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
}

#define REQUIRE_AVX512()                                                                           \
  do {                                                                                             \
    if (!hasAvx512())                                                                              \
      GTEST_SKIP() << "this CPU lacks AVX-512 F/BW/VL/VPOPCNTDQ";                                  \
  } while (0)
#define REQUIRE_AVX2()                                                                             \
  do {                                                                                             \
    if (!hasAvx2())                                                                                \
      GTEST_SKIP() << "this CPU lacks AVX2/POPCNT";                                                \
  } while (0)

using xnorc_test::convParams;
using xnorc_test::describe;
using xnorc_test::randomBits;
using xnorc_test::randomThresholds;
using xnorc_test::Rng;

int64_t words(int64_t c) { return (c + 63) / 64; }

enum class Isa { Avx2, Avx512 };

// The requantized output's operands (bconv_quantize): y_scale a power of two (so v / y_scale
// lands on ties, the epilogue's values being multiples of 1/16) or not, now and then tiny
// (saturation); u8 or i8 with a random zero point; the type's range or a narrower one.
struct QOut {
  float y_scale;
  uint8_t zp;
  int32_t q[3]; // {y_type, lo, hi}
  size_t bytes;
};
QOut randomQOut(Rng &r, size_t n) {
  QOut o;
  const float scales[] = {0.125f, 0.25f, 0.5f, 1.0f, 0.3f, 1e-3f, 7.0f};
  o.y_scale = r.pick(scales);
  o.zp = static_cast<uint8_t>(r.next() >> 32);
  o.q[0] = static_cast<int32_t>(r.range(0, 1));
  o.q[1] = xn_qtype_min(o.q[0]) + static_cast<int32_t>(r.range(0, 1) * 20);
  o.q[2] = xn_qtype_max(o.q[0]) - static_cast<int32_t>(r.range(0, 1) * 30);
  o.bytes = n;
  return o;
}

// Scales with NaN, infinities and -0 now and then (NaN quantizes to lo, as quantize does).
void specialScales(std::vector<float> &scale, Rng &r) {
  const float specials[] = {NAN, INFINITY, -INFINITY, -0.0f, 0.0f};
  for (float &f : scale)
    if (r.range(0, 9) == 0)
      f = r.pick(specials);
}

Bits packConv(Isa isa, const xn_bconv_params &p, const Bits &w) {
  Bits packed(isa == Isa::Avx512 ? xn_avx512_bconv_packed_words(&p)
                                 : xn_avx2_bconv_packed_words(&p));
  if (isa == Isa::Avx512)
    xn_avx512_bconv_pack(&p, w.data(), packed.data());
  else
    xn_avx2_bconv_pack(&p, w.data(), packed.data());
  return packed;
}

// Calls a splittable kernel once per part, one after another: what --threads=N code does
// concurrently.
template <typename Fn, typename... Args> void inParts(int parts, Fn fn, Args... args) {
  for (int part = 0; part < parts; ++part)
    fn(args..., part, parts);
}

// Runs both variants of the conv (float epilogue with scale/bias/residual/act, and fused
// threshold) and compares with the generic kernels.
void checkConv(Isa isa, const xn_bconv_params &p, Rng &r, int fixed_parts = 0) {
  SCOPED_TRACE(describe(p));
  // 1 to 3 parts (--threads): the result must not depend on the split (rows, or channels
  // for small float planes: xn_oc_bconv_split).
  const int parts = fixed_parts > 0 ? fixed_parts : static_cast<int>(r.range(1, 3));
  SCOPED_TRACE("parts " + std::to_string(parts));
  ASSERT_GT(p.out_h, 0);
  ASSERT_GT(p.out_w, 0);
  const Bits x = randomBits(p.n * p.in_h * p.in_w, p.c_in, r);
  const Bits w = randomBits(p.c_out * p.kh * p.kw, p.c_in, r);
  const Bits packed = packConv(isa, p, w);

  // Threshold output.
  std::vector<int32_t> t, dir;
  randomThresholds(p.c_out, p.kh * p.kw * p.c_in, r, t, dir);
  const size_t ywords = static_cast<size_t>(p.n * p.out_h * p.out_w * words(p.c_out));
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    Bits want(ywords, kPoison), got(ywords, kPoison);
    const int32_t *d = with_dir ? dir.data() : nullptr;
    xn_bconv_threshold(&p, x.data(), w.data(), t.data(), d, want.data());
    if (isa == Isa::Avx512)
      inParts(parts, xn_avx512_bconv_threshold, &p, x.data(), packed.data(), t.data(), d,
              got.data());
    else
      inParts(parts, xn_avx2_bconv_threshold, &p, x.data(), packed.data(), t.data(), d, got.data());
    ASSERT_EQ(want, got) << "threshold, dir " << (with_dir ? "random" : "NULL");
  }

  // Float output: scale/bias/residual present or not, and an activation.
  const size_t yn = static_cast<size_t>(p.n * p.c_out * p.out_h * p.out_w);
  std::vector<float> scale(static_cast<size_t>(p.c_out)), bias(scale.size()), res(yn);
  for (float &f : scale)
    f = static_cast<float>(r.range(-40, 40)) / 16.0f;
  for (float &f : bias)
    f = static_cast<float>(r.range(-40, 40)) / 8.0f;
  for (float &f : res)
    f = static_cast<float>(r.range(-40, 40)) / 4.0f;
  // Variant 2: the residual is y itself (an in-place shortcut add: each residual is read before
  // its output is written).
  for (int variant = 0; variant < 3; ++variant) {
    xn_bconv_params q = p;
    q.act_kind = variant ? XN_ACT_RELU : XN_ACT_NONE;
    const float *s = variant ? scale.data() : nullptr;
    const float *b = variant ? bias.data() : nullptr;
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    if (variant == 2)
      want = got = res;
    const float *re_want = variant == 1 ? res.data() : variant == 2 ? want.data() : nullptr;
    const float *re_got = variant == 1 ? res.data() : variant == 2 ? got.data() : nullptr;
    xn_bconv(&q, x.data(), w.data(), s, b, re_want, want.data());
    if (isa == Isa::Avx512)
      inParts(parts, xn_avx512_bconv, &q, x.data(), packed.data(), s, b, re_got, got.data());
    else
      inParts(parts, xn_avx2_bconv, &q, x.data(), packed.data(), s, b, re_got, got.data());
    ASSERT_EQ(0, memcmp(want.data(), got.data(), yn * sizeof(float)))
        << "float output, variant " << variant;
  }

  // Float output with its sign bits (xn_<isa>_bconv_sign, a threshold fused into the
  // epilogue): y as xn_bconv writes it, the bits as xn_threshold packs that y. Thresholds on
  // the grid of the values (ties), directions +1, -1 and 0 (<=); no activation, relu (vector
  // epilogue) and leaky relu (scalar), residual, none, or y itself; NaN scales now and then.
  std::vector<float> tau(scale.size()), dirs(scale.size());
  for (size_t m = 0; m < tau.size(); ++m) {
    tau[m] = static_cast<float>(r.range(-40, 40)) / 8.0f;
    dirs[m] = static_cast<float>(r.range(-1, 1));
  }
  for (int variant = 0; variant < 4; ++variant) {
    xn_bconv_params q = p;
    q.act_kind = variant == 0 ? XN_ACT_NONE : variant == 3 ? XN_ACT_LEAKY_RELU : XN_ACT_RELU;
    q.act_alpha = 0.375f;
    std::vector<float> sc = scale;
    if (variant > 0)
      specialScales(sc, r);
    const float *t = variant ? tau.data() : nullptr, *dr = variant >= 2 ? dirs.data() : nullptr;
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    if (variant == 2)
      want = got = res;
    const float *re_want = variant == 1 ? res.data() : variant == 2 ? want.data() : nullptr;
    const float *re_got = variant == 1 ? res.data() : variant == 2 ? got.data() : nullptr;
    xn_bconv(&q, x.data(), w.data(), sc.data(), bias.data(), re_want, want.data());
    const xn_threshold_params tp = {p.n, p.c_out, p.out_h * p.out_w};
    Bits want_bits(ywords, kPoison), got_bits(ywords, kPoison);
    xn_threshold(&tp, want.data(), t, dr, want_bits.data());
    if (isa == Isa::Avx512)
      inParts(parts, xn_avx512_bconv_sign, &q, x.data(), packed.data(), sc.data(), bias.data(),
              re_got, t, dr, got_bits.data(), got.data());
    else
      inParts(parts, xn_avx2_bconv_sign, &q, x.data(), packed.data(), sc.data(), bias.data(),
              re_got, t, dr, got_bits.data(), got.data());
    ASSERT_EQ(0, memcmp(want.data(), got.data(), yn * sizeof(float)))
        << "float output with sign bits, variant " << variant;
    ASSERT_EQ(want_bits, got_bits) << "sign bits, variant " << variant;
  }

  // Requantized output: no activation, relu (the vector epilogue) and leaky relu (the scalar
  // one), residual or not.
  specialScales(scale, r);
  for (int variant = 0; variant < 3; ++variant) {
    xn_bconv_params q = p;
    q.act_kind = variant == 0 ? XN_ACT_NONE : variant == 1 ? XN_ACT_RELU : XN_ACT_LEAKY_RELU;
    q.act_alpha = 0.375f;
    const QOut o = randomQOut(r, yn);
    const float *re = variant != 1 ? res.data() : nullptr;
    std::vector<uint8_t> want(yn, 0xA5), got(yn, 0x5A);
    xn_bconv_quantize(&q, x.data(), w.data(), scale.data(), bias.data(), re, &o.y_scale, &o.zp, o.q,
                      want.data());
    if (isa == Isa::Avx512)
      inParts(parts, xn_avx512_bconv_quantize, &q, x.data(), packed.data(), scale.data(),
              bias.data(), re, &o.y_scale, (const void *)&o.zp, o.q, (void *)got.data());
    else
      inParts(parts, xn_avx2_bconv_quantize, &q, x.data(), packed.data(), scale.data(), bias.data(),
              re, &o.y_scale, (const void *)&o.zp, o.q, (void *)got.data());
    ASSERT_EQ(want, got) << "quantized output, variant " << variant << " y_scale " << o.y_scale
                         << " type " << o.q[0] << " [" << o.q[1] << ", " << o.q[2] << "]";
  }
}

const int64_t kChannels[] = {1, 3, 63, 64, 65, 127, 130, 261};

void convSweep(Isa isa) {
  Rng r(isa == Isa::Avx512 ? 512 : 256);
  int cases = 0;
  // Every channel count x kernel size x stride x padding mode.
  for (int64_t c_in : kChannels)
    for (int64_t k : {1, 3, 5, 7})
      for (int64_t stride : {1, 2})
        for (int32_t pad_value : {0, 1, -1}) {
          const int64_t c_out = kChannels[r.range(0, 7)];
          const int64_t h = r.range(k, k + 6), w = r.range(k, k + 9);
          const int64_t pad = r.range(0, k / 2 + (k > 1 ? 1 : 0));
          checkConv(isa, convParams(r.range(1, 2), c_in, c_out, h, w, k, stride, 1, pad, pad_value),
                    r);
          if (testing::Test::HasFatalFailure())
            return;
          ++cases;
        }
  // Output channel counts around the register tiles (AVX-512 4 blocks of 8, AVX2 8 blocks of
  // 4: remainders of 1-7 blocks), dilation, asymmetric shapes.
  for (int64_t c_out : {1, 7, 8, 9, 20, 24, 28, 31, 32, 33, 40, 63, 64, 65, 100}) {
    checkConv(isa,
              convParams(1, r.range(1, 200), c_out, r.range(3, 11), r.range(3, 13), 3, 1, 1, 1,
                         static_cast<int32_t>(r.range(-1, 1))),
              r);
    checkConv(isa,
              convParams(1, 64, c_out, 9, 11, 3, r.range(1, 2), 2, 2,
                         static_cast<int32_t>(r.range(-1, 1))),
              r);
    if (testing::Test::HasFatalFailure())
      return;
    cases += 2;
  }
  // Rows longer than the float epilogue's run buffer (64 pixels), odd widths.
  for (int64_t w : {65, 129, 150}) {
    checkConv(isa, convParams(1, 64, kChannels[r.range(0, 7)], 3, w, 3, r.range(1, 2), 1, 1, 0), r);
    if (testing::Test::HasFatalFailure())
      return;
    ++cases;
  }
  // Asymmetric kernels, pads larger than the kernel, dilation along one axis only.
  for (int i = 0; i < 40; ++i) {
    xn_bconv_params p = convParams(1, kChannels[r.range(0, 7)], kChannels[r.range(0, 7)],
                                   r.range(1, 12), r.range(1, 12), 1, 1, 1, 0, 0);
    p.kh = r.range(1, 4);
    p.kw = r.range(1, 4);
    p.stride_h = r.range(1, 3);
    p.stride_w = r.range(1, 3);
    p.dil_h = r.range(1, 2);
    p.dil_w = r.range(1, 2);
    p.pad_top = r.range(0, 3);
    p.pad_left = r.range(0, 3);
    p.pad_bottom = r.range(0, 3);
    p.pad_right = r.range(0, 3);
    p.pad_value = r.range(-1, 1);
    p.out_h = (p.in_h + p.pad_top + p.pad_bottom - p.dil_h * (p.kh - 1) - 1) / p.stride_h + 1;
    p.out_w = (p.in_w + p.pad_left + p.pad_right - p.dil_w * (p.kw - 1) - 1) / p.stride_w + 1;
    if (p.out_h <= 0 || p.out_w <= 0)
      continue;
    checkConv(isa, p, r);
    if (testing::Test::HasFatalFailure())
      return;
    ++cases;
  }
  printf("[          ] %d conv shapes checked\n", cases);
}

TEST(X86Avx512, BConvMatchesGeneric) {
  REQUIRE_AVX512();
  convSweep(Isa::Avx512);
}
TEST(X86Avx2, BConvMatchesGeneric) {
  REQUIRE_AVX2();
  convSweep(Isa::Avx2);
}

// ResNet-shaped layers (the benchmark's), every padding mode, whole and in 2 and 3 parts
// (the 14x14 and 7x7 layers split their channels, the larger ones their rows).
void resnetLayers(Isa isa) {
  Rng r(18);
  const int64_t shapes[][2] = {{56, 64}, {28, 128}, {14, 256}, {7, 512}};
  for (auto &s : shapes)
    for (int32_t pad_value : {0, 1, -1})
      for (int64_t stride : {1, 2})
        for (int parts : {1, 2, 3}) {
          checkConv(isa, convParams(1, s[1], s[1], s[0], s[0], 3, stride, 1, 1, pad_value), r,
                    parts);
          if (testing::Test::HasFatalFailure())
            return;
        }
}
TEST(X86Avx512, BConvResNetLayers) {
  REQUIRE_AVX512();
  resnetLayers(Isa::Avx512);
}
TEST(X86Avx2, BConvResNetLayers) {
  REQUIRE_AVX2();
  resnetLayers(Isa::Avx2);
}

void checkDense(Isa isa, int64_t n, int64_t k, int64_t m, Rng &r) {
  SCOPED_TRACE("n=" + std::to_string(n) + " k=" + std::to_string(k) + " m=" + std::to_string(m));
  xn_bdense_params p{n, k, m, XN_ACT_NONE, 0.0f, 0.0f};
  const Bits x = randomBits(n, k, r), w = randomBits(m, k, r);
  Bits packed(isa == Isa::Avx512 ? xn_avx512_bdense_packed_words(&p)
                                 : xn_avx2_bdense_packed_words(&p));
  if (isa == Isa::Avx512)
    xn_avx512_bdense_pack(&p, w.data(), packed.data());
  else
    xn_avx2_bdense_pack(&p, w.data(), packed.data());
  std::vector<int32_t> t, dir;
  randomThresholds(m, k, r, t, dir);
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    const size_t yw = static_cast<size_t>(n * words(m));
    Bits want(yw, kPoison), got(yw, kPoison);
    const int32_t *d = with_dir ? dir.data() : nullptr;
    xn_bdense_threshold(&p, x.data(), w.data(), t.data(), d, want.data());
    if (isa == Isa::Avx512)
      xn_avx512_bdense_threshold(&p, x.data(), packed.data(), t.data(), d, got.data());
    else
      xn_avx2_bdense_threshold(&p, x.data(), packed.data(), t.data(), d, got.data());
    ASSERT_EQ(want, got) << "threshold";
  }
  std::vector<float> scale(static_cast<size_t>(m)), bias(scale.size()),
      res(static_cast<size_t>(n * m));
  for (float &f : scale)
    f = static_cast<float>(r.range(-40, 40)) / 16.0f;
  for (float &f : bias)
    f = static_cast<float>(r.range(-40, 40)) / 8.0f;
  for (float &f : res)
    f = static_cast<float>(r.range(-40, 40)) / 4.0f;
  for (int variant = 0; variant < 2; ++variant) {
    p.act_kind = variant ? XN_ACT_LEAKY_RELU : XN_ACT_NONE;
    p.act_alpha = 0.125f;
    std::vector<float> want(res.size(), kPoisonF), got(res.size(), kPoisonF);
    const float *s = variant ? scale.data() : nullptr, *b = variant ? bias.data() : nullptr,
                *re = variant ? res.data() : nullptr;
    xn_bdense(&p, x.data(), w.data(), s, b, re, want.data());
    if (isa == Isa::Avx512)
      xn_avx512_bdense(&p, x.data(), packed.data(), s, b, re, got.data());
    else
      xn_avx2_bdense(&p, x.data(), packed.data(), s, b, re, got.data());
    ASSERT_EQ(0, memcmp(want.data(), got.data(), want.size() * sizeof(float)));
  }
  specialScales(scale, r);
  for (int variant = 0; variant < 2; ++variant) {
    p.act_kind = variant ? XN_ACT_RELU : XN_ACT_NONE;
    const QOut o = randomQOut(r, res.size());
    const float *re = variant ? res.data() : nullptr;
    std::vector<uint8_t> want(res.size(), 0xA5), got(res.size(), 0x5A);
    xn_bdense_quantize(&p, x.data(), w.data(), scale.data(), bias.data(), re, &o.y_scale, &o.zp,
                       o.q, want.data());
    if (isa == Isa::Avx512)
      xn_avx512_bdense_quantize(&p, x.data(), packed.data(), scale.data(), bias.data(), re,
                                &o.y_scale, &o.zp, o.q, got.data());
    else
      xn_avx2_bdense_quantize(&p, x.data(), packed.data(), scale.data(), bias.data(), re,
                              &o.y_scale, &o.zp, o.q, got.data());
    ASSERT_EQ(want, got) << "quantized output, variant " << variant;
  }
}

void denseSweep(Isa isa) {
  Rng r(77);
  for (int64_t k : kChannels)
    for (int64_t m : {1, 3, 8, 10, 33, 64, 65, 130})
      for (int64_t n : {1, 3}) {
        checkDense(isa, n, k, m, r);
        if (testing::Test::HasFatalFailure())
          return;
      }
  checkDense(isa, 2, 4096, 1000, r);
}
TEST(X86Avx512, BDenseMatchesGeneric) {
  REQUIRE_AVX512();
  denseSweep(Isa::Avx512);
}
TEST(X86Avx2, BDenseMatchesGeneric) {
  REQUIRE_AVX2();
  denseSweep(Isa::Avx2);
}

void poolSweep(Isa isa) {
  Rng r(99);
  int cases = 0;
  for (int64_t c : kChannels)
    for (int i = 0; i < 12; ++i) {
      xn_bmaxpool_params p{};
      p.n = r.range(1, 2);
      p.c = c;
      p.in_h = r.range(1, 12);
      p.in_w = r.range(1, 12);
      p.kh = r.range(1, 3);
      p.kw = r.range(1, 3);
      p.stride_h = r.range(1, 3);
      p.stride_w = r.range(1, 3);
      p.dil_h = r.range(1, 2);
      p.dil_w = r.range(1, 2);
      p.pad_top = r.range(0, 2);
      p.pad_left = r.range(0, 2);
      // Ceil mode and end pads can add windows with no valid tap.
      p.out_h = (p.in_h + p.pad_top + r.range(0, 2) - p.dil_h * (p.kh - 1) - 1) / p.stride_h + 1;
      p.out_w = (p.in_w + p.pad_left + r.range(0, 2) - p.dil_w * (p.kw - 1) - 1) / p.stride_w + 1;
      if (p.out_h <= 0 || p.out_w <= 0)
        continue;
      const Bits x = randomBits(p.n * p.in_h * p.in_w, c, r);
      const Bits mask = randomBits(1, c, r);
      const size_t yw = static_cast<size_t>(p.n * p.out_h * p.out_w * words(c));
      for (int with_mask = 0; with_mask < 2; ++with_mask) {
        Bits want(yw, kPoison), got(yw, kPoison);
        const uint64_t *mm = with_mask ? mask.data() : nullptr;
        xn_bmaxpool(&p, x.data(), mm, want.data());
        const int parts = 1 + with_mask + (cases % 2);
        if (isa == Isa::Avx512)
          inParts(parts, xn_avx512_bmaxpool, &p, x.data(), mm, got.data());
        else
          inParts(parts, xn_avx2_bmaxpool, &p, x.data(), mm, got.data());
        ASSERT_EQ(want, got) << "c=" << c << " in=" << p.in_h << "x" << p.in_w << " k=" << p.kh
                             << "x" << p.kw << " mask=" << with_mask;
      }
      ++cases;
    }
  printf("[          ] %d pool shapes checked\n", cases);
}
TEST(X86Avx512, BMaxPoolMatchesGeneric) {
  REQUIRE_AVX512();
  poolSweep(Isa::Avx512);
}
TEST(X86Avx2, BMaxPoolMatchesGeneric) {
  REQUIRE_AVX2();
  poolSweep(Isa::Avx2);
}

// Ternary weights (x86/<isa>_tconv.h) against generic/tconv.h: test/common/TernaryCases.h's
// cases, with the ResNet-shaped 56x56x64 and 14x14x256 3x3 layers.
TEST(X86Avx512, TernaryMatchesGeneric) {
  REQUIRE_AVX512();
  EXPECT_EQ("", xnorc_test::checkTernaryKernels({xn_avx512_tconv, xn_avx512_tconv_threshold,
                                                 xn_avx512_tdense, xn_avx512_tdense_threshold,
                                                 xn_avx512_tconv_isa::L, "avx512"},
                                                true));
}
TEST(X86Avx2, TernaryMatchesGeneric) {
  REQUIRE_AVX2();
  EXPECT_EQ(
      "", xnorc_test::checkTernaryKernels({xn_avx2_tconv, xn_avx2_tconv_threshold, xn_avx2_tdense,
                                           xn_avx2_tdense_threshold, xn_avx2_tconv_isa::L, "avx2"},
                                          true));
}

// The packing is plain C++: block b, tap t, word j, lane l holds output channel b*L+l.
TEST(X86Pack, LayoutAndZeroLanes) {
  xn_bconv_params p = convParams(1, 70, 11, 5, 5, 3, 1, 1, 1, 0);
  Rng r(5);
  const Bits w = randomBits(p.c_out * 9, p.c_in, r);
  for (int64_t lanes : {4, 8}) {
    Bits packed(xn_oc_packed_words(p.c_out, 9, 2, lanes));
    xn_oc_pack(p.c_out, 9, 2, lanes, w.data(), packed.data());
    const int64_t blocks = (p.c_out + lanes - 1) / lanes;
    ASSERT_EQ(packed.size(), static_cast<size_t>(blocks * 9 * 2 * lanes));
    for (int64_t b = 0; b < blocks; ++b)
      for (int64_t t = 0; t < 9; ++t)
        for (int64_t j = 0; j < 2; ++j)
          for (int64_t l = 0; l < lanes; ++l) {
            const int64_t m = b * lanes + l;
            EXPECT_EQ(packed[((b * 9 + t) * 2 + j) * lanes + l],
                      m < p.c_out ? w[(m * 9 + t) * 2 + j] : 0u);
          }
  }
}

// AVX2's words (xn_avx2_bconv_pack): block b, tap t, word j holds lane l's low nibbles at
// [..][j][0][l] and its high nibbles, shifted down, at [..][j][1][l].
TEST(X86Pack, Avx2NibbleSplit) {
  xn_bconv_params p = convParams(1, 70, 11, 5, 5, 3, 1, 1, 1, 0);
  Rng r(6);
  const Bits w = randomBits(p.c_out * 9, p.c_in, r);
  Bits packed(xn_avx2_bconv_packed_words(&p));
  xn_avx2_bconv_pack(&p, w.data(), packed.data());
  const int64_t lanes = 4, blocks = (p.c_out + lanes - 1) / lanes;
  ASSERT_EQ(packed.size(), static_cast<size_t>(blocks * 9 * 2 * 2 * lanes));
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t t = 0; t < 9; ++t)
      for (int64_t j = 0; j < 2; ++j)
        for (int64_t l = 0; l < lanes; ++l) {
          const int64_t m = b * lanes + l;
          const uint64_t word = m < p.c_out ? w[(m * 9 + t) * 2 + j] : 0u;
          const size_t at = static_cast<size_t>((((b * 9 + t) * 2 + j) * 2) * lanes + l);
          for (int bit = 0; bit < 64; ++bit) {
            const uint64_t want = word >> bit & 1;
            const size_t half = (bit & 4) ? at + lanes : at; // high nibble of its byte
            const int pos = (bit & ~7) | (bit & 3);          // its bit, moved into the low nibble
            EXPECT_EQ(packed[half] >> pos & 1, want)
                << "block " << b << " tap " << t << " bit " << bit;
          }
          EXPECT_EQ(packed[at] & 0xf0f0f0f0f0f0f0f0ULL, 0u);
          EXPECT_EQ(packed[at + lanes] & 0xf0f0f0f0f0f0f0f0ULL, 0u);
        }
}

} // namespace
