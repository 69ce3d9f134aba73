// The driver of bench/glue_ab.sh: per shape, A's and B's layer called alternately, CALLS times
// each after 5 warm-up calls, on the same random input; prints both medians, the median of the
// per-call B/A ratios and whether the outputs are bit-identical.
#include "../ab_driver.h"

#include <random>
#include <stdint.h>

void xn_pool_a(bool avx512, int64_t c, int64_t hw, const float *x, float *y);
void xn_pool_b(bool avx512, int64_t c, int64_t hw, const float *x, float *y);
void xn_thresh_a(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y);
void xn_thresh_b(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y);

// Prints both medians and the median B/A of a() and b() called alternately.
template <class A, class B> static void alternate(int calls, const char *what, A a, B b) {
  const xn_ab_times t = xn_ab_alternate(calls, a, b);
  printf("%-28s A %8.2f us  B %8.2f us  B/A %.3f", what, t.a * 1e6, t.b * 1e6, t.ratio);
}

int main(int argc, char **argv) {
  xn_ab_args args;
  const int rc = xn_ab_parse(argc, argv, false, &args);
  if (rc >= 0)
    return rc;
  const bool avx512 = args.avx512;
  const int calls = args.calls;
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
