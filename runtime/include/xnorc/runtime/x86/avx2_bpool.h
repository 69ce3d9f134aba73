// Binary max-pool on packed bits for AVX2: generic/bpool.h's walk on 4 channel words per
// vector (x86/avx2_policy.h), scalar tail words. Same contract as xn_bmaxpool, bit for bit.
#ifndef XNORC_RUNTIME_X86_AVX2_BPOOL_H
#define XNORC_RUNTIME_X86_AVX2_BPOOL_H

#include "avx2_policy.h"
#include "common.h"

__attribute__((target("avx2"), flatten)) inline void
xn_avx2_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x, const uint64_t *min_mask,
                 uint64_t *y, int part = 0, int parts = 1) {
  xn_bmaxpool_walk<xn_avx2_u64>(p, x, min_mask, y, part, parts);
}

#endif // XNORC_RUNTIME_X86_AVX2_BPOOL_H
