// Binary (XNOR) fully connected layer: packed ±1 inputs and weights, XOR + popcount.
#ifndef XNORC_RUNTIME_GENERIC_BDENSE_H
#define XNORC_RUNTIME_GENERIC_BDENSE_H

#include "bitpack.h"

// x is packed [n][ceil(k/64)], w is packed [m][ceil(k/64)] (ONNX Gemm with transB = 1, i.e.
// one row per output feature). d[n][m] = k - 2 * popcount(x ^ w).
#define XN_BDENSE_PARAMS(F, A)                                                                     \
  F(int64_t, n)                                                                                    \
  F(int64_t, k)                                                                                    \
  F(int64_t, m)                                                                                    \
  F(int32_t, act_kind) /* xn_act_kind */                                                           \
  F(float, act_alpha)                                                                              \
  F(float, act_beta)
XN_DECLARE_PARAMS(xn_bdense_params, XN_BDENSE_PARAMS)

// The walk of xn_bdense: out(idx, m, d) for every output, idx = n * m_count + m.
template <class Out>
inline void xn_bdense_each(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                           const Out &out) {
  const int64_t kw = xn_bit_words(p->k);
  for (int64_t n = 0; n < p->n; ++n) {
    const uint64_t *xn = x + n * kw;
    for (int64_t m = 0; m < p->m; ++m)
      out(n * p->m + m, m, p->k - 2 * xn_popcount_xor(xn, w + m * kw, kw));
  }
}

// y[n][m] = act(scale[m] * d + bias[m] + residual[n][m]). scale NULL means 1, bias NULL
// means 0, residual NULL means none. residual may alias y; y must not alias x or w.
inline void xn_bdense(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                      const float *scale, const float *bias, const float *residual, float *y) {
  xn_bdense_each(p, x, w, [=](int64_t idx, int64_t m, int64_t d) {
    y[idx] = xn_binary_epilogue(p->act_kind, p->act_alpha, p->act_beta, scale, bias, residual, m,
                                idx, d);
  });
}

// y packed [n][ceil(m/64)]: bit 0 (+1) where (dir[m] >= 0 ? d >= thresh[m] : d <= thresh[m]),
// tail bits 0. dir NULL means all >=. y must not alias x or w.
inline void xn_bdense_threshold(const xn_bdense_params *p, const uint64_t *x, const uint64_t *w,
                                const int32_t *thresh, const int32_t *dir, uint64_t *y) {
  const int64_t kw = xn_bit_words(p->k);
  const int64_t mw = xn_bit_words(p->m);
  for (int64_t n = 0; n < p->n; ++n) {
    const uint64_t *xn = x + n * kw;
    uint64_t *yn = y + n * mw;
    for (int64_t j = 0; j < mw; ++j) {
      // Each output word is assembled in a register and stored once.
      uint64_t word = 0;
      const int64_t m_end = p->m - j * 64 < 64 ? p->m : j * 64 + 64;
      for (int64_t m = j * 64; m < m_end; ++m) {
        const int64_t d = p->k - 2 * xn_popcount_xor(xn, w + m * kw, kw);
        const int64_t t = thresh[m];
        const bool plus = (dir == NULL || dir[m] >= 0) ? d >= t : d <= t;
        word |= (uint64_t)(!plus) << (m & 63);
      }
      yn[j] = word;
    }
  }
}

#endif // XNORC_RUNTIME_GENERIC_BDENSE_H
