// Unit tests for the x86 float glue kernels (runtime/include/xnorc/runtime/x86/*_glue.h):
// MaxPool, AveragePool, depthwise Conv, BatchNorm, unary and binary elementwise ops and
// threshold against the generic kernels they
// replace, bit for bit, over 1-D/2-D/3-D pools, kernels 1-4, strides 1-3 (stride 3 and 3-D
// take the generic fallback), paddings, ceil-mode windows reaching into (or lying entirely in)
// the end padding, count_include_pad, and inputs with ties, signed zeros, infinities and NaNs;
// depthwise convs also over kernels up to 7, dilations, bias, every fused activation, channel
// multipliers and grouped convs (the generic fallback).
// Paths whose instructions this CPU lacks are skipped with the reason.
#include "TestRng.h"
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/x86/avx2_glue.h"
#include "xnorc/runtime/x86/avx512_glue.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool hasAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
bool hasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}

struct Rng : xnorc_test::Rng {
  using xnorc_test::Rng::Rng;
  // Mostly small values with ties; `special` adds +-0, +-inf and NaN.
  float f(bool special) {
    const int r = range(0, 99);
    if (special && r < 4)
      return r == 0 ? 0.0f : r == 1 ? -0.0f : r == 2 ? NAN : (next() & 1 ? INFINITY : -INFINITY);
    if (r < 30)
      return static_cast<float>(range(-3, 3)) * 0.5f;
    return static_cast<float>((next() >> 40) & 0xffff) / 32768.0f - 1.0f;
  }
};

std::vector<float> randomVec(size_t n, Rng &r, bool special) {
  std::vector<float> v(n);
  for (float &x : v)
    x = r.f(special);
  return v;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// Bit-identical, except that any NaN matches any NaN (payload and sign of a NaN made by
// inf - inf vs an input NaN depend on operand order, which is not part of the semantics).
void expectSame(const std::vector<float> &want, const std::vector<float> &got,
                const std::string &what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i]) && std::isnan(got[i]))
      continue;
    ASSERT_EQ(bitsOf(want[i]), bitsOf(got[i]))
        << what << " at " << i << ": want " << want[i] << " got " << got[i];
  }
}

using PoolFn = void (*)(const xn_pool_params *, const float *, float *, int, int);

// Calls a splittable kernel once per part, one after another: what --threads=N code does
// concurrently. The result must not depend on the number of parts.
template <typename Fn, typename... Args> void inParts(int parts, Fn fn, Args... args) {
  for (int part = 0; part < parts; ++part)
    fn(args..., part, parts);
}

void runPools(const char *isa, PoolFn maxFn, PoolFn avgFn) {
  Rng r(7);
  int cases = 0;
  for (int rank = 1; rank <= 3; ++rank) {
    for (int iter = 0; iter < 400; ++iter) {
      xn_pool_params p{};
      p.spatial_rank = rank;
      p.n = r.range(1, 2);
      p.c = r.range(1, 3);
      bool ok = true;
      for (int d = 0; d < rank; ++d) {
        const bool inner = d == rank - 1;
        p.in_dims[d] = inner ? r.range(1, 70) : r.range(1, rank == 3 ? 5 : 12);
        p.kernel[d] = r.range(1, 4);
        p.strides[d] = r.range(1, iter % 7 == 0 ? 3 : 2);
        p.dilations[d] = (iter % 11 == 0) ? 2 : 1;
        p.pads_begin[d] = r.range(0, p.kernel[d] - 1);
        p.pads_end[d] = r.range(0, p.kernel[d] - 1);
        const int64_t span =
            p.in_dims[d] + p.pads_begin[d] + p.pads_end[d] - (p.kernel[d] - 1) * p.dilations[d] - 1;
        if (span < 0) {
          ok = false;
          break;
        }
        const bool ceil = r.range(0, 2) == 0;
        p.out_dims[d] = (ceil ? xn_ceil_div(span, p.strides[d]) : span / p.strides[d]) + 1;
        if (r.range(0, 9) == 0) // windows entirely in the end padding (or beyond)
          p.out_dims[d] += 1;
      }
      if (!ok)
        continue;
      p.count_include_pad = r.range(0, 1);
      int64_t in = p.n * p.c, out = p.n * p.c;
      for (int d = 0; d < rank; ++d) {
        in *= p.in_dims[d];
        out *= p.out_dims[d];
      }
      const std::vector<float> x = randomVec(static_cast<size_t>(in), r, iter % 3 != 0);
      std::vector<float> want(out), got(out, 123.0f);
      const std::string what = std::string(isa) + " rank " + std::to_string(rank) + " iter " +
                               std::to_string(iter) + " W " + std::to_string(p.in_dims[rank - 1]) +
                               " k " + std::to_string(p.kernel[rank - 1]) + " s " +
                               std::to_string(p.strides[rank - 1]);
      xn_maxpool(&p, x.data(), want.data());
      const int parts = 1 + iter % 3;
      inParts(parts, maxFn, &p, x.data(), got.data());
      expectSame(want, got, "maxpool " + what + " parts " + std::to_string(parts));
      std::fill(got.begin(), got.end(), 123.0f);
      xn_avgpool(&p, x.data(), want.data());
      inParts(parts, avgFn, &p, x.data(), got.data());
      expectSame(want, got, "avgpool " + what + " parts " + std::to_string(parts));
      ++cases;
    }
  }
  EXPECT_GT(cases, 600);
}

// The Bi-Real-18 shapes: 3x3/2 pad-1 max pool after the 112x112x64 stem, 2x2/2 avg pools.
void runModelPools(PoolFn maxFn, PoolFn avgFn) {
  Rng r(11);
  xn_pool_params mp{2, 1, 64, {112, 112}, {56, 56}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, 0};
  const std::vector<float> x = randomVec(64 * 112 * 112, r, true);
  std::vector<float> want(64 * 56 * 56), got(64 * 56 * 56);
  xn_maxpool(&mp, x.data(), want.data());
  inParts(2, maxFn, &mp, x.data(), got.data());
  expectSame(want, got, "maxpool 3x3/2 112");
  for (int64_t hw : {56, 28, 14}) {
    xn_pool_params ap{2,      1,      64,     {hw, hw}, {hw / 2, hw / 2}, {2, 2}, {2, 2},
                      {1, 1}, {0, 0}, {0, 0}, 0};
    std::vector<float> w(64 * (hw / 2) * (hw / 2)), g(w.size());
    xn_avgpool(&ap, x.data(), w.data());
    inParts(2, avgFn, &ap, x.data(), g.data());
    expectSame(w, g, "avgpool 2x2/2 " + std::to_string(hw));
  }
}

// The 2x2 stride-2 average pool's own path (xn_x86_avgpool_2x2: every window inside the input),
// asserted taken, over widths that leave a partial last block or fill whole ones, odd input
// sizes (the last row or column no window reads), 1-3 parts, and inputs with full mantissas
// (a tap order other than the generic one rounds differently), signed zeros, infinities and
// NaNs; the same shapes with a ceil-mode window reaching into the end padding
// take the general tile, also checked.
void runAvgPool2x2(const char *isa, PoolFn avgFn) {
  Rng r(13);
  int taken = 0;
  for (int64_t ih : {2, 3, 5, 8, 9, 14}) {
    for (int64_t iw = 2; iw <= 70; iw += (iw < 36 ? 1 : 11)) {
      for (int ceil = 0; ceil < 2; ++ceil) {
        const int64_t oh = ceil ? (ih + 1) / 2 : ih / 2, ow = ceil ? (iw + 1) / 2 : iw / 2;
        const int64_t pe_h = 2 * oh - ih > 0 ? 1 : 0, pe_w = 2 * ow - iw > 0 ? 1 : 0;
        xn_pool_params p{2,
                         2,
                         3,
                         {ih, iw},
                         {oh, ow},
                         {2, 2},
                         {2, 2},
                         {1, 1},
                         {0, 0},
                         {pe_h, pe_w},
                         static_cast<int32_t>(iw % 2)};
        xn_x86_pool2d g;
        ASSERT_TRUE(xn_x86_pool2d_view(&p, &g));
        const bool fast = xn_x86_avgpool_2x2_takes(&g);
        ASSERT_EQ(fast, pe_h == 0 && pe_w == 0) << ih << "x" << iw << " ceil " << ceil;
        taken += fast;
        // Full mantissas over a range of exponents, so that a different summation order rounds
        // differently (randomVec's values sum exactly), and the specials.
        std::vector<float> x = randomVec(static_cast<size_t>(2 * 3 * ih * iw), r, true);
        for (float &v : x)
          if (std::isfinite(v) && v != 0.0f)
            v = std::ldexp(1.0f + static_cast<float>(r.next() >> 41) / 8388608.0f,
                           static_cast<int>(r.range(-12, 12))) *
                (r.next() & 1 ? 1.0f : -1.0f);
        std::vector<float> want(static_cast<size_t>(2 * 3 * oh * ow)), got(want.size(), 123.0f);
        xn_avgpool(&p, x.data(), want.data());
        const int parts = 1 + static_cast<int>((ih + iw) % 3);
        inParts(parts, avgFn, &p, x.data(), got.data());
        expectSame(want, got,
                   std::string(isa) + " avgpool 2x2/2 " + std::to_string(ih) + "x" +
                       std::to_string(iw) + (fast ? " (2x2 path)" : " (general tile)") + " parts " +
                       std::to_string(parts));
      }
    }
  }
  EXPECT_GT(taken, 200);
}

using ConvFn = void (*)(const xn_conv_params *, const float *, const float *, const float *,
                        float *, int, int);

// Depthwise convs (group == c_in == c_out) of random 1-D / 2-D geometry, and a few that the
// vector path does not take (dilated, W stride 3, a channel multiplier of 2, groups of 2
// channels): bit for bit the generic conv, in 1-3 parts.
void runDepthwise(const char *isa, ConvFn fn) {
  Rng r(5);
  int vector_cases = 0;
  for (int iter = 0; iter < 500; ++iter) {
    xn_conv_params p{};
    const int rank = iter % 8 == 7 ? 1 : 2;
    p.spatial_rank = rank;
    p.n = r.range(1, 2);
    p.c_in = r.range(1, 5);
    const int kind = iter % 10; // 0: multiplier 2, 1: groups of 2, 2: dilated, 3: stride 3
    p.group = kind == 1 ? 1 : p.c_in;
    if (kind == 1)
      p.c_in *= 2, p.group = p.c_in / 2;
    p.c_out = kind == 0 ? 2 * p.c_in : kind == 1 ? p.c_in : p.c_in;
    bool ok = true;
    for (int d = 0; d < rank; ++d) {
      const bool inner = d == rank - 1;
      p.in_dims[d] = inner ? r.range(1, 70) : r.range(1, 12);
      p.kernel[d] = r.range(1, iter % 5 == 4 ? 7 : 3);
      p.strides[d] = kind == 3 && inner ? 3 : r.range(1, 2);
      p.dilations[d] = kind == 2 ? 2 : 1;
      p.pads_begin[d] = r.range(0, p.kernel[d] - 1);
      p.pads_end[d] = r.range(0, p.kernel[d] - 1);
      const int64_t span =
          p.in_dims[d] + p.pads_begin[d] + p.pads_end[d] - (p.kernel[d] - 1) * p.dilations[d] - 1;
      if (span < 0) {
        ok = false;
        break;
      }
      p.out_dims[d] = span / p.strides[d] + 1;
    }
    if (!ok)
      continue;
    p.act_kind = iter % 6; // none, relu, leaky relu, clip, sigmoid, tanh
    p.act_alpha = p.act_kind == XN_ACT_CLIP ? -0.5f : 0.1f;
    p.act_beta = 0.75f;
    int64_t in = p.n * p.c_in, out = p.n * p.c_out, taps = 1;
    for (int d = 0; d < rank; ++d) {
      in *= p.in_dims[d];
      out *= p.out_dims[d];
      taps *= p.kernel[d];
    }
    const std::vector<float> x = randomVec(static_cast<size_t>(in), r, iter % 3 == 0);
    const std::vector<float> w =
        randomVec(static_cast<size_t>(p.c_out * (p.c_in / p.group) * taps), r, false);
    const std::vector<float> b = randomVec(static_cast<size_t>(p.c_out), r, false);
    const float *bias = iter % 2 ? b.data() : nullptr;
    std::vector<float> want(out), got(out, 123.0f);
    xn_conv(&p, x.data(), w.data(), bias, want.data());
    const int parts = 1 + iter % 3;
    inParts(parts, fn, &p, x.data(), w.data(), bias, got.data());
    expectSame(want, got,
               std::string(isa) + " dwconv iter " + std::to_string(iter) + " kind " +
                   std::to_string(kind) + " W " + std::to_string(p.in_dims[rank - 1]) + " k " +
                   std::to_string(p.kernel[rank - 1]) + " s " +
                   std::to_string(p.strides[rank - 1]) + " parts " + std::to_string(parts));
    vector_cases += kind > 3;
  }
  EXPECT_GT(vector_cases, 250);
  // QuickNet's blur pools: 3x3 stride 2 pad 1 over 55x55x64 (after a 2x2 stride-1 max pool)
  // and 112x112x16, in two parts (rows of the large planes).
  for (int64_t hw : {55, 112}) {
    const int64_t c = hw == 55 ? 64 : 16, o = (hw + 1) / 2;
    xn_conv_params p{2,      1,      c,      c,      c, {hw, hw}, {o, o}, {3, 3},
                     {2, 2}, {1, 1}, {1, 1}, {1, 1}, 0, 0.0f,     0.0f};
    const std::vector<float> x = randomVec(static_cast<size_t>(c * hw * hw), r, false);
    const std::vector<float> w = randomVec(static_cast<size_t>(c * 9), r, false);
    std::vector<float> want(static_cast<size_t>(c * o * o)), got(want.size());
    xn_conv(&p, x.data(), w.data(), nullptr, want.data());
    inParts(2, fn, &p, x.data(), w.data(), static_cast<const float *>(nullptr), got.data());
    expectSame(want, got, std::string(isa) + " dwconv 3x3/2 " + std::to_string(hw));
  }
}

using BatchNormFn = void (*)(const xn_batchnorm_params *, const float *, const float *,
                             const float *, float *, int, int);
using UnaryFn = void (*)(const xn_unary_params *, const float *, float *, int, int);
using BinaryFn = void (*)(const xn_binary_params *, const float *, const float *, float *, int,
                          int);

// BatchNorm, every unary op and every binary op (same shapes, per-channel and scalar
// operands on either side, a broadcast the vector rows do not take) on maps of small planes
// (whole planes per part) and large ones (every plane's elements split), with tails shorter
// than a vector: bit for bit the generic kernels, in 1, 2 and 3 parts.
void runElementwise(const char *isa, BatchNormFn bnFn, UnaryFn unFn, BinaryFn biFn) {
  Rng r(13);
  struct Map {
    int64_t n, c, h, w;
  };
  for (const Map &m : {Map{2, 3, 5, 7}, Map{1, 5, 37, 41}, Map{1, 64, 7, 7}, Map{1, 2, 1, 3}}) {
    const int64_t plane = m.h * m.w, total = m.n * m.c * plane;
    const std::string what = std::string(isa) + " map " + std::to_string(m.n) + "x" +
                             std::to_string(m.c) + "x" + std::to_string(m.h) + "x" +
                             std::to_string(m.w);
    const std::vector<float> x = randomVec(static_cast<size_t>(total), r, true);
    const std::vector<float> x2 = randomVec(static_cast<size_t>(total), r, true);
    const std::vector<float> scale = randomVec(static_cast<size_t>(m.c), r, false);
    const std::vector<float> shift = randomVec(static_cast<size_t>(m.c), r, false);
    for (int parts = 1; parts <= 3; ++parts) {
      const std::string in = what + " parts " + std::to_string(parts);
      std::vector<float> want(static_cast<size_t>(total)), got(want.size(), 123.0f);
      xn_batchnorm_params bp{m.n, m.c, plane};
      xn_batchnorm(&bp, x.data(), scale.data(), shift.data(), want.data());
      inParts(parts, bnFn, &bp, x.data(), scale.data(), shift.data(), got.data());
      expectSame(want, got, "batchnorm " + in);
      for (int32_t op = XN_UNARY_IDENTITY; op <= XN_UNARY_EXP; ++op) {
        xn_unary_params up{op, 0.1f, 0.75f, total, plane};
        if (op == XN_UNARY_CLIP)
          up.alpha = -0.5f;
        std::fill(got.begin(), got.end(), 123.0f);
        xn_unary(&up, x.data(), want.data());
        inParts(parts, unFn, &up, x.data(), got.data());
        expectSame(want, got, "unary " + std::to_string(op) + " " + in);
      }
      // b: the same shape, per channel [1,C,1,1], a scalar, and [N,1,H,1] (a broadcast along
      // H only: strided rows, the generic path).
      const int64_t dims[4] = {m.n, m.c, m.h, m.w};
      const int64_t shapes[4][4] = {
          {m.n, m.c, m.h, m.w}, {1, m.c, 1, 1}, {1, 1, 1, 1}, {m.n, 1, m.h, 1}};
      for (int32_t op = XN_BINARY_ADD; op <= XN_BINARY_MIN; ++op) {
        for (const auto &bd : shapes) {
          for (int swap = 0; swap < 2; ++swap) {
            xn_binary_params p{};
            p.op = op;
            p.rank = 4;
            int64_t full = 1, sb = 1;
            for (int d = 3; d >= 0; --d) {
              p.dims[d] = dims[d];
              (swap ? p.b_strides : p.a_strides)[d] = full;
              (swap ? p.a_strides : p.b_strides)[d] = bd[d] == 1 && dims[d] != 1 ? 0 : sb;
              full *= dims[d];
              sb *= bd[d];
            }
            const float *a = swap ? x2.data() : x.data(), *b = swap ? x.data() : x2.data();
            std::fill(got.begin(), got.end(), 123.0f);
            xn_binary(&p, a, b, want.data());
            inParts(parts, biFn, &p, a, b, got.data());
            expectSame(want, got,
                       "binary " + std::to_string(op) + " b " + std::to_string(bd[1]) + "x" +
                           std::to_string(bd[2]) + "x" + std::to_string(bd[3]) + " swap " +
                           std::to_string(swap) + " " + in);
          }
        }
      }
    }
  }
}

using ThresholdFn = void (*)(const xn_threshold_params *, const float *, const float *,
                             const float *, uint64_t *, int, int);

void runThreshold(const char *isa, ThresholdFn fn) {
  Rng r(3);
  const int64_t channels[] = {1, 3, 63, 64, 65, 128, 130, 256};
  const int64_t spatials[] = {1, 2, 3, 4, 5, 15, 16, 17, 33, 49, 196, 3136};
  for (int64_t c : channels) {
    for (int64_t s : spatials) {
      for (int mode = 0; mode < 4; ++mode) { // tau/dir present or NULL
        const int64_t n = (s * c < 20000) ? 2 : 1;
        xn_threshold_params p{n, c, s};
        const std::vector<float> x = randomVec(static_cast<size_t>(n * c * s), r, true);
        std::vector<float> tau = randomVec(static_cast<size_t>(c), r, true);
        std::vector<float> dir(static_cast<size_t>(c));
        for (float &d : dir)
          d = static_cast<float>(r.range(-1, 1)); // -1, 0 and +1
        const float *t = (mode & 1) ? tau.data() : nullptr;
        const float *dr = (mode & 2) ? dir.data() : nullptr;
        const size_t words = static_cast<size_t>(n * s * xn_bit_words(c));
        std::vector<uint64_t> want(words), got(words, 0xdeadbeefull);
        xn_threshold(&p, x.data(), t, dr, want.data());
        const int parts = 1 + mode % 3;
        inParts(parts, fn, &p, x.data(), t, dr, got.data());
        ASSERT_EQ(want, got) << isa << " threshold c " << c << " s " << s << " mode " << mode
                             << " parts " << parts;
      }
    }
  }
}

TEST(X86Glue, Avx512Pools) {
  if (!hasAvx512())
    GTEST_SKIP() << "CPU lacks AVX-512F";
  runPools("avx512", xn_avx512_maxpool, xn_avx512_avgpool);
  runModelPools(xn_avx512_maxpool, xn_avx512_avgpool);
  runAvgPool2x2("avx512", xn_avx512_avgpool);
}

TEST(X86Glue, Avx2Pools) {
  if (!hasAvx2())
    GTEST_SKIP() << "CPU lacks AVX2";
  runPools("avx2", xn_avx2_maxpool, xn_avx2_avgpool);
  runModelPools(xn_avx2_maxpool, xn_avx2_avgpool);
  runAvgPool2x2("avx2", xn_avx2_avgpool);
}

TEST(X86Glue, Avx512DepthwiseConv) {
  if (!hasAvx512())
    GTEST_SKIP() << "CPU lacks AVX-512F";
  runDepthwise("avx512", xn_avx512_dwconv);
}

TEST(X86Glue, Avx2DepthwiseConv) {
  if (!hasAvx2())
    GTEST_SKIP() << "CPU lacks AVX2";
  runDepthwise("avx2", xn_avx2_dwconv);
}

TEST(X86Glue, Avx512Elementwise) {
  if (!hasAvx512())
    GTEST_SKIP() << "CPU lacks AVX-512F";
  runElementwise("avx512", xn_avx512_batchnorm, xn_avx512_unary, xn_avx512_binary);
}

TEST(X86Glue, Avx2Elementwise) {
  if (!hasAvx2())
    GTEST_SKIP() << "CPU lacks AVX2";
  runElementwise("avx2", xn_avx2_batchnorm, xn_avx2_unary, xn_avx2_binary);
}

TEST(X86Glue, Avx512Threshold) {
  if (!hasAvx512())
    GTEST_SKIP() << "CPU lacks AVX-512F";
  runThreshold("avx512", xn_avx512_threshold);
}

// One of the AVX-512 threshold's two transposes (the entry point takes the GFNI one where the
// CPU has it), over pixel ranges of whole vectors.
using ThresholdRangeFn = void (*)(const xn_threshold_params *, const float *, const float *,
                                  const float *, uint64_t *, int64_t, int64_t, int64_t, int64_t);
template <ThresholdRangeFn V>
void thresholdRanges(const xn_threshold_params *p, const float *x, const float *t, const float *d,
                     uint64_t *y, int part, int parts) {
  int64_t lo, hi;
  xn_part_range_aligned(p->spatial, 16, part, parts, &lo, &hi);
  V(p, x, t, d, y, lo, hi, 0, xn_bit_words(p->c));
}

TEST(X86Glue, Avx512ThresholdMaskedOr) {
  if (!hasAvx512())
    GTEST_SKIP() << "CPU lacks AVX-512F";
  runThreshold("avx512 masked or", thresholdRanges<xn_avx512_threshold_or>);
}

TEST(X86Glue, Avx512ThresholdGfni) {
  if (!hasAvx512() || !xn_x86_has_gfni_vbmi())
    GTEST_SKIP() << "CPU lacks AVX-512 with GFNI and VBMI";
  runThreshold("avx512 gfni", thresholdRanges<xn_avx512_threshold_gfni>);
}

TEST(X86Glue, Avx2Threshold) {
  if (!hasAvx2())
    GTEST_SKIP() << "CPU lacks AVX2";
  runThreshold("avx2", xn_avx2_threshold);
}

} // namespace
