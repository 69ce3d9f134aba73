// Compile-time weight packing of xnorc's NEON float-input kernels (neon/fconv.h: float conv
// and Gemm; neon/bwconv.h: binary-weight conv and dense). Plain C++ without intrinsics: the
// compiler includes this header, packs constant weights (compiler/Lowering/WeightPacking.cpp) and
// emits them as constants; the kernels include it for the layout constants. It lives in common/ so
// the compiler, which runs on any host, never includes a neon/ header.
//
// Both layouts are common/oc_pack.h's order with one vector per group: output channels
// across the 4 float lanes of a q-register, K = c_in * kh * kw weights per output channel in
// (input channel, kernel row, kernel column) order, ONNX's [c_out][c_in][kh][kw] order:
//
//  - float weights: [ceil(c_out / 4)][K][4] floats, the 4 channels of a block side by side
//    for each of the K (channel, tap) pairs: one vld1q_f32 per block and pair;
//  - binary weights: [ceil(c_out / 8)][K] bytes, bit l of byte k of group g = the sign of
//    output channel 8 g + l at pair k (1 = -1, as in the generic layout). A byte's low
//    nibble is block 2 g, its high nibble block 2 g + 1, each expanded to a float32x4 of
//    +-1 by a 16-entry table. The bytes are stored little-endian in uint64_t words (the
//    constants stay b1 words; 1 bit per weight, as the generic layout).
//
// Channels past c_out are zero: float lanes that never reach the output, bit lanes of +1
// whose results are never stored.
#ifndef XNORC_RUNTIME_COMMON_NEON_PACK_H
#define XNORC_RUNTIME_COMMON_NEON_PACK_H

#include "../common/oc_pack.h"
#include "../generic/bwconv.h"
#include "../generic/conv.h"
#include "../generic/gemm.h"

// Output channels per q-register of the float-input kernels (4 float lanes).
#define XN_NEON_FL 4

// ---- float weights ----

inline size_t xn_neon_fpack_floats(int64_t c_out, int64_t k) {
  return xn_oc_packed_size(c_out, k, XN_NEON_FL);
}

// w holds output channel m's weight for pair kk at w[m * k + kk] (ONNX conv weights, Gemm's B
// with trans_b), or at w[kk * c_out + m] when by_column (Gemm's B).
inline void xn_neon_fpack(int64_t c_out, int64_t k, int by_column, const float *w, float *packed) {
  xn_oc_pack_elems(c_out, k, XN_NEON_FL, 1, by_column, w, packed);
}

// What xn_neon_conv takes (the compiler checks the same on the op): 1-D or 2-D, ungrouped.
// Any kernel size, stride, dilation and padding.
inline bool xn_neon_conv_supported(const xn_conv_params *p) {
  return p->spatial_rank >= 1 && p->spatial_rank <= 2 && p->group == 1;
}

inline int64_t xn_neon_conv_pairs(const xn_conv_params *p) {
  int64_t k = p->c_in;
  for (int32_t d = 0; d < p->spatial_rank; ++d)
    k *= p->kernel[d];
  return k;
}

inline size_t xn_neon_conv_packed_floats(const xn_conv_params *p) {
  return xn_neon_fpack_floats(p->c_out, xn_neon_conv_pairs(p));
}

// generic_w: ONNX's [c_out][c_in][kh][kw].
inline void xn_neon_conv_pack(const xn_conv_params *p, const float *generic_w, float *packed) {
  xn_neon_fpack(p->c_out, xn_neon_conv_pairs(p), 0, generic_w, packed);
}

// xn_neon_gemm takes a constant B and an untransposed A (a transposed A keeps xn_gemm).
inline bool xn_neon_gemm_supported(const xn_gemm_params *p) { return p->trans_a == 0; }

// Gemm's N columns are the output channels, K the pairs.
inline size_t xn_neon_gemm_packed_floats(const xn_gemm_params *p) {
  return xn_neon_fpack_floats(p->N, p->K);
}

// b is Gemm's B: [K][N], or [N][K] when trans_b.
inline void xn_neon_gemm_pack(const xn_gemm_params *p, const float *b, float *packed) {
  xn_neon_fpack(p->N, p->K, !p->trans_b, b, packed);
}

// ---- binary weights ----

inline size_t xn_neon_bwpack_words(int64_t c_out, int64_t k) {
  return xn_oc_bits_size(c_out, k, 8);
}

// generic_w: the generic BWN layout [c_out][taps][ceil(c_in / 64)] words (group 1).
inline void xn_neon_bwpack(int64_t c_out, int64_t c_in, int64_t taps, const uint64_t *generic_w,
                           uint64_t *packed) {
  xn_oc_pack_bits(c_out, c_in, taps, 8, 1, generic_w, packed);
}

// What xn_neon_bwconv takes: ungrouped (grouped and depthwise BWN convs keep xn_bwconv).
inline bool xn_neon_bwconv_supported(const xn_bwconv_params *p) { return p->group == 1; }

inline size_t xn_neon_bwconv_packed_words(const xn_bwconv_params *p) {
  return xn_neon_bwpack_words(p->c_out, p->c_in * p->kh * p->kw);
}
inline void xn_neon_bwconv_pack(const xn_bwconv_params *p, const uint64_t *generic_w,
                                uint64_t *packed) {
  xn_neon_bwpack(p->c_out, p->c_in, p->kh * p->kw, generic_w, packed);
}

inline size_t xn_neon_bwdense_packed_words(const xn_bwdense_params *p) {
  return xn_neon_bwpack_words(p->m, p->k);
}
inline void xn_neon_bwdense_pack(const xn_bwdense_params *p, const uint64_t *generic_w,
                                 uint64_t *packed) {
  xn_neon_bwpack(p->m, p->k, 1, generic_w, packed);
}

#endif // XNORC_RUNTIME_COMMON_NEON_PACK_H
