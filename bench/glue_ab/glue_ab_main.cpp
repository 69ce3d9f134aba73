// The driver of bench/glue_ab.sh: per shape, A's and B's layer called alternately, CALLS times
// each after 5 warm-up calls, on the same random input; prints both medians, the median of the
// per-call B/A ratios and whether the outputs are bit-identical.
#include "../ab_driver.h"

#include <stdint.h>

void xn_pool_a(bool avx512, int64_t c, int64_t hw, const float *x, float *y);
void xn_pool_b(bool avx512, int64_t c, int64_t hw, const float *x, float *y);
void xn_thresh_a(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y);
void xn_thresh_b(bool avx512, int64_t c, int64_t spatial, const float *x, uint64_t *y);
void xn_dw_a(bool avx512, int64_t c, int64_t ih, int64_t oh, const float *x, const float *w,
             const float *bias, float *y);
void xn_dw_b(bool avx512, int64_t c, int64_t ih, int64_t oh, const float *x, const float *w,
             const float *bias, float *y);

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
  char what[64];
  static const int64_t pools[3][2] = {{64, 56}, {128, 28}, {256, 14}};
  for (const auto &s : pools) {
    const int64_t c = s[0], hw = s[1];
    std::vector<float> x(static_cast<size_t>(c * hw * hw)), ya(x.size() / 4), yb(x.size() / 4);
    xn_ab_fill(rng, x);
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
    xn_ab_fill(rng, x);
    snprintf(what, sizeof what, "%s threshold %ldx%ld", argv[1], (long)c, (long)sp);
    alternate(
        calls, what, [&] { xn_thresh_a(avx512, c, sp, x.data(), ya.data()); },
        [&] { xn_thresh_b(avx512, c, sp, x.data(), yb.data()); });
    printf("  outputs %s\n", ya == yb ? "same bits" : "DIFFERENT");
  }
  static const int64_t blurs[3][3] = {{16, 112, 56}, {64, 55, 28}, {128, 27, 14}};
  for (const auto &s : blurs) {
    const int64_t c = s[0], ih = s[1], oh = s[2];
    std::vector<float> x(static_cast<size_t>(c * ih * ih)), w(static_cast<size_t>(c * 9)), b(c),
        ya(static_cast<size_t>(c * oh * oh)), yb(ya.size());
    xn_ab_fill(rng, x, w, b);
    snprintf(what, sizeof what, "%s dwconv 3x3/2 %ldx%ldx%ld", argv[1], (long)c, (long)ih,
             (long)ih);
    alternate(
        calls, what, [&] { xn_dw_a(avx512, c, ih, oh, x.data(), w.data(), b.data(), ya.data()); },
        [&] { xn_dw_b(avx512, c, ih, oh, x.data(), w.data(), b.data(), yb.data()); });
    printf("  outputs %s\n", ya == yb ? "bit-identical" : "DIFFERENT");
  }
  return 0;
}
