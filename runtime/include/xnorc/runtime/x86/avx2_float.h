// Float conv and Gemm for AVX2 + FMA: x86/px_float.h over the 8-lane policy of
// x86/avx2_policy.h with 16 registers.
//
// Conv: weights [ceil(c_out/4)][c_in][kh][kw][4] (x86/float_common.h). Register tile: 4
// output channels x 3 vectors of 8 consecutive output pixels (12 ymm accumulators). Input
// vectors: stride 1 a masked load (vmaskmovps: masked-out lanes read 0, never fault);
// stride 2 two masked loads, vshufps + vpermpd to keep the even lanes; larger strides a
// masked gather. Output: a plain store per whole vector, vmaskmovps for the row's tail.
//
// Gemm: B packed as [ceil(N/8)][K][8], up to 8 column blocks per pass.
#ifndef XNORC_RUNTIME_X86_AVX2_FLOAT_H
#define XNORC_RUNTIME_X86_AVX2_FLOAT_H

#include "avx2_policy.h"
#include "px_float.h"

// xn_avx2_px, xn_avx2_conv, xn_avx2_gemm.
XN_X86_PX_KERNELS(avx2, xn_avx2_f32, XN_AVX2F_T, XN_AVX2F_P, __attribute__((target("avx2,fma"))))

#endif // XNORC_RUNTIME_X86_AVX2_FLOAT_H
