// Unit tests for the generic kernels. Expected values are either worked out by hand (see
// comments) or produced by deliberately naive from-the-definition loops that share no
// code or loop structure with the kernels.
#include "xnorc/runtime/generic/all.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

using Vec = std::vector<float>;

// Small integer-valued data keeps every sum exact, so results are order-independent and
// can be compared with EXPECT_FLOAT_EQ despite different accumulation orders.
Vec intData(size_t n, uint32_t seed) {
  Vec v(n);
  uint32_t s = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    v[i] = static_cast<float>(static_cast<int>((s >> 16) % 9) - 4);
  }
  return v;
}

void expectNear(const Vec &got, const Vec &want, float tol = 0.0f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (tol == 0.0f)
      EXPECT_FLOAT_EQ(got[i], want[i]) << "at " << i;
    else
      EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
  }
}

int64_t product(const std::vector<int64_t> &d) {
  int64_t p = 1;
  for (int64_t v : d)
    p *= v;
  return p;
}

// Decodes a flat row-major index into coordinates.
std::vector<int64_t> unflatten(int64_t flat, const std::vector<int64_t> &dims) {
  std::vector<int64_t> c(dims.size());
  for (size_t i = dims.size(); i-- > 0;) {
    c[i] = flat % dims[i];
    flat /= dims[i];
  }
  return c;
}

int64_t flatten(const std::vector<int64_t> &c, const std::vector<int64_t> &dims) {
  int64_t f = 0;
  for (size_t i = 0; i < dims.size(); ++i)
    f = f * dims[i] + c[i];
  return f;
}

// ---------------------------------------------------------------------------------- Conv

struct ConvCase {
  int64_t n, c_in, c_out, group;
  std::vector<int64_t> in, k, s, d, pb, pe;
};

std::vector<int64_t> convOutDims(const ConvCase &cc) {
  std::vector<int64_t> o;
  for (size_t i = 0; i < cc.in.size(); ++i)
    o.push_back((cc.in[i] + cc.pb[i] + cc.pe[i] - ((cc.k[i] - 1) * cc.d[i] + 1)) / cc.s[i] + 1);
  return o;
}

// Straight from the ONNX definition: every output element sums over its group's input
// channels and every kernel tap, treating out-of-range taps as zero padding.
Vec naiveConv(const ConvCase &cc, const Vec &x, const Vec &w, const float *bias) {
  const std::vector<int64_t> od = convOutDims(cc);
  const int64_t cg = cc.c_in / cc.group, mg = cc.c_out / cc.group;
  const int64_t osz = product(od), ksz = product(cc.k), isz = product(cc.in);
  Vec y(static_cast<size_t>(cc.n * cc.c_out * osz));
  for (int64_t n = 0; n < cc.n; ++n)
    for (int64_t m = 0; m < cc.c_out; ++m)
      for (int64_t o = 0; o < osz; ++o) {
        const std::vector<int64_t> oc = unflatten(o, od);
        float acc = bias ? bias[m] : 0.0f;
        const int64_t g = m / mg;
        for (int64_t c = 0; c < cg; ++c)
          for (int64_t t = 0; t < ksz; ++t) {
            const std::vector<int64_t> kc = unflatten(t, cc.k);
            std::vector<int64_t> ic(kc.size());
            bool inside = true;
            for (size_t i = 0; i < kc.size(); ++i) {
              ic[i] = oc[i] * cc.s[i] + kc[i] * cc.d[i] - cc.pb[i];
              inside = inside && ic[i] >= 0 && ic[i] < cc.in[i];
            }
            if (!inside)
              continue;
            const int64_t ci = g * cg + c;
            acc += x[static_cast<size_t>((n * cc.c_in + ci) * isz + flatten(ic, cc.in))] *
                   w[static_cast<size_t>((m * cg + c) * ksz + t)];
          }
        y[static_cast<size_t>((n * cc.c_out + m) * osz + o)] = acc;
      }
  return y;
}

xn_conv_params makeConvParams(const ConvCase &cc) {
  xn_conv_params p{};
  p.spatial_rank = static_cast<int32_t>(cc.in.size());
  p.n = cc.n;
  p.c_in = cc.c_in;
  p.c_out = cc.c_out;
  p.group = cc.group;
  const std::vector<int64_t> od = convOutDims(cc);
  for (size_t i = 0; i < cc.in.size(); ++i) {
    p.in_dims[i] = cc.in[i];
    p.out_dims[i] = od[i];
    p.kernel[i] = cc.k[i];
    p.strides[i] = cc.s[i];
    p.dilations[i] = cc.d[i];
    p.pads_begin[i] = cc.pb[i];
    p.pads_end[i] = cc.pe[i];
  }
  p.act_kind = XN_ACT_NONE;
  return p;
}

void checkConv(const ConvCase &cc, bool with_bias) {
  const Vec x = intData(static_cast<size_t>(cc.n * cc.c_in * product(cc.in)), 1);
  const Vec w = intData(static_cast<size_t>(cc.c_out * (cc.c_in / cc.group) * product(cc.k)), 2);
  const Vec b = intData(static_cast<size_t>(cc.c_out), 3);
  const float *bp = with_bias ? b.data() : nullptr;
  const Vec want = naiveConv(cc, x, w, bp);
  Vec y(want.size(), 1234.0f);
  const xn_conv_params p = makeConvParams(cc);
  xn_conv(&p, x.data(), w.data(), bp, y.data());
  expectNear(y, want);
}

TEST(Conv, HandWorked2x2OnesWithBeginPad) {
  // x = [[1,2,3],[4,5,6],[7,8,9]], 2x2 all-ones kernel, pads begin (1,1) end (0,0),
  // stride 1 -> 3x3 output. Output (i,j) sums x over rows i-1..i, cols j-1..j:
  // [[1,3,5],[5,12,16],[11,24,28]], plus bias 0.5.
  ConvCase cc{1, 1, 1, 1, {3, 3}, {2, 2}, {1, 1}, {1, 1}, {1, 1}, {0, 0}};
  const Vec x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const Vec w = {1, 1, 1, 1};
  const float b = 0.5f;
  Vec y(9);
  const xn_conv_params p = makeConvParams(cc);
  xn_conv(&p, x.data(), w.data(), &b, y.data());
  expectNear(y, {1.5f, 3.5f, 5.5f, 5.5f, 12.5f, 16.5f, 11.5f, 24.5f, 28.5f});
}

TEST(Conv, GroupDilationStrideAsymmetricPads2D) {
  // group=2, dilation 2, stride 2, asymmetric pads: all at once and separately.
  checkConv({2, 4, 6, 2, {7, 8}, {3, 3}, {2, 2}, {2, 2}, {1, 2}, {2, 0}}, true);
  checkConv({1, 4, 4, 2, {5, 5}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}}, false);
  checkConv({1, 3, 2, 1, {6, 7}, {3, 2}, {1, 1}, {2, 2}, {0, 0}, {0, 0}}, true);
  checkConv({1, 2, 3, 1, {7, 9}, {3, 3}, {2, 3}, {1, 1}, {0, 1}, {2, 0}}, true);
  // Depthwise and 1x1.
  checkConv({1, 4, 4, 4, {5, 6}, {3, 3}, {1, 2}, {1, 1}, {1, 1}, {1, 1}}, true);
  checkConv({2, 5, 3, 1, {4, 4}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}}, false);
  // Kernel larger than input with padding (taps clip on both sides).
  checkConv({1, 1, 1, 1, {2, 2}, {5, 5}, {1, 1}, {1, 1}, {2, 2}, {2, 2}}, true);
}

TEST(Conv, OneAndThreeSpatialDims) {
  checkConv({2, 2, 4, 2, {10}, {3}, {2}, {2}, {3}, {1}}, true);
  checkConv({1, 2, 2, 1, {4, 5, 6}, {2, 3, 2}, {2, 1, 2}, {1, 2, 1}, {1, 0, 1}, {0, 2, 1}}, true);
}

TEST(Conv, FusedActivations) {
  ConvCase cc{1, 2, 2, 1, {4, 4}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}};
  const Vec x = intData(32, 7), w = intData(36, 8), b = intData(2, 9);
  const Vec plain = naiveConv(cc, x, w, b.data());
  xn_conv_params p = makeConvParams(cc);
  const int32_t kinds[] = {XN_ACT_RELU, XN_ACT_LEAKY_RELU, XN_ACT_CLIP, XN_ACT_SIGMOID,
                           XN_ACT_TANH};
  for (int32_t kind : kinds) {
    p.act_kind = kind;
    p.act_alpha = kind == XN_ACT_CLIP ? -2.0f : 0.25f;
    p.act_beta = 3.0f;
    Vec y(plain.size());
    xn_conv(&p, x.data(), w.data(), b.data(), y.data());
    for (size_t i = 0; i < y.size(); ++i) {
      const float v = plain[i];
      float e = v;
      if (kind == XN_ACT_RELU)
        e = v > 0 ? v : 0;
      else if (kind == XN_ACT_LEAKY_RELU)
        e = v >= 0 ? v : 0.25f * v;
      else if (kind == XN_ACT_CLIP)
        e = std::fmin(std::fmax(v, -2.0f), 3.0f);
      else if (kind == XN_ACT_SIGMOID)
        e = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(v))));
      else if (kind == XN_ACT_TANH)
        e = static_cast<float>(std::tanh(static_cast<double>(v)));
      EXPECT_NEAR(y[i], e, 1e-6f) << "kind " << kind << " at " << i;
    }
  }
}

// ---------------------------------------------------------------------------------- Pool

xn_pool_params pool1d(int64_t in, int64_t out, int64_t k, int64_t s, int64_t pb, int64_t pe,
                      int32_t cip) {
  xn_pool_params p{};
  p.spatial_rank = 1;
  p.n = 1;
  p.c = 1;
  p.in_dims[0] = in;
  p.out_dims[0] = out;
  p.kernel[0] = k;
  p.strides[0] = s;
  p.dilations[0] = 1;
  p.pads_begin[0] = pb;
  p.pads_end[0] = pe;
  p.count_include_pad = cip;
  return p;
}

TEST(Pool, MaxPoolCeilModeNoPads) {
  // x 5x5 = 1..25, kernel 2, stride 2, ceil_mode -> out = ceil((5-2)/2)+1 = 3.
  // Windows cover rows/cols {0,1},{2,3},{4}; the max sits at the window's last row/col:
  // row 1: 7, 9, 10; row 3: 17, 19, 20; row 4: 22, 24, 25.
  Vec x(25);
  for (int i = 0; i < 25; ++i)
    x[static_cast<size_t>(i)] = static_cast<float>(i + 1);
  xn_pool_params p{};
  p.spatial_rank = 2;
  p.n = 1;
  p.c = 1;
  for (int i = 0; i < 2; ++i) {
    p.in_dims[i] = 5;
    p.out_dims[i] = 3;
    p.kernel[i] = 2;
    p.strides[i] = 2;
    p.dilations[i] = 1;
  }
  Vec y(9);
  xn_maxpool(&p, x.data(), y.data());
  expectNear(y, {7, 9, 10, 17, 19, 20, 22, 24, 25});
}

TEST(Pool, MaxPoolPadsNeverWin) {
  // x = [-1,-2,-3], kernel 2, stride 2, pads 1/1. floor mode: out 2; ceil mode: out 3.
  // Windows start at -1 {pad,-1} -> -1; 1 {-2,-3} -> -2; 3 {pad, beyond} -> no taps ->
  // -inf (documented empty-window value). A zero pad would have won the first window.
  const Vec x = {-1, -2, -3};
  xn_pool_params p = pool1d(3, 3, 2, 2, 1, 1, 0);
  Vec y(3);
  xn_maxpool(&p, x.data(), y.data());
  EXPECT_FLOAT_EQ(y[0], -1.0f);
  EXPECT_FLOAT_EQ(y[1], -2.0f);
  EXPECT_TRUE(std::isinf(y[2]) && y[2] < 0);
}

TEST(Pool, MaxPoolDilation) {
  // x = [5,1,2,9,3,0,4], kernel 2, dilation 3, stride 1: taps (i, i+3):
  // max(5,9)=9, max(1,3)=3, max(2,0)=2, max(9,4)=9.
  const Vec x = {5, 1, 2, 9, 3, 0, 4};
  xn_pool_params p = pool1d(7, 4, 2, 1, 0, 0, 0);
  p.dilations[0] = 3;
  Vec y(4);
  xn_maxpool(&p, x.data(), y.data());
  expectNear(y, {9, 3, 2, 9});
}

TEST(Pool, AvgPoolCountIncludePadBothWays) {
  // x = [1,2,3,4], kernel 3, stride 2, pads 1/1, ceil_mode -> out = ceil(3/2)+1 = 3.
  // start -1: {pad,1,2}, sum 3: include -> 3/3 = 1, exclude -> 3/2 = 1.5
  // start  1: {2,3,4},   sum 9: 3 both ways
  // start  3: {4,pad,beyond}, sum 4: include counts positions in [-1,5) -> 2 -> 2;
  //           exclude -> 4/1 = 4.
  const Vec x = {1, 2, 3, 4};
  Vec y(3);
  xn_pool_params p = pool1d(4, 3, 3, 2, 1, 1, 1);
  xn_avgpool(&p, x.data(), y.data());
  expectNear(y, {1, 3, 2});
  p.count_include_pad = 0;
  xn_avgpool(&p, x.data(), y.data());
  expectNear(y, {1.5f, 3, 4});
}

TEST(Pool, AvgPool2DAgainstNaive) {
  // 2-D, asymmetric pads, checked against a per-window enumeration of the padded extent.
  const int64_t H = 5, W = 6, KH = 3, KW = 2, SH = 2, SW = 2, PT = 1, PL = 0, PB = 2, PR = 1;
  const int64_t OH = (H + PT + PB - KH + SH - 1) / SH + 1; // ceil mode
  const int64_t OW = (W + PL + PR - KW + SW - 1) / SW + 1;
  const Vec x = intData(static_cast<size_t>(2 * H * W), 5);
  for (int32_t cip = 0; cip < 2; ++cip) {
    xn_pool_params p{};
    p.spatial_rank = 2;
    p.n = 1;
    p.c = 2;
    p.in_dims[0] = H;
    p.in_dims[1] = W;
    p.out_dims[0] = OH;
    p.out_dims[1] = OW;
    p.kernel[0] = KH;
    p.kernel[1] = KW;
    p.strides[0] = SH;
    p.strides[1] = SW;
    p.dilations[0] = p.dilations[1] = 1;
    p.pads_begin[0] = PT;
    p.pads_begin[1] = PL;
    p.pads_end[0] = PB;
    p.pads_end[1] = PR;
    p.count_include_pad = cip;
    Vec y(static_cast<size_t>(2 * OH * OW));
    xn_avgpool(&p, x.data(), y.data());
    Vec want;
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          float sum = 0;
          int cnt = 0;
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              const int64_t ih = oh * SH - PT + kh, iw = ow * SW - PL + kw;
              const bool in_input = ih >= 0 && ih < H && iw >= 0 && iw < W;
              const bool in_padded = ih >= -PT && ih < H + PB && iw >= -PL && iw < W + PR;
              if (in_input)
                sum += x[static_cast<size_t>((c * H + ih) * W + iw)];
              if (cip ? in_padded : in_input)
                ++cnt;
            }
          // The last ceil-mode column starts at W (in the end padding); with
          // count_include_pad=0 it has no taps, which the kernel defines as 0.
          want.push_back(cnt ? sum / static_cast<float>(cnt) : 0.0f);
        }
    expectNear(y, want, 1e-6f);
  }
}

TEST(Pool, Global) {
  // Two channels of 2x2: [1,2,3,4] -> mean 2.5, max 4; [-1,-5,0,-2] -> mean -2, max 0.
  const Vec x = {1, 2, 3, 4, -1, -5, 0, -2};
  xn_global_pool_params p{1, 2, 4};
  Vec y(2);
  xn_global_avgpool(&p, x.data(), y.data());
  expectNear(y, {2.5f, -2.0f});
  xn_global_maxpool(&p, x.data(), y.data());
  expectNear(y, {4.0f, 0.0f});
  // Split by planes: one plane per part, then three parts (one empty).
  for (int parts : {2, 3}) {
    Vec z(2, NAN), w(2, NAN);
    for (int part = 0; part < parts; ++part) {
      xn_global_avgpool(&p, x.data(), z.data(), part, parts);
      xn_global_maxpool(&p, x.data(), w.data(), part, parts);
    }
    expectNear(z, {2.5f, -2.0f});
    expectNear(w, {4.0f, 0.0f});
  }
}

// ---------------------------------------------------------------------------------- Gemm

TEST(Gemm, HandWorked) {
  // A = [[1,2],[3,4]], B = [[5,6],[7,8]]: AB = [[19,22],[43,50]].
  // alpha 2, beta 0.5, C = bias [10, 20] broadcast over rows:
  // [[38+5, 44+10], [86+5, 100+10]] = [[43,54],[91,110]].
  const Vec a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = {10, 20};
  xn_gemm_params p{2, 2, 2, 0, 0, 2.0f, 0.5f, 0, 1};
  Vec y(4);
  xn_gemm(&p, a.data(), b.data(), c.data(), y.data());
  expectNear(y, {43, 54, 91, 110});
  // Same with A and B stored transposed gives the same product.
  const Vec at = {1, 3, 2, 4}, bt = {5, 7, 6, 8};
  p.trans_a = 1;
  p.trans_b = 1;
  xn_gemm(&p, at.data(), bt.data(), c.data(), y.data());
  expectNear(y, {43, 54, 91, 110});
  // No C, alpha 1.
  xn_gemm_params q{2, 2, 2, 0, 0, 1.0f, 1.0f, 0, 0};
  xn_gemm(&q, a.data(), b.data(), nullptr, y.data());
  expectNear(y, {19, 22, 43, 50});
}

TEST(Gemm, TransposesAndBroadcastCAgainstNaive) {
  const int64_t M = 3, N = 5, K = 4;
  const Vec a = intData(M * K, 11), b = intData(K * N, 12), cfull = intData(M * N, 13);
  struct CMode {
    int64_t sm, sn;
  };
  const CMode modes[] = {{N, 1}, {0, 1}, {1, 0}, {0, 0}};
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (const CMode &cm : modes) {
        xn_gemm_params p{M, N, K, ta, tb, 1.5f, -0.5f, cm.sm, cm.sn};
        Vec y(static_cast<size_t>(M * N));
        xn_gemm(&p, a.data(), b.data(), cfull.data(), y.data());
        for (int64_t m = 0; m < M; ++m)
          for (int64_t n = 0; n < N; ++n) {
            float acc = 0;
            for (int64_t k = 0; k < K; ++k) {
              const float av =
                  ta ? a[static_cast<size_t>(k * M + m)] : a[static_cast<size_t>(m * K + k)];
              const float bv =
                  tb ? b[static_cast<size_t>(n * K + k)] : b[static_cast<size_t>(k * N + n)];
              acc += av * bv;
            }
            const float cv = cfull[static_cast<size_t>(m * cm.sm + n * cm.sn)];
            EXPECT_FLOAT_EQ(y[static_cast<size_t>(m * N + n)], 1.5f * acc - 0.5f * cv)
                << ta << tb << " " << cm.sm << "," << cm.sn;
          }
      }
}

TEST(MatMul, BroadcastBatch) {
  // A: [2,1,3,4], B: [1,3,4,2] -> Y: [2,3,3,2]. A broadcasts over batch dim 1, B over 0.
  const int64_t M = 3, K = 4, N = 2;
  const Vec a = intData(2 * 1 * M * K, 21), b = intData(1 * 3 * K * N, 22);
  xn_matmul_params p{};
  p.batch_rank = 2;
  p.batch_dims[0] = 2;
  p.batch_dims[1] = 3;
  p.a_batch_strides[0] = M * K;
  p.a_batch_strides[1] = 0;
  p.b_batch_strides[0] = 0;
  p.b_batch_strides[1] = K * N;
  p.M = M;
  p.K = K;
  p.N = N;
  Vec y(static_cast<size_t>(2 * 3 * M * N));
  xn_matmul(&p, a.data(), b.data(), y.data());
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t m = 0; m < M; ++m)
        for (int64_t n = 0; n < N; ++n) {
          float acc = 0;
          for (int64_t k = 0; k < K; ++k)
            acc += a[static_cast<size_t>(((i * 1 + 0) * M + m) * K + k)] *
                   b[static_cast<size_t>(((0 * 3 + j) * K + k) * N + n)];
          EXPECT_FLOAT_EQ(y[static_cast<size_t>(((i * 3 + j) * M + m) * N + n)], acc);
        }
}

TEST(MatMul, NoBatchHandWorked) {
  // [1,2,3] x [[1],[0],[2]] = [7] (a 1-D x 2-D case after promotion to [1,3] x [3,1]).
  const Vec a = {1, 2, 3}, b = {1, 0, 2};
  xn_matmul_params p{};
  p.M = 1;
  p.K = 3;
  p.N = 1;
  float y = 0;
  xn_matmul(&p, a.data(), b.data(), &y);
  EXPECT_FLOAT_EQ(y, 7.0f);
}

// --------------------------------------------------------------------------- Elementwise

TEST(Unary, AllOps) {
  const float nan = NAN;
  const Vec x = {-2.0f, -0.0f, 0.0f, 0.5f, 3.0f, nan};
  auto run = [&](int32_t op, float alpha, float beta) {
    xn_unary_params p{op, alpha, beta, static_cast<int64_t>(x.size()),
                      static_cast<int64_t>(x.size())};
    Vec y(x.size());
    xn_unary(&p, x.data(), y.data());
    return y;
  };
  Vec y = run(XN_UNARY_RELU, 0, 0);
  expectNear(Vec(y.begin(), y.end() - 1), {0, 0, 0, 0.5f, 3});
  EXPECT_TRUE(std::isnan(y[5]));
  y = run(XN_UNARY_LEAKY_RELU, 0.1f, 0);
  EXPECT_FLOAT_EQ(y[0], -0.2f);
  EXPECT_FLOAT_EQ(y[4], 3.0f);
  y = run(XN_UNARY_SIGN, 0, 0);
  expectNear(Vec(y.begin(), y.end() - 1), {-1, 0, 0, 1, 1});
  EXPECT_TRUE(std::isnan(y[5]));
  y = run(XN_UNARY_ABS, 0, 0);
  expectNear(Vec(y.begin(), y.end() - 1), {2, 0, 0, 0.5f, 3});
  y = run(XN_UNARY_NEG, 0, 0);
  expectNear(Vec(y.begin(), y.end() - 1), {2, 0, -0.0f, -0.5f, -3});
  y = run(XN_UNARY_CLIP, -1.0f, 1.0f);
  expectNear(Vec(y.begin(), y.end() - 1), {-1, 0, 0, 0.5f, 1});
  EXPECT_TRUE(std::isnan(y[5]));
  // ONNX: min > max makes every output equal max.
  y = run(XN_UNARY_CLIP, 2.0f, 1.0f);
  expectNear(Vec(y.begin(), y.end() - 1), {1, 1, 1, 1, 1});
  y = run(XN_UNARY_IDENTITY, 0, 0);
  expectNear(Vec(y.begin(), y.end() - 1), Vec(x.begin(), x.end() - 1));
  y = run(XN_UNARY_TANH, 0, 0);
  EXPECT_NEAR(y[3], std::tanh(0.5f), 1e-7f);
  y = run(XN_UNARY_SIGMOID, 0, 0);
  EXPECT_NEAR(y[3], 1.0f / (1.0f + std::exp(-0.5f)), 1e-7f);
  EXPECT_FLOAT_EQ(y[2], 0.5f);
}

TEST(Unary, SplitIntoParts) {
  // 37 elements of |x| - 2 (hand-worked: relu of -4..4 is 0,0,0,0,0,1,2,3,4) as one plane:
  // parts of 16-element chunks, the last part shorter or empty; and an NCHW map of 3 planes
  // of 1,200 floats, where each part takes the same element range of every plane
  // (xn_part_map). Together the parts write every element once.
  for (int64_t plane : {37, 1200}) {
    const int64_t n = plane == 37 ? 37 : 3 * plane;
    const Vec x = intData(static_cast<size_t>(n), 5);
    Vec want;
    for (float v : x)
      want.push_back(v < 0 ? 0.0f : v);
    xn_unary_params p{XN_UNARY_RELU, 0, 0, n, plane};
    for (int parts : {1, 2, 3, 4, 7}) {
      SCOPED_TRACE(testing::Message() << plane << " floats per plane, " << parts << " parts");
      Vec y(static_cast<size_t>(n), NAN);
      for (int part = 0; part < parts; ++part)
        xn_unary(&p, x.data(), y.data(), part, parts);
      expectNear(y, want);
    }
  }
}

TEST(Unary, ReluKeepsNegativeZeroAndNaN) {
  // v < 0 ? 0 : v, as numpy's maximum(v, 0) is not: -0 stays -0, NaN stays NaN, -3 -> +0.
  const Vec x = {-0.0f, NAN, -3.0f, 2.5f};
  xn_unary_params p{XN_UNARY_RELU, 0, 0, 4, 4};
  Vec y(4);
  xn_unary(&p, x.data(), y.data());
  EXPECT_TRUE(std::signbit(y[0]));
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_TRUE(std::isnan(y[1]));
  EXPECT_FALSE(std::signbit(y[2]));
  EXPECT_EQ(y[2], 0.0f);
  EXPECT_EQ(y[3], 2.5f);
}

TEST(Unary, SigmoidStableForLargeMagnitude) {
  const Vec x = {-1000.0f, -100.0f, -88.0f, 88.0f, 100.0f, 1000.0f};
  xn_unary_params p{XN_UNARY_SIGMOID, 0, 0, 6, 6};
  Vec y(6);
  xn_unary(&p, x.data(), y.data());
  for (float v : y)
    EXPECT_FALSE(std::isnan(v));
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_GT(y[2], 0.0f); // e^-88 is representable (as a float denormal-free value)
  EXPECT_LT(y[2], 1e-37f);
  EXPECT_EQ(y[5], 1.0f);
  EXPECT_EQ(y[4], 1.0f);
}

// Naive broadcasting by numpy rules on right-aligned shapes.
Vec naiveBroadcast(int32_t op, const Vec &a, std::vector<int64_t> ad, const Vec &b,
                   std::vector<int64_t> bd, const std::vector<int64_t> &od) {
  while (ad.size() < od.size())
    ad.insert(ad.begin(), 1);
  while (bd.size() < od.size())
    bd.insert(bd.begin(), 1);
  Vec y(static_cast<size_t>(product(od)));
  for (int64_t f = 0; f < product(od); ++f) {
    const std::vector<int64_t> c = unflatten(f, od);
    std::vector<int64_t> ca(c), cb(c);
    for (size_t i = 0; i < c.size(); ++i) {
      if (ad[i] == 1)
        ca[i] = 0;
      if (bd[i] == 1)
        cb[i] = 0;
    }
    const float av = a[static_cast<size_t>(flatten(ca, ad))];
    const float bv = b[static_cast<size_t>(flatten(cb, bd))];
    float r = 0;
    switch (op) {
    case XN_BINARY_ADD:
      r = av + bv;
      break;
    case XN_BINARY_SUB:
      r = av - bv;
      break;
    case XN_BINARY_MUL:
      r = av * bv;
      break;
    case XN_BINARY_DIV:
      r = av / bv;
      break;
    case XN_BINARY_PRELU:
      r = av >= 0 ? av : av * bv;
      break;
    case XN_BINARY_MAX:
      r = std::fmax(av, bv);
      break;
    case XN_BINARY_MIN:
      r = std::fmin(av, bv);
      break;
    }
    y[static_cast<size_t>(f)] = r;
  }
  return y;
}

// Builds params the way the emitter is expected to: right-align, stride 0 on size-1 dims.
xn_binary_params binaryParams(int32_t op, std::vector<int64_t> ad, std::vector<int64_t> bd,
                              const std::vector<int64_t> &od) {
  while (ad.size() < od.size())
    ad.insert(ad.begin(), 1);
  while (bd.size() < od.size())
    bd.insert(bd.begin(), 1);
  xn_binary_params p{};
  p.op = op;
  p.rank = static_cast<int32_t>(od.size());
  int64_t sa = 1, sb = 1;
  for (size_t i = od.size(); i-- > 0;) {
    p.dims[i] = od[i];
    p.a_strides[i] = ad[i] == 1 ? 0 : sa;
    p.b_strides[i] = bd[i] == 1 ? 0 : sb;
    sa *= ad[i];
    sb *= bd[i];
  }
  return p;
}

void checkBinary(int32_t op, const std::vector<int64_t> &ad, const std::vector<int64_t> &bd,
                 const std::vector<int64_t> &od) {
  const Vec a = intData(static_cast<size_t>(product(ad)), 31);
  Vec b = intData(static_cast<size_t>(product(bd)), 32);
  if (op == XN_BINARY_DIV)
    for (float &v : b)
      v = v == 0 ? 2.0f : v; // keep the comparison about broadcasting, not inf/NaN
  const xn_binary_params p = binaryParams(op, ad, bd, od);
  const Vec want = naiveBroadcast(op, a, ad, b, bd, od);
  // Whole, and split into parts (--threads) that cut rows in the middle: every part
  // writes its own elements, together all of them.
  for (int parts : {1, 2, 3, 7}) {
    SCOPED_TRACE(parts);
    Vec y(static_cast<size_t>(product(od)), NAN);
    for (int part = 0; part < parts; ++part)
      xn_binary(&p, a.data(), b.data(), y.data(), part, parts);
    expectNear(y, want);
  }
}

TEST(Binary, BroadcastShapesAllOps) {
  for (int32_t op = XN_BINARY_ADD; op <= XN_BINARY_MIN; ++op) {
    SCOPED_TRACE(op);
    checkBinary(op, {2, 3, 4, 5}, {2, 3, 4, 5}, {2, 3, 4, 5});     // same shape
    checkBinary(op, {2, 3, 4, 5}, {}, {2, 3, 4, 5});               // scalar b
    checkBinary(op, {1}, {2, 3, 4, 5}, {2, 3, 4, 5});              // scalar a
    checkBinary(op, {2, 3, 4, 5}, {3, 1, 1}, {2, 3, 4, 5});        // per-channel (rank-3 b)
    checkBinary(op, {2, 3, 4, 5}, {1, 3, 1, 1}, {2, 3, 4, 5});     // per-channel (rank-4 b)
    checkBinary(op, {2, 1, 4, 1}, {1, 3, 1, 5}, {2, 3, 4, 3 + 2}); // both broadcast
    checkBinary(op, {3, 1}, {5}, {3, 5});                          // outer product
    checkBinary(op, {}, {}, {});                                   // rank 0
    checkBinary(op, {2, 3, 1, 4, 1, 2}, {3, 2, 4, 3, 1}, {2, 3, 2, 4, 3, 2}); // rank 6
    // Planes of 1,200 floats (4,800 bytes): parts split every plane's elements, not planes.
    checkBinary(op, {2, 3, 40, 30}, {1, 3, 1, 1}, {2, 3, 40, 30});
    checkBinary(op, {2, 3, 40, 30}, {2, 3, 40, 30}, {2, 3, 40, 30});
  }
}

TEST(Binary, HandWorkedPerChannelAndNaN) {
  // x [1,2,2,1] = [[-1,2],[-3,4]] per channel, slope [1,2,1,1] = [0.5, 0.25]:
  // prelu -> [-0.5, 2, -0.75, 4].
  const Vec x = {-1, 2, -3, 4}, slope = {0.5f, 0.25f};
  const xn_binary_params p =
      binaryParams(XN_BINARY_PRELU, {1, 2, 2, 1}, {1, 2, 1, 1}, {1, 2, 2, 1});
  Vec y(4);
  xn_binary(&p, x.data(), slope.data(), y.data());
  expectNear(y, {-0.5f, 2, -0.75f, 4});
  // max/min propagate NaN from either side.
  const Vec a = {NAN, 1, 2}, b = {1, NAN, 3};
  const xn_binary_params pm = binaryParams(XN_BINARY_MAX, {3}, {3}, {3});
  Vec z(3);
  xn_binary(&pm, a.data(), b.data(), z.data());
  EXPECT_TRUE(std::isnan(z[0]));
  EXPECT_TRUE(std::isnan(z[1]));
  EXPECT_FLOAT_EQ(z[2], 3);
  const xn_binary_params pn = binaryParams(XN_BINARY_MIN, {3}, {3}, {3});
  xn_binary(&pn, a.data(), b.data(), z.data());
  EXPECT_TRUE(std::isnan(z[0]));
  EXPECT_TRUE(std::isnan(z[1]));
  EXPECT_FLOAT_EQ(z[2], 2);
}

// ------------------------------------------------------------------------------ BatchNorm

TEST(BatchNorm, PerChannelAffine) {
  // [2,2,2]: channel 0 scale 2 shift 1, channel 1 scale -1 shift 0.5.
  const Vec x = {1, 2, 3, 4, 5, 6, 7, 8}, scale = {2, -1}, shift = {1, 0.5f};
  xn_batchnorm_params p{2, 2, 2};
  Vec y(8);
  xn_batchnorm(&p, x.data(), scale.data(), shift.data(), y.data());
  expectNear(y, {3, 5, -2.5f, -3.5f, 11, 13, -6.5f, -7.5f});
}

TEST(BatchNorm, SplitIntoParts) {
  // Small planes (2 images x 3 channels of 20 floats: whole planes per part) and large ones
  // (2 x 3 of 1,200: every plane's elements split): parts together write x * scale + shift
  // once for every element.
  for (int64_t sp : {20, 1200}) {
    const Vec x = intData(static_cast<size_t>(6 * sp), 9), scale = {2, -1, 0.5f},
              shift = {1, 0.5f, -3};
    xn_batchnorm_params p{2, 3, sp};
    Vec want(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      const size_t c = (i / static_cast<size_t>(sp)) % 3;
      want[i] = x[i] * scale[c] + shift[c];
    }
    for (int parts : {1, 2, 3, 7}) {
      SCOPED_TRACE(testing::Message() << sp << " floats per plane, " << parts << " parts");
      Vec y(x.size(), NAN);
      for (int part = 0; part < parts; ++part)
        xn_batchnorm(&p, x.data(), scale.data(), shift.data(), y.data(), part, parts);
      expectNear(y, want);
    }
  }
}

// -------------------------------------------------------------------------------- Softmax

TEST(Softmax, LastAxisAndStable) {
  // softmax([1,2,3]) = e^(i-3) / (e^-2 + e^-1 + 1); the +1000 row must give the same.
  const Vec x = {1, 2, 3, 1001, 1002, 1003};
  xn_softmax_params p{2, 3, 1};
  Vec y(6);
  xn_softmax(&p, x.data(), y.data());
  const double den = std::exp(-2.0) + std::exp(-1.0) + 1.0;
  const Vec want = {static_cast<float>(std::exp(-2.0) / den),
                    static_cast<float>(std::exp(-1.0) / den), static_cast<float>(1.0 / den)};
  for (int r = 0; r < 2; ++r)
    for (int i = 0; i < 3; ++i)
      EXPECT_NEAR(y[static_cast<size_t>(r * 3 + i)], want[static_cast<size_t>(i)], 1e-6f);
}

TEST(Softmax, MiddleAxisInPlace) {
  // [2,3,4] along axis 1: each (outer, inner) column sums to 1 and matches a double
  // reference. Run in place.
  Vec x = intData(24, 41);
  const Vec orig = x;
  xn_softmax_params p{2, 3, 4};
  xn_softmax(&p, x.data(), x.data());
  for (int o = 0; o < 2; ++o)
    for (int i = 0; i < 4; ++i) {
      double den = 0;
      for (int l = 0; l < 3; ++l)
        den += std::exp(static_cast<double>(orig[static_cast<size_t>((o * 3 + l) * 4 + i)]));
      for (int l = 0; l < 3; ++l) {
        const size_t at = static_cast<size_t>((o * 3 + l) * 4 + i);
        EXPECT_NEAR(x[at], std::exp(static_cast<double>(orig[at])) / den, 1e-6);
      }
    }
}

// --------------------------------------------------------------------------------- Reduce

Vec naiveReduceMean(const Vec &x, const std::vector<int64_t> &dims, const std::vector<int> &mask) {
  std::vector<int64_t> od;
  for (size_t i = 0; i < dims.size(); ++i)
    if (!mask[i])
      od.push_back(dims[i]);
  std::vector<double> sum(static_cast<size_t>(product(od)), 0.0);
  std::vector<int> cnt(sum.size(), 0);
  for (int64_t f = 0; f < product(dims); ++f) {
    const std::vector<int64_t> c = unflatten(f, dims);
    std::vector<int64_t> oc;
    for (size_t i = 0; i < dims.size(); ++i)
      if (!mask[i])
        oc.push_back(c[i]);
    const size_t o = static_cast<size_t>(flatten(oc, od));
    sum[o] += x[static_cast<size_t>(f)];
    ++cnt[o];
  }
  Vec y;
  for (size_t i = 0; i < sum.size(); ++i)
    y.push_back(static_cast<float>(sum[i] / cnt[i]));
  return y;
}

TEST(Reduce, MeanOverAxisSets) {
  const std::vector<int64_t> dims = {2, 3, 4, 5};
  const Vec x = intData(120, 51);
  const std::vector<std::vector<int>> masks = {{0, 1, 0, 0}, {1, 0, 1, 0}, {0, 0, 1, 1},
                                               {1, 1, 1, 1}, {0, 0, 0, 0}, {1, 0, 0, 1}};
  for (const auto &mask : masks) {
    xn_reduce_params p{};
    p.rank = 4;
    for (int i = 0; i < 4; ++i) {
      p.dims[i] = dims[static_cast<size_t>(i)];
      p.reduce[i] = mask[static_cast<size_t>(i)];
    }
    const Vec want = naiveReduceMean(x, dims, mask);
    Vec y(want.size());
    xn_reduce(&p, x.data(), y.data());
    expectNear(y, want, 1e-6f);
  }
}

TEST(Reduce, HandWorked) {
  // [[1,2,3],[4,5,6]]: mean over axis 1 -> [2,5]; over axis 0 -> [2.5,3.5,4.5].
  const Vec x = {1, 2, 3, 4, 5, 6};
  xn_reduce_params p{};
  p.rank = 2;
  p.dims[0] = 2;
  p.dims[1] = 3;
  p.reduce[1] = 1;
  Vec y(2);
  xn_reduce(&p, x.data(), y.data());
  expectNear(y, {2, 5});
  p.reduce[0] = 1;
  p.reduce[1] = 0;
  Vec z(3);
  xn_reduce(&p, x.data(), z.data());
  expectNear(z, {2.5f, 3.5f, 4.5f});
}

// ------------------------------------------------------------------------------ Transpose

TEST(Transpose, HandWorked2D) {
  // [[1,2,3],[4,5,6]]^T = [[1,4],[2,5],[3,6]].
  const Vec x = {1, 2, 3, 4, 5, 6};
  xn_transpose_params p{};
  p.rank = 2;
  p.in_dims[0] = 2;
  p.in_dims[1] = 3;
  p.perm[0] = 1;
  p.perm[1] = 0;
  Vec y(6);
  xn_transpose(&p, x.data(), y.data());
  expectNear(y, {1, 4, 2, 5, 3, 6});
}

TEST(Transpose, PermutationsAgainstNaive) {
  const std::vector<int64_t> dims = {2, 3, 1, 4, 5};
  const Vec x = intData(120, 61);
  const std::vector<std::vector<int32_t>> perms = {
      {0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {0, 3, 4, 1, 2}, {1, 0, 2, 3, 4}, {0, 2, 1, 4, 3}};
  for (const auto &perm : perms) {
    xn_transpose_params p{};
    p.rank = 5;
    std::vector<int64_t> od(5);
    for (int i = 0; i < 5; ++i) {
      p.in_dims[i] = dims[static_cast<size_t>(i)];
      p.perm[i] = perm[static_cast<size_t>(i)];
      od[static_cast<size_t>(i)] = dims[static_cast<size_t>(perm[static_cast<size_t>(i)])];
    }
    Vec y(120);
    xn_transpose(&p, x.data(), y.data());
    for (int64_t f = 0; f < 120; ++f) {
      const std::vector<int64_t> oc = unflatten(f, od);
      std::vector<int64_t> ic(5);
      for (size_t i = 0; i < 5; ++i)
        ic[static_cast<size_t>(perm[i])] = oc[i];
      EXPECT_FLOAT_EQ(y[static_cast<size_t>(f)], x[static_cast<size_t>(flatten(ic, dims))]);
    }
  }
}

// --------------------------------------------------------------------------------- Concat

TEST(Concat, Axis1) {
  // [[1,2],[3,4]] ++ [[5,6,7],[8,9,10]] along axis 1 -> [[1,2,5,6,7],[3,4,8,9,10]].
  const Vec a = {1, 2, 3, 4}, b = {5, 6, 7, 8, 9, 10};
  const float *ins[] = {a.data(), b.data()};
  xn_concat_params p{};
  p.num_inputs = 2;
  p.outer = 2;
  p.chunk[0] = 2;
  p.chunk[1] = 3;
  Vec y(10);
  xn_concat(&p, ins, y.data());
  expectNear(y, {1, 2, 5, 6, 7, 3, 4, 8, 9, 10});
}

TEST(Concat, ChannelAxisOfNCHW) {
  // [1,1,2,2] ++ [1,2,2,2] ++ [1,0,2,2] on axis 1: chunks 4, 8, 0 -> plain append.
  const Vec a = intData(4, 71), b = intData(8, 72);
  const float *ins[] = {a.data(), b.data(), nullptr};
  xn_concat_params p{};
  p.num_inputs = 3;
  p.outer = 1;
  p.chunk[0] = 4;
  p.chunk[1] = 8;
  p.chunk[2] = 0;
  Vec y(12);
  xn_concat(&p, ins, y.data());
  Vec want(a);
  want.insert(want.end(), b.begin(), b.end());
  expectNear(y, want);
}

// ------------------------------------------------------------------------------------ Pad

TEST(Pad, NegativeAndPositive) {
  // x = [[1,2,3],[4,5,6]]; pads begin (1,-1), end (0,2), value 9:
  // out dims (3, 4): row 0 is padding; rows 1..2 drop col 0, keep cols 1..2, add two 9s.
  // [[9,9,9,9],[2,3,9,9],[5,6,9,9]].
  const Vec x = {1, 2, 3, 4, 5, 6};
  xn_pad_params p{};
  p.rank = 2;
  p.in_dims[0] = 2;
  p.in_dims[1] = 3;
  p.pads_begin[0] = 1;
  p.pads_begin[1] = -1;
  p.pads_end[0] = 0;
  p.pads_end[1] = 2;
  p.value = 9;
  Vec y(12);
  xn_pad(&p, x.data(), y.data());
  expectNear(y, {9, 9, 9, 9, 2, 3, 9, 9, 5, 6, 9, 9});
  // Crop only: begin (-1, 0), end (0, -2) -> [[4]].
  p.pads_begin[0] = -1;
  p.pads_begin[1] = 0;
  p.pads_end[0] = 0;
  p.pads_end[1] = -2;
  Vec z(1);
  xn_pad(&p, x.data(), z.data());
  expectNear(z, {4});
}

TEST(Pad, Rank4AgainstNaive) {
  const std::vector<int64_t> dims = {2, 3, 4, 5};
  const std::vector<int64_t> pb = {0, -1, 2, -2}, pe = {1, 1, -1, 3};
  const Vec x = intData(120, 81);
  xn_pad_params p{};
  p.rank = 4;
  std::vector<int64_t> od(4);
  for (size_t i = 0; i < 4; ++i) {
    p.in_dims[i] = dims[i];
    p.pads_begin[i] = pb[i];
    p.pads_end[i] = pe[i];
    od[i] = dims[i] + pb[i] + pe[i];
  }
  p.value = -7.5f;
  // Whole, and split into parts (--threads) of output rows.
  for (int parts : {1, 2, 5}) {
    Vec y(static_cast<size_t>(product(od)), NAN);
    for (int part = 0; part < parts; ++part)
      xn_pad(&p, x.data(), y.data(), part, parts);
    for (int64_t f = 0; f < product(od); ++f) {
      const std::vector<int64_t> oc = unflatten(f, od);
      std::vector<int64_t> ic(4);
      bool inside = true;
      for (size_t i = 0; i < 4; ++i) {
        ic[i] = oc[i] - pb[i];
        inside = inside && ic[i] >= 0 && ic[i] < dims[i];
      }
      const float want = inside ? x[static_cast<size_t>(flatten(ic, dims))] : -7.5f;
      EXPECT_FLOAT_EQ(y[static_cast<size_t>(f)], want) << f << " in " << parts << " parts";
    }
  }
}

// ----------------------------------------------------------------------------------- Copy

TEST(Copy, CopiesAndToleratesSelf) {
  Vec x = {1, 2, 3};
  Vec y(3);
  xn_copy_params p{3 * 4}; // bytes
  xn_copy(&p, x.data(), y.data());
  expectNear(y, x);
  xn_copy(&p, x.data(), x.data());
  expectNear(x, {1, 2, 3});
}

// The emitter prints parameter structs as constant aggregate initializers; make sure
// that shape of code compiles and runs.
TEST(Emitted, ConstantAggregateInitializer) {
  static const xn_conv_params conv_3 = {2,         1,         1,           1,         1,
                                        {3, 3, 0}, {2, 2, 0}, {2, 2, 0},   {1, 1, 0}, {1, 1, 0},
                                        {0, 0, 0}, {0, 0, 0}, XN_ACT_RELU, 0.0f,      0.0f};
  // y[i][j] = relu(x[i][j] + 2 x[i][j+1] - x[i+1][j+1]): inputs and sums of both signs, so
  // the fused ReLU must keep the positive sums and clamp only the negative one.
  const Vec x = {2, -1, 3, 0, -5, 4, 1, 6, -2};
  const Vec w = {1, 2, 0, -1};
  Vec y(4, -7.0f);
  xn_conv(&conv_3, x.data(), w.data(), nullptr, y.data());
  // By hand: 2 - 2 + 5 = 5; -1 + 6 - 4 = 1; 0 - 10 - 6 = -16 -> 0; -5 + 8 + 2 = 5.
  expectNear(y, {5, 1, 0, 5});
}

} // namespace
