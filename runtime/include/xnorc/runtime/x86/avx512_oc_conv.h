// AVX-512 output-channels-across-lanes convs (design: x86/oc_conv.h): the binary-weight
// conv and dense layer xn_avx512_bwconv / xn_avx512_bwdense, and the float conv
// xn_avx512_conv_oc, which xnorc prefers to the pixels-across-lanes xn_avx512_conv
// (x86/avx512_float.h) for strided convs (the stem; not at W stride 2 with at most 16 output
// channels, one block) and convs with many weights per output (targets/x86/X86Targets.cpp,
// useOcConv). x86/oc_conv.h's register tile on the 16-lane
// vectors of x86/avx512_policy.h.
//
// Register tile: XN_AVX512_OC_B blocks x XN_AVX512_OC_P pixels (4 x 6: 64 channels x 6
// pixels, 24 accumulators + 4 weight vectors + 1 broadcast). Per input channel and tap: 4
// weight vectors (float: 4 loads; bits: 4 kmovw + vblendmps of +1/-1), then per pixel one
// vbroadcastss and 4 FMAs.
//
// Same parameter structs and semantics as generic/bwconv.h and generic/conv.h, equal up to
// float summation order. Per-function target attributes: builds without -m flags; callers
// check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_OC_CONV_H
#define XNORC_RUNTIME_X86_AVX512_OC_CONV_H

#include "avx512_policy.h"
#include "oc_conv.h"

// xn_avx512_oc, xn_avx512_bwconv, xn_avx512_bwdense, xn_avx512_conv_oc.
XN_X86_OC_KERNELS(avx512, xn_avx512_f32, XN_AVX512_OC_L, XN_AVX512_OC_B, XN_AVX512_OC_P,
                  __attribute__((target("avx512f,fma"))))

#endif // XNORC_RUNTIME_X86_AVX512_OC_CONV_H
