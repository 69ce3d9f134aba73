// The driver of bench/glue_ab.sh: per shape, A's and B's layer called alternately, CALLS times
// each after 5 warm-up calls, on the same random input; prints both medians, the median of the
// per-call B/A ratios and whether the outputs are bit-identical.
#include <algorithm>
#include <chrono>
#include <random>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vector>

void xn_pool_a(bool avx512, int64_t c, int64_t hw, const float *x, float *y);
void xn_pool_b(bool avx512, int64_t c, int64_t hw, const float *x, float *y);
void xn_thresh_a(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y);
void xn_thresh_b(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y);

static double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Runs a(), b() alternately and prints both medians and the median B/A.
template <class A, class B> static void alternate(int calls, const char *what, A a, B b) {
  std::vector<double> ta, tb, ratio;
  for (int i = -5; i < calls; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    a();
    const auto t1 = std::chrono::steady_clock::now();
    b();
    const auto t2 = std::chrono::steady_clock::now();
    if (i < 0)
      continue;
    ta.push_back(std::chrono::duration<double>(t1 - t0).count());
    tb.push_back(std::chrono::duration<double>(t2 - t1).count());
    ratio.push_back(tb.back() / ta.back());
  }
  printf("%-28s A %8.2f us  B %8.2f us  B/A %.3f", what, median(ta) * 1e6, median(tb) * 1e6,
         median(ratio));
}

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "avx512") != 0 && strcmp(argv[1], "avx2") != 0) ||
      atoi(argv[2]) < 1) {
    fprintf(stderr, "usage: %s avx512|avx2 CALLS\n", argv[0]);
    return 2;
  }
  const bool avx512 = strcmp(argv[1], "avx512") == 0;
  if (avx512 ? !__builtin_cpu_supports("avx512f") : !__builtin_cpu_supports("avx2")) {
    printf("skipped: this CPU lacks %s\n", argv[1]);
    return 0;
  }
  const int calls = atoi(argv[2]);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  char what[64];
  static const int64_t pools[3][2] = {{64, 56}, {128, 28}, {256, 14}};
  for (const auto &s : pools) {
    const int64_t c = s[0], hw = s[1];
    std::vector<float> x(static_cast<size_t>(c * hw * hw)), ya(x.size() / 4), yb(x.size() / 4);
    for (float &v : x)
      v = u(rng);
    snprintf(what, sizeof what, "%s avgpool 2x2/2 %ldx%ldx%ld", argv[1], (long)c, (long)hw,
             (long)hw);
    alternate(
        calls, what, [&] { xn_pool_a(avx512, c, hw, x.data(), ya.data()); },
        [&] { xn_pool_b(avx512, c, hw, x.data(), yb.data()); });
    printf("  outputs %s\n", ya == yb ? "bit-identical" : "DIFFERENT");
  }
  static const int64_t maps[4][2] = {{64, 56 * 56}, {128, 28 * 28}, {256, 14 * 14}, {512, 7 * 7}};
  for (const auto &s : maps) {
    const int64_t c = s[0], sp = s[1], cw = (c + 63) / 64;
    std::vector<float> x(static_cast<size_t>(c * sp));
    std::vector<uint64_t> ya(static_cast<size_t>(sp * cw)), yb(ya.size());
    for (float &v : x)
      v = u(rng);
    snprintf(what, sizeof what, "%s threshold %ldx%ld", argv[1], (long)c, (long)sp);
    alternate(
        calls, what, [&] { xn_thresh_a(avx512, c, sp, x.data(), ya.data()); },
        [&] { xn_thresh_b(avx512, c, sp, x.data(), yb.data()); });
    printf("  outputs %s\n", ya == yb ? "same bits" : "DIFFERENT");
  }
  return 0;
}
