// Unit test of the ARM NEON kernels (runtime/include/xnorc/runtime/neon) against the generic
// kernels they replace.
//
// Binary kernels: bit for bit (packed outputs) and exactly (float outputs: both compute the
// same integer d and call the same float epilogue expression), over shapes with channel
// tails, odd spatial sizes, strides, dilations, every padding mode, threshold directions and
// sentinels, plus a long reduction past the 16-bit accumulators' fold point.
//
// Ternary-weight kernels: bit for bit as the binary ones, over test/common/TernaryCases.h's
// cases (also the generic ternary kernels against the naive definition).
//
// Float-input kernels (float conv and Gemm, BWN conv and dense): equal up to float summation
// order and FMA, checked as |neon - generic| <= 1e-5 * (the same layer on absolute values),
// the scale of what reordering a float sum can change; over channel counts 1...70 with
// tails, kernels 1-7, strides 1-4, dilations, asymmetric pads, 1-D convs, batch > 1, every
// activation, NULL / non-NULL scale, bias and residual (also aliasing the output), the
// input ending at an inaccessible page (so an over-read faults).
//
// Cross-compiled (no gtest on the target) and run under qemu by ctest (test/neon).
//
// Build: aarch64-linux-gnu-g++ -std=c++17 -O2 -static -I runtime/include NeonKernelsTest.cpp
//        arm-linux-gnueabihf-g++ -std=c++17 -O2 -static -mfpu=neon -mfloat-abi=hard ...
// Prints "neon kernel tests (<arch>, <register tiles>): N passed, F failed"; exit 1 on a failure
// or when nothing was checked.
#include "Q8Cases.h"
#include "TernaryCases.h"
#include "TestRng.h"
#include "xnorc/runtime/generic/all.h"
#include "xnorc/runtime/neon/bconv.h"
#include "xnorc/runtime/neon/bitpack.h"
#include "xnorc/runtime/neon/bpool.h"
#include "xnorc/runtime/neon/bwconv.h"
#include "xnorc/runtime/neon/fconv.h"
#include "xnorc/runtime/neon/q8.h"
#include "xnorc/runtime/neon/qthreshold.h"
#include "xnorc/runtime/neon/tconv.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Bits = std::vector<uint64_t>;

constexpr uint64_t kPoison = 0xA5A5A5A5A5A5A5A5ull;
constexpr float kPoisonF = 12345.5f;

int g_pass = 0, g_fail = 0;

void report(bool ok, const std::string &what) {
  if (ok) {
    ++g_pass;
  } else {
    ++g_fail;
    if (g_fail <= 20)
      printf("FAIL %s\n", what.c_str());
  }
}

using xnorc_test::convParams;
using xnorc_test::describe;
using xnorc_test::randomBits;
using xnorc_test::randomThresholds;
using xnorc_test::Rng;

int64_t words(int64_t c) { return (c + 63) / 64; }

void checkConv(const xn_bconv_params &p, Rng &r) {
  const std::string name = describe(p);
  if (p.out_h <= 0 || p.out_w <= 0)
    return;
  const Bits x = randomBits(p.n * p.in_h * p.in_w, p.c_in, r);
  const Bits w = randomBits(p.c_out * p.kh * p.kw, p.c_in, r);
  Bits packed(xn_neon_bconv_packed_words(&p));
  xn_neon_bconv_pack(&p, w.data(), packed.data());

  std::vector<int32_t> t, dir;
  randomThresholds(p.c_out, p.kh * p.kw * p.c_in, r, t, dir);
  const size_t ywords = static_cast<size_t>(p.n * p.out_h * p.out_w * words(p.c_out));
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    Bits want(ywords, kPoison), got(ywords, kPoison);
    const int32_t *d = with_dir ? dir.data() : nullptr;
    xn_bconv_threshold(&p, x.data(), w.data(), t.data(), d, want.data());
    xn_neon_bconv_threshold(&p, x.data(), packed.data(), t.data(), d, got.data());
    report(want == got, name + (with_dir ? " threshold dir" : " threshold"));
  }

  const size_t yn = static_cast<size_t>(p.n * p.c_out * p.out_h * p.out_w);
  std::vector<float> scale(static_cast<size_t>(p.c_out)), bias(scale.size()), res(yn);
  for (float &f : scale)
    f = static_cast<float>(r.range(-4000, 4000)) / 1617.0f;
  for (float &f : bias)
    f = static_cast<float>(r.range(-4000, 4000)) / 813.0f;
  for (float &f : res)
    f = static_cast<float>(r.range(-40, 40)) / 4.0f;
  for (int variant = 0; variant < 2; ++variant) {
    xn_bconv_params q = p;
    q.act_kind = variant ? XN_ACT_RELU : XN_ACT_NONE;
    const float *s = variant ? scale.data() : nullptr;
    const float *b = variant ? bias.data() : nullptr;
    const float *re = variant ? res.data() : nullptr;
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    xn_bconv(&q, x.data(), w.data(), s, b, re, want.data());
    xn_neon_bconv(&q, x.data(), packed.data(), s, b, re, got.data());
    report(memcmp(want.data(), got.data(), yn * sizeof(float)) == 0,
           name + (variant ? " float scale/bias/residual/relu" : " float"));
  }
}

void checkDense(int64_t n, int64_t k, int64_t m, Rng &r) {
  char buf[128];
  snprintf(buf, sizeof buf, "dense n=%lld k=%lld m=%lld", (long long)n, (long long)k, (long long)m);
  xn_bdense_params p{n, k, m, XN_ACT_NONE, 0.0f, 0.0f};
  const Bits x = randomBits(n, k, r), w = randomBits(m, k, r);
  Bits packed(xn_neon_bdense_packed_words(&p));
  xn_neon_bdense_pack(&p, w.data(), packed.data());
  std::vector<int32_t> t, dir;
  randomThresholds(m, k, r, t, dir);
  const size_t yw = static_cast<size_t>(n * words(m));
  for (int with_dir = 0; with_dir < 2; ++with_dir) {
    Bits want(yw, kPoison), got(yw, kPoison);
    const int32_t *d = with_dir ? dir.data() : nullptr;
    xn_bdense_threshold(&p, x.data(), w.data(), t.data(), d, want.data());
    xn_neon_bdense_threshold(&p, x.data(), packed.data(), t.data(), d, got.data());
    report(want == got, std::string(buf) + " threshold");
  }
  std::vector<float> scale(static_cast<size_t>(m)), bias(scale.size());
  for (float &f : scale)
    f = static_cast<float>(r.range(-4000, 4000)) / 1617.0f;
  for (float &f : bias)
    f = static_cast<float>(r.range(-4000, 4000)) / 813.0f;
  const size_t yn = static_cast<size_t>(n * m);
  std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
  xn_bdense(&p, x.data(), w.data(), scale.data(), bias.data(), nullptr, want.data());
  xn_neon_bdense(&p, x.data(), packed.data(), scale.data(), bias.data(), nullptr, got.data());
  report(memcmp(want.data(), got.data(), yn * sizeof(float)) == 0, std::string(buf) + " float");
}

void checkPool(int64_t n, int64_t c, int64_t h, int64_t w, int64_t k, int64_t s, int64_t dil,
               int64_t pad, bool with_min, Rng &r) {
  xn_bmaxpool_params p{};
  p.n = n;
  p.c = c;
  p.in_h = h;
  p.in_w = w;
  p.kh = p.kw = k;
  p.stride_h = p.stride_w = s;
  p.dil_h = p.dil_w = dil;
  p.pad_top = p.pad_left = pad;
  p.out_h = (h + 2 * pad - dil * (k - 1) - 1 + s - 1) / s + 1; // ceil mode: may hold empty windows
  p.out_w = (w + 2 * pad - dil * (k - 1) - 1 + s - 1) / s + 1;
  char buf[160];
  snprintf(buf, sizeof buf, "bmaxpool n=%lld c=%lld in=%lldx%lld k=%lld s=%lld d=%lld pad=%lld%s",
           (long long)n, (long long)c, (long long)h, (long long)w, (long long)k, (long long)s,
           (long long)dil, (long long)pad, with_min ? " min_mask" : "");
  const Bits x = randomBits(n * h * w, c, r);
  const Bits mm = randomBits(1, c, r);
  const size_t yw = static_cast<size_t>(n * p.out_h * p.out_w * words(c));
  Bits want(yw, kPoison), got(yw, kPoison);
  xn_bmaxpool(&p, x.data(), with_min ? mm.data() : nullptr, want.data());
  xn_neon_bmaxpool(&p, x.data(), with_min ? mm.data() : nullptr, got.data());
  report(want == got, buf);
}

void checkThreshold(int64_t n, int64_t c, int64_t spatial, int mode, Rng &r) {
  char buf[128];
  snprintf(buf, sizeof buf, "threshold n=%lld c=%lld spatial=%lld mode=%d", (long long)n,
           (long long)c, (long long)spatial, mode);
  xn_threshold_params p{n, c, spatial};
  std::vector<float> x(static_cast<size_t>(n * c * spatial));
  for (float &f : x) {
    const int k = r.range(0, 15);
    f = k == 0   ? 0.0f
        : k == 1 ? -0.0f
        : k == 2 ? NAN
        : k == 3 ? INFINITY
        : k == 4 ? -INFINITY
                 : static_cast<float>(r.range(-64, 64)) / 16.0f;
  }
  std::vector<float> tau(static_cast<size_t>(c)), dir(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) {
    tau[i] = static_cast<float>(r.range(-32, 32)) / 16.0f;
    dir[i] = static_cast<float>(r.range(-1, 1));
  }
  const size_t yw = static_cast<size_t>(n * spatial * words(c));
  Bits want(yw, kPoison), got(yw, kPoison);
  const float *t = mode & 1 ? tau.data() : nullptr;
  const float *d = mode & 2 ? dir.data() : nullptr;
  xn_threshold(&p, x.data(), t, d, want.data());
  xn_neon_threshold(&p, x.data(), t, d, got.data());
  report(want == got, buf);
}

const int64_t kChannels[] = {1, 3, 63, 64, 65, 127, 130, 261};

// ---- float-input kernels: float conv / Gemm, BWN conv / dense ----

float randF(Rng &r) { return static_cast<float>(r.range(-32768, 32767)) / 32768.0f; }

std::vector<float> randomFloats(int64_t n, Rng &r) {
  std::vector<float> v(static_cast<size_t>(n));
  for (float &f : v)
    f = randF(r);
  return v;
}

std::vector<float> absolute(const std::vector<float> &v) {
  std::vector<float> a(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    a[i] = std::fabs(v[i]);
  return a;
}

const float *ptrOrNull(const std::vector<float> &v, bool use) { return use ? v.data() : nullptr; }

// n floats that end where an inaccessible page begins: a kernel reading past its input faults
// (qemu-user enforces guest page protections).
class GuardedFloats {
public:
  explicit GuardedFloats(const std::vector<float> &v) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = v.size() * sizeof(float);
    len_ = (bytes + page - 1) / page * page + page;
    base_ = static_cast<char *>(
        mmap(nullptr, len_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    if (base_ == MAP_FAILED || mprotect(base_ + len_ - page, page, PROT_NONE) != 0) {
      perror("mmap");
      exit(2);
    }
    data_ = reinterpret_cast<float *>(base_ + len_ - page - bytes);
    memcpy(data_, v.data(), bytes);
  }
  ~GuardedFloats() { munmap(base_, len_); }
  GuardedFloats(const GuardedFloats &) = delete;
  GuardedFloats &operator=(const GuardedFloats &) = delete;
  const float *data() const { return data_; }

private:
  char *base_;
  size_t len_;
  float *data_;
};

// |got - want| <= 1e-5 * mag, mag being the layer computed on absolute values (sum of the
// terms' magnitudes, what bounds a reordered or fused float sum's difference).
void reportClose(const std::vector<float> &want, const std::vector<float> &got,
                 const std::vector<float> &mag, const std::string &what) {
  for (size_t i = 0; i < want.size(); ++i) {
    const float tol = 1e-5f * mag[i];
    if (!(std::fabs(got[i] - want[i]) <= tol)) {
      char buf[160];
      snprintf(buf, sizeof buf, " at %zu: generic %.9g, neon %.9g, tolerance %.3g", i,
               (double)want[i], (double)got[i], (double)tol);
      report(false, what + buf);
      return;
    }
  }
  report(true, what);
}

void setAct(int32_t kind, int32_t *act, float *alpha, float *beta) {
  *act = kind;
  *alpha = kind == XN_ACT_LEAKY_RELU ? 0.125f : kind == XN_ACT_CLIP ? -0.25f : 0.0f;
  *beta = kind == XN_ACT_CLIP ? 0.5f : 0.0f;
}

// A 2-D conv (rank 1: h = kh = 1, no H stride / dilation / padding).
struct FConvCase {
  int rank;
  int64_t n, c_in, c_out, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  int64_t outH() const { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }
  int64_t outW() const { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }
};

std::string describe(const FConvCase &c) {
  char buf[256];
  snprintf(buf, sizeof buf,
           "rank %d n=%lld c_in=%lld c_out=%lld in=%lldx%lld k=%lldx%lld s=%lld,%lld "
           "d=%lld,%lld pads=%lld,%lld,%lld,%lld",
           c.rank, (long long)c.n, (long long)c.c_in, (long long)c.c_out, (long long)c.h,
           (long long)c.w, (long long)c.kh, (long long)c.kw, (long long)c.sh, (long long)c.sw,
           (long long)c.dh, (long long)c.dw, (long long)c.pt, (long long)c.pl, (long long)c.pb,
           (long long)c.pr);
  return buf;
}

xn_conv_params floatConvParams(const FConvCase &c) {
  xn_conv_params p{};
  p.n = c.n;
  p.c_in = c.c_in;
  p.c_out = c.c_out;
  p.group = 1;
  if (c.rank == 2) {
    p.spatial_rank = 2;
    const int64_t v[2][6] = {{c.h, c.kh, c.sh, c.dh, c.pt, c.pb},
                             {c.w, c.kw, c.sw, c.dw, c.pl, c.pr}};
    const int64_t out[2] = {c.outH(), c.outW()};
    for (int d = 0; d < 2; ++d) {
      p.in_dims[d] = v[d][0];
      p.kernel[d] = v[d][1];
      p.strides[d] = v[d][2];
      p.dilations[d] = v[d][3];
      p.pads_begin[d] = v[d][4];
      p.pads_end[d] = v[d][5];
      p.out_dims[d] = out[d];
    }
  } else {
    p.spatial_rank = 1;
    p.in_dims[0] = c.w;
    p.kernel[0] = c.kw;
    p.strides[0] = c.sw;
    p.dilations[0] = c.dw;
    p.pads_begin[0] = c.pl;
    p.pads_end[0] = c.pr;
    p.out_dims[0] = c.outW();
  }
  return p;
}

xn_bwconv_params bwConvParams(const FConvCase &c) {
  return {c.n,  c.c_in, c.c_out, 1,    c.h,  c.w,  c.outH(), c.outW(), c.kh, c.kw, c.sh,
          c.sw, c.dh,   c.dw,    c.pt, c.pl, c.pb, c.pr,     0,        0.0f, 0.0f};
}

void checkFloatConv(const FConvCase &c, Rng &r) {
  xn_conv_params p = floatConvParams(c);
  if (!xn_neon_conv_supported(&p)) {
    report(false, "conv not supported: " + describe(c));
    return;
  }
  const std::vector<float> xv = randomFloats(c.n * c.c_in * c.h * c.w, r);
  const GuardedFloats x(xv);
  const std::vector<float> w = randomFloats(c.c_out * c.c_in * c.kh * c.kw, r);
  const std::vector<float> bias = randomFloats(c.c_out, r);
  std::vector<float> packed(xn_neon_conv_packed_floats(&p));
  xn_neon_conv_pack(&p, w.data(), packed.data());
  const size_t yn = static_cast<size_t>(c.n * c.c_out * c.outH() * c.outW());
  // The magnitude reference: |x| * |w| + |bias|, no activation.
  std::vector<float> mag(yn);
  xn_conv(&p, absolute(xv).data(), absolute(w).data(), absolute(bias).data(), mag.data());
  for (int variant = 0; variant < 2; ++variant) {
    xn_conv_params q = p;
    setAct(variant ? static_cast<int>(r.range(1, 5)) : static_cast<int>(XN_ACT_NONE), &q.act_kind,
           &q.act_alpha, &q.act_beta);
    const float *b = ptrOrNull(bias, variant == 1);
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    xn_conv(&q, x.data(), w.data(), b, want.data());
    xn_neon_conv(&q, x.data(), packed.data(), b, got.data());
    reportClose(want, got, mag,
                "float conv " + describe(c) + " act " + std::to_string(q.act_kind) +
                    (b ? " bias" : ""));
  }
}

void checkBwConv(const FConvCase &c, Rng &r) {
  const xn_bwconv_params p = bwConvParams(c);
  if (!xn_neon_bwconv_supported(&p)) {
    report(false, "bwconv not supported: " + describe(c));
    return;
  }
  const std::vector<float> xv = randomFloats(c.n * c.c_in * c.h * c.w, r);
  const GuardedFloats x(xv);
  const Bits w = randomBits(c.c_out * c.kh * c.kw, c.c_in, r);
  Bits packed(xn_neon_bwconv_packed_words(&p));
  xn_neon_bwconv_pack(&p, w.data(), packed.data());
  const size_t yn = static_cast<size_t>(c.n * c.c_out * c.outH() * c.outW());
  const std::vector<float> scale = randomFloats(c.c_out, r), bias = randomFloats(c.c_out, r),
                           res = randomFloats(static_cast<int64_t>(yn), r);
  const Bits plus(w.size(), 0); // all +1: the sum of |x| over the valid taps
  // Variants: nothing; scale, bias, residual; scale and a residual that aliases y.
  for (int variant = 0; variant < 3; ++variant) {
    xn_bwconv_params q = p;
    setAct(variant ? static_cast<int>(r.range(1, 5)) : static_cast<int>(XN_ACT_NONE), &q.act_kind,
           &q.act_alpha, &q.act_beta);
    const float *s = ptrOrNull(scale, variant >= 1), *b = ptrOrNull(bias, variant == 1);
    std::vector<float> mag(yn);
    xn_bwconv(&p, absolute(xv).data(), plus.data(), s ? absolute(scale).data() : nullptr,
              b ? absolute(bias).data() : nullptr, variant ? absolute(res).data() : nullptr,
              mag.data());
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    const float *rw = nullptr, *rg = nullptr;
    if (variant == 1) {
      rw = rg = res.data();
    } else if (variant == 2) {
      want = got = res;
      rw = want.data();
      rg = got.data();
    }
    xn_bwconv(&q, x.data(), w.data(), s, b, rw, want.data());
    xn_neon_bwconv(&q, x.data(), packed.data(), s, b, rg, got.data());
    static const char *const kVariant[] = {"", " scale/bias/residual", " scale/residual=y"};
    reportClose(want, got, mag,
                "bwconv " + describe(c) + " act " + std::to_string(q.act_kind) + kVariant[variant]);
  }
}

void checkBwDense(int64_t n, int64_t k, int64_t m, Rng &r) {
  char buf[128];
  snprintf(buf, sizeof buf, "bwdense n=%lld k=%lld m=%lld", (long long)n, (long long)k,
           (long long)m);
  const xn_bwdense_params p{n, k, m, XN_ACT_NONE, 0.0f, 0.0f};
  const std::vector<float> xv = randomFloats(n * k, r);
  const GuardedFloats x(xv);
  const Bits w = randomBits(m, k, r), plus(w.size(), 0);
  Bits packed(xn_neon_bwdense_packed_words(&p));
  xn_neon_bwdense_pack(&p, w.data(), packed.data());
  const size_t yn = static_cast<size_t>(n * m);
  const std::vector<float> scale = randomFloats(m, r), bias = randomFloats(m, r),
                           res = randomFloats(n * m, r);
  for (int variant = 0; variant < 3; ++variant) {
    xn_bwdense_params q = p;
    setAct(variant ? static_cast<int>(r.range(1, 5)) : static_cast<int>(XN_ACT_NONE), &q.act_kind,
           &q.act_alpha, &q.act_beta);
    const float *s = ptrOrNull(scale, variant >= 1), *b = ptrOrNull(bias, variant == 1);
    std::vector<float> mag(yn);
    xn_bwdense(&p, absolute(xv).data(), plus.data(), s ? absolute(scale).data() : nullptr,
               b ? absolute(bias).data() : nullptr, variant ? absolute(res).data() : nullptr,
               mag.data());
    std::vector<float> want(yn, kPoisonF), got(yn, kPoisonF);
    const float *rw = nullptr, *rg = nullptr;
    if (variant == 1) {
      rw = rg = res.data();
    } else if (variant == 2) {
      want = got = res;
      rw = want.data();
      rg = got.data();
    }
    xn_bwdense(&q, x.data(), w.data(), s, b, rw, want.data());
    xn_neon_bwdense(&q, x.data(), packed.data(), s, b, rg, got.data());
    reportClose(want, got, mag,
                std::string(buf) + " act " + std::to_string(q.act_kind) + " variant " +
                    std::to_string(variant));
  }
}

// c_mode: 0 no C, 1 C[N] (bias), 2 C[M,N], 3 C[M,1], 4 scalar C[1].
void checkGemm(int64_t M, int64_t K, int64_t N, int trans_b, int c_mode, float alpha, float beta,
               Rng &r) {
  char buf[160];
  snprintf(buf, sizeof buf, "gemm M=%lld K=%lld N=%lld trans_b=%d C mode %d alpha %g beta %g",
           (long long)M, (long long)K, (long long)N, trans_b, c_mode, (double)alpha, (double)beta);
  const int64_t csm[] = {0, 0, N, 1, 0}, csn[] = {0, 1, 1, 0, 0};
  const xn_gemm_params p{M, N, K, 0, trans_b, alpha, beta, csm[c_mode], csn[c_mode]};
  if (!xn_neon_gemm_supported(&p)) {
    report(false, std::string("not supported: ") + buf);
    return;
  }
  const std::vector<float> av = randomFloats(M * K, r);
  const GuardedFloats a(av);
  const std::vector<float> b = randomFloats(K * N, r), cv = randomFloats(M * N, r);
  const float *c = c_mode ? cv.data() : nullptr;
  std::vector<float> packed(xn_neon_gemm_packed_floats(&p));
  xn_neon_gemm_pack(&p, b.data(), packed.data());
  const size_t yn = static_cast<size_t>(M * N);
  xn_gemm_params pm = p;
  pm.alpha = std::fabs(alpha);
  pm.beta = std::fabs(beta);
  std::vector<float> mag(yn), want(yn, kPoisonF), got(yn, kPoisonF);
  xn_gemm(&pm, absolute(av).data(), absolute(b).data(), c ? absolute(cv).data() : nullptr,
          mag.data());
  xn_gemm(&p, a.data(), b.data(), c, want.data());
  xn_neon_gemm(&p, a.data(), packed.data(), c, got.data());
  reportClose(want, got, mag, buf);
}

std::vector<FConvCase> floatConvCases(Rng &r) {
  std::vector<FConvCase> v;
  // Every input x output channel count x kernel size x stride, random sizes and asymmetric
  // pads (rows of up to 20 interior pixels: whole tiles, 4-pixel tiles and single pixels).
  for (int64_t c_in : {1, 3, 65})
    for (int64_t c_out : {1, 3, 5, 17, 70})
      for (int64_t k : {1, 3, 5, 7})
        for (int64_t s : {1, 2}) {
          FConvCase c{2, r.range(1, 2), c_in, c_out, 0, 0, k, k, s, s, 1, 1, 0, 0, 0, 0};
          c.pt = r.range(0, (int)k - 1);
          c.pl = r.range(0, (int)k - 1);
          c.pb = r.range(0, (int)k - 1);
          c.pr = r.range(0, (int)k - 1);
          c.h = r.range(std::max(1, (int)(k - c.pt - c.pb)), (int)k + (c_in > 3 ? 3 : 6));
          c.w = r.range(std::max(1, (int)(k - c.pl - c.pr)), (int)k + (c_in > 3 ? 12 : 24));
          v.push_back(c);
        }
  // rank, n, c_in, c_out, h, w, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr
  v.push_back({2, 1, 3, 17, 13, 40, 3, 3, 3, 3, 1, 1, 1, 1, 0, 2}); // stride 3: lane loads
  v.push_back({2, 2, 3, 9, 19, 37, 7, 7, 4, 4, 1, 1, 3, 3, 3, 3});  // stride 4
  v.push_back({2, 1, 5, 6, 11, 33, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1});  // strides 2 x 1
  v.push_back({2, 1, 5, 6, 11, 33, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1});  // strides 1 x 2
  v.push_back({2, 1, 9, 11, 13, 30, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2}); // dilation 2
  v.push_back({2, 2, 4, 13, 14, 29, 3, 5, 2, 2, 3, 2, 1, 4, 0, 2}); // dilations 3 x 2
  v.push_back({2, 1, 7, 5, 9, 35, 1, 5, 1, 1, 1, 1, 0, 2, 0, 2});   // 1 x 5
  v.push_back({2, 1, 7, 5, 12, 17, 7, 1, 1, 1, 1, 1, 3, 0, 3, 0});  // 7 x 1
  v.push_back({2, 2, 65, 70, 7, 7, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0});  // 1x1: one row of 49
  v.push_back({2, 1, 64, 33, 9, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0});  // 1x1 stride 2
  v.push_back({2, 1, 3, 5, 4, 6, 1, 1, 1, 1, 1, 1, 2, 1, 2, 3});    // 1x1, pads: bias rows
  v.push_back({2, 3, 6, 21, 3, 3, 3, 3, 1, 1, 1, 1, 0, 0, 0, 0});   // one pixel per image
  v.push_back({2, 2, 6, 70, 5, 5, 5, 5, 2, 2, 1, 1, 0, 0, 0, 0});   // one pixel, 5x5
  v.push_back({2, 1, 2, 7, 2, 3, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3});    // kernel wider than input
  v.push_back({2, 1, 3, 16, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}); // Fashion-MNIST stem
  v.push_back({2, 1, 3, 64, 30, 29, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3}); // ResNet-style stem
  v.push_back({1, 2, 3, 17, 1, 50, 1, 5, 1, 1, 1, 1, 0, 2, 0, 1});  // 1-D
  v.push_back({1, 1, 65, 5, 1, 40, 1, 3, 1, 2, 1, 1, 0, 1, 0, 1});  // 1-D stride 2
  v.push_back({1, 1, 4, 9, 1, 30, 1, 3, 1, 1, 1, 3, 0, 3, 0, 0});   // 1-D dilation 3
  return v;
}

} // namespace

int main() {
  Rng r(2024);
  // Every channel count x kernel size x stride x padding mode.
  for (int64_t c_in : kChannels)
    for (int64_t k : {1, 3, 5})
      for (int64_t stride : {1, 2})
        for (int32_t pad_value : {0, 1, -1}) {
          const int64_t c_out = kChannels[r.range(0, 7)];
          const int64_t h = r.range(k, k + 5), w = r.range(k, k + 8);
          const int64_t pad = r.range(0, k / 2 + (k > 1 ? 1 : 0));
          checkConv(convParams(r.range(1, 2), c_in, c_out, h, w, k, stride, 1, pad, pad_value), r);
        }
  // Output channel counts around the tile width (2 * XN_NEON_B) and word boundaries.
  for (int64_t c_out : {1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 66, 100, 129})
    checkConv(convParams(1, 70, c_out, 7, 9, 3, 1, 1, 1, r.range(-1, 1)), r);
  // Dilations, asymmetric windows and strides.
  for (int64_t dil : {2, 3})
    for (int32_t pad_value : {0, 1, -1}) {
      checkConv(convParams(1, 65, 19, 11, 13, 3, 1, dil, dil, pad_value), r);
      checkConv(convParams(2, 64, 9, 12, 10, 3, 2, dil, 2, pad_value), r);
    }
  {
    xn_bconv_params p = convParams(1, 67, 21, 9, 12, 3, 1, 1, 1, -1);
    p.kw = 5;
    p.stride_w = 3;
    p.dil_w = 2;
    p.pad_left = 4;
    p.out_w = (p.in_w + 2 * 4 - 2 * 4 - 1) / 3 + 1;
    checkConv(p, r);
    p.pad_value = 0;
    checkConv(p, r);
  }
  // A reduction longer than XN_NEON_FOLD words per 16-bit accumulator: 3x3 x 30000 channels
  // = 9 x 469 = 4221 words (tile and border paths), and a dense layer of 4500 words.
  checkConv(convParams(1, 30000, 5, 3, 6, 3, 1, 1, 1, -1), r);
  checkConv(convParams(1, 30000, 5, 3, 6, 3, 1, 1, 1, 0), r);
  checkDense(2, 4500 * 64 - 5, 9, r);
  // Dense: batch, tails.
  for (int64_t k : {1, 63, 64, 65, 130, 1000})
    for (int64_t m : {1, 2, 9, 10, 64, 65, 130})
      checkDense(r.range(1, 3), k, m, r);
  // Max-pool: tails, 1..5 words, strides, dilation, padding (incl. empty windows).
  for (int64_t c : {1, 63, 64, 65, 128, 130, 200, 320})
    for (int with_min = 0; with_min < 2; ++with_min) {
      checkPool(2, c, 9, 11, 2, 2, 1, 0, with_min, r);
      checkPool(1, c, 8, 7, 3, 2, 1, 1, with_min, r);
      checkPool(1, c, 9, 9, 3, 1, 2, 2, with_min, r);
      checkPool(1, c, 4, 5, 3, 3, 1, 2, with_min, r);
    }
  // Float -> bits threshold: tails, spatial sizes around the vector width, every mode.
  for (int64_t c : {1, 3, 63, 64, 65, 130})
    for (int64_t spatial : {1, 3, 4, 5, 8, 17, 99})
      for (int mode = 0; mode < 4; ++mode)
        checkThreshold(r.range(1, 2), c, spatial, mode, r);

  // Float conv and BWN conv over the same shapes (BWN convs are 2-D).
  for (const FConvCase &c : floatConvCases(r)) {
    checkFloatConv(c, r);
    if (c.rank == 2)
      checkBwConv(c, r);
  }
  // Dense layers and Gemm: one-pixel channel groups (XN_NEON_FB1 blocks, then 2, then 1).
  for (int64_t k : {1, 3, 63, 64, 65, 300})
    for (int64_t m : {1, 3, 5, 17, 70})
      checkBwDense(r.range(1, 3), k, m, r);
  for (int64_t K : {1, 3, 65, 300})
    for (int64_t N : {1, 3, 5, 17, 70})
      for (int trans_b = 0; trans_b < 2; ++trans_b)
        checkGemm(r.range(1, 3), K, N, trans_b, r.range(0, 4), 1.0f, 1.0f, r);
  checkGemm(2, 3136, 10, 1, 1, 1.0f, 1.0f, r); // the Fashion-MNIST classifier
  checkGemm(3, 40, 9, 0, 2, 0.5f, -2.0f, r);
  checkGemm(3, 40, 9, 1, 3, -1.5f, 0.0f, r); // beta 0: C skipped
  checkGemm(2, 17, 33, 0, 0, 0.25f, 1.0f, r);

  // 8-bit kernels (neon/q8.h, neon/qthreshold.h), bit for bit: test/common/Q8Cases.h's cases.
  for (const std::string &e :
       {xnorc_test::checkQ8Conv(xn_neon_qconv, "neon"),
        xnorc_test::checkQ8Gemm(xn_neon_qgemm, "neon"),
        xnorc_test::checkQ8Quantize(xn_neon_quantize, xn_neon_dequantize, "neon"),
        xnorc_test::checkQThreshold(xn_neon_qthreshold, "neon")})
    report(e.empty(), e);

  // Ternary weights (neon/tconv.h) against generic/tconv.h, and generic/tconv.h against the
  // naive definition on this architecture: test/common/TernaryCases.h's cases.
  for (const std::string &e :
       {xnorc_test::checkTernaryReference(),
        xnorc_test::checkTernaryKernels({xn_neon_tconv, xn_neon_tconv_threshold, xn_neon_tdense,
                                         xn_neon_tdense_threshold, xn_neon_tconv_isa::L, "neon"},
                                        false)})
    report(e.empty(), e);

#if defined(__aarch64__)
  const char *arch = "aarch64";
#else
  const char *arch = "armv7";
#endif
#if defined(XN_NEON_DOTPROD)
  const char *q8 = "sdot";
#else
  const char *q8 = "smull";
#endif
  printf("neon kernel tests (%s, tile %dx%d, float tile %dx%d, 8-bit %s %dx%d): %d passed, %d "
         "failed\n",
         arch, XN_NEON_P, XN_NEON_B, 4 * XN_NEON_FG, 4 * XN_NEON_FB, q8, xn_neon_q8::R,
         xn_neon_q8::P * xn_neon_q8::L, g_pass, g_fail);
  // A run that checked nothing (e.g. every case compiled out) is a failure, not a pass.
  return g_fail || !g_pass ? 1 : 0;
}
