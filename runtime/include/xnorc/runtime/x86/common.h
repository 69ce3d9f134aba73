// Shared pieces of xnorc's x86 binary kernels (AVX2 and AVX-512).
//
// Weight layout of the x86 binary conv and dense kernels: output channels across vector
// lanes (common/oc_blocked.h, shared with the NEON kernels), L = 8 for AVX-512 and 4 for
// AVX2. The micro-kernel broadcasts one activation word, XORs it with the vector of L
// output channels' weight words and popcounts each 64-bit lane: one lane = one output
// channel, so no horizontal reduction is ever needed.
//
// The xn_x86_* names below forward to the ISA-neutral helpers of common/oc_blocked.h
// (plain C++, no intrinsics: the compiler calls the packing at compile time).
#ifndef XNORC_RUNTIME_X86_COMMON_H
#define XNORC_RUNTIME_X86_COMMON_H

#include "../common/oc_bconv_walk.h"
#include "../common/x86_pack.h"

// The x86 conv kernels handle group == 1 (the only case binary layers use in practice);
// grouped convs stay on the generic kernel.
inline bool xn_x86_bconv_supported(const xn_bconv_params *p) { return p->group == 1; }

inline void xn_x86_interior(int64_t out, int64_t stride, int64_t pad, int64_t dil, int64_t taps,
                            int64_t size, int64_t *lo, int64_t *hi) {
  xn_oc_interior(out, stride, pad, dil, taps, size, lo, hi);
}

// The float epilogue is xn_oc_bconv_epilogue (noinline, baseline ISA: no FMA contraction
// that the generic kernel does not do).

#endif // XNORC_RUNTIME_X86_COMMON_H
