// The driver of bench/stem_ab.sh: A's and B's stem called alternately, CALLS times each after 5
// warm-up calls, on the same random input and weights; prints both medians, the median of the
// per-call B/A ratios and whether the outputs are bit-identical.
#include "../ab_driver.h"
#include "stem_shape.h"

#include <cmath>

void xn_stem_a(bool avx512, const float *w, const float *x, const float *bias, float *y);
void xn_stem_b(bool avx512, const float *w, const float *x, const float *bias, float *y);

int main(int argc, char **argv) {
  xn_ab_args args;
  const int rc = xn_ab_parse(argc, argv, true, &args);
  if (rc >= 0)
    return rc;
  std::mt19937 rng(1);
  std::vector<float> x(XN_STEM_IN), w(XN_STEM_W), b(64), ya(XN_STEM_OUT), yb(XN_STEM_OUT);
  xn_ab_fill(rng, x, w, b);
  const bool avx512 = args.avx512;
  const xn_ab_times t = xn_ab_alternate(
      args.calls, [&] { xn_stem_a(avx512, w.data(), x.data(), b.data(), ya.data()); },
      [&] { xn_stem_b(avx512, w.data(), x.data(), b.data(), yb.data()); });
  double diff = 0, top = 0; // the largest |A - B|, and |A|
  for (size_t i = 0; i < ya.size(); ++i) {
    diff = std::max(diff, (double)std::fabs(ya[i] - yb[i]));
    top = std::max(top, (double)std::fabs(ya[i]));
  }
  printf("stem %s: A %.1f us (%.3g MAC/s), B %.1f us (%.3g MAC/s), B/A %.3f (median of %d "
         "alternating calls), outputs %s",
         argv[1], t.a * 1e6, XN_STEM_MACS / t.a, t.b * 1e6, XN_STEM_MACS / t.b, t.ratio, args.calls,
         memcmp(ya.data(), yb.data(), ya.size() * sizeof(float)) == 0 ? "bit-identical"
                                                                      : "DIFFERENT");
  if (diff > 0)
    printf(" (largest |A - B| %.3g, largest |A| %.3g)", diff, top);
  printf("\n");
  return 0;
}
