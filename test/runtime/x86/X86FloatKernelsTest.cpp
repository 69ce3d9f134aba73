// Unit tests for the x86 float kernels (runtime/include/xnorc/runtime/x86/*_float.h, the
// float conv of *_oc_conv.h and the conv + max-pool of *_conv_pool.h): conv and Gemm against
// the generic kernels they replace, the conv + max-pool against the oc conv and the vector
// max-pool it replaces (bit for bit), over
// channel counts 1, 3, 17, 64, 65, kernels 1, 3, 5, 7 (and 11, and wider than 16 for the
// oc conv), strides 1-4, paddings, dilations, 1-D convs, bias / no bias and every fused
// activation; equal up to float summation order (FMA), so a relative tolerance. Paths whose
// instructions this CPU lacks are skipped with the reason.
#include "TestRng.h"
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/x86/avx2_conv_pool.h"
#include "xnorc/runtime/x86/avx2_float.h"
#include "xnorc/runtime/x86/avx2_glue.h"
#include "xnorc/runtime/x86/avx2_oc_conv.h"
#include "xnorc/runtime/x86/avx2_winograd_stem.h"
#include "xnorc/runtime/x86/avx512_conv_pool.h"
#include "xnorc/runtime/x86/avx512_float.h"
#include "xnorc/runtime/x86/avx512_glue.h"
#include "xnorc/runtime/x86/avx512_oc_conv.h"
#include "xnorc/runtime/x86/avx512_winograd_stem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

bool hasAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}
bool hasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

using xnorc_test::Rng;

std::vector<float> randomVec(size_t n, Rng &r) {
  std::vector<float> v(n);
  for (float &x : v)
    x = r.f();
  return v;
}

// |a - b| <= tol * (1 + sum of |terms|) is what reordering a float sum can change; the
// kernels' values are O(1) sums of up to c_in * k * k products of O(1) terms.
void expectClose(const std::vector<float> &want, const std::vector<float> &got, float scale,
                 const std::string &what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isnan(want[i])) {
      ASSERT_TRUE(std::isnan(got[i])) << what << " at " << i;
      continue;
    }
    ASSERT_NEAR(want[i], got[i], 1e-4f * (scale + std::fabs(want[i]))) << what << " at " << i;
  }
}

struct ConvCase {
  int64_t c_in, c_out, h, w, kh, kw, sh, sw, dh, dw, ph, pw, pe_h, pe_w;
  int rank; // 1 or 2
  bool bias;
  int32_t act;
};

std::string describe(const ConvCase &c) {
  char b[256];
  snprintf(b, sizeof b,
           "rank %d c_in %lld c_out %lld in %lldx%lld k %lldx%lld s %lldx%lld d %lldx%lld "
           "pads %lld,%lld/%lld,%lld bias %d act %d",
           c.rank, (long long)c.c_in, (long long)c.c_out, (long long)c.h, (long long)c.w,
           (long long)c.kh, (long long)c.kw, (long long)c.sh, (long long)c.sw, (long long)c.dh,
           (long long)c.dw, (long long)c.ph, (long long)c.pw, (long long)c.pe_h, (long long)c.pe_w,
           c.bias, c.act);
  return b;
}

xn_conv_params makeParams(const ConvCase &c, int64_t n) {
  xn_conv_params p{};
  p.n = n;
  p.c_in = c.c_in;
  p.c_out = c.c_out;
  p.group = 1;
  auto out = [](int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe) {
    return (in + pb + pe - d * (k - 1) - 1) / s + 1;
  };
  if (c.rank == 2) {
    p.spatial_rank = 2;
    const int64_t v[2][7] = {{c.h, c.kh, c.sh, c.dh, c.ph, c.pe_h, 0},
                             {c.w, c.kw, c.sw, c.dw, c.pw, c.pe_w, 0}};
    for (int d = 0; d < 2; ++d) {
      p.in_dims[d] = v[d][0];
      p.kernel[d] = v[d][1];
      p.strides[d] = v[d][2];
      p.dilations[d] = v[d][3];
      p.pads_begin[d] = v[d][4];
      p.pads_end[d] = v[d][5];
      p.out_dims[d] = out(v[d][0], v[d][1], v[d][2], v[d][3], v[d][4], v[d][5]);
    }
  } else {
    p.spatial_rank = 1;
    p.in_dims[0] = c.w;
    p.kernel[0] = c.kw;
    p.strides[0] = c.sw;
    p.dilations[0] = c.dw;
    p.pads_begin[0] = c.pw;
    p.pads_end[0] = c.pe_w;
    p.out_dims[0] = out(c.w, c.kw, c.sw, c.dw, c.pw, c.pe_w);
  }
  p.act_kind = c.act;
  if (c.act == XN_ACT_LEAKY_RELU) {
    p.act_alpha = 0.1f;
  } else if (c.act == XN_ACT_CLIP) {
    p.act_alpha = -0.5f;
    p.act_beta = 0.75f;
  }
  return p;
}

int64_t numel(const xn_conv_params &p, bool out) {
  int64_t e = p.n * (out ? p.c_out : p.c_in);
  for (int d = 0; d < p.spatial_rank; ++d)
    e *= out ? p.out_dims[d] : p.in_dims[d];
  return e;
}

template <typename Pack, typename Size, typename Kernel>
void checkConv(const ConvCase &c, uint64_t seed, Size sizeFn, Pack packFn, Kernel kernelFn,
               bool (*supported)(const xn_conv_params *) = xn_x86_conv_supported) {
  Rng r(seed);
  const int64_t n = 1 + (int64_t)(seed % 2);
  xn_conv_params p = makeParams(c, n);
  ASSERT_TRUE(supported(&p)) << describe(c);
  int64_t ksize = c.c_in * c.kw * (c.rank == 2 ? c.kh : 1);
  std::vector<float> x = randomVec((size_t)numel(p, false), r);
  std::vector<float> w = randomVec((size_t)(c.c_out * ksize), r);
  std::vector<float> b = randomVec((size_t)c.c_out, r);
  const float *bp = c.bias ? b.data() : nullptr;
  std::vector<float> want((size_t)numel(p, true), 12345.5f), got(want.size(), 12345.5f);
  xn_conv(&p, x.data(), w.data(), bp, want.data());
  std::vector<float> wp(sizeFn(&p));
  packFn(&p, w.data(), wp.data());
  kernelFn(&p, x.data(), wp.data(), bp, got.data());
  expectClose(want, got, 1.0f, describe(c));
  // Split into parts (--threads): together they store bit for bit what the whole call does.
  for (int parts : {2, 3, 7}) {
    std::vector<float> split(want.size(), 12345.5f);
    for (int part = 0; part < parts; ++part)
      kernelFn(&p, x.data(), wp.data(), bp, split.data(), part, parts);
    EXPECT_EQ(0, memcmp(split.data(), got.data(), got.size() * sizeof(float)))
        << describe(c) << " in " << parts << " parts";
  }
}

std::vector<ConvCase> convCases() {
  std::vector<ConvCase> v;
  // The benchmark networks' layers (smaller images).
  v.push_back({3, 64, 30, 29, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 2, false, XN_ACT_RELU});
  v.push_back({3, 17, 35, 37, 11, 11, 4, 4, 1, 1, 2, 2, 2, 2, 2, true, XN_ACT_RELU});
  v.push_back({64, 65, 7, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 2, false, XN_ACT_NONE});
  v.push_back({65, 64, 9, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 2, true, XN_ACT_NONE});
  v.push_back({17, 17, 12, 50, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, true, XN_ACT_NONE});
  Rng r(7);
  const int64_t chans[] = {1, 3, 17, 64, 65};
  const int64_t ks[] = {1, 3, 5, 7};
  for (int i = 0; i < 60; ++i) {
    ConvCase c{};
    c.rank = i % 7 == 6 ? 1 : 2;
    c.c_in = chans[r.range(0, 4)];
    c.c_out = chans[r.range(0, 4)];
    c.kh = c.rank == 2 ? ks[r.range(0, 3)] : 1;
    c.kw = ks[r.range(0, 3)];
    c.sh = r.range(1, 2);
    c.sw = r.range(1, i % 5 == 4 ? 3 : 2);
    c.dh = c.dw = 1;
    if (i % 9 == 8) {
      c.dh = c.rank == 2 ? 2 : 1;
      c.dw = 2;
    }
    c.ph = r.range(0, (int)(c.kh / 2 + 1));
    c.pw = r.range(0, (int)(c.kw / 2 + 1));
    c.pe_h = r.range(0, (int)c.ph);
    c.pe_w = r.range(0, (int)c.pw);
    c.h = c.rank == 2 ? r.range((int)(c.dh * (c.kh - 1) + 1), 20) : 1;
    c.w = r.range((int)(c.dw * (c.kw - 1) + 1), 70);
    c.bias = r.range(0, 1) == 1;
    c.act = i % 6; // none, relu, leaky relu, clip, sigmoid, tanh
    v.push_back(c);
  }
  return v;
}

TEST(X86FloatConv, Avx512MatchesGeneric) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  uint64_t seed = 1;
  for (const ConvCase &c : convCases())
    checkConv(c, seed++, xn_avx512_conv_packed_floats, xn_avx512_conv_pack,
              [](auto... a) { xn_avx512_conv(a...); });
}

TEST(X86FloatConv, Avx2MatchesGeneric) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  uint64_t seed = 1;
  for (const ConvCase &c : convCases())
    checkConv(c, seed++, xn_avx2_conv_packed_floats, xn_avx2_conv_pack,
              [](auto... a) { xn_avx2_conv(a...); });
}

// The output-channels-across-lanes conv takes any kernel width: add 1-D and 2-D kernels
// wider than XN_X86_CONV_MAX_KW.
std::vector<ConvCase> ocConvCases() {
  std::vector<ConvCase> v = convCases();
  v.push_back({3, 17, 1, 60, 1, 21, 1, 2, 1, 1, 0, 10, 0, 9, 1, true, XN_ACT_RELU});
  v.push_back({5, 20, 9, 40, 3, 17, 1, 3, 1, 1, 1, 8, 1, 8, 2, false, XN_ACT_NONE});
  return v;
}

TEST(X86FloatConv, Avx512OcMatchesGeneric) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  uint64_t seed = 1;
  for (const ConvCase &c : ocConvCases())
    checkConv(
        c, seed++, xn_avx512_conv_oc_packed_floats, xn_avx512_conv_oc_pack,
        [](auto... a) { xn_avx512_conv_oc(a...); }, xn_x86_conv_oc_supported);
}

TEST(X86FloatConv, Avx2OcMatchesGeneric) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  uint64_t seed = 1;
  for (const ConvCase &c : ocConvCases())
    checkConv(
        c, seed++, xn_avx2_conv_oc_packed_floats, xn_avx2_conv_oc_pack,
        [](auto... a) { xn_avx2_conv_oc(a...); }, xn_x86_conv_oc_supported);
}

template <typename Size, typename Pack, typename Kernel>
void checkGemm(Size sizeFn, Pack packFn, Kernel kernelFn) {
  Rng r(3);
  const int64_t dims[][3] = {{1, 1000, 512}, {1, 17, 3}, {2, 65, 64}, {3, 33, 100}, {1, 1, 1}};
  int i = 0;
  for (const auto &d : dims) {
    for (int tb = 0; tb < 2; ++tb) {
      for (int ta = 0; ta < 2; ++ta, ++i) {
        xn_gemm_params p{
            d[0], d[1], d[2], ta, tb, i % 3 == 2 ? 0.5f : 1.0f, i % 4 == 3 ? 0.0f : 1.5f, 0, 1};
        std::vector<float> a = randomVec((size_t)(d[0] * d[2]), r);
        std::vector<float> b = randomVec((size_t)(d[2] * d[1]), r);
        std::vector<float> c = randomVec((size_t)d[1], r);
        const float *cp = i % 5 == 4 ? nullptr : c.data();
        std::vector<float> want((size_t)(d[0] * d[1])), got(want.size(), 12345.5f);
        xn_gemm(&p, a.data(), b.data(), cp, want.data());
        std::vector<float> bp(sizeFn(&p));
        packFn(&p, b.data(), bp.data());
        kernelFn(&p, a.data(), bp.data(), cp, got.data());
        const std::string what = "gemm M " + std::to_string(d[0]) + " N " + std::to_string(d[1]) +
                                 " K " + std::to_string(d[2]) + " ta " + std::to_string(ta) +
                                 " tb " + std::to_string(tb);
        expectClose(want, got, 1.0f, what);
        for (int parts : {2, 3, 7}) { // column blocks split: bit for bit the whole call's
          std::vector<float> split(want.size(), 12345.5f);
          for (int part = 0; part < parts; ++part)
            kernelFn(&p, a.data(), bp.data(), cp, split.data(), part, parts);
          EXPECT_EQ(0, memcmp(split.data(), got.data(), got.size() * sizeof(float)))
              << what << " in " << parts << " parts";
        }
      }
    }
  }
}

TEST(X86FloatGemm, Avx512MatchesGeneric) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  checkGemm(xn_avx512_gemm_packed_floats, xn_avx512_gemm_pack,
            [](auto... a) { xn_avx512_gemm(a...); });
}

TEST(X86FloatGemm, Avx2MatchesGeneric) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  checkGemm(xn_avx2_gemm_packed_floats, xn_avx2_gemm_pack, [](auto... a) { xn_avx2_gemm(a...); });
}

// The fused conv + max-pool equals the oc conv followed by the vector max-pool bit for bit, on
// both of its paths: the tiles reducing the pool's W themselves (a 3x3/2 pool from pixel -1 over
// an even conv row of whole channel vectors: the ResNet stem's, xn_x86_conv_pool_by_pairs) and
// the ring of conv rows (any other window). The input has zeros, ties, an infinity and NaNs, so
// the pool's comparison (a NaN tap skipped, the first of equal taps kept) is exercised too; and
// with --threads parts, each part's rows equal the whole call's.
struct ConvPoolCase {
  int64_t c_in, c_out, h, w, k, s, p; // conv: square kernel, stride, pad
  int64_t pk, ps, pp_b, pp_e;         // pool: square kernel, stride, pads
  int32_t act;
  bool by_pairs; // the tiles' W reduction applies
};

// A 2-D conv + max-pool's parameters: n images of c_in x h x w, a kh x kw conv of stride s with
// pads (top, left, bottom, right), then a square pool window pk of stride ps, pads pp_b / pp_e.
xn_conv_pool_params convPoolParams(int64_t n, int64_t c_in, int64_t c_out, int64_t h, int64_t w,
                                   int64_t kh, int64_t kw, int64_t s, const int64_t (&pads)[4],
                                   int64_t pk, int64_t ps, int64_t pp_b, int64_t pp_e,
                                   int32_t act) {
  xn_conv_pool_params p;
  memset(&p, 0, sizeof p);
  p.spatial_rank = 2;
  p.n = n;
  p.c_in = c_in;
  p.c_out = c_out;
  p.group = 1;
  p.in_dims[0] = h;
  p.in_dims[1] = w;
  p.kernel[0] = kh;
  p.kernel[1] = kw;
  for (int d = 0; d < 2; ++d) {
    p.strides[d] = s;
    p.dilations[d] = 1;
    p.pads_begin[d] = pads[d];
    p.pads_end[d] = pads[d + 2];
    p.out_dims[d] = (p.in_dims[d] + pads[d] + pads[d + 2] - p.kernel[d]) / s + 1;
    p.pool_kernel[d] = pk;
    p.pool_strides[d] = ps;
    p.pool_pads_begin[d] = pp_b;
    p.pool_pads_end[d] = pp_e;
    p.pool_out_dims[d] = (p.out_dims[d] + pp_b + pp_e - pk) / ps + 1;
  }
  p.act_kind = act;
  return p;
}

template <typename K, typename Size, typename Pack, typename Conv, typename Pool, typename Fused>
void checkConvPool(const ConvPoolCase &k, uint64_t seed, Size sizeFn, Pack packFn, Conv convFn,
                   Pool poolFn, Fused fusedFn) {
  Rng r(seed);
  const xn_conv_pool_params p =
      convPoolParams(1, k.c_in, k.c_out, k.h, k.w, k.k, k.k, k.s, {k.p, k.p, k.p, k.p}, k.pk, k.ps,
                     k.pp_b, k.pp_e, k.act);
  const std::string what = "conv " + std::to_string(k.c_in) + ">" + std::to_string(k.c_out) + " " +
                           std::to_string(k.h) + "x" + std::to_string(k.w) + " pool " +
                           std::to_string(k.pk) + "/" + std::to_string(k.ps);
  ASSERT_EQ(k.by_pairs, xn_x86_conv_pool_by_pairs<K>(&p)) << what << ": not the path meant";
  const xn_conv_params cp = xn_conv_pool_conv(&p);
  const xn_pool_params pp = xn_conv_pool_pool(&p);
  std::vector<float> x = randomVec((size_t)(k.c_in * k.h * k.w), r);
  for (size_t i = 0; i < x.size(); i += 7)
    x[i] = 0.0f; // zero products: ties among the conv's values
  x[x.size() / 3] = NAN;
  x[x.size() / 2] = INFINITY;
  std::vector<float> w = randomVec((size_t)(k.c_out * k.c_in * k.k * k.k), r);
  std::vector<float> bias = randomVec((size_t)k.c_out, r);
  bias[1] = 0.0f;
  std::vector<float> packed(sizeFn(&cp));
  packFn(&cp, w.data(), packed.data());
  const int64_t conv_px = p.out_dims[0] * p.out_dims[1];
  const int64_t pool_px = p.pool_out_dims[0] * p.pool_out_dims[1];
  std::vector<float> conv((size_t)(k.c_out * conv_px)), want((size_t)(k.c_out * pool_px));
  convFn(&cp, x.data(), packed.data(), bias.data(), conv.data());
  poolFn(&pp, conv.data(), want.data());
  for (int parts : {1, 2, 3}) {
    std::vector<float> got(want.size(), 12345.5f);
    for (int part = 0; part < parts; ++part)
      fusedFn(&p, x.data(), packed.data(), bias.data(), got.data(), part, parts);
    EXPECT_EQ(0, memcmp(want.data(), got.data(), want.size() * sizeof(float)))
        << what << " in " << parts << " parts";
  }
}

std::vector<ConvPoolCase> convPoolCases() {
  return {
      {3, 32, 40, 36, 7, 2, 3, 3, 2, 1, 1, XN_ACT_RELU, true},  // the stem, even rows
      {3, 64, 30, 52, 7, 2, 3, 3, 2, 1, 0, XN_ACT_NONE, true},  // no Relu, pads 1 / 0
      {5, 48, 17, 24, 3, 1, 1, 3, 2, 1, 1, XN_ACT_RELU, true},  // stride-1 conv
      {3, 20, 45, 38, 7, 2, 3, 3, 2, 1, 1, XN_ACT_RELU, false}, // odd rows, a channel tail
      {3, 32, 40, 36, 7, 2, 3, 2, 2, 0, 0, XN_ACT_RELU, false}, // a 2x2/2 pool
      {4, 16, 21, 30, 5, 1, 2, 3, 1, 1, 1, XN_ACT_NONE, false}, // a stride-1 pool
  };
}

TEST(X86ConvMaxPool, Avx512EqualsConvThenPool) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  uint64_t seed = 1;
  for (const ConvPoolCase &k : convPoolCases())
    checkConvPool<xn_avx512_oc>(
        k, seed++, xn_avx512_conv_oc_packed_floats, xn_avx512_conv_oc_pack,
        [](auto... a) { xn_avx512_conv_oc(a...); }, [](auto... a) { xn_avx512_maxpool(a...); },
        [](auto... a) { xn_avx512_conv_max_pool(a...); });
}

TEST(X86ConvMaxPool, Avx2EqualsConvThenPool) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  uint64_t seed = 1;
  for (const ConvPoolCase &k : convPoolCases())
    checkConvPool<xn_avx2_oc>(
        k, seed++, xn_avx2_conv_oc_packed_floats, xn_avx2_conv_oc_pack,
        [](auto... a) { xn_avx2_conv_oc(a...); }, [](auto... a) { xn_avx2_maxpool(a...); },
        [](auto... a) { xn_avx2_conv_max_pool(a...); });
}

// The Winograd stem (x86/avx512_winograd_stem.h) against a conv + activation + max-pool
// computed here in double: not bit-identical with any float kernel, so each pooled output is
// held to a bound of its window's sum_|w x| + |bias| (the scale its rounding errors have; the
// transforms err more than a direct sum, by 3.3e-7 of the patch on unit inputs). Also: its
// parts equal the whole call bit for bit, and inputs with an infinity or NaN take the direct
// kernel (the transforms would spread them over a tile), bit for bit.
struct WinoCase {
  int64_t c_in, c_out, h, w, kh, kw, pt, pl, pb, pr; // conv: stride 2
  int64_t pk, ps, pp_b, pp_e;                        // pool: square kernel, stride, pads
  int32_t act;
  bool bias;
};

xn_conv_pool_params winoParams(const WinoCase &k) {
  return convPoolParams(2, k.c_in, k.c_out, k.h, k.w, k.kh, k.kw, 2, {k.pt, k.pl, k.pb, k.pr}, k.pk,
                        k.ps, k.pp_b, k.pp_e, k.act);
}

template <typename Size, typename Pack, typename Direct, typename Wino>
void checkWinograd(Size sizeFn, Pack packFn, Direct directFn, Wino winoFn) {
  const WinoCase cases[] = {
      {3, 64, 224, 224, 7, 7, 3, 3, 3, 3, 3, 2, 1, 1, XN_ACT_RELU, true}, // ResNet's stem
      {3, 64, 45, 38, 7, 7, 3, 3, 3, 3, 3, 2, 1, 1, XN_ACT_NONE, true},   // odd, tile tails
      {1, 64, 33, 70, 7, 7, 2, 4, 1, 3, 2, 2, 0, 0, XN_ACT_RELU, false},  // 2x2 pool, pads
      {4, 128, 40, 36, 8, 8, 3, 3, 4, 4, 3, 1, 1, 1, XN_ACT_RELU, true},  // 8x8, stride-1 pool
      {2, 64, 29, 31, 5, 6, 2, 1, 2, 3, 3, 2, 1, 1, XN_ACT_NONE, true},   // 5x6 kernel
      {3, 64, 17, 280, 7, 7, 3, 3, 3, 3, 3, 2, 1, 1, XN_ACT_RELU, true},  // 3 chunks, 47 tiles
      {3, 64, 45, 40, 7, 7, 3, 3, 3, 3, 3, 2, 1, 0, XN_ACT_NONE, true},   // pool without end pad
  };
  uint64_t seed = 7;
  double worst = 0;
  for (const WinoCase &k : cases) {
    const xn_conv_pool_params p = winoParams(k);
    char buf[160];
    snprintf(buf, sizeof buf, "%lld>%lld %lldx%lld k %lldx%lld pool %lld/%lld", (long long)k.c_in,
             (long long)k.c_out, (long long)k.h, (long long)k.w, (long long)k.kh, (long long)k.kw,
             (long long)k.pk, (long long)k.ps);
    const std::string what = buf;
    xn_wino_stem_geom g;
    ASSERT_TRUE(xn_wino_stem_geometry(&p, &g)) << what << ": not taken";
    // The output transform reduces a 3-wide, stride-2 pool's W itself (pooled columns in
    // the ring); the other pools read conv columns.
    ASSERT_EQ(k.pk == 3 && k.ps == 2 && k.pp_b == 1, g.w_pairs != 0) << what;
    Rng r(seed++);
    const int64_t in_n = p.n * k.c_in * k.h * k.w;
    std::vector<float> x = randomVec((size_t)in_n, r);
    std::vector<float> w = randomVec((size_t)(k.c_out * k.c_in * k.kh * k.kw), r);
    std::vector<float> bias = randomVec((size_t)k.c_out, r);
    const int64_t oh = p.out_dims[0], ow = p.out_dims[1];
    const int64_t ph = p.pool_out_dims[0], pw = p.pool_out_dims[1];
    // The reference conv (double) and each output's scale.
    std::vector<double> conv((size_t)(p.n * k.c_out * oh * ow)), scale(conv.size());
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t m = 0; m < k.c_out; ++m)
        for (int64_t oy = 0; oy < oh; ++oy)
          for (int64_t ox = 0; ox < ow; ++ox) {
            double s = k.bias ? bias[m] : 0.0, a = k.bias ? std::fabs(bias[m]) : 0.0;
            for (int64_t c = 0; c < k.c_in; ++c)
              for (int64_t ky = 0; ky < k.kh; ++ky) {
                const int64_t yy = 2 * oy + ky - k.pt;
                if (yy < 0 || yy >= k.h)
                  continue;
                for (int64_t kx = 0; kx < k.kw; ++kx) {
                  const int64_t xx = 2 * ox + kx - k.pl;
                  if (xx < 0 || xx >= k.w)
                    continue;
                  const double t = (double)w[((m * k.c_in + c) * k.kh + ky) * k.kw + kx] *
                                   x[((n * k.c_in + c) * k.h + yy) * k.w + xx];
                  s += t;
                  a += std::fabs(t);
                }
              }
            const size_t i = (size_t)(((n * k.c_out + m) * oh + oy) * ow + ox);
            conv[i] = k.act == XN_ACT_RELU && s < 0 ? 0.0 : s;
            scale[i] = a;
          }
    const xn_conv_params cp = xn_conv_pool_conv(&p);
    std::vector<float> packed(xn_wino_stem_weights_size(k.c_out, k.c_in) + sizeFn(&cp));
    xn_wino_stem_pack(w.data(), k.c_out, k.c_in, k.kh, k.kw, packed.data());
    packFn(&cp, w.data(), packed.data() + xn_wino_stem_weights_size(k.c_out, k.c_in));
    std::vector<float> whole((size_t)(p.n * k.c_out * ph * pw), 12345.5f);
    winoFn(&p, x.data(), packed.data(), k.bias ? bias.data() : nullptr, whole.data(), 0, 1);
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t m = 0; m < k.c_out; ++m)
        for (int64_t py = 0; py < ph; ++py)
          for (int64_t px = 0; px < pw; ++px) {
            double want = -INFINITY, sc = 0;
            for (int64_t ky = 0; ky < k.pk; ++ky)
              for (int64_t kx = 0; kx < k.pk; ++kx) {
                const int64_t yy = py * k.ps + ky - k.pp_b, xx = px * k.ps + kx - k.pp_b;
                if (yy < 0 || yy >= oh || xx < 0 || xx >= ow)
                  continue;
                const size_t i = (size_t)(((n * k.c_out + m) * oh + yy) * ow + xx);
                want = std::max(want, conv[i]);
                sc = std::max(sc, scale[i]);
              }
            const double got = whole[(size_t)(((n * k.c_out + m) * ph + py) * pw + px)];
            const double err = std::fabs(got - want) / (sc + 1e-30);
            worst = std::max(worst, err);
            ASSERT_LE(err, 2e-6) << what << " at image " << n << " channel " << m << " (" << py
                                 << ", " << px << "): " << got << " vs " << want;
          }
    for (int parts : {2, 3}) {
      std::vector<float> split(whole.size(), 12345.5f);
      for (int part = 0; part < parts; ++part)
        winoFn(&p, x.data(), packed.data(), k.bias ? bias.data() : nullptr, split.data(), part,
               parts);
      EXPECT_EQ(0, memcmp(split.data(), whole.data(), whole.size() * sizeof(float)))
          << what << " in " << parts << " parts";
    }
    // An infinity, a NaN or a value past XN_WINO_MAX_ABS in the input: the direct kernel's
    // result, bit for bit.
    for (float bad : {INFINITY, NAN, 1e10f}) { // 1e10: past XN_WINO_MAX_ABS
      std::vector<float> xb = x;
      xb[xb.size() / 2 + 5] = bad;
      std::vector<float> direct(whole.size()), got(whole.size(), 12345.5f);
      const float *b = k.bias ? bias.data() : nullptr;
      directFn(&p, xb.data(), packed.data() + xn_wino_stem_weights_size(k.c_out, k.c_in), b,
               direct.data(), 0, 1);
      winoFn(&p, xb.data(), packed.data(), b, got.data(), 0, 1);
      EXPECT_EQ(0, memcmp(direct.data(), got.data(), got.size() * sizeof(float)))
          << what << " with " << bad << " in the input";
    }
  }
  printf("winograd stem: largest error / (window's sum |w x| + |bias|): %.3g\n", worst);
}

TEST(X86WinogradStem, Avx512MatchesDoubleConvThenPool) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  checkWinograd(
      xn_avx512_conv_oc_packed_floats, xn_avx512_conv_oc_pack,
      [](auto... a) { xn_avx512_conv_max_pool(a...); },
      [](auto... a) { xn_avx512_conv_max_pool_winograd(a...); });
}

TEST(X86WinogradStem, Avx2MatchesDoubleConvThenPool) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  checkWinograd(
      xn_avx2_conv_oc_packed_floats, xn_avx2_conv_oc_pack,
      [](auto... a) { xn_avx2_conv_max_pool(a...); },
      [](auto... a) { xn_avx2_conv_max_pool_winograd(a...); });
}

TEST(X86WinogradStem, TakesOnlyItsLayers) {
  const WinoCase stem = {3, 64, 224, 224, 7, 7, 3, 3, 3, 3, 3, 2, 1, 1, XN_ACT_RELU, true};
  xn_wino_stem_geom g;
  xn_conv_pool_params p = winoParams(stem);
  EXPECT_TRUE(xn_wino_stem_geometry(&p, &g));
  p.c_in = 5; // more than 4 input channels: the direct conv is as cheap
  EXPECT_FALSE(xn_wino_stem_geometry(&p, &g));
  p = winoParams(stem);
  p.c_out = 96; // not whole groups of 64
  EXPECT_FALSE(xn_wino_stem_geometry(&p, &g));
  p = winoParams(stem);
  p.kernel[1] = 9; // phase kernels wider than 4
  EXPECT_FALSE(xn_wino_stem_geometry(&p, &g));
  p = winoParams(stem);
  p.strides[0] = 1;
  EXPECT_FALSE(xn_wino_stem_geometry(&p, &g));
  p = winoParams(stem);
  p.act_kind = XN_ACT_SIGMOID;
  EXPECT_FALSE(xn_wino_stem_geometry(&p, &g));
  p = winoParams(stem);
  p.in_dims[1] = 2000; // its rows past the stack's bound
  p.out_dims[1] = 1000;
  p.pool_out_dims[1] = 500;
  EXPECT_FALSE(xn_wino_stem_geometry(&p, &g));
}

} // namespace
