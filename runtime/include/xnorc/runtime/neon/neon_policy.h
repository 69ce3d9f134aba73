// The NEON policies (AArch64 and ARMv7): the instruction-set half of the kernels written once
// as templates over a policy (docs/Architecture.md, "Runtime: one walk per family, a policy
// per ISA"). NEON is the baseline of both targets, so unlike the x86 policies no target
// attributes are needed.
#ifndef XNORC_RUNTIME_NEON_NEON_POLICY_H
#define XNORC_RUNTIME_NEON_NEON_POLICY_H

#include "common.h"

// Channel words for the binary max-pool walk (generic/bpool.h): 2 per q-register, no masked
// loads (the walk does the tail word on its own).
struct xn_neon_u64 {
  typedef uint64x2_t vec;
  static constexpr int W = 2, MASKED = 0;
  static void ones(vec &v) { v = vdupq_n_u64(~(uint64_t)0); }
  static void zero(vec &v) { v = vdupq_n_u64(0); }
  static void load(vec &v, const uint64_t *p, int64_t) { v = vld1q_u64(p); }
  static void and_or(vec &all, vec &any, const vec &v) {
    all = vandq_u64(all, v);
    any = vorrq_u64(any, v);
  }
  // (all & ~mn) | (any & mn): vbslq picks any where mn is set.
  static void select(vec &r, const vec &mn, const vec &any, const vec &all) {
    r = vbslq_u64(mn, any, all);
  }
  static void store(uint64_t *p, const vec &v, int64_t) { vst1q_u64(p, v); }
};

#endif // XNORC_RUNTIME_NEON_NEON_POLICY_H
