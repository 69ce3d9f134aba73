// Plain copy for Reshape/Identity/Flatten when a buffer copy is required: bytes, so it serves
// every element type (a flatten of 8-bit values too, fuse-bconv-quantize).
#ifndef XNORC_RUNTIME_GENERIC_COPY_H
#define XNORC_RUNTIME_GENERIC_COPY_H

#include "xn_common.h"

#define XN_COPY_PARAMS(F, A) F(int64_t, bytes)
XN_DECLARE_PARAMS(xn_copy_params, XN_COPY_PARAMS)

// memmove so overlapping or identical buffers are safe.
inline void xn_copy(const xn_copy_params *p, const void *x, void *y) {
  if (x != y && p->bytes > 0)
    memmove(y, x, static_cast<size_t>(p->bytes));
}

#endif // XNORC_RUNTIME_GENERIC_COPY_H
