// The random cases of the ternary-weight kernel tests (common/oc_tconv_walk.h: generic/tconv.h,
// x86/avx512_tconv.h, x86/avx2_tconv.h, neon/tconv.h). Shared by test/runtime/x86/
// X86KernelsTest.cpp, test/runtime/generic/BinaryKernelsTest.cpp (gtest) and
// test/runtime/neon/NeonKernelsTest.cpp (cross-built, no gtest): each check returns "" or its
// first mismatch.
//
// checkTernaryReference: the generic kernels against a naive loop straight from the
// definition (d = sum of level * activation over the taps, an activation bit 1 = -1, a padded
// tap 0 or pad_value), on unpacked levels; the generic float output with no scale, bias or
// residual is exactly (float)d.
// checkTernaryKernels: a SIMD ISA's four entry points against the generic ones, bit for bit
// (packed outputs) and byte for byte (float outputs: the same integer d and the same
// epilogue), the convs also split into 1-3 parts (--threads).
//
// Shapes: input and output channel tails (1..261), kernels 1-7, strides 1-3, dilations,
// asymmetric and oversized pads (border windows whose nonzero count is the valid taps' mask
// bits), every pad value; levels with 0 / 50 / 90 / 100 % zeros and some all-zero filters;
// thresholds over the reachable range, both sentinels and both directions.
#ifndef XNORC_TEST_COMMON_TERNARYCASES_H
#define XNORC_TEST_COMMON_TERNARYCASES_H

#include "BConvParams.h"
#include "TestRng.h"
#include "xnorc/runtime/generic/tconv.h"

#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace xnorc_test {

typedef void (*TConvFn)(const xn_bconv_params *, const uint64_t *, const uint64_t *, const float *,
                        const float *, const float *, float *, int, int);
typedef void (*TConvThresholdFn)(const xn_bconv_params *, const uint64_t *, const uint64_t *,
                                 const int32_t *, const int32_t *, uint64_t *, int, int);
typedef void (*TDenseFn)(const xn_bdense_params *, const uint64_t *, const uint64_t *,
                         const float *, const float *, const float *, float *);
typedef void (*TDenseThresholdFn)(const xn_bdense_params *, const uint64_t *, const uint64_t *,
                                  const int32_t *, const int32_t *, uint64_t *);

// One ISA's ternary kernels and the lanes its weights are packed for.
struct TernaryKernels {
  TConvFn conv;
  TConvThresholdFn conv_threshold;
  TDenseFn dense;
  TDenseThresholdFn dense_threshold;
  int64_t lanes;
  const char *isa;
};

// A layer's unpacked operands: activations (b1 words per pixel) and levels [m][c][taps].
struct TernaryLayer {
  std::vector<uint64_t> x;
  std::vector<int8_t> levels;
};

inline int64_t ternaryWords(int64_t c) { return (c + 63) / 64; }

// Levels with a random share of zeros (0, 50, 90 or 100 %), every fifth filter all zero.
inline std::vector<int8_t> randomLevels(int64_t m, int64_t per_filter, Rng &r) {
  const int zero_pct = r.pick({0, 50, 90, 100});
  std::vector<int8_t> l(static_cast<size_t>(m * per_filter));
  for (int64_t mi = 0; mi < m; ++mi) {
    const bool dead = r.range(0, 4) == 0;
    for (int64_t j = 0; j < per_filter; ++j)
      l[static_cast<size_t>(mi * per_filter + j)] =
          dead || r.range(0, 99) < zero_pct ? 0 : (r.next() & 1 ? 1 : -1);
  }
  return l;
}

inline TernaryLayer randomTernaryLayer(int64_t pixels, int64_t c, int64_t m, int64_t taps, Rng &r) {
  return {randomBits(pixels, c, r), randomLevels(m, c * taps, r)};
}

inline std::vector<uint64_t> packTernary(int64_t m, int64_t c, int64_t taps, int64_t lanes,
                                         const std::vector<int8_t> &levels) {
  std::vector<uint64_t> packed(static_cast<size_t>(
      ((m + lanes - 1) / lanes) * xn_oc_tconv_block_words(taps, ternaryWords(c), lanes)));
  xn_oc_tconv_pack(m, c, taps, lanes, levels.data(), packed.data());
  return packed;
}

// The random conv shapes: every channel count x kernel 1-7 x pad value, then asymmetric
// kernels, strides, dilations and pads larger than the kernel. `resnet`: also the 3x3 layers
// on 56x56x64 and 14x14x256 (too slow for the generic kernel under qemu).
inline std::vector<xn_bconv_params> ternaryConvCases(Rng &r, bool resnet) {
  std::vector<xn_bconv_params> v;
  const int64_t channels[] = {1, 3, 63, 64, 65, 127, 130, 261};
  for (int64_t c_in : channels)
    for (int64_t k : {1, 2, 3, 5, 7})
      for (int32_t pad_value : {0, 1, -1}) {
        const int64_t s = r.range(1, 2), h = r.range(k, k + 5), w = r.range(k, k + 7);
        v.push_back(convParams(r.range(1, 2), c_in, r.pick(channels), h, w, k, s, 1,
                               r.range(0, k / 2 + 1), pad_value));
      }
  for (int i = 0; i < 60; ++i) {
    xn_bconv_params p = convParams(1, r.pick(channels), r.pick(channels), r.range(1, 12),
                                   r.range(1, 12), 1, 1, 1, 0, 0);
    p.kh = r.range(1, 7);
    p.kw = r.range(1, 7);
    p.stride_h = r.range(1, 3);
    p.stride_w = r.range(1, 3);
    p.dil_h = r.range(1, 2);
    p.dil_w = r.range(1, 2);
    p.pad_top = r.range(0, 4);
    p.pad_left = r.range(0, 4);
    p.pad_bottom = r.range(0, 4);
    p.pad_right = r.range(0, 4);
    p.pad_value = static_cast<int32_t>(r.range(-1, 1));
    p.out_h = (p.in_h + p.pad_top + p.pad_bottom - p.dil_h * (p.kh - 1) - 1) / p.stride_h + 1;
    p.out_w = (p.in_w + p.pad_left + p.pad_right - p.dil_w * (p.kw - 1) - 1) / p.stride_w + 1;
    if (p.out_h > 0 && p.out_w > 0)
      v.push_back(p);
  }
  if (resnet)
    for (int32_t pad_value : {0, 1})
      for (int64_t hc : {56, 14})
        v.push_back(convParams(1, 3584 / hc, 3584 / hc, hc, hc, 3, 1, 1, 1, pad_value));
  return v;
}

// The naive d of output (n, m, oh, ow).
inline int64_t naiveTernaryDot(const xn_bconv_params &p, const TernaryLayer &t, int64_t n,
                               int64_t m, int64_t oh, int64_t ow) {
  const int64_t cw = ternaryWords(p.c_in);
  int64_t d = 0;
  for (int64_t c = 0; c < p.c_in; ++c)
    for (int64_t ky = 0; ky < p.kh; ++ky)
      for (int64_t kx = 0; kx < p.kw; ++kx) {
        const int64_t iy = oh * p.stride_h - p.pad_top + ky * p.dil_h;
        const int64_t ix = ow * p.stride_w - p.pad_left + kx * p.dil_w;
        int64_t a = p.pad_value;
        if (iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w)
          a = (t.x[static_cast<size_t>(((n * p.in_h + iy) * p.in_w + ix) * cw + c / 64)] >>
               (c % 64)) &
                      1
                  ? -1
                  : 1;
        d += a * t.levels[static_cast<size_t>(((m * p.c_in + c) * p.kh + ky) * p.kw + kx)];
      }
  return d;
}

inline std::string checkTernaryReference() {
  Rng r(3141);
  int i = 0;
  for (const xn_bconv_params &p : ternaryConvCases(r, false)) {
    ++i;
    const TernaryLayer t =
        randomTernaryLayer(p.n * p.in_h * p.in_w, p.c_in, p.c_out, p.kh * p.kw, r);
    const std::vector<uint64_t> w = packTernary(p.c_out, p.c_in, p.kh * p.kw, 1, t.levels);
    const int64_t plane = p.out_h * p.out_w, cwo = ternaryWords(p.c_out);
    std::vector<float> y(static_cast<size_t>(p.n * p.c_out * plane), 12345.5f);
    xn_tconv(&p, t.x.data(), w.data(), NULL, NULL, NULL, y.data());
    // Thresholds at d and d + 1 per channel of pixel 0 of image 0: both sides of a comparison.
    std::vector<int32_t> th(static_cast<size_t>(p.c_out)), dir(th.size());
    for (int64_t m = 0; m < p.c_out; ++m) {
      th[m] = static_cast<int32_t>(naiveTernaryDot(p, t, 0, m, 0, 0) + (m & 1));
      dir[m] = m % 3 == 0 ? -1 : 1;
    }
    std::vector<uint64_t> bits(static_cast<size_t>(p.n * plane * cwo), 0xA5A5A5A5A5A5A5A5ull);
    xn_tconv_threshold(&p, t.x.data(), w.data(), th.data(), dir.data(), bits.data());
    for (int64_t n = 0; n < p.n; ++n)
      for (int64_t m = 0; m < p.c_out; ++m)
        for (int64_t pix = 0; pix < plane; ++pix) {
          const int64_t d = naiveTernaryDot(p, t, n, m, pix / p.out_w, pix % p.out_w);
          if (y[static_cast<size_t>((n * p.c_out + m) * plane + pix)] != static_cast<float>(d))
            return "generic tconv case " + std::to_string(i) + " (" + describe(p) + ")" + " m " +
                   std::to_string(m) + " pixel " + std::to_string(pix);
          const bool plus = dir[m] >= 0 ? d >= th[m] : d <= th[m];
          const uint64_t word = bits[static_cast<size_t>((n * plane + pix) * cwo + m / 64)];
          if (((word >> (m % 64)) & 1) != (plus ? 0u : 1u))
            return "generic tconv_threshold case " + std::to_string(i) + " (" + describe(p) + ")";
        }
    for (int64_t j = 0; j < static_cast<int64_t>(bits.size()); ++j)
      if (bits[j] & ~xn_bit_word_mask(p.c_out, j % cwo))
        return "generic tconv_threshold tail bits, case " + std::to_string(i);
  }
  return "";
}

// randomThresholds, half of them 8x nearer 0: d of a filter with many zero weights stays
// near 0.
inline void ternaryThresholds(int64_t m, int64_t k, Rng &r, std::vector<int32_t> &t,
                              std::vector<int32_t> &dir) {
  randomThresholds(m, k, r, t, dir);
  for (int64_t i = 0; i < m; i += 2)
    if (t[i] != INT32_MIN && t[i] != INT32_MAX)
      t[i] /= 8;
}

struct TernaryEpilogue {
  std::vector<float> scale, bias, res;
};
inline TernaryEpilogue randomTernaryEpilogue(int64_t m, size_t yn, Rng &r) {
  TernaryEpilogue e;
  for (int64_t i = 0; i < m; ++i) {
    e.scale.push_back(static_cast<float>(r.range(-40, 40)) / 16.0f);
    e.bias.push_back(static_cast<float>(r.range(-40, 40)) / 8.0f);
  }
  for (size_t i = 0; i < yn; ++i)
    e.res.push_back(static_cast<float>(r.range(-40, 40)) / 4.0f);
  return e;
}

inline std::string checkTernaryConv(const TernaryKernels &k, const xn_bconv_params &p, int i,
                                    Rng &r) {
  const std::string what =
      std::string(k.isa) + " case " + std::to_string(i) + " (" + describe(p) + ")";
  const int parts = static_cast<int>(r.range(1, 3));
  const int64_t taps = p.kh * p.kw;
  const TernaryLayer t = randomTernaryLayer(p.n * p.in_h * p.in_w, p.c_in, p.c_out, taps, r);
  const std::vector<uint64_t> w1 = packTernary(p.c_out, p.c_in, taps, 1, t.levels);
  const std::vector<uint64_t> wl = packTernary(p.c_out, p.c_in, taps, k.lanes, t.levels);
  std::vector<int32_t> th, dir;
  ternaryThresholds(p.c_out, taps * p.c_in, r, th, dir);
  const size_t yw = static_cast<size_t>(p.n * p.out_h * p.out_w * ternaryWords(p.c_out));
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    std::vector<uint64_t> want(yw, 0xA5A5A5A5A5A5A5A5ull), got(want);
    const int32_t *d = with_dir ? dir.data() : NULL;
    xn_tconv_threshold(&p, t.x.data(), w1.data(), th.data(), d, want.data());
    for (int part = 0; part < parts; ++part)
      k.conv_threshold(&p, t.x.data(), wl.data(), th.data(), d, got.data(), part, parts);
    if (want != got)
      return what + " tconv_threshold, dir " + (with_dir ? "random" : "NULL") + ", " +
             std::to_string(parts) + " parts";
  }
  const size_t yn = static_cast<size_t>(p.n * p.c_out * p.out_h * p.out_w);
  const TernaryEpilogue e = randomTernaryEpilogue(p.c_out, yn, r);
  // Variant 2: the residual is y itself (the in-place shortcut add).
  for (int variant = 0; variant < 3; ++variant) {
    xn_bconv_params q = p;
    q.act_kind = variant ? XN_ACT_RELU : XN_ACT_NONE;
    const float *s = variant ? e.scale.data() : NULL, *b = variant ? e.bias.data() : NULL;
    std::vector<float> want(yn, 12345.5f), got(yn, 12345.5f);
    if (variant == 2)
      want = got = e.res;
    const float *re_want = variant == 1 ? e.res.data() : variant == 2 ? want.data() : NULL;
    const float *re_got = variant == 1 ? e.res.data() : variant == 2 ? got.data() : NULL;
    xn_tconv(&q, t.x.data(), w1.data(), s, b, re_want, want.data());
    for (int part = 0; part < parts; ++part)
      k.conv(&q, t.x.data(), wl.data(), s, b, re_got, got.data(), part, parts);
    if (memcmp(want.data(), got.data(), yn * sizeof(float)) != 0)
      return what + " tconv, variant " + std::to_string(variant) + ", " + std::to_string(parts) +
             " parts";
  }
  return "";
}

inline std::string checkTernaryDense(const TernaryKernels &k, int64_t n, int64_t kk, int64_t m,
                                     Rng &r) {
  const std::string what = std::string(k.isa) + " tdense n=" + std::to_string(n) +
                           " k=" + std::to_string(kk) + " m=" + std::to_string(m);
  xn_bdense_params p{n, kk, m, XN_ACT_NONE, 0.0f, 0.0f};
  const TernaryLayer t = randomTernaryLayer(n, kk, m, 1, r);
  const std::vector<uint64_t> w1 = packTernary(m, kk, 1, 1, t.levels);
  const std::vector<uint64_t> wl = packTernary(m, kk, 1, k.lanes, t.levels);
  std::vector<int32_t> th, dir;
  ternaryThresholds(m, kk, r, th, dir);
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    std::vector<uint64_t> want(static_cast<size_t>(n * ternaryWords(m)), 0xA5A5A5A5A5A5A5A5ull),
        got(want);
    const int32_t *d = with_dir ? dir.data() : NULL;
    xn_tdense_threshold(&p, t.x.data(), w1.data(), th.data(), d, want.data());
    k.dense_threshold(&p, t.x.data(), wl.data(), th.data(), d, got.data());
    if (want != got)
      return what + " threshold";
  }
  const TernaryEpilogue e = randomTernaryEpilogue(m, static_cast<size_t>(n * m), r);
  for (int variant = 0; variant < 2; ++variant) {
    p.act_kind = variant ? XN_ACT_LEAKY_RELU : XN_ACT_NONE;
    p.act_alpha = 0.125f;
    const float *s = variant ? e.scale.data() : NULL, *b = variant ? e.bias.data() : NULL,
                *re = variant ? e.res.data() : NULL;
    std::vector<float> want(e.res.size(), 12345.5f), got(want);
    xn_tdense(&p, t.x.data(), w1.data(), s, b, re, want.data());
    k.dense(&p, t.x.data(), wl.data(), s, b, re, got.data());
    if (memcmp(want.data(), got.data(), want.size() * sizeof(float)) != 0)
      return what + " float, variant " + std::to_string(variant);
  }
  return "";
}

// Every conv case, then dense layers with tails around the lanes and a long reduction.
inline std::string checkTernaryKernels(const TernaryKernels &k, bool resnet) {
  Rng r(2718);
  int i = 0;
  for (const xn_bconv_params &p : ternaryConvCases(r, resnet)) {
    const std::string e = checkTernaryConv(k, p, i++, r);
    if (!e.empty())
      return e;
  }
  for (int64_t kk : {1, 63, 64, 65, 130, 261})
    for (int64_t m : {1, 2, 3, 8, 9, 33, 65})
      for (int64_t n : {1, 3}) {
        const std::string e = checkTernaryDense(k, n, kk, m, r);
        if (!e.empty())
          return e;
      }
  return checkTernaryDense(k, 2, 4096, 100, r);
}

} // namespace xnorc_test

#endif // XNORC_TEST_COMMON_TERNARYCASES_H
