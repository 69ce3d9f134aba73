// NEON qthreshold (xn_neon_qthreshold), AArch64 and ARMv7: 8-bit activations to packed sign bits
// on common/qthreshold_walk.h, 16 pixels a q-register, bit for bit generic/qthreshold.h's
// xn_qthreshold. vcgtq_s8 compares bytes, vandq / vbicq keep a channel's bit (vbicq where the
// channel's comparison is flipped); the transpose's interleaves are AArch64's vzip1q / vzip2q,
// ARMv7's vzipq (both halves at once). A partial vector is loaded from a zero-padded copy.
#ifndef XNORC_RUNTIME_NEON_QTHRESHOLD_H
#define XNORC_RUNTIME_NEON_QTHRESHOLD_H

#include "../common/qthreshold_walk.h"
#include "common.h"

#if defined(__aarch64__)
#define XN_NEON_ZIP(lo, hi, a, b, t)                                                               \
  do {                                                                                             \
    lo = vreinterpretq_s8_##t(vzip1q_##t(vreinterpretq_##t##_s8(a), vreinterpretq_##t##_s8(b)));   \
    hi = vreinterpretq_s8_##t(vzip2q_##t(vreinterpretq_##t##_s8(a), vreinterpretq_##t##_s8(b)));   \
  } while (0)
#else
#define XN_NEON_ZIP(lo, hi, a, b, t)                                                               \
  do {                                                                                             \
    const auto z = vzipq_##t(vreinterpretq_##t##_s8(a), vreinterpretq_##t##_s8(b));                \
    lo = vreinterpretq_s8_##t(z.val[0]);                                                           \
    hi = vreinterpretq_s8_##t(z.val[1]);                                                           \
  } while (0)
#endif

struct xn_neon_qt {
  typedef int8x16_t vb;
  static constexpr int L = 16;
  static void zero(vb &v) { v = vdupq_n_s8(0); }
  static void set1(vb &v, int8_t a) { v = vdupq_n_s8(a); }
  static void load(vb &v, const uint8_t *p, int64_t n, int bias) {
    uint8_t buf[L];
    if (n < L)
      p = xn_qthreshold_tail(buf, p, n);
    v = veorq_s8(vld1q_s8(reinterpret_cast<const int8_t *>(p)), vdupq_n_s8((int8_t)bias));
  }
  static void minus_bit(vb &acc, const vb &s, const vb &t, bool flip, const vb &bit) {
    const vb gt = vreinterpretq_s8_u8(vcgtq_s8(t, s));
    acc = vorrq_s8(acc, flip ? vbicq_s8(bit, gt) : vandq_s8(gt, bit));
  }
  static void zip8(vb &lo, vb &hi, const vb &a, const vb &b) {
#if defined(__aarch64__)
    lo = vzip1q_s8(a, b);
    hi = vzip2q_s8(a, b);
#else
    const int8x16x2_t z = vzipq_s8(a, b);
    lo = z.val[0];
    hi = z.val[1];
#endif
  }
  static void zip16(vb &lo, vb &hi, const vb &a, const vb &b) { XN_NEON_ZIP(lo, hi, a, b, s16); }
  static void zip32(vb &lo, vb &hi, const vb &a, const vb &b) { XN_NEON_ZIP(lo, hi, a, b, s32); }
  static void store(uint64_t *w, const vb &v) { vst1q_u64(w, vreinterpretq_u64_s8(v)); }
};

#undef XN_NEON_ZIP

XN_QTHRESHOLD_ENTRY_POINT(neon, xn_neon_qt, )

#endif // XNORC_RUNTIME_NEON_QTHRESHOLD_H
