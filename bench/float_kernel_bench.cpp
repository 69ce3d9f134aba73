// Float kernel benchmark: GFLOP/s of the generic, AVX2 and AVX-512 float conv and Gemm
// kernels on the float layers of the benchmark networks (ResNet-18 / Bi-Real-18 stem,
// Bi-Real-18's 1x1 downsamples, XNOR-Net AlexNet's conv1, a 3x3 64->64 conv, classifiers),
// and of the binary-weight (BWN) conv and dense kernels (float input, +-1 weights) on
// BWN-network shapes, as a percentage of this core's FMA ceiling, re-measured in the same
// run. Times are the thread's CPU time (best of several runs). Float convs run both x86
// kernels: xn_<isa>_conv (target "avx2" / "avx512": pixels across lanes) and
// xn_<isa>_conv_oc ("avx2-oc" / "avx512-oc": output channels across lanes); the compiler
// picks one per layer (targets/x86/X86Targets.cpp, useOcConv).
//
//   xnorc-float-kernel-bench [--quick] [--json PATH]
//
// FLOPs = 2 x MACs (a BWN layer's additions count as MACs); a conv's MACs are out_h * out_w
// * c_out * c_in * kh * kw (padding taps included, as usual). The FMA ceiling of an ISA is
// the rate of a loop of independent FMAs. Paths this CPU lacks are reported as skipped.
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/x86/avx2_float.h"
#include "xnorc/runtime/x86/avx2_oc_conv.h"
#include "xnorc/runtime/x86/avx512_float.h"
#include "xnorc/runtime/x86/avx512_oc_conv.h"

#include "bench_args.h"
#include "bench_timing.h"

#include <immintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

using namespace bench;

namespace {

// ---- FMA ceilings (MAC/s): independent accumulators, an opaque operand ----

__attribute__((target("avx512f,fma"))) double ceilingAvx512(long rounds) {
  constexpr int K = 12;
  __m512 acc[K];
  for (int i = 0; i < K; ++i)
    acc[i] = _mm512_set1_ps(0.001f * (float)i);
  __m512 x = _mm512_set1_ps(0.999f), w = _mm512_set1_ps(1e-6f);
  const double t0 = cpuNow();
  for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 12
    for (int i = 0; i < K; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], x, w);
    __asm__ volatile("" : "+v"(x));
  }
  const double s = since(t0);
  alignas(64) float lanes[16];
  float sum = 0;
  for (int i = 0; i < K; ++i) {
    _mm512_store_ps(lanes, acc[i]);
    sum += lanes[0];
  }
  if (sum == 42.0f)
    puts("");
  return rounds * (double)K * 16 / s;
}

__attribute__((target("avx2,fma"))) double ceilingAvx2(long rounds) {
  constexpr int K = 12;
  __m256 acc[K];
  for (int i = 0; i < K; ++i)
    acc[i] = _mm256_set1_ps(0.001f * (float)i);
  __m256 x = _mm256_set1_ps(0.999f), w = _mm256_set1_ps(1e-6f);
  const double t0 = cpuNow();
  for (long r = 0; r < rounds; ++r) {
#pragma GCC unroll 12
    for (int i = 0; i < K; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], x, w);
    __asm__ volatile("" : "+v"(x));
  }
  const double s = since(t0);
  alignas(32) float lanes[8];
  float sum = 0;
  for (int i = 0; i < K; ++i) {
    _mm256_store_ps(lanes, acc[i]);
    sum += lanes[0];
  }
  if (sum == 42.0f)
    puts("");
  return rounds * (double)K * 8 / s;
}

template <typename F> double best(F f, long rounds, int reps) {
  double b = 0;
  for (int i = 0; i < reps; ++i)
    b = std::max(b, f(rounds));
  return b;
}

bool cpuAvx512() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma"); }
bool cpuAvx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

std::vector<uint64_t> randomBits(size_t n) {
  std::vector<uint64_t> v(n);
  for (uint64_t &w : v) {
    rndf();
    w = rngState();
  }
  return v;
}

struct ConvLayer {
  const char *name;
  int64_t c_in, c_out, hw, k, stride, pad;
};

struct GemmLayer {
  const char *name;
  int64_t k, n;
};

struct Row {
  std::string layer, target;
  double macs, secs, rate, ceiling;
};

} // namespace

int main(int argc, char **argv) {
  BenchArgs args;
  if (!parseBenchArgs(argc, argv, "bench/results/float_kernels.json", args))
    return 2;
  const bool quick = args.Quick;
  const std::string json = args.Json;
  __builtin_cpu_init();
  const bool has512 = cpuAvx512(), has2 = cpuAvx2();
  const double min_time = quick ? 0.05 : 0.3;
  const int reps = quick ? 2 : 5;
  const double ceil512 = has512 ? best(ceilingAvx512, 20000000, reps) : 0;
  const double ceil2 = has2 ? best(ceilingAvx2, 20000000, reps) : 0;
  printf("FMA ceiling (one core): avx512 %.1f GFLOP/s, avx2 %.1f GFLOP/s\n\n", 2e-9 * ceil512,
         2e-9 * ceil2);
  printf("%-26s %-10s %10s %10s %8s %10s\n", "layer", "target", "ms", "GFLOP/s", "%peak",
         "%avx512pk");

  std::vector<Row> rows;
  auto report = [&](const std::string &layer, const char *target, double macs, double secs,
                    double ceiling) {
    const double rate = macs / secs;
    rows.push_back({layer, target, macs, secs, rate, ceiling});
    printf("%-26s %-10s %10.3f %10.1f %8.1f %10.1f\n", layer.c_str(), target, secs * 1e3,
           2e-9 * rate, ceiling > 0 ? 100 * rate / ceiling : 0.0,
           ceil512 > 0 ? 100 * rate / ceil512 : 0.0);
  };

  // The benchmark networks' float convs, then two stride-1 layers with few weights per
  // output channel (27, 16), where the pixels-across-lanes kernel wins, and strided convs with
  // fewer output channels than the oc tile holds (QuickNet's stem: 3>16 3x3/2; see useOcConv).
  const ConvLayer convs[] = {
      {"stem 3>64 7x7/2 224", 3, 64, 224, 7, 2, 3}, {"alex 3>96 11x11/4 224", 3, 96, 224, 11, 4, 2},
      {"3x3 64>64 56", 64, 64, 56, 3, 1, 1},        {"3x3/2 64>128 56", 64, 128, 56, 3, 2, 1},
      {"1x1 64>128 28", 64, 128, 28, 1, 1, 0},      {"1x1 128>256 14", 128, 256, 14, 1, 1, 0},
      {"1x1 256>512 7", 256, 512, 7, 1, 1, 0},      {"3x3 3>32 224", 3, 32, 224, 3, 1, 1},
      {"1x1 16>64 56", 16, 64, 56, 1, 1, 0},        {"3x3/2 3>16 224", 3, 16, 224, 3, 2, 1},
      {"3x3/2 3>32 224", 3, 32, 224, 3, 2, 1},      {"3x3/2 16>32 112", 16, 32, 112, 3, 2, 1},
      {"7x7/2 3>32 224", 3, 32, 224, 7, 2, 3},      {"7x7/2 3>16 224", 3, 16, 224, 7, 2, 3},
      {"3x3/2 16>16 112", 16, 16, 112, 3, 2, 1},    {"3x3/2 3>8 224", 3, 8, 224, 3, 2, 1},
  };
  for (const ConvLayer &L : convs) {
    const xn_conv_params p = squareConv2d(L.c_in, L.c_out, L.hw, L.k, L.stride, L.pad);
    const int64_t oh = p.out_dims[0];
    const double macs = (double)(oh * oh * L.c_out * L.c_in * L.k * L.k);
    std::vector<float> x = randomVec((size_t)(L.c_in * L.hw * L.hw));
    std::vector<float> w = randomVec((size_t)(L.c_out * L.c_in * L.k * L.k));
    std::vector<float> b = randomVec((size_t)L.c_out);
    std::vector<float> y((size_t)(L.c_out * oh * oh));
    report(L.name, "generic", macs,
           timeIt([&] { xn_conv(&p, x.data(), w.data(), b.data(), y.data()); },
                  quick ? 0.02 : min_time, quick ? 1 : reps),
           0);
    if (has2) {
      Aligned<float> wp(xn_avx2_conv_packed_floats(&p));
      xn_avx2_conv_pack(&p, w.data(), wp.data());
      report(L.name, "avx2", macs,
             timeIt([&] { xn_avx2_conv(&p, x.data(), wp.data(), b.data(), y.data()); }, min_time,
                    reps),
             ceil2);
      Aligned<float> wo(xn_avx2_conv_oc_packed_floats(&p));
      xn_avx2_conv_oc_pack(&p, w.data(), wo.data());
      report(L.name, "avx2-oc", macs,
             timeIt([&] { xn_avx2_conv_oc(&p, x.data(), wo.data(), b.data(), y.data()); }, min_time,
                    reps),
             ceil2);
    } else {
      printf("%-26s %-10s skipped: this CPU lacks AVX2/FMA\n", L.name, "avx2");
    }
    if (has512) {
      Aligned<float> wp(xn_avx512_conv_packed_floats(&p));
      xn_avx512_conv_pack(&p, w.data(), wp.data());
      report(L.name, "avx512", macs,
             timeIt([&] { xn_avx512_conv(&p, x.data(), wp.data(), b.data(), y.data()); }, min_time,
                    reps),
             ceil512);
      Aligned<float> wo(xn_avx512_conv_oc_packed_floats(&p));
      xn_avx512_conv_oc_pack(&p, w.data(), wo.data());
      report(L.name, "avx512-oc", macs,
             timeIt([&] { xn_avx512_conv_oc(&p, x.data(), wo.data(), b.data(), y.data()); },
                    min_time, reps),
             ceil512);
    } else {
      printf("%-26s %-10s skipped: this CPU lacks AVX-512 F\n", L.name, "avx512");
    }
  }

  // Binary-weight (BWN) layers: XNOR-Net's BWN AlexNet conv1 and a ResNet-18 3x3 block,
  // scale and bias per channel, Relu.
  const ConvLayer bwconvs[] = {
      {"bwn alex 3>96 11x11/4", 3, 96, 224, 11, 4, 2},
      {"bwn stem 3>64 7x7/2", 3, 64, 224, 7, 2, 3},
      {"bwn 3x3 64>64 56", 64, 64, 56, 3, 1, 1},
      {"bwn 3x3 256>256 14", 256, 256, 14, 3, 1, 1},
  };
  for (const ConvLayer &L : bwconvs) {
    const int64_t oh = (L.hw + 2 * L.pad - L.k) / L.stride + 1;
    const xn_bwconv_params p = {1,     L.c_in, L.c_out, 1,        L.hw,        L.hw, oh,
                                oh,    L.k,    L.k,     L.stride, L.stride,    1,    1,
                                L.pad, L.pad,  L.pad,   L.pad,    XN_ACT_RELU, 0.0f, 0.0f};
    const double macs = (double)(oh * oh * L.c_out * L.c_in * L.k * L.k);
    std::vector<float> x = randomVec((size_t)(L.c_in * L.hw * L.hw));
    std::vector<uint64_t> w = randomBits((size_t)(L.c_out * L.k * L.k * xn_bit_words(L.c_in)));
    std::vector<float> sc = randomVec((size_t)L.c_out), b = randomVec((size_t)L.c_out);
    std::vector<float> y((size_t)(L.c_out * oh * oh));
    report(
        L.name, "generic", macs,
        timeIt([&] { xn_bwconv(&p, x.data(), w.data(), sc.data(), b.data(), nullptr, y.data()); },
               quick ? 0.02 : min_time, quick ? 1 : reps),
        0);
    if (has2) {
      Aligned<uint64_t> wp(xn_avx2_bwconv_packed_words(&p));
      xn_avx2_bwconv_pack(&p, w.data(), wp.data());
      report(L.name, "avx2", macs,
             timeIt(
                 [&] {
                   xn_avx2_bwconv(&p, x.data(), wp.data(), sc.data(), b.data(), nullptr, y.data());
                 },
                 min_time, reps),
             ceil2);
    }
    if (has512) {
      Aligned<uint64_t> wp(xn_avx512_bwconv_packed_words(&p));
      xn_avx512_bwconv_pack(&p, w.data(), wp.data());
      report(L.name, "avx512", macs,
             timeIt(
                 [&] {
                   xn_avx512_bwconv(&p, x.data(), wp.data(), sc.data(), b.data(), nullptr,
                                    y.data());
                 },
                 min_time, reps),
             ceil512);
    }
  }

  const GemmLayer gemms[] = {
      {"fc 1x512 . 512x1000", 512, 1000},
      {"fc 1x4096 . 4096x1000", 4096, 1000},
      {"fc 1x9216 . 9216x4096", 9216, 4096},
  };
  for (const GemmLayer &L : gemms) {
    xn_gemm_params p{1, L.n, L.k, 0, 1, 1.0f, 1.0f, 0, 1}; // PyTorch Linear: B^T, bias [N]
    const double macs = (double)(L.k * L.n);
    std::vector<float> a = randomVec((size_t)L.k), b = randomVec((size_t)(L.k * L.n));
    std::vector<float> c = randomVec((size_t)L.n), y((size_t)L.n);
    report(L.name, "generic", macs,
           timeIt([&] { xn_gemm(&p, a.data(), b.data(), c.data(), y.data()); },
                  quick ? 0.02 : min_time, quick ? 1 : reps),
           0);
    if (has2) {
      Aligned<float> bp(xn_avx2_gemm_packed_floats(&p));
      xn_avx2_gemm_pack(&p, b.data(), bp.data());
      report(L.name, "avx2", macs,
             timeIt([&] { xn_avx2_gemm(&p, a.data(), bp.data(), c.data(), y.data()); }, min_time,
                    reps),
             ceil2);
    }
    if (has512) {
      Aligned<float> bp(xn_avx512_gemm_packed_floats(&p));
      xn_avx512_gemm_pack(&p, b.data(), bp.data());
      report(L.name, "avx512", macs,
             timeIt([&] { xn_avx512_gemm(&p, a.data(), bp.data(), c.data(), y.data()); }, min_time,
                    reps),
             ceil512);
    }
  }

  // BWN dense layers (M = 1): AlexNet's classifier shapes with +-1 weights.
  const GemmLayer bwdenses[] = {
      {"bwn fc 1x4096 . 4096x1000", 4096, 1000},
      {"bwn fc 1x9216 . 9216x4096", 9216, 4096},
  };
  for (const GemmLayer &L : bwdenses) {
    const xn_bwdense_params p = {1, L.k, L.n, XN_ACT_NONE, 0.0f, 0.0f};
    const double macs = (double)(L.k * L.n);
    std::vector<float> x = randomVec((size_t)L.k), y((size_t)L.n);
    std::vector<uint64_t> w = randomBits((size_t)(L.n * xn_bit_words(L.k)));
    std::vector<float> sc = randomVec((size_t)L.n), b = randomVec((size_t)L.n);
    report(
        L.name, "generic", macs,
        timeIt([&] { xn_bwdense(&p, x.data(), w.data(), sc.data(), b.data(), nullptr, y.data()); },
               quick ? 0.02 : min_time, quick ? 1 : reps),
        0);
    if (has2) {
      Aligned<uint64_t> wp(xn_avx2_bwdense_packed_words(&p));
      xn_avx2_bwdense_pack(&p, w.data(), wp.data());
      report(L.name, "avx2", macs,
             timeIt(
                 [&] {
                   xn_avx2_bwdense(&p, x.data(), wp.data(), sc.data(), b.data(), nullptr, y.data());
                 },
                 min_time, reps),
             ceil2);
    }
    if (has512) {
      Aligned<uint64_t> wp(xn_avx512_bwdense_packed_words(&p));
      xn_avx512_bwdense_pack(&p, w.data(), wp.data());
      report(L.name, "avx512", macs,
             timeIt(
                 [&] {
                   xn_avx512_bwdense(&p, x.data(), wp.data(), sc.data(), b.data(), nullptr,
                                     y.data());
                 },
                 min_time, reps),
             ceil512);
    }
  }
  printf("\n%%peak: of the FMA ceiling of the target's own vector width (generic: none); "
         "Gemm with M = 1 streams its weights once per call (memory-bound when they exceed "
         "the caches)\n");

  if (!json.empty()) {
    FILE *f = fopen(json.c_str(), "w");
    if (!f) {
      fprintf(stderr, "cannot write %s\n", json.c_str());
      return 1;
    }
    fprintf(f,
            "{\n  \"ceiling_flops_per_s\": {\"avx512\": %.6g, \"avx2\": %.6g},\n  \"layers\": [\n",
            2 * ceil512, 2 * ceil2);
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      fprintf(f,
              "    {\"layer\": \"%s\", \"target\": \"%s\", \"macs\": %.0f, \"seconds\": %.6g, "
              "\"gflops\": %.4g, \"percent_of_peak\": %.2f, \"percent_of_avx512_peak\": %.2f}%s\n",
              r.layer.c_str(), r.target.c_str(), r.macs, r.secs, 2e-9 * r.rate,
              r.ceiling > 0 ? 100 * r.rate / r.ceiling : 0.0,
              ceil512 > 0 ? 100 * r.rate / ceil512 : 0.0, i + 1 < rows.size() ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    fclose(f);
    printf("wrote %s\n", json.c_str());
  }
  return 0;
}
