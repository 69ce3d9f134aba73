// Binary max-pool on packed bits for AVX-512: generic/bpool.h's walk on 8 channel words per
// vector, masked for the tail (x86/avx512_policy.h). Same contract as xn_bmaxpool, bit for
// bit.
#ifndef XNORC_RUNTIME_X86_AVX512_BPOOL_H
#define XNORC_RUNTIME_X86_AVX512_BPOOL_H

#include "avx512_policy.h"
#include "common.h"

__attribute__((target("avx512f"), flatten)) inline void
xn_avx512_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x, const uint64_t *min_mask,
                   uint64_t *y, int part = 0, int parts = 1) {
  xn_bmaxpool_walk<xn_avx512_u64>(p, x, min_mask, y, part, parts);
}

#endif // XNORC_RUNTIME_X86_AVX512_BPOOL_H
