// The driver of bench/stem_ab.sh: A's and B's stem called alternately, CALLS times each after 5
// warm-up calls, on the same random input and weights; prints both medians, the median of the
// per-call B/A ratios and whether the outputs are bit-identical.
#include "../ab_driver.h"
#include "stem_shape.h"

void xn_stem_a(bool avx512, const float *x, const float *w, const float *bias, float *y);
void xn_stem_b(bool avx512, const float *x, const float *w, const float *bias, float *y);

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
      args.calls, [&] { xn_stem_a(avx512, x.data(), w.data(), b.data(), ya.data()); },
      [&] { xn_stem_b(avx512, x.data(), w.data(), b.data(), yb.data()); });
  printf("stem %s: A %.1f us (%.3g MAC/s), B %.1f us (%.3g MAC/s), B/A %.3f (median of %d "
         "alternating calls), outputs %s\n",
         argv[1], t.a * 1e6, XN_STEM_MACS / t.a, t.b * 1e6, XN_STEM_MACS / t.b, t.ratio, args.calls,
         memcmp(ya.data(), yb.data(), ya.size() * sizeof(float)) == 0 ? "bit-identical"
                                                                      : "DIFFERENT");
  return 0;
}
