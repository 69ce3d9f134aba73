// AVX2 + FMA output-channels-across-lanes convs (design: x86/oc_conv.h): xn_avx2_bwconv,
// xn_avx2_bwdense and the float conv xn_avx2_conv_oc, x86/oc_conv.h's register tile on the
// 8-lane vectors of x86/avx2_policy.h with 16 registers.
//
// Register tile: XN_AVX2_OC_B blocks x XN_AVX2_OC_P pixels (2 x 6: 16 channels x 6 pixels,
// 12 accumulators + 2 weight vectors + 1 broadcast). Bit weights: one byte holds the signs
// of a block's 8 channels at one tap, expanded by a table load (xn_avx2_f32::signs).
#ifndef XNORC_RUNTIME_X86_AVX2_OC_CONV_H
#define XNORC_RUNTIME_X86_AVX2_OC_CONV_H

#include "avx2_policy.h"
#include "oc_conv.h"

// xn_avx2_oc, xn_avx2_bwconv, xn_avx2_bwdense, xn_avx2_conv_oc.
XN_X86_OC_KERNELS(avx2, xn_avx2_f32, XN_AVX2_OC_L, XN_AVX2_OC_B, XN_AVX2_OC_P,
                  __attribute__((target("avx2,fma"))))

#endif // XNORC_RUNTIME_X86_AVX2_OC_CONV_H
