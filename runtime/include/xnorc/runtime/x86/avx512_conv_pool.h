// xn_avx512_conv_max_pool: the float conv + max-pool layer (x86/conv_pool.h) on the AVX512
// oc conv (x86/avx512_oc_conv.h).
#ifndef XNORC_RUNTIME_X86_AVX512_CONV_POOL_H
#define XNORC_RUNTIME_X86_AVX512_CONV_POOL_H

#include "avx512_oc_conv.h"
#include "conv_pool.h"

XN_X86_CONV_POOL_KERNEL(avx512, __attribute__((target("avx512f,fma"))))

#endif // XNORC_RUNTIME_X86_AVX512_CONV_POOL_H
