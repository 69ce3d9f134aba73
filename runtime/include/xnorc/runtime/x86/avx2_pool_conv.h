// xn_avx2_avg_pool_conv: the average pool + 1x1 float conv layer (x86/pool_conv.h) on the
// AVX2 oc conv (x86/avx2_oc_conv.h) and vector pools (x86/avx2_glue.h).
#ifndef XNORC_RUNTIME_X86_AVX2_POOL_CONV_H
#define XNORC_RUNTIME_X86_AVX2_POOL_CONV_H

#include "avx2_glue.h"
#include "avx2_oc_conv.h"
#include "pool_conv.h"

XN_X86_POOL_CONV_KERNEL(avx2)

#endif // XNORC_RUNTIME_X86_AVX2_POOL_CONV_H
