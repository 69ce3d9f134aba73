// XN_UNROLL(n): unroll the next loop up to n times. The kernels' register tiles are arrays of
// vectors indexed by loop counters; g++ -O2 does not unroll such loops by itself, and an array
// indexed by a loop counter lives in memory: every multiply-add would then wait for a store
// and a load. Unrolled completely, each element is a register.
#ifndef XNORC_RUNTIME_COMMON_UNROLL_H
#define XNORC_RUNTIME_COMMON_UNROLL_H

#define XN_PRAGMA_TEXT(text) _Pragma(#text)
#define XN_UNROLL(n) XN_PRAGMA_TEXT(GCC unroll n)

#endif // XNORC_RUNTIME_COMMON_UNROLL_H
