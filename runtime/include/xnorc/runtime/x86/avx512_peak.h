// xn_peak_ceilings() for the avx512 target (x86/peak.h): vpxorq + vpopcntq + vpaddq, and
// 512-bit FMAs.
#ifndef XNORC_RUNTIME_X86_AVX512_PEAK_H
#define XNORC_RUNTIME_X86_AVX512_PEAK_H

#include "avx512_bconv.h"
#include "avx512_policy.h"
#include "peak.h"

XN_X86_PEAK_CEILINGS(avx512, xn_oc_bits<xn_avx512_bconv_isa>, xn_avx512_f32, XN_AVX512_TARGET,
                     __attribute__((target("avx512f,fma"))))

#endif // XNORC_RUNTIME_X86_AVX512_PEAK_H
