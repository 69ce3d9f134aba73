// xn_avx2_conv_max_pool: the float conv + max-pool layer (x86/conv_pool.h) on the AVX2
// oc conv (x86/avx2_oc_conv.h).
#ifndef XNORC_RUNTIME_X86_AVX2_CONV_POOL_H
#define XNORC_RUNTIME_X86_AVX2_CONV_POOL_H

#include "avx2_oc_conv.h"
#include "conv_pool.h"

XN_X86_CONV_POOL_KERNEL(avx2, __attribute__((target("avx2,fma"))))

#endif // XNORC_RUNTIME_X86_AVX2_CONV_POOL_H
