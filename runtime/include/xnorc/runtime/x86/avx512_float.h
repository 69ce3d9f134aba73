// Float conv and Gemm for AVX-512 (F): x86/px_float.h over the 16-lane policy of
// x86/avx512_policy.h with 32 registers.
//
// Conv: weights [ceil(c_out/8)][c_in][kh][kw][8] (x86/float_common.h). Register tile: 8
// output channels x 3 vectors of 16 consecutive output pixels (24 zmm accumulators). Input
// vectors: stride 1 a masked load; stride 2 two masked loads whose even lanes vpermt2ps
// compresses; larger strides a masked gather. Output: masked stores (mask registers).
//
// Gemm: B packed as [ceil(N/16)][K][16], up to 8 column blocks per pass.
//
// Per-function target attributes: builds without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_FLOAT_H
#define XNORC_RUNTIME_X86_AVX512_FLOAT_H

#include "avx512_policy.h"
#include "px_float.h"

// xn_avx512_px, xn_avx512_conv, xn_avx512_gemm.
XN_X86_PX_KERNELS(avx512, xn_avx512_f32, XN_AVX512F_T, XN_AVX512F_P,
                  __attribute__((target("avx512f,fma"))))

#endif // XNORC_RUNTIME_X86_AVX512_FLOAT_H
