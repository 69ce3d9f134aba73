// ONNX Gemm and (batched, broadcasting) MatMul, float32 row-major.
#ifndef XNORC_RUNTIME_GENERIC_GEMM_H
#define XNORC_RUNTIME_GENERIC_GEMM_H

#include "xn_common.h"

// Y[M,N] = alpha * op(A) * op(B) + beta * C.
// A is [M,K], or [K,M] when trans_a; B is [K,N], or [N,K] when trans_b.
// C (may be NULL) is read as C[m * c_stride_m + n * c_stride_n]; a stride of 0 expresses
// ONNX's unidirectional broadcast (e.g. bias [N]: c_stride_m = 0, c_stride_n = 1).
#define XN_GEMM_PARAMS(F, A)                                                                       \
  F(int64_t, M)                                                                                    \
  F(int64_t, N)                                                                                    \
  F(int64_t, K)                                                                                    \
  F(int32_t, trans_a)                                                                              \
  F(int32_t, trans_b)                                                                              \
  F(float, alpha)                                                                                  \
  F(float, beta)                                                                                   \
  F(int64_t, c_stride_m)                                                                           \
  F(int64_t, c_stride_n)
XN_DECLARE_PARAMS(xn_gemm_params, XN_GEMM_PARAMS)

// Batched MatMul on shapes the compiler has already promoted per numpy rules (1-D
// operands reshaped to [1,K] / [K,1], batch dims broadcast to the output's):
// A is batch x [M,K], B is batch x [K,N], Y is contiguous batch x [M,N].
// a/b_batch_strides are element strides between consecutive matrices along each batch
// dim; 0 means the operand is broadcast along that dim.
#define XN_MATMUL_PARAMS(F, A)                                                                     \
  F(int32_t, batch_rank) /* 0..XN_MAX_RANK-2 */                                                    \
  A(int64_t, batch_dims, XN_MAX_RANK)                                                              \
  A(int64_t, a_batch_strides, XN_MAX_RANK)                                                         \
  A(int64_t, b_batch_strides, XN_MAX_RANK)                                                         \
  F(int64_t, M)                                                                                    \
  F(int64_t, K)                                                                                    \
  F(int64_t, N)
XN_DECLARE_PARAMS(xn_matmul_params, XN_MATMUL_PARAMS)

inline size_t xn_gemm_scratch_bytes(const xn_gemm_params *p) {
  (void)p;
  return 0;
}

inline size_t xn_matmul_scratch_bytes(const xn_matmul_params *p) {
  (void)p;
  return 0;
}

// Row-times-matrix form keeps the innermost loop contiguous in both B and Y. Strides
// let Gemm reuse it for a transposed A.
inline void xn_gemm_nn_rows(int64_t M, int64_t N, int64_t K, const float *a, int64_t a_sm,
                            int64_t a_sk, const float *b, float *y) {
  for (int64_t m = 0; m < M; ++m) {
    float *yr = y + m * N;
    for (int64_t n = 0; n < N; ++n)
      yr[n] = 0.0f;
    for (int64_t k = 0; k < K; ++k) {
      const float av = a[m * a_sm + k * a_sk];
      const float *br = b + k * N;
      for (int64_t n = 0; n < N; ++n)
        yr[n] += av * br[n];
    }
  }
}

// y = alpha * y + beta * C on columns [n_lo, n_hi) of the [M,N] product y, in place. Like
// onnxruntime, beta == 0 skips C entirely (so a non-finite C cannot leak NaN).
inline void xn_gemm_epilogue_cols(const xn_gemm_params *p, const float *c, float *y, int64_t n_lo,
                                  int64_t n_hi) {
  const int64_t M = p->M, N = p->N;
  const float alpha = p->alpha, beta = p->beta;
  const int use_c = c != NULL && beta != 0.0f;
  for (int64_t m = 0; m < M; ++m) {
    float *yr = y + m * N;
    if (use_c) {
      const float *cr = c + m * p->c_stride_m;
      const int64_t cs = p->c_stride_n;
      for (int64_t n = n_lo; n < n_hi; ++n)
        yr[n] = alpha * yr[n] + beta * cr[n * cs];
    } else if (alpha != 1.0f) {
      for (int64_t n = n_lo; n < n_hi; ++n)
        yr[n] = alpha * yr[n];
    }
  }
}

// The same on every column. Shared with the SIMD and sparse Gemms.
inline void xn_gemm_epilogue(const xn_gemm_params *p, const float *c, float *y) {
  xn_gemm_epilogue_cols(p, c, y, 0, p->N);
}

// Y must not alias A, B or C.
inline void xn_gemm(const xn_gemm_params *p, const float *a, const float *b, const float *c,
                    float *y) {
  const int64_t M = p->M, N = p->N, K = p->K;
  const int64_t a_sm = p->trans_a ? 1 : K;
  const int64_t a_sk = p->trans_a ? M : 1;
  if (!p->trans_b) {
    xn_gemm_nn_rows(M, N, K, a, a_sm, a_sk, b, y);
  } else {
    // B^T rows are B's rows, so each output is a contiguous dot product over K.
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t n = 0; n < N; ++n) {
        const float *br = b + n * K;
        float acc = 0.0f;
        for (int64_t k = 0; k < K; ++k)
          acc += a[m * a_sm + k * a_sk] * br[k];
        y[m * N + n] = acc;
      }
    }
  }
  xn_gemm_epilogue(p, c, y);
}

// Y must not alias A or B.
inline void xn_matmul(const xn_matmul_params *p, const float *a, const float *b, float *y) {
  const int32_t br = p->batch_rank;
  const int64_t batches = xn_numel(br, p->batch_dims);
  const int64_t mn = p->M * p->N;
  int64_t idx[XN_MAX_RANK] = {0};
  int64_t a_off = 0, b_off = 0;
  for (int64_t bi = 0; bi < batches; ++bi) {
    xn_gemm_nn_rows(p->M, p->N, p->K, a + a_off, p->K, 1, b + b_off, y + bi * mn);
    // Odometer over batch dims, maintaining operand offsets incrementally.
    for (int32_t d = br - 1; d >= 0; --d) {
      a_off += p->a_batch_strides[d];
      b_off += p->b_batch_strides[d];
      if (++idx[d] < p->batch_dims[d])
        break;
      a_off -= p->a_batch_strides[d] * p->batch_dims[d];
      b_off -= p->b_batch_strides[d] * p->batch_dims[d];
      idx[d] = 0;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_GEMM_H
