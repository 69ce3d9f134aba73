// The random cases of the SIMD 8-bit kernel tests (common/q8_walk.h: x86 and NEON), each
// kernel against the generic one (generic/qlinear.h), which must agree bit for bit: both
// compute exact integer sums and the same requantization. Shared by test/runtime/x86/
// X86QuantKernelsTest.cpp (gtest) and test/runtime/neon/NeonKernelsTest.cpp (cross-built,
// no gtest): each check returns "" or its first mismatch.
//
// Random shapes: u8 / i8 activations, weights and outputs, random zero points (w's per channel
// or not), per-channel scales, bias or none, relu, 1-D and 2-D convs with channel and pixel
// tails, kernels 1-7, strides, dilations, asymmetric padding, batches; gemms with and without
// trans_b and N off the vector width. The conv also split into parts (--threads) must give the
// whole call's output. quantize / dequantize: runs with vector tails, per tensor and per
// channel, ties, saturation, infinities, NaN, subnormal scales. qthreshold: channel counts on
// and off 8 and 64, pixel counts on and off the vector widths (and below the vector kernels'
// generic fallback), u8 and i8, directions of both signs and 0, thresholds inside, at the edges
// of and far outside the byte range, split into parts.
#ifndef XNORC_TEST_COMMON_Q8CASES_H
#define XNORC_TEST_COMMON_Q8CASES_H

#include "TestRng.h"
#include "xnorc/runtime/common/q8_pack.h"
#include "xnorc/runtime/generic/qlinear.h"
#include "xnorc/runtime/generic/qthreshold.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace xnorc_test {

inline std::string mismatch(const std::string &what, int i, size_t j) {
  return what + " case " + std::to_string(i) + " at " + std::to_string(j);
}

inline std::vector<uint8_t> randomBytes(size_t n, Rng &r) {
  std::vector<uint8_t> v(n);
  for (uint8_t &b : v)
    b = static_cast<uint8_t>(r.next() >> 32);
  return v;
}

// The quantization operands shared by a conv and a gemm with `channels` outputs.
struct QLayer {
  int32_t x_type, w_type, y_type, w_per_channel, relu;
  float x_scale, y_scale;
  std::vector<float> w_scale;
  uint8_t x_zp, y_zp;
  std::vector<uint8_t> w_zp;
  std::vector<int32_t> bias;
  bool has_bias;
};

inline QLayer randomQLayer(Rng &r, int64_t channels, int64_t K) {
  QLayer q;
  q.x_type = static_cast<int32_t>(r.range(0, 1));
  q.w_type = static_cast<int32_t>(r.range(0, 1));
  q.y_type = static_cast<int32_t>(r.range(0, 1));
  q.w_per_channel = static_cast<int32_t>(r.range(0, 1));
  q.relu = static_cast<int32_t>(r.range(0, 1));
  // Output scales near 1 / (typical |acc|) so results spread over the whole range, and
  // saturate sometimes.
  q.x_scale = 0.01f + 0.02f * (r.f() + 1.0f);
  q.y_scale = q.x_scale * 0.02f * static_cast<float>(K) * (0.2f + (r.f() + 1.0f));
  const int64_t nw = q.w_per_channel ? channels : 1;
  for (int64_t i = 0; i < nw; ++i)
    q.w_scale.push_back(0.01f + 0.05f * (r.f() + 1.0f));
  q.x_zp = static_cast<uint8_t>(r.next() >> 32);
  q.y_zp = static_cast<uint8_t>(r.next() >> 32);
  // Symmetric weights (zero point 0 / 128) half the time: the kernels skip sum X then.
  const bool symmetric = r.range(0, 1) != 0;
  for (int64_t i = 0; i < nw; ++i)
    q.w_zp.push_back(symmetric ? (q.w_type == XN_QTYPE_I8 ? 0 : 128)
                               : static_cast<uint8_t>(r.next() >> 32));
  q.has_bias = r.range(0, 2) != 0;
  for (int64_t i = 0; i < channels; ++i)
    q.bias.push_back(static_cast<int32_t>(r.range(-100000, 100000)));
  return q;
}

template <class P> void setQLayer(P &p, const QLayer &q) {
  p.x_type = q.x_type;
  p.w_type = q.w_type;
  p.y_type = q.y_type;
  p.w_per_channel = q.w_per_channel;
  p.relu = q.relu;
}

inline xn_qconv_params randomConv(Rng &r, int rank) {
  xn_qconv_params p{};
  p.spatial_rank = rank;
  p.n = r.range(1, 2);
  p.c_in = r.range(1, 9);
  p.c_out = r.range(1, 21);
  p.group = 1;
  for (int d = 0; d < rank; ++d) {
    p.kernel[d] = r.range(1, 7);
    p.strides[d] = r.range(1, 3);
    p.dilations[d] = r.range(1, 2);
    p.pads_begin[d] = r.range(0, 3);
    p.pads_end[d] = r.range(0, 3);
    const int64_t span = (p.kernel[d] - 1) * p.dilations[d] + 1;
    p.in_dims[d] =
        r.range(span > p.pads_begin[d] + p.pads_end[d] ? span - p.pads_begin[d] - p.pads_end[d] : 1,
                rank == 1 ? 300 : 40);
    p.out_dims[d] = (p.in_dims[d] + p.pads_begin[d] + p.pads_end[d] - span) / p.strides[d] + 1;
  }
  return p;
}

using QConvFn = void (*)(const xn_qconv_params *, const void *, const float *, const void *,
                         const void *, const float *, const void *, const float *, const void *,
                         const int32_t *, void *, int, int);
using QGemmFn = void (*)(const xn_qgemm_params *, const void *, const float *, const void *,
                         const void *, const float *, const void *, const float *, const void *,
                         const int32_t *, void *);

inline std::string checkQ8Conv(QConvFn fn, const std::string &isa) {
  Rng r(1616);
  for (int i = 0; i < 300; ++i) {
    xn_qconv_params p = randomConv(r, 1 + i % 2);
    // Only layers whose stack scratch fits reach these kernels (compiler/Lowering/
    // WeightPacking.cpp, the same test); others are drawn again.
    while (xn_q8_conv_scratch_bytes(p.c_out,
                                    p.c_in * (p.spatial_rank == 2 ? p.kernel[0] : 1) *
                                        xn_q8_k4(p.kernel[p.spatial_rank - 1]),
                                    XN_Q8_MAX_CHUNK) > XN_Q8_STACK_BYTES)
      p = randomConv(r, 1 + i % 2);
    int64_t in_px = 1, out_px = 1, taps = 1;
    for (int d = 0; d < p.spatial_rank; ++d) {
      in_px *= p.in_dims[d];
      out_px *= p.out_dims[d];
      taps *= p.kernel[d];
    }
    const int64_t K = p.c_in * taps;
    const QLayer q = randomQLayer(r, p.c_out, K);
    setQLayer(p, q);
    const std::vector<uint8_t> x = randomBytes((size_t)(p.n * p.c_in * in_px), r);
    const std::vector<uint8_t> w = randomBytes((size_t)(p.c_out * K), r);
    const int64_t kw = p.kernel[p.spatial_rank - 1];
    std::vector<uint8_t> packed((size_t)xn_q8_conv_packed_bytes(p.c_out, K / kw, kw));
    xn_q8_pack_conv(p.c_out, K / kw, kw, q.w_type == XN_QTYPE_I8, w.data(), packed.data());
    const size_t ny = (size_t)(p.n * p.c_out * out_px);
    std::vector<uint8_t> want(ny, 0xAA), got(ny, 0x55), split(ny, 0x33);
    const int32_t *bias = q.has_bias ? q.bias.data() : nullptr;
    xn_qconv(&p, x.data(), &q.x_scale, &q.x_zp, w.data(), q.w_scale.data(), q.w_zp.data(),
             &q.y_scale, &q.y_zp, bias, want.data());
    fn(&p, x.data(), &q.x_scale, &q.x_zp, packed.data(), q.w_scale.data(), q.w_zp.data(),
       &q.y_scale, &q.y_zp, bias, got.data(), 0, 1);
    for (int part = 0; part < 3; ++part)
      fn(&p, x.data(), &q.x_scale, &q.x_zp, packed.data(), q.w_scale.data(), q.w_zp.data(),
         &q.y_scale, &q.y_zp, bias, split.data(), part, 3);
    for (size_t j = 0; j < ny; ++j) {
      if (want[j] != got[j])
        return mismatch(isa + " qconv", i, j);
      if (want[j] != split[j])
        return mismatch(isa + " qconv (3 parts)", i, j);
    }
  }
  return "";
}

inline std::string checkQ8Gemm(QGemmFn fn, const std::string &isa) {
  Rng r(1617);
  for (int i = 0; i < 200; ++i) {
    xn_qgemm_params p{};
    p.M = r.range(1, 9);
    p.N = r.pick({1, 7, 16, 33, 100, 130});
    p.K = r.range(1, 600);
    p.trans_b = static_cast<int32_t>(r.range(0, 1));
    const QLayer q = randomQLayer(r, p.N, p.K);
    setQLayer(p, q);
    const std::vector<uint8_t> x = randomBytes((size_t)(p.M * p.K), r);
    const std::vector<uint8_t> w = randomBytes((size_t)(p.K * p.N), r);
    std::vector<uint8_t> packed((size_t)xn_q8_gemm_packed_bytes(p.N, p.K));
    xn_q8_pack_gemm(p.N, p.K, p.trans_b, q.w_type == XN_QTYPE_I8, w.data(), packed.data());
    const size_t ny = (size_t)(p.M * p.N);
    std::vector<uint8_t> want(ny, 0xAA), got(ny, 0x55);
    const int32_t *bias = q.has_bias ? q.bias.data() : nullptr;
    xn_qgemm(&p, x.data(), &q.x_scale, &q.x_zp, w.data(), q.w_scale.data(), q.w_zp.data(),
             &q.y_scale, &q.y_zp, bias, want.data());
    fn(&p, x.data(), &q.x_scale, &q.x_zp, packed.data(), q.w_scale.data(), q.w_zp.data(),
       &q.y_scale, &q.y_zp, bias, got.data());
    for (size_t j = 0; j < ny; ++j)
      if (want[j] != got[j])
        return mismatch(isa + " qgemm", i, j);
  }
  return "";
}

using QuantizeFn = void (*)(const xn_qlinear_params *, const float *, const float *, const void *,
                            void *);
using DequantizeFn = void (*)(const xn_qlinear_params *, const void *, const float *, const void *,
                              float *);

// quantize and dequantize over runs with vector tails, per tensor and per channel, u8 and i8,
// on ties (k + 0.5 steps), saturating values, infinities and NaN.
inline std::string checkQ8Quantize(QuantizeFn q, DequantizeFn dq, const std::string &isa) {
  Rng r(1618);
  const float specials[] = {NAN, INFINITY, -INFINITY, 1e30f, -1e30f, 0.0f, -0.0f};
  for (int i = 0; i < 200; ++i) {
    xn_qlinear_params p{};
    p.per_channel = static_cast<int32_t>(r.range(0, 1));
    p.outer = r.range(1, 3);
    p.c = p.per_channel ? r.range(1, 5) : 1;
    p.inner = r.range(1, 70);
    p.qtype = static_cast<int32_t>(r.range(0, 1));
    // The type's range, or a narrower one (QONNX Quant: narrow range, fewer bits).
    p.lo = xn_qtype_min(p.qtype) + static_cast<int32_t>(r.range(0, 1) * 100);
    p.hi = xn_qtype_max(p.qtype) - static_cast<int32_t>(r.range(0, 1));
    const size_t n = (size_t)(p.outer * p.c * p.inner);
    std::vector<float> scale, x(n), want_f(n), got_f(n);
    std::vector<uint8_t> zp, want(n, 0xAA), got(n, 0x55);
    for (int64_t j = 0; j < p.c; ++j) {
      // Now and then a subnormal scale (ARMv7 NEON flushes subnormals, neon/q8.h).
      scale.push_back(r.range(0, 19) == 0 ? 3e-39f * (r.f() + 1.5f)
                                          : 0.01f + 0.1f * (r.f() + 1.0f));
      zp.push_back(static_cast<uint8_t>(r.next() >> 32));
    }
    for (size_t j = 0; j < n; ++j) {
      const int64_t ch = p.per_channel ? (int64_t)(j / (size_t)p.inner) % p.c : 0;
      const int kind = static_cast<int>(r.range(0, 9));
      x[j] = kind == 0   ? r.pick(specials)
             : kind <= 3 ? (static_cast<float>(r.range(-300, 300)) + 0.5f) * scale[(size_t)ch]
                         : 40.0f * r.f();
    }
    xn_quantize(&p, x.data(), scale.data(), zp.data(), want.data());
    q(&p, x.data(), scale.data(), zp.data(), got.data());
    for (size_t j = 0; j < n; ++j)
      if (want[j] != got[j])
        return mismatch(isa + " quantize", i, j) + " x " + std::to_string(x[j]);
    xn_dequantize(&p, want.data(), scale.data(), zp.data(), want_f.data());
    dq(&p, want.data(), scale.data(), zp.data(), got_f.data());
    if (memcmp(want_f.data(), got_f.data(), n * sizeof(float)) != 0)
      return isa + " dequantize case " + std::to_string(i) + " differs";
  }
  return "";
}

using QThresholdFn = void (*)(const xn_qthreshold_params *, const void *, const int32_t *,
                              const int32_t *, uint64_t *, int, int);

// qthreshold over random shapes; each output word must be written, whatever y held.
inline std::string checkQThreshold(QThresholdFn f, const std::string &isa) {
  Rng r(2718);
  const int64_t channels[] = {1, 7, 8, 9, 63, 64, 65, 100, 128, 130};
  const int64_t pixels[] = {1, 5, 15, 16, 17, 31, 32, 33, 49, 63, 64, 65, 100, 196, 257};
  const int32_t far[] = {INT32_MIN, INT32_MAX, -1000, 1000, -129, -128, -127, 126,
                         127,       128,       254,   255,  256,  0,    -1,   1};
  for (int i = 0; i < 300; ++i) {
    xn_qthreshold_params p{};
    p.n = r.range(1, 3);
    p.c = r.range(0, 2) == 0 ? r.range(1, 200) : r.pick(channels);
    p.spatial = r.range(0, 2) == 0 ? r.range(1, 300) : r.pick(pixels);
    p.qtype = static_cast<int32_t>(r.range(0, 1));
    const size_t nx = (size_t)(p.n * p.c * p.spatial);
    const size_t ny = (size_t)(p.n * p.spatial * ((p.c + 63) / 64));
    std::vector<int32_t> t((size_t)p.c), dir((size_t)p.c);
    for (int64_t k = 0; k < p.c; ++k) {
      t[(size_t)k] = r.range(0, 3) == 0 ? r.pick(far)
                                        : static_cast<int32_t>(r.range(0, 255)) -
                                              (p.qtype == XN_QTYPE_I8 ? 128 : 0);
      dir[(size_t)k] = static_cast<int32_t>(r.range(-2, 2));
    }
    // Random bytes, or a few values around the thresholds (equality decides the bit).
    std::vector<uint8_t> x = randomBytes(nx, r);
    if (r.range(0, 1))
      for (uint8_t &b : x)
        b = static_cast<uint8_t>((p.qtype == XN_QTYPE_I8 ? 128 : 0) + 126 + r.range(0, 4));
    std::vector<uint64_t> want(ny, 0x5555555555555555ull);
    xn_qthreshold(&p, x.data(), t.data(), dir.data(), want.data());
    const int parts = static_cast<int>(r.range(1, 3));
    std::vector<uint64_t> got(ny, 0xAAAAAAAAAAAAAAAAull);
    for (int part = 0; part < parts; ++part)
      f(&p, x.data(), t.data(), dir.data(), got.data(), part, parts);
    for (size_t j = 0; j < ny; ++j)
      if (want[j] != got[j])
        return mismatch(isa + " qthreshold", i, j) + " (n " + std::to_string(p.n) + " c " +
               std::to_string(p.c) + " spatial " + std::to_string(p.spatial) + " parts " +
               std::to_string(parts) + ")";
  }
  return "";
}

} // namespace xnorc_test

#endif // XNORC_TEST_COMMON_Q8CASES_H
