// Binary max-pool on packed bits for ARM NEON: generic/bpool.h's walk on 2 channel words per
// q-register (neon/neon_policy.h), scalar tail word. Same contract as xn_bmaxpool
// (generic/bpool.h), bit for bit.
#ifndef XNORC_RUNTIME_NEON_BPOOL_H
#define XNORC_RUNTIME_NEON_BPOOL_H

#include "neon_policy.h"

inline void xn_neon_bmaxpool(const xn_bmaxpool_params *p, const uint64_t *x,
                             const uint64_t *min_mask, uint64_t *y) {
  xn_bmaxpool_walk<xn_neon_u64>(p, x, min_mask, y, 0, 1);
}

#endif // XNORC_RUNTIME_NEON_BPOOL_H
