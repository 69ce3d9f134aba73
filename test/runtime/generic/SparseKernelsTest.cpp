// Unit tests for the sparse float conv and Gemm (runtime/include/xnorc/runtime/generic/
// sparse.h, x86/sparse.h) and their packing (common/sparse_pack.h): against the dense generic
// kernels xn_conv / xn_gemm -- the reference interpreter's -- on the same weights with 0, 50,
// 90 and 100 % of them zero, bit for bit (the sparse kernels sum the non-zero products in the
// dense kernels' order). Convs over 1-D, 2-D and 3-D windows, strides, dilations, asymmetric
// padding, batch 2, bias / no bias and fused activations; Gemm with and without trans_a /
// trans_b, alpha, beta and a broadcast C. The AVX2 / AVX-512 convs are skipped on CPUs without
// the instructions.
#include "TestRng.h"
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/generic/sparse.h"
#include "xnorc/runtime/x86/sparse.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using xnorc_test::Rng;

// Random values with about pct % of them exactly zero (both signs of zero).
std::vector<float> sparseVec(size_t n, int pct, Rng &r) {
  std::vector<float> v(n);
  for (float &x : v) {
    x = r.f();
    if (static_cast<int>(r.next() % 100) < pct)
      x = (r.next() & 1) ? 0.0f : -0.0f;
  }
  return v;
}

std::vector<uint64_t> pack(int64_t rows, int64_t cols, int64_t rs, int64_t cs,
                           const std::vector<float> &w) {
  const int64_t nnz = xn_sparse_count(rows, cols, rs, cs, w.data());
  std::vector<uint64_t> out(static_cast<size_t>(xn_sparse_packed_words(rows, nnz)));
  xn_sparse_pack(rows, cols, rs, cs, w.data(), out.data());
  return out;
}

void expectBitEqual(const std::vector<float> &want, const std::vector<float> &got,
                    const std::string &what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i)
    ASSERT_EQ(0, memcmp(&want[i], &got[i], sizeof(float)))
        << what << " at " << i << ": " << want[i] << " vs " << got[i];
}

TEST(SparsePack, RoundTripsTheNonZeroWeightsInRowOrder) {
  // 2 rows of 3: [0, 2, 0], [-1, 0, 3] stored by column (row stride 1, column stride 2).
  const std::vector<float> w = {0, -1, 2, 0, 0, 3};
  const std::vector<uint64_t> p = pack(2, 3, 1, 2, w);
  EXPECT_EQ(static_cast<int64_t>(p.size()), xn_sparse_packed_words(2, 3));
  const xn_sparse_view v = xn_sparse_view_of(2, p.data());
  EXPECT_EQ(0, xn_sparse_row_start(v, 0));
  EXPECT_EQ(1, xn_sparse_row_start(v, 1));
  EXPECT_EQ(3, xn_sparse_row_start(v, 2));
  EXPECT_EQ(1, xn_sparse_col(v, 0));
  EXPECT_EQ(2.0f, xn_sparse_value(v, 0));
  EXPECT_EQ(0, xn_sparse_col(v, 1));
  EXPECT_EQ(-1.0f, xn_sparse_value(v, 1));
  EXPECT_EQ(2, xn_sparse_col(v, 2));
  EXPECT_EQ(3.0f, xn_sparse_value(v, 2));
}

TEST(SparsePack, ShrinksWithSparsity) {
  // 6 bytes per kept weight + 4 per row against 4 per weight dense.
  EXPECT_EQ(xn_sparse_packed_words(64, 0), (4 * 65 + 7) / 8);
  EXPECT_LT(8 * xn_sparse_packed_words(32, 32 * 144 / 2), 4 * 32 * 144 * 4 / 5);
}

struct ConvCase {
  int rank;
  int64_t n, c_in, c_out, in[3], k[3], s[3], d[3], pb[3], pe[3];
  bool bias;
  int32_t act;
};

int64_t outDim(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pb, int64_t pe) {
  return (in + pb + pe - (d * (k - 1) + 1)) / s + 1;
}

TEST(SparseConv, EqualsDenseConvBitForBit) {
  const ConvCase cases[] = {
      {2, 1, 16, 32, {14, 14}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, false, XN_ACT_RELU},
      {2, 2, 3, 17, {11, 9}, {3, 5}, {2, 1}, {1, 2}, {1, 0}, {2, 2}, true, XN_ACT_NONE},
      {2, 1, 5, 8, {12, 13}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true, XN_ACT_LEAKY_RELU},
      {2, 1, 4, 9, {20, 19}, {7, 7}, {3, 2}, {1, 1}, {3, 2}, {3, 1}, true, XN_ACT_CLIP},
      // The x86 register tiles: rows shared among tiles (28 = 4 x 7, 9 = 5 + 4, 11 with a row
      // stride), rows of several vectors with a masked last one, taps whose column mask or
      // input row leaves the image, dilation, asymmetric padding, 1x1 windows.
      {2, 1, 24, 10, {28, 28}, {3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, true, XN_ACT_NONE},
      {2, 2, 7, 5, {21, 37}, {3, 3}, {2, 1}, {1, 2}, {2, 0}, {1, 3}, true, XN_ACT_RELU},
      {2, 1, 6, 4, {9, 20}, {5, 5}, {1, 1}, {1, 1}, {2, 2}, {2, 2}, false, XN_ACT_NONE},
      {2, 1, 64, 12, {7, 7}, {1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, true, XN_ACT_NONE},
      {2, 1, 3, 6, {5, 4}, {3, 3}, {1, 1}, {1, 1}, {4, 4}, {3, 5}, true, XN_ACT_NONE},
      {1, 1, 6, 7, {31}, {5}, {2}, {2}, {2}, {1}, true, XN_ACT_SIGMOID},
      {3,
       1,
       3,
       4,
       {5, 6, 7},
       {3, 2, 3},
       {1, 2, 1},
       {1, 1, 1},
       {1, 0, 1},
       {1, 1, 1},
       true,
       XN_ACT_RELU},
  };
  Rng r(14);
  for (const ConvCase &C : cases)
    for (int pct : {0, 50, 90, 100}) {
      xn_conv_params p{};
      p.spatial_rank = C.rank;
      p.n = C.n;
      p.c_in = C.c_in;
      p.c_out = C.c_out;
      p.group = 1;
      int64_t in_plane = 1, out_plane = 1, taps = 1;
      for (int j = 0; j < C.rank; ++j) {
        p.in_dims[j] = C.in[j];
        p.kernel[j] = C.k[j];
        p.strides[j] = C.s[j];
        p.dilations[j] = C.d[j];
        p.pads_begin[j] = C.pb[j];
        p.pads_end[j] = C.pe[j];
        p.out_dims[j] = outDim(C.in[j], C.k[j], C.s[j], C.d[j], C.pb[j], C.pe[j]);
        in_plane *= C.in[j];
        out_plane *= p.out_dims[j];
        taps *= C.k[j];
      }
      p.act_kind = C.act;
      p.act_alpha = C.act == XN_ACT_CLIP ? -0.5f : 0.1f;
      p.act_beta = 0.5f;
      const std::vector<float> x = sparseVec(static_cast<size_t>(C.n * C.c_in * in_plane), 0, r);
      const std::vector<float> w = sparseVec(static_cast<size_t>(C.c_out * C.c_in * taps), pct, r);
      const std::vector<float> b = sparseVec(static_cast<size_t>(C.c_out), 0, r);
      const float *bias = C.bias ? b.data() : nullptr;
      const size_t ny = static_cast<size_t>(C.n * C.c_out * out_plane);
      std::vector<float> want(ny), got(ny);
      xn_conv(&p, x.data(), w.data(), bias, want.data());
      const std::vector<uint64_t> ws = pack(C.c_out, C.c_in * taps, C.c_in * taps, 1, w);
      const std::string what = "conv rank " + std::to_string(C.rank) + " c_in " +
                               std::to_string(C.c_in) + ", " + std::to_string(pct) + " % zero";
      // Whole, then split into 2, 3 and 7 parts (--threads): each the dense kernel bit for bit.
      auto check = [&](auto conv, const std::string &isa) {
        for (int parts : {1, 2, 3, 7}) {
          std::fill(got.begin(), got.end(), 7.0f);
          for (int part = 0; part < parts; ++part)
            conv(&p, x.data(), ws.data(), bias, got.data(), part, parts);
          expectBitEqual(want, got, isa + " " + what + ", " + std::to_string(parts) + " parts");
        }
      };
      check(xn_sparse_conv, "generic");
      __builtin_cpu_init();
      if (__builtin_cpu_supports("avx2"))
        check(xn_avx2_sparse_conv, "avx2");
      if (__builtin_cpu_supports("avx512f"))
        check(xn_avx512_sparse_conv, "avx512");
    }
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("avx512f"))
    GTEST_SKIP() << "this CPU lacks AVX2 or AVX-512 F: those sparse convs were not run";
}

TEST(SparseGemm, EqualsDenseGemmBitForBit) {
  struct GemmCase {
    int64_t M, N, K;
    int32_t ta, tb;
    float alpha, beta;
    int64_t csm, csn; // C strides; csm = csn = -1: no C
  };
  const GemmCase cases[] = {
      {1, 10, 1568, 0, 1, 1.0f, 1.0f, 0, 1}, {3, 7, 33, 0, 0, 1.0f, 1.0f, 7, 1},
      {4, 5, 9, 1, 1, 0.5f, 2.0f, 0, 1},     {2, 6, 17, 1, 0, 1.0f, 0.0f, -1, -1},
      {5, 3, 8, 0, 1, 1.5f, 1.0f, 1, 0},
  };
  Rng r(1414);
  for (const GemmCase &C : cases)
    for (int pct : {0, 50, 90, 100}) {
      const xn_gemm_params p{C.M, C.N, C.K, C.ta, C.tb, C.alpha, C.beta, C.csm, C.csn};
      const std::vector<float> a = sparseVec(static_cast<size_t>(C.M * C.K), 0, r);
      const std::vector<float> b = sparseVec(static_cast<size_t>(C.K * C.N), pct, r);
      const std::vector<float> c = sparseVec(static_cast<size_t>(C.M * C.N), 0, r);
      const float *cp = C.csm < 0 ? nullptr : c.data();
      std::vector<float> want(static_cast<size_t>(C.M * C.N)), got(want.size(), 7.0f);
      xn_gemm(&p, a.data(), b.data(), cp, want.data());
      const std::vector<uint64_t> bs = C.tb ? pack(C.N, C.K, C.K, 1, b) : pack(C.N, C.K, 1, C.N, b);
      for (int parts : {1, 2, 3, 7}) { // whole, and split as --threads splits it
        std::fill(got.begin(), got.end(), 7.0f);
        for (int part = 0; part < parts; ++part)
          xn_sparse_gemm(&p, a.data(), bs.data(), cp, got.data(), part, parts);
        expectBitEqual(want, got,
                       "gemm " + std::to_string(C.M) + "x" + std::to_string(C.N) + "x" +
                           std::to_string(C.K) + " ta " + std::to_string(C.ta) + " tb " +
                           std::to_string(C.tb) + ", " + std::to_string(pct) + " % zero, " +
                           std::to_string(parts) + " parts");
      }
    }
}

} // namespace
