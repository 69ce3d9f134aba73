// AVX2 and AVX-512 sparse float convs (xn_avx2_sparse_conv, xn_avx512_sparse_conv): the
// walk of generic/sparse.h with its inner loop (one weight times one input row, added to one
// output row) on 8 or 16 output pixels per vector. Strided rows stay scalar.
//
// Bit-identical with xn_sparse_conv, hence with xn_conv: the product and the sum are rounded
// separately as in the generic code -- the empty asm keeps the compiler from fusing them into
// an FMA, which would round once.
#ifndef XNORC_RUNTIME_X86_SPARSE_H
#define XNORC_RUNTIME_X86_SPARSE_H

#include "../generic/sparse.h"

#include <immintrin.h>

// Strided rows, one output at a time; AVX-512 F brings FMA, which the asm keeps unused here too.
__attribute__((target("avx2"))) inline void
xn_x86_sparse_axpy_strided(float *y, const float *x, float v, int64_t n, int64_t step) {
  for (int64_t i = 0; i < n; ++i) {
    float prod = v * x[i * step];
    __asm__("" : "+x"(prod));
    y[i] += prod;
  }
}

__attribute__((target("avx2"))) inline void xn_avx2_sparse_axpy(float *y, const float *x, float v,
                                                                int64_t n, int64_t step) {
  if (step != 1) {
    xn_x86_sparse_axpy_strided(y, x, v, n, step);
    return;
  }
  const __m256 vv = _mm256_set1_ps(v);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 prod = _mm256_mul_ps(vv, _mm256_loadu_ps(x + i));
    __asm__("" : "+x"(prod));
    _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), prod));
  }
  if (i < n) { // the tail in one masked vector: lanes below n - i
    const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - i)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 prod = _mm256_mul_ps(vv, _mm256_maskload_ps(x + i, live));
    __asm__("" : "+x"(prod));
    _mm256_maskstore_ps(y + i, live, _mm256_add_ps(_mm256_maskload_ps(y + i, live), prod));
  }
}

__attribute__((target("avx512f"))) inline void
xn_avx512_sparse_axpy(float *y, const float *x, float v, int64_t n, int64_t step) {
  if (step != 1) {
    xn_x86_sparse_axpy_strided(y, x, v, n, step);
    return;
  }
  const __m512 vv = _mm512_set1_ps(v);
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 live = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
    __m512 prod = _mm512_mul_ps(vv, _mm512_maskz_loadu_ps(live, x + i));
    __asm__("" : "+v"(prod));
    _mm512_mask_storeu_ps(y + i, live, _mm512_add_ps(_mm512_maskz_loadu_ps(live, y + i), prod));
  }
}

XN_SPARSE_CONV_DEFINE(xn_avx2_sparse_conv, __attribute__((target("avx2"))) inline,
                      xn_avx2_sparse_axpy)
XN_SPARSE_CONV_DEFINE(xn_avx512_sparse_conv, __attribute__((target("avx512f"))) inline,
                      xn_avx512_sparse_axpy)

#endif // XNORC_RUNTIME_X86_SPARSE_H
