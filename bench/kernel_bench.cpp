// Kernel benchmark: binary MAC/s of the generic, AVX2 and AVX-512 binary conv kernels on
// ResNet-18's binary 3x3 layers (stride 1, zero padding 1), as a percentage of this core's
// xor+popcount ceiling, re-measured in the same run.
//
//   xnorc-kernel-bench [--quick] [--json PATH]
//
// One binary MAC is one input bit of one output channel at one output pixel:
// out_h * out_w * c_out * c_in * kh * kw per layer. The ceiling of an ISA is the rate of a
// loop that does nothing but its kernels' (xor, popcount, accumulate) on independent
// registers: the best a kernel using that popcount can do. Paths this CPU lacks are reported
// as skipped.
//
// Ternary weights (output "ternary"): the same layers' thresholded conv with weights in
// {-1, 0, +1} (a third of them zero; the kernels' time does not depend on the share, every
// mask word is read) through generic/tconv.h and x86/<isa>_tconv.h, on 56x56x64 and
// 14x14x256; one ternary MAC is one weight tap of one output, counted as a binary MAC is.
// Printed after the table: each ternary kernel's rate over the binary kernel of its ISA and
// over the generic ternary kernel, measured in the same run.
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/generic/tconv.h"
#include "xnorc/runtime/x86/avx2_bconv.h"
#include "xnorc/runtime/x86/avx2_tconv.h"
#include "xnorc/runtime/x86/avx512_bconv.h"
#include "xnorc/runtime/x86/avx512_tconv.h"
#include "xnorc/runtime/x86/peak.h"

#include "bench_args.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// ---- ceilings: xor + popcount + add on independent accumulators ----
// The SIMD ceilings are the runtime's own peak loops (x86/peak.h, as --profile measures them)
// over the kernels' weight formats: the rate of exactly the instructions of their inner loop.
// The scalar one's operand `x` passes through an empty asm statement each round so the
// compiler can neither hoist the xor nor fold the loop.

template <typename Fmt> double ceilingOf(int64_t (*peak)(long long), long rounds) {
  const auto t0 = Clock::now();
  const int64_t sink = peak(rounds);
  const double s = since(t0);
  if (sink == 42)
    puts("");
  return rounds * 8.0 * 64 * Fmt::L / s;
}
XN_AVX512_TARGET __attribute__((flatten)) int64_t peakAvx512(long long rounds) {
  return xn_x86_peak_xnor<xn_oc_bits<xn_avx512_bconv_isa>>(rounds);
}
XN_AVX2_TARGET __attribute__((flatten)) int64_t peakAvx2(long long rounds) {
  return xn_x86_peak_xnor<xn_avx2_bits>(rounds);
}
double ceilingAvx512(long rounds) {
  return ceilingOf<xn_oc_bits<xn_avx512_bconv_isa>>(peakAvx512, rounds);
}
double ceilingAvx2(long rounds) { return ceilingOf<xn_avx2_bits>(peakAvx2, rounds); }

__attribute__((target("popcnt"))) double ceilingScalar(long rounds) {
  constexpr int K = 4;
  uint64_t acc[K] = {0, 0, 0, 0};
  const uint64_t w[K] = {0x9E3779B97F4A7C15ull, 0x3C6EF372FE94F82Aull, 0xDAA66D2C7DDF743Full,
                         0x78DDE6E5FD29F054ull};
  uint64_t x = 0x0F0F3C3C5A5A6969ull;
  const auto t0 = Clock::now();
  for (long r = 0; r < rounds; ++r) {
    for (int i = 0; i < K; ++i)
      acc[i] += (uint64_t)__builtin_popcountll(x ^ w[i]);
    __asm__ volatile("" : "+r"(x));
  }
  const double s = since(t0);
  if (acc[0] + acc[1] + acc[2] + acc[3] == 42)
    puts("");
  return rounds * (double)K * 64 / s;
}

// Best of a few runs: the other core may be busy.
template <typename F> double best(F f, long rounds, int reps) {
  double b = 0;
  for (int i = 0; i < reps; ++i)
    b = std::max(b, f(rounds));
  return b;
}

// ---- layers ----

struct Layer {
  const char *name;
  int64_t hw, c;
};

uint64_t rng_state = 0x243F6A8885A308D3ull;
uint64_t rnd() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

// Seconds per call: repeat until min_time has passed, best of reps.
template <typename F> double timeIt(F f, double min_time, int reps) {
  f(); // warm up caches
  double bestT = 1e30;
  for (int r = 0; r < reps; ++r) {
    long calls = 0;
    const auto t0 = Clock::now();
    double s = 0;
    do {
      f();
      ++calls;
      s = since(t0);
    } while (s < min_time);
    bestT = std::min(bestT, s / calls);
  }
  return bestT;
}

bool cpuAvx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vpopcntdq");
}
bool cpuAvx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"); }

} // namespace

int main(int argc, char **argv) {
  BenchArgs args;
  if (!parseBenchArgs(argc, argv, "bench/results/kernels.json", args))
    return 2;
  const bool quick = args.Quick;
  const std::string json = args.Json;
  __builtin_cpu_init();
  const bool has512 = cpuAvx512(), has2 = cpuAvx2();
  const double min_time = quick ? 0.05 : 0.25;
  const int reps = quick ? 2 : 4;

  const long rounds = quick ? 20000000 : 100000000;
  const double ceil512 = has512 ? best(ceilingAvx512, rounds / 4, reps) : 0;
  const double ceil2 = has2 ? best(ceilingAvx2, rounds / 4, reps) : 0;
  const double ceil64 = has2 ? best(ceilingScalar, rounds, reps) : 0;
  printf("ceiling (binary MAC/s, one core): avx512-vpopcntdq %.3g  avx2-vpshufb %.3g  "
         "scalar-popcnt %.3g\n\n",
         ceil512, ceil2, ceil64);

  const Layer layers[] = {
      {"56x56x64", 56, 64}, {"28x28x128", 28, 128}, {"14x14x256", 14, 256}, {"7x7x512", 7, 512}};
  struct Row {
    std::string layer, target, kernel;
    double macs, secs, rate, ceiling;
  };
  std::vector<Row> rows;
  printf("%-10s %-8s %-10s %10s %12s %9s %9s\n", "layer", "target", "output", "us/call", "bMAC/s",
         "%ceiling", "%avx512");
  for (const Layer &L : layers) {
    xn_bconv_params p{1, L.c, L.c, 1, L.hw, L.hw, L.hw, L.hw, 3,           3,    1,
                      1, 1,   1,   1, 1,    1,    1,    0,    XN_ACT_NONE, 0.0f, 0.0f};
    const int64_t cw = xn_bit_words(L.c);
    std::vector<uint64_t> x((size_t)(L.hw * L.hw * cw)), w((size_t)(L.c * 9 * cw));
    for (auto &v : x)
      v = rnd();
    for (auto &v : w)
      v = rnd();
    std::vector<int32_t> thresh((size_t)L.c), dir((size_t)L.c, 1);
    for (auto &t : thresh)
      t = (int32_t)(rnd() % 64) - 32;
    std::vector<uint64_t> yb((size_t)(L.hw * L.hw * cw));
    std::vector<float> yf((size_t)(L.hw * L.hw * L.c));
    std::vector<uint64_t> w512(xn_avx512_bconv_packed_words(&p)),
        w2(xn_avx2_bconv_packed_words(&p));
    xn_avx512_bconv_pack(&p, w.data(), w512.data());
    xn_avx2_bconv_pack(&p, w.data(), w2.data());
    const double macs = (double)(L.hw * L.hw) * L.c * L.c * 9;

    auto report = [&](const char *target, const char *kernel, double secs, double ceiling) {
      const double rate = macs / secs;
      rows.push_back({L.name, target, kernel, macs, secs, rate, ceiling});
      printf("%-10s %-8s %-10s %10.1f %12.3g %8.1f%% %8.1f%%\n", L.name, target, kernel, secs * 1e6,
             rate, ceiling > 0 ? 100 * rate / ceiling : 0.0,
             ceil512 > 0 ? 100 * rate / ceil512 : 0.0);
    };
    // The generic kernel as generated code builds it (plain -O2: no popcnt instruction).
    report("generic", "threshold",
           timeIt(
               [&] {
                 xn_bconv_threshold(&p, x.data(), w.data(), thresh.data(), dir.data(), yb.data());
               },
               min_time, quick ? 1 : 2),
           ceil64);
    if (has2) {
      report("avx2", "threshold",
             timeIt(
                 [&] {
                   xn_avx2_bconv_threshold(&p, x.data(), w2.data(), thresh.data(), dir.data(),
                                           yb.data());
                 },
                 min_time, reps),
             ceil2);
      report(
          "avx2", "float",
          timeIt(
              [&] { xn_avx2_bconv(&p, x.data(), w2.data(), nullptr, nullptr, nullptr, yf.data()); },
              min_time, reps),
          ceil2);
    } else {
      printf("%-10s %-8s skipped: this CPU lacks AVX2/POPCNT\n", L.name, "avx2");
    }
    if (has512) {
      report("avx512", "threshold",
             timeIt(
                 [&] {
                   xn_avx512_bconv_threshold(&p, x.data(), w512.data(), thresh.data(), dir.data(),
                                             yb.data());
                 },
                 min_time, reps),
             ceil512);
      report("avx512", "float",
             timeIt(
                 [&] {
                   xn_avx512_bconv(&p, x.data(), w512.data(), nullptr, nullptr, nullptr, yf.data());
                 },
                 min_time, reps),
             ceil512);
    } else {
      printf("%-10s %-8s skipped: this CPU lacks AVX-512 F/BW/VL/VPOPCNTDQ\n", L.name, "avx512");
    }
    if (L.hw != 56 && L.hw != 14)
      continue;
    std::vector<int8_t> levels((size_t)(L.c * L.c * 9));
    for (auto &l : levels)
      l = (int8_t)((int)(rnd() % 3) - 1);
    auto packTernary = [&](int64_t lanes) {
      std::vector<uint64_t> t(
          (size_t)(((L.c + lanes - 1) / lanes) * xn_oc_tconv_block_words(9, cw, lanes)));
      xn_oc_tconv_pack(L.c, L.c, 9, lanes, levels.data(), t.data());
      return t;
    };
    const std::vector<uint64_t> t1 = packTernary(1), t4 = packTernary(4), t8 = packTernary(8);
    report("generic", "ternary",
           timeIt(
               [&] {
                 xn_tconv_threshold(&p, x.data(), t1.data(), thresh.data(), dir.data(), yb.data());
               },
               min_time, quick ? 1 : 2),
           ceil64);
    if (has2)
      report("avx2", "ternary",
             timeIt(
                 [&] {
                   xn_avx2_tconv_threshold(&p, x.data(), t4.data(), thresh.data(), dir.data(),
                                           yb.data());
                 },
                 min_time, reps),
             ceil2);
    if (has512)
      report("avx512", "ternary",
             timeIt(
                 [&] {
                   xn_avx512_tconv_threshold(&p, x.data(), t8.data(), thresh.data(), dir.data(),
                                             yb.data());
                 },
                 min_time, reps),
             ceil512);
  }
  // Ternary over binary (same ISA, thresholded output) and over generic ternary.
  printf("\n");
  for (const Row &t : rows) {
    if (t.kernel != "ternary")
      continue;
    double bin = 0, gen = 0;
    for (const Row &r : rows)
      if (r.layer == t.layer) {
        if (r.target == t.target && r.kernel == "threshold")
          bin = r.rate;
        if (r.target == "generic" && r.kernel == "ternary")
          gen = r.rate;
      }
    printf("%-10s %-8s ternary: %.2fx the binary kernel, %.2fx generic ternary\n", t.layer.c_str(),
           t.target.c_str(), t.rate / bin, t.rate / gen);
  }
  printf("\n%%ceiling: of the ceiling of the target's own popcount (generic: scalar popcnt)\n");

  if (!json.empty()) {
    FILE *f = fopen(json.c_str(), "w");
    if (!f) {
      fprintf(stderr, "cannot write %s\n", json.c_str());
      return 1;
    }
    fprintf(f,
            "{\n  \"ceiling_binary_macs_per_s\": {\"avx512\": %.6g, \"avx2\": %.6g, "
            "\"scalar\": %.6g},\n  \"layers\": [\n",
            ceil512, ceil2, ceil64);
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      fprintf(f,
              "    {\"layer\": \"%s\", \"target\": \"%s\", \"output\": \"%s\", \"macs\": %.0f, "
              "\"seconds\": %.6g, \"binary_macs_per_s\": %.6g, \"percent_of_ceiling\": %.2f, "
              "\"percent_of_avx512_ceiling\": %.2f}%s\n",
              r.layer.c_str(), r.target.c_str(), r.kernel.c_str(), r.macs, r.secs, r.rate,
              r.ceiling > 0 ? 100 * r.rate / r.ceiling : 0.0,
              ceil512 > 0 ? 100 * r.rate / ceil512 : 0.0, i + 1 < rows.size() ? "," : "");
    }
    fprintf(f, "  ]\n}\n");
    fclose(f);
    printf("wrote %s\n", json.c_str());
  }
  return 0;
}
