// Unit tests for the x86 binary-weight (BWN) kernels (runtime/include/xnorc/runtime/x86/
// <isa>_oc_conv.h): xn_<isa>_bwconv and xn_<isa>_bwdense against the generic xn_bwconv /
// xn_bwdense over random shapes (channel tails, odd sizes, kernels 1-7, strides, dilations,
// asymmetric padding, batches, every activation, scale / bias / residual present or NULL,
// the residual aliasing y). The sums run in another order (and with FMAs of +-1 weights),
// so each output may differ by a relative 1e-5 of the sum of its terms' magnitudes. Also
// checks that the bit and the float packings (xn_x86_oc_pack_bits / _floats) put every
// weight at the same index, and that the conv kernels split into parts (--threads) compute
// exactly the whole call's output. Paths whose instructions this CPU lacks are skipped.
#include "TestRng.h"
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/x86/avx2_oc_conv.h"
#include "xnorc/runtime/x86/avx512_oc_conv.h"

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

std::vector<float> absVec(std::vector<float> v) {
  for (float &x : v)
    x = std::fabs(x);
  return v;
}

// Packed sign bits [rows][ceil(c / 64)], bits past c zero (the generic b1 layout).
std::vector<uint64_t> randomBits(int64_t rows, int64_t c, Rng &r) {
  const int64_t cw = xn_bit_words(c);
  std::vector<uint64_t> w((size_t)(rows * cw));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cw; ++j)
      w[(size_t)(i * cw + j)] = r.next() & xn_bit_word_mask(c, j);
  return w;
}

// |got - want| <= 1e-5 * (1 + mag), mag bounding the magnitude of the terms summed into the
// output (the generic kernel on |x|, +1 weights, |scale|, |bias|, |residual|).
void expectClose(const std::vector<float> &want, const std::vector<float> &got,
                 const std::vector<float> &mag, const std::string &what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_NEAR(want[i], got[i], 1e-5f * (1.0f + mag[i])) << what << " at " << i;
}

// Which optional operands a case passes: scale / bias NULL or not, and the residual absent,
// a separate array, or y itself (the kernels read it before writing y).
struct Epilogue {
  bool scale, bias;
  int residual; // 0 none, 1 separate, 2 aliasing y
  int32_t act;
  float alpha, beta;
};

Epilogue randomEpilogue(Rng &r, int i) {
  Epilogue e{
      r.range(0, 3) != 0, r.range(0, 3) != 0, static_cast<int>(r.range(0, 2)), i % 6, 0.0f, 0.0f};
  if (e.act == XN_ACT_LEAKY_RELU)
    e.alpha = 0.1f;
  else if (e.act == XN_ACT_CLIP) {
    e.alpha = -0.5f;
    e.beta = 0.75f;
  }
  return e;
}

std::string describe(const Epilogue &e) {
  return " scale " + std::to_string(e.scale) + " bias " + std::to_string(e.bias) + " residual " +
         std::to_string(e.residual) + " act " + std::to_string(e.act);
}

// Runs Kernel(x, w, scale, bias, residual, y) as the epilogue says on a y initialised to
// res (so an aliasing residual holds res too).
template <typename Kernel>
std::vector<float> runWith(const Epilogue &e, const std::vector<float> &sc,
                           const std::vector<float> &bi, const std::vector<float> &res,
                           Kernel kernel) {
  std::vector<float> y = e.residual == 2 ? res : std::vector<float>(res.size(), 12345.5f);
  const float *r = e.residual == 1 ? res.data() : e.residual == 2 ? y.data() : nullptr;
  kernel(e.scale ? sc.data() : nullptr, e.bias ? bi.data() : nullptr, r, y.data());
  return y;
}

struct ConvCase {
  int64_t n, c_in, c_out, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
};

std::string describe(const ConvCase &c) {
  char b[256];
  snprintf(b, sizeof b,
           "n %lld c_in %lld c_out %lld in %lldx%lld k %lldx%lld s %lldx%lld d %lldx%lld "
           "pads %lld,%lld,%lld,%lld",
           (long long)c.n, (long long)c.c_in, (long long)c.c_out, (long long)c.h, (long long)c.w,
           (long long)c.kh, (long long)c.kw, (long long)c.sh, (long long)c.sw, (long long)c.dh,
           (long long)c.dw, (long long)c.pt, (long long)c.pl, (long long)c.pb, (long long)c.pr);
  return b;
}

xn_bwconv_params makeParams(const ConvCase &c, const Epilogue &e) {
  auto out = [](int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe) {
    return (in + pb + pe - d * (k - 1) - 1) / s + 1;
  };
  return {c.n,
          c.c_in,
          c.c_out,
          1,
          c.h,
          c.w,
          out(c.h, c.kh, c.sh, c.dh, c.pt, c.pb),
          out(c.w, c.kw, c.sw, c.dw, c.pl, c.pr),
          c.kh,
          c.kw,
          c.sh,
          c.sw,
          c.dh,
          c.dw,
          c.pt,
          c.pl,
          c.pb,
          c.pr,
          e.act,
          e.alpha,
          e.beta};
}

std::vector<ConvCase> convCases() {
  std::vector<ConvCase> v;
  // The benchmark networks' shapes (smaller images): a BWN stem, AlexNet's conv1, a 3x3
  // block, a 1x1 stride-2 downsample (as one long row: 1x1 stride 1 is flattened).
  v.push_back({1, 3, 64, 30, 29, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3});
  v.push_back({1, 3, 96, 35, 37, 11, 11, 4, 4, 1, 1, 2, 2, 2, 2});
  v.push_back({2, 64, 64, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1});
  v.push_back({1, 65, 130, 9, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0});
  v.push_back({1, 130, 17, 7, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0});
  // A kernel larger than the (padded) input: every pixel is a border pixel.
  v.push_back({1, 5, 20, 3, 4, 5, 7, 1, 1, 1, 1, 2, 3, 2, 3});
  Rng r(11);
  const int64_t cins[] = {1, 3, 16, 17, 64, 65, 130};
  const int64_t couts[] = {1, 3, 17, 32, 64, 70, 130};
  const int64_t ks[] = {1, 3, 5, 7};
  for (int i = 0; i < 80; ++i) {
    ConvCase c{};
    c.n = r.range(1, 2);
    c.c_in = r.pick(cins);
    c.c_out = r.pick(couts);
    c.kh = r.pick(ks);
    c.kw = i % 10 == 9 ? c.kh : r.pick(ks);
    c.sh = r.range(1, 2);
    c.sw = r.range(1, i % 7 == 6 ? 3 : 2);
    c.dh = c.dw = 1;
    if (i % 9 == 8)
      c.dh = c.dw = 2;
    c.pt = r.range(0, c.kh / 2 + 1);
    c.pl = r.range(0, c.kw / 2 + 1);
    c.pb = r.range(0, c.kh / 2);
    c.pr = r.range(0, c.kw / 2);
    c.h = r.range(c.dh * (c.kh - 1) + 1, 17);
    c.w = r.range(c.dw * (c.kw - 1) + 1, 61);
    v.push_back(c);
  }
  return v;
}

template <typename Size, typename Pack, typename Kernel>
void checkBwConv(Size sizeFn, Pack packFn, Kernel kernelFn) {
  uint64_t seed = 1;
  int i = 0;
  for (const ConvCase &c : convCases()) {
    Rng r(seed++);
    const Epilogue e = randomEpilogue(r, i++);
    const xn_bwconv_params p = makeParams(c, e);
    const size_t nx = (size_t)(p.n * p.c_in * p.in_h * p.in_w);
    const size_t ny = (size_t)(p.n * p.c_out * p.out_h * p.out_w);
    const std::vector<float> x = randomVec(nx, r), sc = randomVec((size_t)p.c_out, r),
                             bi = randomVec((size_t)p.c_out, r), res = randomVec(ny, r);
    const std::vector<uint64_t> w = randomBits(p.c_out * p.kh * p.kw, p.c_in, r);
    std::vector<uint64_t> wp(sizeFn(&p));
    packFn(&p, w.data(), wp.data());
    const std::vector<float> want =
        runWith(e, sc, bi, res, [&](const float *s, const float *b, const float *rr, float *y) {
          xn_bwconv(&p, x.data(), w.data(), s, b, rr, y);
        });
    const std::vector<float> got =
        runWith(e, sc, bi, res, [&](const float *s, const float *b, const float *rr, float *y) {
          kernelFn(&p, x.data(), wp.data(), s, b, rr, y);
        });
    xn_bwconv_params q = p;
    q.act_kind = XN_ACT_NONE;
    const std::vector<uint64_t> plus(w.size(), 0);
    std::vector<float> mag(ny);
    const std::vector<float> ax = absVec(x), asc = absVec(sc), abi = absVec(bi), ares = absVec(res);
    xn_bwconv(&q, ax.data(), plus.data(), asc.data(), abi.data(), ares.data(), mag.data());
    expectClose(want, got, mag, describe(c) + describe(e));
  }
}

TEST(X86BwConv, Avx512MatchesGeneric) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  checkBwConv(xn_avx512_bwconv_packed_words, xn_avx512_bwconv_pack,
              [](auto... a) { xn_avx512_bwconv(a...); });
}

TEST(X86BwConv, Avx2MatchesGeneric) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  checkBwConv(xn_avx2_bwconv_packed_words, xn_avx2_bwconv_pack,
              [](auto... a) { xn_avx2_bwconv(a...); });
}

template <typename Size, typename Pack, typename Kernel>
void checkBwDense(Size sizeFn, Pack packFn, Kernel kernelFn) {
  // Batch rows are the kernel's pixels: 1 row, a partial tile, several tiles.
  const int64_t shapes[][3] = {{1, 4096, 1000}, {2, 65, 130}, {5, 3, 17},  {9, 130, 70},
                               {1, 1, 1},       {13, 64, 64}, {3, 1000, 3}};
  uint64_t seed = 100;
  int i = 0;
  for (const auto &s : shapes) {
    for (int rep = 0; rep < 3; ++rep) {
      Rng r(seed++);
      const Epilogue e = randomEpilogue(r, i++);
      const xn_bwdense_params p = {s[0], s[1], s[2], e.act, e.alpha, e.beta};
      const size_t ny = (size_t)(p.n * p.m);
      const std::vector<float> x = randomVec((size_t)(p.n * p.k), r),
                               sc = randomVec((size_t)p.m, r), bi = randomVec((size_t)p.m, r),
                               res = randomVec(ny, r);
      const std::vector<uint64_t> w = randomBits(p.m, p.k, r);
      std::vector<uint64_t> wp(sizeFn(&p));
      packFn(&p, w.data(), wp.data());
      const std::vector<float> want =
          runWith(e, sc, bi, res, [&](const float *a, const float *b, const float *rr, float *y) {
            xn_bwdense(&p, x.data(), w.data(), a, b, rr, y);
          });
      const std::vector<float> got =
          runWith(e, sc, bi, res, [&](const float *a, const float *b, const float *rr, float *y) {
            kernelFn(&p, x.data(), wp.data(), a, b, rr, y);
          });
      xn_bwdense_params q = p;
      q.act_kind = XN_ACT_NONE;
      const std::vector<uint64_t> plus(w.size(), 0);
      std::vector<float> mag(ny);
      const std::vector<float> ax = absVec(x), asc = absVec(sc), abi = absVec(bi),
                               ares = absVec(res);
      xn_bwdense(&q, ax.data(), plus.data(), asc.data(), abi.data(), ares.data(), mag.data());
      expectClose(want, got, mag,
                  "dense n " + std::to_string(p.n) + " k " + std::to_string(p.k) + " m " +
                      std::to_string(p.m) + describe(e));
    }
  }
}

TEST(X86BwDense, Avx512MatchesGeneric) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  checkBwDense(xn_avx512_bwdense_packed_words, xn_avx512_bwdense_pack, xn_avx512_bwdense);
}

TEST(X86BwDense, Avx2MatchesGeneric) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  checkBwDense(xn_avx2_bwdense_packed_words, xn_avx2_bwdense_pack, xn_avx2_bwdense);
}

// --threads: the output split into parts (rows, one row's pixels, or channel groups) is bit
// for bit the whole call's output, for the bit- and the float-weight kernels.
template <typename BwConv, typename ConvOc>
void checkSplit(BwConv bwconv, ConvOc convOc, int64_t lanes, int64_t tile) {
  Rng r(77);
  // 3x3 on 2 images; one image's 1x1 stride-1 conv (one flattened row of 130 pixels); a 1-D
  // strided conv (one row with borders); small planes with many channel groups, which split
  // their channels (a Bi-Real-18 1x1 shortcut at 7x7; a 3x3 conv whose groups leave a rest).
  const ConvCase cases[] = {{2, 5, 20, 9, 13, 3, 3, 1, 2, 1, 1, 1, 1, 1, 0},
                            {1, 17, 70, 10, 13, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
                            {1, 3, 17, 1, 200, 1, 7, 1, 2, 1, 1, 0, 3, 0, 3},
                            {1, 32, 512, 7, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
                            {1, 9, 232, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}};
  for (const ConvCase &c : cases) {
    const Epilogue e = {true, true, 2, XN_ACT_RELU, 0.0f, 0.0f};
    const xn_bwconv_params p = makeParams(c, e);
    const size_t ny = (size_t)(p.n * p.c_out * p.out_h * p.out_w);
    const std::vector<float> x = randomVec((size_t)(p.n * p.c_in * p.in_h * p.in_w), r),
                             sc = randomVec((size_t)p.c_out, r), bi = randomVec((size_t)p.c_out, r),
                             res = randomVec(ny, r);
    const std::vector<uint64_t> w = randomBits(p.c_out * p.kh * p.kw, p.c_in, r);
    std::vector<uint64_t> wp(xn_x86_oc_bits_size(p.c_out, p.c_in * p.kh * p.kw, lanes));
    xn_x86_oc_pack_bits(p.c_out, p.c_in, p.kh * p.kw, lanes, tile, w.data(), wp.data());
    // The same layer as a float conv with +-1 weights.
    xn_conv_params q{};
    q.spatial_rank = 2;
    q.n = p.n;
    q.c_in = p.c_in;
    q.c_out = p.c_out;
    q.group = 1;
    const int64_t dims[2][7] = {
        {p.in_h, p.out_h, p.kh, p.stride_h, p.dil_h, p.pad_top, p.pad_bottom},
        {p.in_w, p.out_w, p.kw, p.stride_w, p.dil_w, p.pad_left, p.pad_right}};
    for (int d = 0; d < 2; ++d) {
      q.in_dims[d] = dims[d][0];
      q.out_dims[d] = dims[d][1];
      q.kernel[d] = dims[d][2];
      q.strides[d] = dims[d][3];
      q.dilations[d] = dims[d][4];
      q.pads_begin[d] = dims[d][5];
      q.pads_end[d] = dims[d][6];
    }
    q.act_kind = XN_ACT_RELU;
    const int64_t qn = p.c_in * p.kh * p.kw;
    std::vector<float> wf((size_t)(p.c_out * qn));
    for (int64_t m = 0; m < p.c_out; ++m)
      for (int64_t t = 0; t < p.kh * p.kw; ++t)
        for (int64_t ch = 0; ch < p.c_in; ++ch)
          wf[(size_t)(m * qn + ch * p.kh * p.kw + t)] =
              (w[(size_t)((m * p.kh * p.kw + t) * xn_bit_words(p.c_in) + ch / 64)] >> (ch % 64)) & 1
                  ? -1.0f
                  : 1.0f;
    std::vector<float> wfp(xn_x86_oc_floats_size(p.c_out, qn, lanes));
    xn_x86_oc_pack_floats(p.c_out, qn, lanes, tile, wf.data(), wfp.data());
    const auto runParts = [&](int parts, bool bits) {
      std::vector<float> y = res; // the residual aliases y
      for (int part = 0; part < parts; ++part)
        if (bits)
          bwconv(&p, x.data(), wp.data(), sc.data(), bi.data(), y.data(), y.data(), part, parts);
        else
          convOc(&q, x.data(), wfp.data(), bi.data(), y.data(), part, parts);
      return y;
    };
    for (const bool bits : {true, false}) {
      const std::vector<float> whole = runParts(1, bits);
      for (const int parts : {2, 3, 5}) {
        const std::vector<float> split = runParts(parts, bits);
        ASSERT_EQ(0, memcmp(whole.data(), split.data(), whole.size() * sizeof(float)))
            << describe(c) << (bits ? " bwconv" : " conv_oc") << " parts " << parts;
      }
    }
  }
}

TEST(X86OcConv, Avx512SplitMatchesWhole) {
  if (!hasAvx512())
    GTEST_SKIP() << "this CPU lacks AVX-512 F / FMA";
  checkSplit(xn_avx512_bwconv, xn_avx512_conv_oc, XN_AVX512_OC_L, XN_AVX512_OC_B);
}

TEST(X86OcConv, Avx2SplitMatchesWhole) {
  if (!hasAvx2())
    GTEST_SKIP() << "this CPU lacks AVX2 / FMA";
  checkSplit(xn_avx2_bwconv, xn_avx2_conv_oc, XN_AVX2_OC_L, XN_AVX2_OC_B);
}

// The bit packing stores sign bit (m, q) where the float packing stores weight (m, q): both
// weight sources of the oc_conv kernels read their vectors from the same index.
TEST(X86OcPacking, BitsAndFloatsShareTheOrder) {
  Rng r(5);
  const int64_t shapes[][3] = {{70, 65, 9}, {3, 1, 1}, {130, 3, 49}, {16, 64, 1}};
  for (const auto &s : shapes) {
    const int64_t m = s[0], c = s[1], taps = s[2], qn = c * taps;
    const std::vector<uint64_t> bits = randomBits(m * taps, c, r);
    // The same weights as floats, ONNX order [m][c][taps].
    std::vector<float> f((size_t)(m * qn));
    for (int64_t o = 0; o < m; ++o)
      for (int64_t t = 0; t < taps; ++t)
        for (int64_t ch = 0; ch < c; ++ch) {
          const uint64_t word = bits[(size_t)((o * taps + t) * xn_bit_words(c) + ch / 64)];
          f[(size_t)(o * qn + ch * taps + t)] = (word >> (ch % 64)) & 1 ? -1.0f : 1.0f;
        }
    for (const int64_t lanes : {8, 16})
      for (const int64_t tile : {1, 2, 4}) {
        std::vector<uint64_t> pb(xn_x86_oc_bits_size(m, qn, lanes));
        std::vector<float> pf(xn_x86_oc_floats_size(m, qn, lanes));
        xn_x86_oc_pack_bits(m, c, taps, lanes, tile, bits.data(), pb.data());
        xn_x86_oc_pack_floats(m, qn, lanes, tile, f.data(), pf.data());
        ASSERT_EQ(pb.size(), (pf.size() + 63) / 64);
        for (size_t i = 0; i < pf.size(); ++i) {
          const bool neg = (pb[i / 64] >> (i % 64)) & 1;
          // Padded channels: float weight 0, sign bit 0.
          ASSERT_EQ(neg, pf[i] < 0.0f) << "m " << m << " c " << c << " taps " << taps << " lanes "
                                       << lanes << " tile " << tile << " at " << i;
        }
      }
  }
}

} // namespace
