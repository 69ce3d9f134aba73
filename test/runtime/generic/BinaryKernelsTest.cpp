// Unit tests for the binary (b1) generic kernels. Every expected value comes from a naive
// reference on UNPACKED ±1 floats that shares no structure with the kernels: per-element
// loops straight from the definition, padding done by materialising a padded float image,
// and bit packing done one element at a time.
#include "TernaryCases.h"
#include "xnorc/runtime/generic/all.h"

#include <gtest/gtest.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using Vec = std::vector<float>;
using Bits = std::vector<uint64_t>;

// Garbage that any kernel writing its whole output overwrites, tail bits included.
constexpr uint64_t kPoison = 0xA5A5A5A5A5A5A5A5ull;
constexpr float kPoisonF = 12345.5f;

struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint32_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<uint32_t>(s >> 32);
  }
  int range(int lo, int hi) {
    return lo + static_cast<int>(next() % static_cast<uint32_t>(hi - lo + 1));
  }
  float pm1() { return (next() & 1) ? -1.0f : 1.0f; }
  float uniform(float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>(next() >> 8) / static_cast<float>(1 << 24);
  }
};

Vec randomPm1(size_t n, Rng &r) {
  Vec v(n);
  for (float &f : v)
    f = r.pm1();
  return v;
}

int64_t words(int64_t c) { return (c + 63) / 64; }

// Packs a float tensor [outer][c][inner] of ±1 into [outer][inner][words(c)], one bit at a
// time. Activations NCHW are (outer = N, inner = H*W); weights [M][cg][KH][KW] are
// (outer = M, inner = KH*KW); dense [N][K] is (outer = N, inner = 1).
Bits pack(const Vec &v, int64_t outer, int64_t c, int64_t inner) {
  const int64_t cw = words(c);
  Bits b(static_cast<size_t>(outer * inner * cw), 0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t i = 0; i < inner; ++i) {
        const float f = v[static_cast<size_t>((o * c + ch) * inner + i)];
        EXPECT_TRUE(f == 1.0f || f == -1.0f);
        if (f < 0)
          b[static_cast<size_t>((o * inner + i) * cw + ch / 64)] |= uint64_t{1} << (ch % 64);
      }
  return b;
}

// Reads bit (o, ch, i) of a packed tensor as ±1.
float bitAt(const Bits &b, int64_t c, int64_t inner, int64_t o, int64_t ch, int64_t i) {
  const uint64_t word = b[static_cast<size_t>((o * inner + i) * words(c) + ch / 64)];
  return ((word >> (ch % 64)) & 1) ? -1.0f : 1.0f;
}

// Every word must have its bits past channel c clear.
void expectZeroTails(const Bits &b, int64_t c) {
  const int64_t cw = words(c);
  const int64_t rem = c % 64;
  if (rem == 0)
    return;
  const uint64_t tail = ~((uint64_t{1} << rem) - 1);
  for (size_t i = static_cast<size_t>(cw - 1); i < b.size(); i += static_cast<size_t>(cw))
    ASSERT_EQ(b[i] & tail, 0u) << "tail bits set in word " << i;
}

double refAct(int32_t kind, float alpha, float beta, double v) {
  switch (kind) {
  case XN_ACT_RELU:
    return v > 0 ? v : 0;
  case XN_ACT_LEAKY_RELU:
    return v >= 0 ? v : alpha * v;
  case XN_ACT_CLIP:
    return std::fmin(std::fmax(v, static_cast<double>(alpha)), static_cast<double>(beta));
  case XN_ACT_SIGMOID:
    return 1.0 / (1.0 + std::exp(-v));
  case XN_ACT_TANH:
    return std::tanh(v);
  default:
    return v;
  }
}

// Epilogue data for a kernel with c_out channels and `total` outputs.
struct Epilogue {
  Vec scale, bias, residual;
  bool exact; // small-integer scale/bias/residual: every result is an exact float
};

Epilogue makeEpilogue(int64_t c_out, size_t total, bool exact, bool with_residual, Rng &r) {
  Epilogue e;
  e.exact = exact;
  for (int64_t m = 0; m < c_out; ++m) {
    e.scale.push_back(exact ? static_cast<float>(r.range(-3, 3)) : r.uniform(-2.0f, 2.0f));
    e.bias.push_back(exact ? static_cast<float>(r.range(-5, 5)) : r.uniform(-10.0f, 10.0f));
  }
  if (with_residual)
    for (size_t i = 0; i < total; ++i)
      e.residual.push_back(exact ? static_cast<float>(r.range(-4, 4)) : r.uniform(-5.0f, 5.0f));
  return e;
}

// d is the reference dot product (an integer) of output idx, channel m.
void checkEpilogueOutput(const Vec &got, const std::vector<int64_t> &d, const Epilogue &e,
                         int64_t c_out, int64_t plane, int32_t act, float alpha, float beta) {
  ASSERT_EQ(got.size(), d.size());
  const bool transcendental = act == XN_ACT_SIGMOID || act == XN_ACT_TANH;
  for (size_t i = 0; i < got.size(); ++i) {
    const int64_t m = (static_cast<int64_t>(i) / plane) % c_out;
    const double sd =
        static_cast<double>(e.scale[static_cast<size_t>(m)]) * static_cast<double>(d[i]);
    const double b = e.bias[static_cast<size_t>(m)];
    const double res = e.residual.empty() ? 0.0 : e.residual[i];
    const double want = refAct(act, alpha, beta, sd + b + res);
    if (e.exact && !transcendental) {
      ASSERT_EQ(got[i], static_cast<float>(want)) << "at " << i << " d=" << d[i];
    } else {
      // Relative to the magnitude of the summed terms, so cancellation cannot make a
      // correct result look wrong.
      const double mag = std::fabs(sd) + std::fabs(b) + std::fabs(res) + 1.0;
      ASSERT_NEAR(got[i], want, 1e-5 * mag) << "at " << i << " d=" << d[i];
    }
  }
}

// Thresholds for c_out channels: sentinels, values from the reference d (ties), and random
// values in and slightly beyond [-nmax, nmax]; directions -1, 0 (counts as >=) and +1.
void makeThresholds(int64_t c_out, int64_t nmax, const std::vector<int64_t> &d, Rng &r,
                    std::vector<int32_t> &thresh, std::vector<int32_t> &dir) {
  thresh.clear();
  dir.clear();
  for (int64_t m = 0; m < c_out; ++m) {
    const int kind = r.range(0, 5);
    int32_t t;
    if (kind == 0)
      t = INT32_MIN;
    else if (kind == 1)
      t = INT32_MAX;
    else if (kind == 2)
      t = static_cast<int32_t>(d[r.next() % d.size()]);
    else
      t = r.range(static_cast<int>(-nmax - 2), static_cast<int>(nmax + 2));
    thresh.push_back(t);
    dir.push_back(r.range(-1, 1));
  }
}

// Checks a packed [outer][inner][words(c_out)] threshold output against d laid out
// [outer][c_out][inner].
void checkThresholdOutput(const Bits &got, const std::vector<int64_t> &d, int64_t outer,
                          int64_t c_out, int64_t inner, const std::vector<int32_t> &thresh,
                          const int32_t *dir) {
  ASSERT_EQ(got.size(), static_cast<size_t>(outer * inner * words(c_out)));
  expectZeroTails(got, c_out);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t m = 0; m < c_out; ++m)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t dv = d[static_cast<size_t>((o * c_out + m) * inner + i)];
        const int64_t t = thresh[static_cast<size_t>(m)];
        const bool ge = dir == nullptr || dir[m] >= 0;
        const float want = (ge ? dv >= t : dv <= t) ? 1.0f : -1.0f;
        ASSERT_EQ(bitAt(got, c_out, inner, o, m, i), want)
            << "o=" << o << " m=" << m << " i=" << i << " d=" << dv << " t=" << t;
      }
}

// ----------------------------------------------------------------------------- Threshold

TEST(BinaryThreshold, AgainstNaiveWithTiesZerosAndNaN) {
  Rng r(1);
  const int64_t channels[] = {1, 3, 63, 64, 65, 130};
  for (int64_t c : channels) {
    for (int variant = 0; variant < 4; ++variant) {
      SCOPED_TRACE("c=" + std::to_string(c) + " variant=" + std::to_string(variant));
      const int64_t n = 2, spatial = 15;
      Vec tau(static_cast<size_t>(c)), dir(static_cast<size_t>(c));
      for (int64_t i = 0; i < c; ++i) {
        tau[static_cast<size_t>(i)] = static_cast<float>(r.range(-2, 2)) * 0.5f;
        dir[static_cast<size_t>(i)] = static_cast<float>(r.range(-1, 1)) * r.uniform(0.5f, 2.0f);
      }
      const bool use_tau = variant & 1, use_dir = variant & 2;
      Vec x(static_cast<size_t>(n * c * spatial));
      for (size_t i = 0; i < x.size(); ++i) {
        const int kind = r.range(0, 9);
        const float t = use_tau ? tau[(i / spatial) % c] : 0.0f;
        if (kind == 0)
          x[i] = t; // tie
        else if (kind == 1)
          x[i] = NAN;
        else if (kind == 2)
          x[i] = -0.0f;
        else
          x[i] = r.uniform(-3.0f, 3.0f);
      }
      Bits y(static_cast<size_t>(n * spatial * words(c)), kPoison);
      const xn_threshold_params p{n, c, spatial};
      xn_threshold(&p, x.data(), use_tau ? tau.data() : nullptr, use_dir ? dir.data() : nullptr,
                   y.data());
      expectZeroTails(y, c);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t s = 0; s < spatial; ++s) {
            const float v = x[static_cast<size_t>((b * c + ch) * spatial + s)];
            const float t = use_tau ? tau[static_cast<size_t>(ch)] : 0.0f;
            const float dr = use_dir ? dir[static_cast<size_t>(ch)] : 1.0f;
            float want;
            if (std::isnan(v))
              want = -1.0f;
            else if (dr > 0)
              want = v >= t ? 1.0f : -1.0f;
            else
              want = v <= t ? 1.0f : -1.0f;
            ASSERT_EQ(bitAt(y, c, spatial, b, ch, s), want)
                << "n=" << b << " c=" << ch << " s=" << s << " x=" << v;
          }
    }
  }
}

TEST(BinaryThreshold, SignOfZeroIsPlusOne) {
  const float x[3] = {0.0f, -0.0f, -1e-30f};
  uint64_t y[3] = {kPoison, kPoison, kPoison};
  const xn_threshold_params p{1, 1, 3};
  xn_threshold(&p, x, nullptr, nullptr, y);
  EXPECT_EQ(y[0], 0u);
  EXPECT_EQ(y[1], 0u);
  EXPECT_EQ(y[2], 1u);
}

TEST(BinaryUnpack, RoundTrip) {
  Rng r(2);
  const int64_t channels[] = {1, 63, 64, 65, 130};
  for (int64_t c : channels) {
    const int64_t n = 2, spatial = 7;
    const Vec v = randomPm1(static_cast<size_t>(n * c * spatial), r);
    const Bits b = pack(v, n, c, spatial);
    Vec y(v.size(), kPoisonF);
    const xn_unpack_params p{n, c, spatial};
    xn_unpack(&p, b.data(), y.data());
    EXPECT_EQ(y, v) << "c=" << c;
  }
}

// --------------------------------------------------------------------------------- BConv

struct BConvCase {
  int64_t c_in, c_out, group, in_h, in_w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  int32_t pad_value;
  int32_t act;
};

int64_t outDim(int64_t in, int64_t pb, int64_t pe, int64_t k, int64_t d, int64_t s) {
  return (in + pb + pe - ((k - 1) * d + 1)) / s + 1;
}

struct BConvData {
  xn_bconv_params p;
  Vec x, w;               // unpacked ±1: x NCHW, w [M][cg][KH][KW]
  Bits xb, wb;            // packed
  std::vector<int64_t> d; // reference NCHW
};

// Reference: materialise the padded image (pad value 0, +1 or -1), then sum x * w over every
// tap and channel of the group. Zero padding contributes exactly nothing.
std::vector<int64_t> naiveBConv(const BConvCase &cc, int64_t n, int64_t oh_n, int64_t ow_n,
                                const Vec &x, const Vec &w) {
  const int64_t hp = cc.in_h + cc.pt + cc.pb, wp = cc.in_w + cc.pl + cc.pr;
  const int64_t cg = cc.c_in / cc.group, mg = cc.c_out / cc.group;
  Vec padded(static_cast<size_t>(n * cc.c_in * hp * wp), static_cast<float>(cc.pad_value));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t c = 0; c < cc.c_in; ++c)
      for (int64_t i = 0; i < cc.in_h; ++i)
        for (int64_t j = 0; j < cc.in_w; ++j)
          padded[static_cast<size_t>(((b * cc.c_in + c) * hp + i + cc.pt) * wp + j + cc.pl)] =
              x[static_cast<size_t>(((b * cc.c_in + c) * cc.in_h + i) * cc.in_w + j)];
  std::vector<int64_t> d(static_cast<size_t>(n * cc.c_out * oh_n * ow_n));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t m = 0; m < cc.c_out; ++m)
      for (int64_t oh = 0; oh < oh_n; ++oh)
        for (int64_t ow = 0; ow < ow_n; ++ow) {
          double acc = 0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t ky = 0; ky < cc.kh; ++ky)
              for (int64_t kx = 0; kx < cc.kw; ++kx) {
                const int64_t ci = (m / mg) * cg + c;
                const int64_t iy = oh * cc.sh + ky * cc.dh, ix = ow * cc.sw + kx * cc.dw;
                acc += padded[static_cast<size_t>(((b * cc.c_in + ci) * hp + iy) * wp + ix)] *
                       w[static_cast<size_t>(((m * cg + c) * cc.kh + ky) * cc.kw + kx)];
              }
          d[static_cast<size_t>(((b * cc.c_out + m) * oh_n + oh) * ow_n + ow)] =
              static_cast<int64_t>(acc);
        }
  return d;
}

BConvData makeBConv(const BConvCase &cc, Rng &r) {
  EXPECT_EQ(cc.c_in % cc.group, 0);
  EXPECT_EQ(cc.c_out % cc.group, 0);
  BConvData t;
  const int64_t n = 2;
  const int64_t oh = outDim(cc.in_h, cc.pt, cc.pb, cc.kh, cc.dh, cc.sh);
  const int64_t ow = outDim(cc.in_w, cc.pl, cc.pr, cc.kw, cc.dw, cc.sw);
  t.p = xn_bconv_params{n,     cc.c_in, cc.c_out,     cc.group, cc.in_h, cc.in_w, oh,    ow,
                        cc.kh, cc.kw,   cc.sh,        cc.sw,    cc.dh,   cc.dw,   cc.pt, cc.pl,
                        cc.pb, cc.pr,   cc.pad_value, cc.act,   0.25f,   3.0f};
  if (cc.act == XN_ACT_CLIP)
    t.p.act_alpha = -7.0f;
  const int64_t cg = cc.c_in / cc.group;
  t.x = randomPm1(static_cast<size_t>(n * cc.c_in * cc.in_h * cc.in_w), r);
  t.w = randomPm1(static_cast<size_t>(cc.c_out * cg * cc.kh * cc.kw), r);
  t.xb = pack(t.x, n, cc.c_in, cc.in_h * cc.in_w);
  t.wb = pack(t.w, cc.c_out, cg, cc.kh * cc.kw);
  t.d = naiveBConv(cc, n, oh, ow, t.x, t.w);
  return t;
}

const BConvCase kBConvCases[] = {
    // c_in c_out g  ih iw kh kw sh sw dh dw pt pl pb pr pad act
    {1, 3, 1, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, XN_ACT_NONE},
    {3, 5, 1, 7, 9, 3, 3, 2, 2, 1, 1, 1, 0, 2, 1, 0, XN_ACT_RELU},
    {63, 64, 1, 6, 5, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, XN_ACT_NONE},
    {64, 65, 1, 5, 7, 3, 3, 1, 1, 2, 2, 2, 1, 0, 2, -1, XN_ACT_LEAKY_RELU},
    {65, 130, 1, 9, 9, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 0, XN_ACT_CLIP},
    {130, 7, 1, 5, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, XN_ACT_SIGMOID},
    {128, 6, 2, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, XN_ACT_TANH},
    {128, 70, 2, 7, 5, 3, 3, 2, 2, 2, 2, 2, 2, 1, 3, 1, XN_ACT_NONE},
    {128, 10, 2, 5, 6, 5, 5, 1, 2, 1, 1, 2, 1, 2, 3, -1, XN_ACT_RELU},
    // Kernel larger than the image: every window clips on both sides.
    {130, 64, 1, 3, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, -1, XN_ACT_NONE},
    {65, 5, 1, 3, 3, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2, 1, XN_ACT_NONE},
    // Pads of a whole window: the first rows/columns of outputs see only padding.
    {3, 4, 1, 3, 3, 3, 3, 1, 1, 1, 1, 3, 3, 3, 3, 0, XN_ACT_NONE},
    {64, 4, 1, 3, 3, 3, 3, 1, 1, 1, 1, 3, 3, 3, 3, 1, XN_ACT_NONE},
    // Non-square kernel, mixed strides and dilations, odd sizes.
    {65, 9, 1, 7, 11, 1, 3, 1, 2, 2, 1, 0, 1, 0, 2, 0, XN_ACT_NONE},
    {63, 66, 1, 11, 7, 3, 1, 2, 1, 1, 2, 1, 0, 1, 0, -1, XN_ACT_NONE},
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, XN_ACT_NONE},
};

std::string describe(const BConvCase &cc) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "c_in=%lld c_out=%lld g=%lld in=%lldx%lld k=%lldx%lld s=%lld,%lld d=%lld,%lld "
           "pads=%lld,%lld,%lld,%lld pad_value=%d act=%d",
           (long long)cc.c_in, (long long)cc.c_out, (long long)cc.group, (long long)cc.in_h,
           (long long)cc.in_w, (long long)cc.kh, (long long)cc.kw, (long long)cc.sh,
           (long long)cc.sw, (long long)cc.dh, (long long)cc.dw, (long long)cc.pt, (long long)cc.pl,
           (long long)cc.pb, (long long)cc.pr, cc.pad_value, cc.act);
  return buf;
}

TEST(BConv, ExactIntegerEpilogue) {
  Rng r(10);
  for (const BConvCase &cc : kBConvCases) {
    SCOPED_TRACE(describe(cc));
    const BConvData t = makeBConv(cc, r);
    const int64_t plane = t.p.out_h * t.p.out_w;
    for (int with_res = 0; with_res < 2; ++with_res) {
      const Epilogue e = makeEpilogue(cc.c_out, t.d.size(), true, with_res, r);
      Vec y(t.d.size(), kPoisonF);
      xn_bconv(&t.p, t.xb.data(), t.wb.data(), e.scale.data(), e.bias.data(),
               with_res ? e.residual.data() : nullptr, y.data());
      checkEpilogueOutput(y, t.d, e, cc.c_out, plane, t.p.act_kind, t.p.act_alpha, t.p.act_beta);
    }
  }
}

TEST(BConv, FloatEpilogueAndResidualAliasingOutput) {
  Rng r(11);
  for (const BConvCase &cc : kBConvCases) {
    SCOPED_TRACE(describe(cc));
    const BConvData t = makeBConv(cc, r);
    const int64_t plane = t.p.out_h * t.p.out_w;
    const Epilogue e = makeEpilogue(cc.c_out, t.d.size(), false, true, r);
    Vec y(t.d.size(), kPoisonF);
    xn_bconv(&t.p, t.xb.data(), t.wb.data(), e.scale.data(), e.bias.data(), e.residual.data(),
             y.data());
    checkEpilogueOutput(y, t.d, e, cc.c_out, plane, t.p.act_kind, t.p.act_alpha, t.p.act_beta);
    // residual == y: the epilogue reads each element before writing it.
    Vec inplace = e.residual;
    xn_bconv(&t.p, t.xb.data(), t.wb.data(), e.scale.data(), e.bias.data(), inplace.data(),
             inplace.data());
    EXPECT_EQ(inplace, y);
  }
}

TEST(BConv, NullScaleAndBiasGiveRawDot) {
  Rng r(12);
  for (const BConvCase &cc : kBConvCases) {
    SCOPED_TRACE(describe(cc));
    BConvData t = makeBConv(cc, r);
    t.p.act_kind = XN_ACT_NONE;
    Vec y(t.d.size(), kPoisonF);
    xn_bconv(&t.p, t.xb.data(), t.wb.data(), nullptr, nullptr, nullptr, y.data());
    for (size_t i = 0; i < y.size(); ++i)
      ASSERT_EQ(y[i], static_cast<float>(t.d[i])) << "at " << i;
  }
}

TEST(BConv, ThresholdBothDirectionsAndSentinels) {
  Rng r(13);
  for (const BConvCase &cc : kBConvCases) {
    SCOPED_TRACE(describe(cc));
    const BConvData t = makeBConv(cc, r);
    const int64_t nmax = (cc.c_in / cc.group) * cc.kh * cc.kw;
    const int64_t plane = t.p.out_h * t.p.out_w;
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<int32_t> thresh, dir;
      makeThresholds(cc.c_out, nmax, t.d, r, thresh, dir);
      const int32_t *dp = rep == 2 ? nullptr : dir.data();
      Bits y(static_cast<size_t>(t.p.n * plane * words(cc.c_out)), kPoison);
      xn_bconv_threshold(&t.p, t.xb.data(), t.wb.data(), thresh.data(), dp, y.data());
      checkThresholdOutput(y, t.d, t.p.n, cc.c_out, plane, thresh, dp);
    }
  }
}

TEST(BConv, ZeroPaddingIsNotOnePadding) {
  // All-(+1) 1-channel image and filter, 3x3 with pad 1: the corner output sees 4 valid
  // taps, so d = 4 with zero padding, 9 with +1 padding and 4 - 5 = -1 with -1 padding.
  const uint64_t x[9] = {0};
  const uint64_t w[9] = {0};
  const int32_t pads[3] = {0, 1, -1};
  const float want[3] = {4.0f, 9.0f, -1.0f};
  for (int i = 0; i < 3; ++i) {
    const xn_bconv_params p{1, 1, 1, 1, 3, 3, 3, 3,       3,           3,    1,
                            1, 1, 1, 1, 1, 1, 1, pads[i], XN_ACT_NONE, 0.0f, 0.0f};
    float y[9];
    xn_bconv(&p, x, w, nullptr, nullptr, nullptr, y);
    EXPECT_EQ(y[0], want[i]) << "pad_value " << pads[i];
    EXPECT_EQ(y[4], 9.0f);
  }
}

// -------------------------------------------------------------------------------- BDense

std::vector<int64_t> naiveBDense(int64_t n, int64_t k, int64_t m, const Vec &x, const Vec &w) {
  std::vector<int64_t> d(static_cast<size_t>(n * m));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < m; ++o) {
      double acc = 0;
      for (int64_t i = 0; i < k; ++i)
        acc += x[static_cast<size_t>(b * k + i)] * w[static_cast<size_t>(o * k + i)];
      d[static_cast<size_t>(b * m + o)] = static_cast<int64_t>(acc);
    }
  return d;
}

TEST(BDense, AgainstNaive) {
  Rng r(20);
  const int64_t ks[] = {1, 3, 63, 64, 65, 130};
  const int64_t ms[] = {1, 5, 64, 65, 130};
  const int32_t acts[] = {XN_ACT_NONE, XN_ACT_RELU,    XN_ACT_LEAKY_RELU,
                          XN_ACT_CLIP, XN_ACT_SIGMOID, XN_ACT_TANH};
  int act_i = 0;
  for (int64_t k : ks)
    for (int64_t m : ms) {
      SCOPED_TRACE("k=" + std::to_string(k) + " m=" + std::to_string(m));
      const int64_t n = 2;
      const Vec x = randomPm1(static_cast<size_t>(n * k), r);
      const Vec w = randomPm1(static_cast<size_t>(m * k), r);
      const Bits xb = pack(x, n, k, 1), wb = pack(w, m, k, 1);
      const std::vector<int64_t> d = naiveBDense(n, k, m, x, w);
      const int32_t act = acts[act_i++ % 6];
      const xn_bdense_params p{n, k, m, act, act == XN_ACT_CLIP ? -3.0f : 0.5f, 4.0f};
      for (int variant = 0; variant < 3; ++variant) {
        const bool exact = variant != 2, with_res = variant != 0;
        const Epilogue e = makeEpilogue(m, d.size(), exact, with_res, r);
        Vec y(d.size(), kPoisonF);
        xn_bdense(&p, xb.data(), wb.data(), e.scale.data(), e.bias.data(),
                  with_res ? e.residual.data() : nullptr, y.data());
        checkEpilogueOutput(y, d, e, m, 1, act, p.act_alpha, p.act_beta);
      }
      for (int rep = 0; rep < 3; ++rep) {
        std::vector<int32_t> thresh, dir;
        makeThresholds(m, k, d, r, thresh, dir);
        const int32_t *dp = rep == 2 ? nullptr : dir.data();
        Bits y(static_cast<size_t>(n * words(m)), kPoison);
        xn_bdense_threshold(&p, xb.data(), wb.data(), thresh.data(), dp, y.data());
        checkThresholdOutput(y, d, n, m, 1, thresh, dp);
      }
    }
}

// -------------------------------------------------------------------------------- BWConv

struct BWCase {
  int64_t c_in, c_out, group, in_h, in_w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  int32_t act;
};

// Reference with float zero padding materialised; the weights are the unpacked ±1 floats.
std::vector<double> naiveBWConv(const BWCase &cc, int64_t n, int64_t oh_n, int64_t ow_n,
                                const Vec &x, const Vec &w) {
  const int64_t hp = cc.in_h + cc.pt + cc.pb, wp = cc.in_w + cc.pl + cc.pr;
  const int64_t cg = cc.c_in / cc.group, mg = cc.c_out / cc.group;
  std::vector<double> padded(static_cast<size_t>(n * cc.c_in * hp * wp), 0.0);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t c = 0; c < cc.c_in; ++c)
      for (int64_t i = 0; i < cc.in_h; ++i)
        for (int64_t j = 0; j < cc.in_w; ++j)
          padded[static_cast<size_t>(((b * cc.c_in + c) * hp + i + cc.pt) * wp + j + cc.pl)] =
              x[static_cast<size_t>(((b * cc.c_in + c) * cc.in_h + i) * cc.in_w + j)];
  std::vector<double> s(static_cast<size_t>(n * cc.c_out * oh_n * ow_n));
  for (int64_t b = 0; b < n; ++b)
    for (int64_t m = 0; m < cc.c_out; ++m)
      for (int64_t oh = 0; oh < oh_n; ++oh)
        for (int64_t ow = 0; ow < ow_n; ++ow) {
          double acc = 0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t ky = 0; ky < cc.kh; ++ky)
              for (int64_t kx = 0; kx < cc.kw; ++kx) {
                const int64_t ci = (m / mg) * cg + c;
                const int64_t iy = oh * cc.sh + ky * cc.dh, ix = ow * cc.sw + kx * cc.dw;
                acc += padded[static_cast<size_t>(((b * cc.c_in + ci) * hp + iy) * wp + ix)] *
                       w[static_cast<size_t>(((m * cg + c) * cc.kh + ky) * cc.kw + kx)];
              }
          s[static_cast<size_t>(((b * cc.c_out + m) * oh_n + oh) * ow_n + ow)] = acc;
        }
  return s;
}

// Compares act(scale * s + bias + residual) with a tolerance relative to sum |terms|;
// `abs_s` bounds the magnitude of the accumulated products for each output.
void checkFloatEpilogue(const Vec &got, const std::vector<double> &s,
                        const std::vector<double> &abs_s, const Vec &scale, const Vec &bias,
                        const float *res, int64_t c_out, int64_t plane, int32_t act, float alpha,
                        float beta, bool exact) {
  ASSERT_EQ(got.size(), s.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const size_t m = static_cast<size_t>((static_cast<int64_t>(i) / plane) % c_out);
    const double r = res ? res[i] : 0.0;
    const double want = refAct(act, alpha, beta, scale[m] * s[i] + bias[m] + r);
    if (exact && act != XN_ACT_SIGMOID && act != XN_ACT_TANH) {
      ASSERT_EQ(got[i], static_cast<float>(want)) << "at " << i;
    } else {
      const double mag = std::fabs(scale[m]) * abs_s[i] + std::fabs(bias[m]) + std::fabs(r) + 1.0;
      ASSERT_NEAR(got[i], want, 1e-5 * mag) << "at " << i;
    }
  }
}

const BWCase kBWCases[] = {
    // c_in c_out g ih iw kh kw sh sw dh dw pt pl pb pr act
    {1, 3, 1, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, XN_ACT_NONE},
    {3, 8, 1, 9, 7, 7, 7, 2, 2, 1, 1, 3, 2, 3, 1, XN_ACT_RELU},
    {63, 5, 1, 6, 5, 5, 5, 1, 2, 2, 1, 2, 2, 2, 2, XN_ACT_LEAKY_RELU},
    {65, 4, 1, 5, 5, 3, 3, 2, 1, 1, 2, 0, 2, 1, 2, XN_ACT_CLIP},
    {130, 4, 2, 4, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, XN_ACT_SIGMOID}, // cg = 65
    {6, 9, 3, 5, 6, 3, 3, 1, 1, 1, 1, 1, 0, 0, 1, XN_ACT_TANH},      // cg = 2
    {5, 5, 5, 7, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, XN_ACT_NONE},      // depthwise
    {128, 6, 2, 4, 4, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, XN_ACT_NONE},
    {2, 2, 1, 3, 150, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, XN_ACT_NONE}, // rows longer than a chunk
    {2, 3, 1, 3, 301, 1, 5, 1, 2, 1, 3, 0, 4, 0, 5, XN_ACT_NONE},
};

TEST(BWConv, AgainstNaive) {
  Rng r(30);
  for (const BWCase &cc : kBWCases) {
    const int64_t n = 2;
    const int64_t oh = outDim(cc.in_h, cc.pt, cc.pb, cc.kh, cc.dh, cc.sh);
    const int64_t ow = outDim(cc.in_w, cc.pl, cc.pr, cc.kw, cc.dw, cc.sw);
    ASSERT_EQ(cc.c_in % cc.group, 0);
    ASSERT_EQ(cc.c_out % cc.group, 0);
    const int64_t cg = cc.c_in / cc.group;
    xn_bwconv_params p{n,     cc.c_in, cc.c_out, cc.group, cc.in_h, cc.in_w, oh,
                       ow,    cc.kh,   cc.kw,    cc.sh,    cc.sw,   cc.dh,   cc.dw,
                       cc.pt, cc.pl,   cc.pb,    cc.pr,    cc.act,  0.125f,  2.0f};
    if (cc.act == XN_ACT_CLIP)
      p.act_alpha = -20.0f;
    const Vec w = randomPm1(static_cast<size_t>(cc.c_out * cg * cc.kh * cc.kw), r);
    const Bits wb = pack(w, cc.c_out, cg, cc.kh * cc.kw);
    for (int variant = 0; variant < 3; ++variant) {
      SCOPED_TRACE("c_in=" + std::to_string(cc.c_in) + " g=" + std::to_string(cc.group) +
                   " in_w=" + std::to_string(cc.in_w) + " variant=" + std::to_string(variant));
      // Small-integer x, scale and bias keep every partial sum exact in float.
      const bool exact = variant != 2, with_res = variant != 0;
      Vec x(static_cast<size_t>(n * cc.c_in * cc.in_h * cc.in_w));
      Vec xabs(x.size());
      for (size_t i = 0; i < x.size(); ++i) {
        x[i] = exact ? static_cast<float>(r.range(-4, 4)) : r.uniform(-3.0f, 3.0f);
        xabs[i] = std::fabs(x[i]);
      }
      const std::vector<double> s = naiveBWConv(cc, n, oh, ow, x, w);
      Vec wabs(w.size(), 1.0f);
      const std::vector<double> abs_s = naiveBWConv(cc, n, oh, ow, xabs, wabs);
      const Epilogue e = makeEpilogue(cc.c_out, s.size(), exact, with_res, r);
      Vec y(s.size(), kPoisonF);
      xn_bwconv(&p, x.data(), wb.data(), e.scale.data(), e.bias.data(),
                with_res ? e.residual.data() : nullptr, y.data());
      checkFloatEpilogue(y, s, abs_s, e.scale, e.bias, with_res ? e.residual.data() : nullptr,
                         cc.c_out, oh * ow, p.act_kind, p.act_alpha, p.act_beta, exact);
      if (with_res) {
        Vec inplace = e.residual;
        xn_bwconv(&p, x.data(), wb.data(), e.scale.data(), e.bias.data(), inplace.data(),
                  inplace.data());
        EXPECT_EQ(inplace, y);
      }
    }
  }
}

TEST(BWDense, AgainstNaive) {
  Rng r(40);
  const int64_t ks[] = {1, 3, 63, 64, 65, 130};
  const int64_t ms[] = {1, 7, 65};
  const int32_t acts[] = {XN_ACT_NONE, XN_ACT_RELU,    XN_ACT_LEAKY_RELU,
                          XN_ACT_CLIP, XN_ACT_SIGMOID, XN_ACT_TANH};
  int act_i = 0;
  for (int64_t k : ks)
    for (int64_t m : ms) {
      const int64_t n = 2;
      const int32_t act = acts[act_i++ % 6];
      const xn_bwdense_params p{n, k, m, act, act == XN_ACT_CLIP ? -9.0f : 0.5f, 9.0f};
      const Vec w = randomPm1(static_cast<size_t>(m * k), r);
      const Bits wb = pack(w, m, k, 1);
      for (int variant = 0; variant < 3; ++variant) {
        SCOPED_TRACE("k=" + std::to_string(k) + " m=" + std::to_string(m) +
                     " variant=" + std::to_string(variant));
        const bool exact = variant != 2, with_res = variant != 0;
        Vec x(static_cast<size_t>(n * k)), xabs(x.size());
        for (size_t i = 0; i < x.size(); ++i) {
          x[i] = exact ? static_cast<float>(r.range(-4, 4)) : r.uniform(-3.0f, 3.0f);
          xabs[i] = std::fabs(x[i]);
        }
        std::vector<double> s(static_cast<size_t>(n * m)), abs_s(s.size());
        for (int64_t b = 0; b < n; ++b)
          for (int64_t o = 0; o < m; ++o)
            for (int64_t i = 0; i < k; ++i) {
              s[static_cast<size_t>(b * m + o)] +=
                  x[static_cast<size_t>(b * k + i)] * w[static_cast<size_t>(o * k + i)];
              abs_s[static_cast<size_t>(b * m + o)] += xabs[static_cast<size_t>(b * k + i)];
            }
        const Epilogue e = makeEpilogue(m, s.size(), exact, with_res, r);
        Vec y(s.size(), kPoisonF);
        xn_bwdense(&p, x.data(), wb.data(), e.scale.data(), e.bias.data(),
                   with_res ? e.residual.data() : nullptr, y.data());
        checkFloatEpilogue(y, s, abs_s, e.scale, e.bias, with_res ? e.residual.data() : nullptr, m,
                           1, act, p.act_alpha, p.act_beta, exact);
      }
    }
}

// --------------------------------------------------------------------------------- BPool

struct BPoolCase {
  int64_t c, in_h, in_w, out_h, out_w, kh, kw, sh, sw, dh, dw, pt, pl;
};

TEST(BMaxPool, AgainstNaiveMaxAndMin) {
  Rng r(50);
  const BPoolCase cases[] = {
      // c  ih iw oh ow kh kw sh sw dh dw pt pl
      {1, 6, 6, 3, 3, 2, 2, 2, 2, 1, 1, 0, 0},
      {63, 7, 7, 4, 4, 3, 3, 2, 2, 1, 1, 1, 1},
      {64, 5, 7, 5, 5, 3, 3, 1, 1, 2, 2, 2, 1},
      {65, 7, 5, 4, 3, 2, 2, 2, 2, 1, 1, 0, 0}, // ceil mode: last windows run past the end
      {130, 9, 9, 5, 5, 3, 3, 2, 2, 1, 1, 1, 1},
      {3, 3, 3, 4, 4, 2, 2, 1, 1, 1, 1, 2, 2}, // pads of a whole window: empty windows
      {130, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
  };
  for (const BPoolCase &cc : cases) {
    for (int mask_variant = 0; mask_variant < 2; ++mask_variant) {
      SCOPED_TRACE("c=" + std::to_string(cc.c) + " in=" + std::to_string(cc.in_h) + "x" +
                   std::to_string(cc.in_w) + " mask=" + std::to_string(mask_variant));
      const int64_t n = 2;
      const Vec x = randomPm1(static_cast<size_t>(n * cc.c * cc.in_h * cc.in_w), r);
      const Bits xb = pack(x, n, cc.c, cc.in_h * cc.in_w);
      Vec is_min(static_cast<size_t>(cc.c), 1.0f); // -1 marks a min channel, as packed bits
      if (mask_variant)
        is_min = randomPm1(is_min.size(), r);
      const Bits mask = pack(is_min, 1, cc.c, 1);
      const xn_bmaxpool_params p{n,     cc.c,  cc.in_h, cc.in_w, cc.out_h, cc.out_w, cc.kh,
                                 cc.kw, cc.sh, cc.sw,   cc.dh,   cc.dw,    cc.pt,    cc.pl};
      Bits y(static_cast<size_t>(n * cc.out_h * cc.out_w * words(cc.c)), kPoison);
      xn_bmaxpool(&p, xb.data(), mask_variant ? mask.data() : nullptr, y.data());
      expectZeroTails(y, cc.c);
      for (int64_t b = 0; b < n; ++b)
        for (int64_t c = 0; c < cc.c; ++c) {
          const bool take_min = is_min[static_cast<size_t>(c)] < 0;
          for (int64_t oh = 0; oh < cc.out_h; ++oh)
            for (int64_t ow = 0; ow < cc.out_w; ++ow) {
              // An empty window is the max (min) of no values: -inf (+inf), whose sign
              // is -1 (+1).
              float best = take_min ? INFINITY : -INFINITY;
              for (int64_t ky = 0; ky < cc.kh; ++ky)
                for (int64_t kx = 0; kx < cc.kw; ++kx) {
                  const int64_t iy = oh * cc.sh + ky * cc.dh - cc.pt;
                  const int64_t ix = ow * cc.sw + kx * cc.dw - cc.pl;
                  if (iy < 0 || iy >= cc.in_h || ix < 0 || ix >= cc.in_w)
                    continue;
                  const float v =
                      x[static_cast<size_t>(((b * cc.c + c) * cc.in_h + iy) * cc.in_w + ix)];
                  best = take_min ? std::fmin(best, v) : std::fmax(best, v);
                }
              const float want = best >= 0 ? 1.0f : -1.0f;
              ASSERT_EQ(bitAt(y, cc.c, cc.out_h * cc.out_w, b, c, oh * cc.out_w + ow), want)
                  << "n=" << b << " c=" << c << " oh=" << oh << " ow=" << ow;
            }
        }
    }
  }
}

// Ternary weights (generic/tconv.h) against the naive sum of level x activation
// (test/common/TernaryCases.h), float and thresholded outputs.
TEST(TConv, AgainstNaive) { EXPECT_EQ("", xnorc_test::checkTernaryReference()); }

TEST(BinaryCommon, Popcount) {
  EXPECT_EQ(xn_popcount64(0), 0);
  EXPECT_EQ(xn_popcount64(~uint64_t{0}), 64);
  EXPECT_EQ(xn_popcount64(0x8000000000000001ull), 2);
  Rng r(60);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t v = (uint64_t{r.next()} << 32) | r.next();
    int64_t want = 0;
    for (int b = 0; b < 64; ++b)
      want += (v >> b) & 1;
    ASSERT_EQ(xn_popcount64(v), want);
  }
}

} // namespace
