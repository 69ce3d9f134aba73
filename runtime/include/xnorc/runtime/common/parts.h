// Work splitting for multi-threaded generated code (xnorc --threads=N).
//
// A kernel that can split its work takes two trailing arguments, `int part = 0, int parts =
// 1`, and computes only part `part` of `parts` of its output: a contiguous range of output
// rows (or planes, or pixels), chosen by xn_part_range so that the parts are disjoint, cover
// everything, and each part's arithmetic is exactly what the whole call does for those
// outputs (results do not depend on the number of threads). With the defaults the kernel
// is the single-threaded kernel.
#ifndef XNORC_RUNTIME_COMMON_PARTS_H
#define XNORC_RUNTIME_COMMON_PARTS_H

#include <stdint.h>

// Part `part` of `parts` of `count` items: [*lo, *hi), sizes differing by at most one.
inline void xn_part_range(int64_t count, int part, int parts, int64_t *lo, int64_t *hi) {
  const int64_t q = count / parts, r = count % parts;
  *lo = part * q + (part < r ? part : r);
  *hi = *lo + q + (part < r ? 1 : 0);
}

// The same with the range's ends rounded down to multiples of `align` (the last part still
// ends at `count`): for kernels that work in chunks of `align` items.
inline void xn_part_range_aligned(int64_t count, int64_t align, int part, int parts, int64_t *lo,
                                  int64_t *hi) {
  const int64_t chunks = (count + align - 1) / align;
  xn_part_range(chunks, part, parts, lo, hi);
  *lo *= align;
  *hi = *hi * align < count ? *hi * align : count;
}

#endif // XNORC_RUNTIME_COMMON_PARTS_H
