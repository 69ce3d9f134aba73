// xn_avx512_avg_pool_conv: the average pool + 1x1 float conv layer (x86/pool_conv.h) on the
// AVX512 oc conv (x86/avx512_oc_conv.h) and vector pools (x86/avx512_glue.h).
#ifndef XNORC_RUNTIME_X86_AVX512_POOL_CONV_H
#define XNORC_RUNTIME_X86_AVX512_POOL_CONV_H

#include "avx512_glue.h"
#include "avx512_oc_conv.h"
#include "pool_conv.h"

XN_X86_POOL_CONV_KERNEL(avx512)

#endif // XNORC_RUNTIME_X86_AVX512_POOL_CONV_H
