// xn_peak_ceilings() for the avx2 target (x86/peak.h): the binary kernels' nibble-split
// word_pop (xn_avx2_bits) with its byte-count fold every 31 words, and 256-bit FMAs.
#ifndef XNORC_RUNTIME_X86_AVX2_PEAK_H
#define XNORC_RUNTIME_X86_AVX2_PEAK_H

#include "avx2_bconv.h"
#include "avx2_policy.h"
#include "peak.h"

XN_X86_PEAK_CEILINGS(avx2, xn_avx2_bits, xn_avx2_f32, XN_AVX2_TARGET,
                     __attribute__((target("avx2,fma"))))

#endif // XNORC_RUNTIME_X86_AVX2_PEAK_H
