// Compile-time weight packing of xnorc's x86 float-input kernels, and the block sizes it
// depends on: plain C++ without intrinsics, so the compiler includes it on any host, packs
// constant weights and emits them as constants; the x86 kernels (x86/float_common.h,
// x86/oc_conv.h) include it for the same layout. Layouts are described there.
#ifndef XNORC_RUNTIME_COMMON_X86_PACK_H
#define XNORC_RUNTIME_COMMON_X86_PACK_H

#include "../generic/bitpack.h"

// Weight block sizes of the pixels-across-lanes float conv and Gemm (x86/<isa>_float.h) and of
// the output-channels-across-lanes kernels (x86/<isa>_oc_conv.h).
#define XN_AVX2F_T 4      // avx2_float.h: output channels per conv weight block
#define XN_AVX2F_V 8      // avx2_float.h: Gemm columns per weight block
#define XN_AVX512F_T 8    // avx512_float.h: output channels per conv weight block
#define XN_AVX512F_V 16   // avx512_float.h: Gemm columns per weight block
#define XN_AVX2_OC_L 8    // avx2_oc_conv.h: output channels per vector
#define XN_AVX2_OC_B 2    // avx2_oc_conv.h: vectors (channel blocks) per register tile
#define XN_AVX512_OC_L 16 // avx512_oc_conv.h: output channels per vector
#define XN_AVX512_OC_B 4  // avx512_oc_conv.h: vectors (channel blocks) per register tile

// Widest kernel (along W) the x86 float convs take: their per-tap load masks live in a
// fixed array. The compiler keeps wider kernels on the generic conv.
#define XN_X86_CONV_MAX_KW 16

// ---- pixels-across-lanes conv and Gemm (x86/float_common.h) ----

inline size_t xn_x86_conv_packed_floats(int64_t c_out, int64_t taps, int64_t t) {
  return (size_t)(((c_out + t - 1) / t) * taps * t);
}

// generic_w is ONNX's [c_out][c_in][kh][kw] = [c_out][taps]; packed receives
// xn_x86_conv_packed_floats(c_out, taps, t) floats.
inline void xn_x86_conv_pack(int64_t c_out, int64_t taps, int64_t t, const float *generic_w,
                             float *packed) {
  const int64_t blocks = (c_out + t - 1) / t;
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t k = 0; k < taps; ++k)
      for (int64_t l = 0; l < t; ++l) {
        const int64_t m = b * t + l;
        packed[(b * taps + k) * t + l] = m < c_out ? generic_w[m * taps + k] : 0.0f;
      }
}

inline size_t xn_x86_gemm_packed_floats(int64_t n, int64_t k, int64_t v) {
  return (size_t)(((n + v - 1) / v) * k * v);
}

// b is Gemm's B: [K][N], or [N][K] when trans_b.
inline void xn_x86_gemm_pack(int64_t n, int64_t k, int64_t v, int trans_b, const float *b,
                             float *packed) {
  const int64_t blocks = (n + v - 1) / v;
  for (int64_t nb = 0; nb < blocks; ++nb)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t l = 0; l < v; ++l) {
        const int64_t j = nb * v + l;
        packed[(nb * k + kk) * v + l] = j < n ? (trans_b ? b[j * k + kk] : b[kk * n + j]) : 0.0f;
      }
}

// ---- output channels across lanes (x86/oc_conv.h) ----
//
// Both weight kinds share one order, set by the register tile. Output channels are padded
// to whole vectors of `lanes` and taken `tile` vectors at a time (a tile's channel group;
// the last group may be narrower). A group holds, for each weight index q = (c * kh + ky) *
// kw + kx (qn = c_in * kh * kw of them) in turn, the weights of its channels side by side, so
// a register tile streams one contiguous run with its vectors at fixed offsets. Floats hold
// the weight. Bits hold its sign (1 = -1, as in the generic layout; 0 for padded channels)
// at the same index of an array of 64-bit words, LSB first: one vector's signs are `lanes`
// adjacent bits, never straddling a word.

// Index of weight (m, q) in the packed order.
inline int64_t xn_x86_oc_index(int64_t c_out, int64_t qn, int64_t lanes, int64_t tile, int64_t m,
                               int64_t q) {
  const int64_t padded = (c_out + lanes - 1) / lanes * lanes;
  const int64_t m0 = m / (tile * lanes) * (tile * lanes); // the group's first channel
  const int64_t width = padded - m0 < tile * lanes ? padded - m0 : tile * lanes;
  return m0 * qn + q * width + (m - m0);
}

inline size_t xn_x86_oc_floats_size(int64_t c_out, int64_t qn, int64_t lanes) {
  return (size_t)((c_out + lanes - 1) / lanes * lanes * qn);
}

// generic_w is [c_out][qn] (ONNX's [c_out][c_in][kh][kw]); packed receives
// xn_x86_oc_floats_size() floats.
inline void xn_x86_oc_pack_floats(int64_t c_out, int64_t qn, int64_t lanes, int64_t tile,
                                  const float *generic_w, float *packed) {
  memset(packed, 0, xn_x86_oc_floats_size(c_out, qn, lanes) * sizeof(float));
  for (int64_t m = 0; m < c_out; ++m)
    for (int64_t q = 0; q < qn; ++q)
      packed[xn_x86_oc_index(c_out, qn, lanes, tile, m, q)] = generic_w[m * qn + q];
}

inline size_t xn_x86_oc_bits_size(int64_t c_out, int64_t qn, int64_t lanes) {
  return (xn_x86_oc_floats_size(c_out, qn, lanes) + 63) / 64;
}

// generic_w is the generic BWN layout [c_out][taps][ceil(c_in / 64)] words
// (generic/bwconv.h, group 1; a dense layer has taps = 1); packed receives
// xn_x86_oc_bits_size(c_out, c_in * taps, lanes) words.
inline void xn_x86_oc_pack_bits(int64_t c_out, int64_t c_in, int64_t taps, int64_t lanes,
                                int64_t tile, const uint64_t *generic_w, uint64_t *packed) {
  const int64_t cw = xn_bit_words(c_in), qn = c_in * taps;
  memset(packed, 0, xn_x86_oc_bits_size(c_out, qn, lanes) * sizeof(uint64_t));
  for (int64_t m = 0; m < c_out; ++m)
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t c = 0; c < c_in; ++c) {
        const uint64_t bit = (generic_w[(m * taps + t) * cw + c / 64] >> (c % 64)) & 1;
        const int64_t i = xn_x86_oc_index(c_out, qn, lanes, tile, m, c * taps + t);
        packed[i / 64] |= bit << (i % 64);
      }
}

#endif
