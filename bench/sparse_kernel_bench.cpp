// Sparse kernel benchmark: the sparse float conv and Gemm (generic/sparse.h, x86/sparse.h)
// against the dense kernel each CPU target runs otherwise, at 0..95 % zero weights, and the
// break-even share of zero weights per target and kernel that the compiler's table
// (compiler/Analysis/SparseBreakEven.cpp) records.
//
//   xnorc-sparse-kernel-bench [--quick] [--json PATH]
//
// Shapes: the layers the shipped pruned Fashion-MNIST models prune (conv2 3x3 16>32 on
// 14x14, conv3 3x3 32>32 on 7x7, the classifier 1568>10) and a larger 3x3 64>64 conv on 28x28
// and 512>512 classifier. Zero weights are drawn uniformly (unstructured magnitude pruning
// leaves no pattern a kernel could use). Dense: generic xn_conv / xn_gemm; AVX2 the
// output-channels-across-lanes conv (what the avx2 target runs) and the packed Gemm; AVX-512
// the faster of its two convs and the packed Gemm. Times are the thread's CPU time, best of
// several runs; the break-even of a shape is the smallest share from which the sparse kernel
// is faster at every larger share measured, and a kernel's is the largest over its shapes.
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/generic/sparse.h"
#include "xnorc/runtime/x86/avx2_float.h"
#include "xnorc/runtime/x86/avx2_oc_conv.h"
#include "xnorc/runtime/x86/avx512_float.h"
#include "xnorc/runtime/x86/avx512_oc_conv.h"
#include "xnorc/runtime/x86/sparse.h"

#include "bench_args.h"
#include "bench_timing.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace bench;

namespace {

const int Levels[] = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95};
constexpr int NumLevels = sizeof(Levels) / sizeof(Levels[0]);

// w with exactly pct % of its entries set to zero, at positions drawn from the xorshift stream.
std::vector<float> prune(std::vector<float> w, int pct) {
  std::vector<size_t> idx(w.size());
  for (size_t i = 0; i < idx.size(); ++i)
    idx[i] = i;
  for (size_t i = idx.size(); i > 1; --i) { // Fisher-Yates
    rndf();
    std::swap(idx[i - 1], idx[rngState() % i]);
  }
  for (size_t i = 0; i < w.size() * (size_t)pct / 100; ++i)
    w[idx[i]] = 0.0f;
  return w;
}

std::vector<uint64_t> packSparse(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride,
                                 const std::vector<float> &w) {
  const int64_t nnz = xn_sparse_count(rows, cols, row_stride, col_stride, w.data());
  std::vector<uint64_t> out((size_t)xn_sparse_packed_words(rows, nnz));
  xn_sparse_pack(rows, cols, row_stride, col_stride, w.data(), out.data());
  return out;
}

struct Result {
  std::string shape, target, kernel;
  double dense[NumLevels], sparse[NumLevels];
  int breakEven; // index into Levels, NumLevels: never
};

int breakEvenOf(const Result &r) {
  int b = NumLevels;
  for (int i = NumLevels - 1; i >= 0 && r.sparse[i] < r.dense[i]; --i)
    b = i;
  return b;
}

struct ConvShape {
  const char *name;
  int64_t c_in, c_out, hw;
};
struct GemmShape {
  const char *name;
  int64_t k, n;
};

} // namespace

int main(int argc, char **argv) {
  BenchArgs args;
  if (!parseBenchArgs(argc, argv, "bench/results/sparse_kernels.json", args))
    return 2;
  __builtin_cpu_init();
  const bool has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  const bool has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const double min_time = args.Quick ? 0.01 : 0.1;
  const int reps = args.Quick ? 1 : 3;
  std::vector<Result> results;

  auto run = [&](const std::string &shape, const char *target, const char *kernel,
                 const std::function<double(int)> &dense,
                 const std::function<double(int)> &sparse) {
    Result r{shape, target, kernel, {}, {}, 0};
    printf("%-20s %-8s %-5s", shape.c_str(), target, kernel);
    for (int i = 0; i < NumLevels; ++i) {
      r.dense[i] = dense(Levels[i]);
      r.sparse[i] = sparse(Levels[i]);
      printf(" %5.2f", r.dense[i] / r.sparse[i]);
    }
    r.breakEven = breakEvenOf(r);
    if (r.breakEven < NumLevels)
      printf("   %d %%\n", Levels[r.breakEven]);
    else
      printf("   never\n");
    results.push_back(r);
  };

  printf("dense time / sparse time (> 1: sparse faster) at zero-weight shares of");
  for (int l : Levels)
    printf(" %d", l);
  printf(" %%; then the break-even\n");

  const ConvShape convs[] = {{"fashion conv2 16>32 14", 16, 32, 14},
                             {"fashion conv3 32>32 7", 32, 32, 7},
                             {"3x3 64>64 28", 64, 64, 28}};
  for (const ConvShape &L : convs) {
    const xn_conv_params p = squareConv2d(L.c_in, L.c_out, L.hw, 3, 1, 1);
    const int64_t cols = L.c_in * 9;
    const std::vector<float> x = randomVec((size_t)(L.c_in * L.hw * L.hw));
    const std::vector<float> w0 = randomVec((size_t)(L.c_out * cols));
    const std::vector<float> b = randomVec((size_t)L.c_out);
    std::vector<float> y((size_t)(L.c_out * L.hw * L.hw));
    auto sparseTime = [&](void (*f)(const xn_conv_params *, const float *, const uint64_t *,
                                    const float *, float *, int, int)) {
      return [&, f](int pct) {
        const std::vector<uint64_t> ws = packSparse(L.c_out, cols, cols, 1, prune(w0, pct));
        return timeIt([&] { f(&p, x.data(), ws.data(), b.data(), y.data(), 0, 1); }, min_time,
                      reps);
      };
    };
    run(
        L.name, "generic", "conv",
        [&](int pct) {
          const std::vector<float> w = prune(w0, pct);
          return timeIt([&] { xn_conv(&p, x.data(), w.data(), b.data(), y.data()); }, min_time,
                        reps);
        },
        sparseTime(xn_sparse_conv));
    if (has2)
      run(
          L.name, "avx2", "conv",
          [&](int pct) {
            const std::vector<float> w = prune(w0, pct);
            Aligned<float> wo(xn_avx2_conv_oc_packed_floats(&p));
            xn_avx2_conv_oc_pack(&p, w.data(), wo.data());
            return timeIt([&] { xn_avx2_conv_oc(&p, x.data(), wo.data(), b.data(), y.data()); },
                          min_time, reps);
          },
          sparseTime(xn_avx2_sparse_conv));
    if (has512)
      run(
          L.name, "avx512", "conv",
          [&](int pct) {
            const std::vector<float> w = prune(w0, pct);
            Aligned<float> wo(xn_avx512_conv_oc_packed_floats(&p));
            xn_avx512_conv_oc_pack(&p, w.data(), wo.data());
            Aligned<float> wp(xn_avx512_conv_packed_floats(&p));
            xn_avx512_conv_pack(&p, w.data(), wp.data());
            return std::min(
                timeIt([&] { xn_avx512_conv_oc(&p, x.data(), wo.data(), b.data(), y.data()); },
                       min_time, reps),
                timeIt([&] { xn_avx512_conv(&p, x.data(), wp.data(), b.data(), y.data()); },
                       min_time, reps));
          },
          sparseTime(xn_avx512_sparse_conv));
  }

  const GemmShape gemms[] = {{"fashion fc 1568>10", 1568, 10}, {"fc 512>512", 512, 512}};
  for (const GemmShape &L : gemms) {
    const xn_gemm_params p{1, L.n, L.k, 0, 1, 1.0f, 1.0f, 0, 1}; // PyTorch Linear: B^T, bias [N]
    const std::vector<float> a = randomVec((size_t)L.k), b0 = randomVec((size_t)(L.k * L.n));
    const std::vector<float> c = randomVec((size_t)L.n);
    std::vector<float> y((size_t)L.n);
    auto sparse = [&](int pct) {
      const std::vector<uint64_t> bs = packSparse(L.n, L.k, L.k, 1, prune(b0, pct));
      return timeIt([&] { xn_sparse_gemm(&p, a.data(), bs.data(), c.data(), y.data()); }, min_time,
                    reps);
    };
    run(
        L.name, "generic", "gemm",
        [&](int pct) {
          const std::vector<float> b = prune(b0, pct);
          return timeIt([&] { xn_gemm(&p, a.data(), b.data(), c.data(), y.data()); }, min_time,
                        reps);
        },
        sparse);
    if (has2)
      run(
          L.name, "avx2", "gemm",
          [&](int pct) {
            const std::vector<float> b = prune(b0, pct);
            Aligned<float> bp(xn_avx2_gemm_packed_floats(&p));
            xn_avx2_gemm_pack(&p, b.data(), bp.data());
            return timeIt([&] { xn_avx2_gemm(&p, a.data(), bp.data(), c.data(), y.data()); },
                          min_time, reps);
          },
          sparse);
    if (has512)
      run(
          L.name, "avx512", "gemm",
          [&](int pct) {
            const std::vector<float> b = prune(b0, pct);
            Aligned<float> bp(xn_avx512_gemm_packed_floats(&p));
            xn_avx512_gemm_pack(&p, b.data(), bp.data());
            return timeIt([&] { xn_avx512_gemm(&p, a.data(), bp.data(), c.data(), y.data()); },
                          min_time, reps);
          },
          sparse);
  }

  printf("\nbreak-even per target and kernel (the largest over its shapes):\n");
  for (const char *t : {"generic", "avx2", "avx512"})
    for (const char *k : {"conv", "gemm"}) {
      int worst = -1;
      for (const Result &r : results)
        if (r.target == t && r.kernel == k)
          worst = std::max(worst, r.breakEven);
      if (worst < 0)
        continue;
      if (worst < NumLevels)
        printf("  %-8s %-5s %d %%\n", t, k, Levels[worst]);
      else
        printf("  %-8s %-5s never (up to %d %%)\n", t, k, Levels[NumLevels - 1]);
    }

  if (!args.Json.empty()) {
    FILE *f = fopen(args.Json.c_str(), "w");
    if (!f) {
      fprintf(stderr, "cannot write %s\n", args.Json.c_str());
      return 1;
    }
    fprintf(f, "{\n  \"zero_percent\": [");
    for (int i = 0; i < NumLevels; ++i)
      fprintf(f, "%s%d", i ? ", " : "", Levels[i]);
    fprintf(f, "],\n  \"layers\": [\n");
    for (size_t j = 0; j < results.size(); ++j) {
      const Result &r = results[j];
      fprintf(f, "    {\"layer\": \"%s\", \"target\": \"%s\", \"kernel\": \"%s\", ",
              r.shape.c_str(), r.target.c_str(), r.kernel.c_str());
      fprintf(f, "\"dense_seconds\": [");
      for (int i = 0; i < NumLevels; ++i)
        fprintf(f, "%s%.4g", i ? ", " : "", r.dense[i]);
      fprintf(f, "], \"sparse_seconds\": [");
      for (int i = 0; i < NumLevels; ++i)
        fprintf(f, "%s%.4g", i ? ", " : "", r.sparse[i]);
      fprintf(f, "], \"break_even_percent\": %d}%s\n",
              r.breakEven < NumLevels ? Levels[r.breakEven] : -1,
              j + 1 < results.size() ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    fclose(f);
    printf("wrote %s\n", args.Json.c_str());
  }
  return 0;
}
