// The one weight packing of xnorc's SIMD kernels that put output channels across vector
// lanes, for every ISA and weight kind: the float convs and Gemms of x86 (x86/oc_conv.h,
// x86/<isa>_float.h) and NEON (neon/fconv.h), the binary-weight (BWN) convs of both
// (sign bits), and the binary convs' weight words (common/oc_blocked.h).
//
// No intrinsics, here or in what this includes: the compiler includes this header (through
// common/x86_pack.h, common/neon_pack.h, common/oc_blocked.h), runs the packing at compile time and
// emits the packed weights as constants.
//
// Order. A layer has c_out output channels of qn weights each (q = (c * kh + ky) * kw + kx
// for a conv, ONNX's order; the k index of a Gemm; the (tap, word) index of a binary conv).
// Output channels are padded to whole vectors of `lanes` and taken `tile` vectors at a time
// (a register tile's channel group; the last group may be narrower). A group holds, for each
// q in turn, the weights of its channels side by side, so a register tile streams one
// contiguous run with its vectors at fixed offsets. With tile = 1 this is
// [ceil(c_out / lanes)][qn][lanes]. Padded channels hold zero (floats, words) or a zero sign
// bit (+1; their results are never stored).
//
// Elements: floats and binary words are stored as they are; sign bits (xn_oc_pack_bits)
// are one bit each at the element index of an array of 64-bit words, LSB first, so one
// vector's signs are `lanes` adjacent bits (never straddling a word for lanes = 8, 16), and
// with lanes = 8 one byte per (group, q) pair.
#ifndef XNORC_RUNTIME_COMMON_OC_PACK_H
#define XNORC_RUNTIME_COMMON_OC_PACK_H

#include "../generic/bitpack.h"

// Index of weight (m, q) in the packed order.
inline int64_t xn_oc_index(int64_t c_out, int64_t qn, int64_t lanes, int64_t tile, int64_t m,
                           int64_t q) {
  const int64_t padded = (c_out + lanes - 1) / lanes * lanes;
  const int64_t m0 = m / (tile * lanes) * (tile * lanes); // the group's first channel
  const int64_t width = padded - m0 < tile * lanes ? padded - m0 : tile * lanes;
  return m0 * qn + q * width + (m - m0);
}

// Elements of the packed order (floats or words; bits: see xn_oc_bits_size).
inline size_t xn_oc_packed_size(int64_t c_out, int64_t qn, int64_t lanes) {
  return (size_t)((c_out + lanes - 1) / lanes * lanes * qn);
}

// w holds weight (m, q) at w[m * qn + q] (ONNX conv weights, Gemm's B with trans_b, the
// generic binary layouts), or at w[q * c_out + m] when by_column (Gemm's B); packed receives
// xn_oc_packed_size(c_out, qn, lanes) elements.
template <typename T>
inline void xn_oc_pack_elems(int64_t c_out, int64_t qn, int64_t lanes, int64_t tile, int by_column,
                             const T *w, T *packed) {
  memset(packed, 0, xn_oc_packed_size(c_out, qn, lanes) * sizeof(T));
  for (int64_t m = 0; m < c_out; ++m)
    for (int64_t q = 0; q < qn; ++q)
      packed[xn_oc_index(c_out, qn, lanes, tile, m, q)] =
          by_column ? w[q * c_out + m] : w[m * qn + q];
}

// 64-bit words of sign bits for c_out channels of qn weights.
inline size_t xn_oc_bits_size(int64_t c_out, int64_t qn, int64_t lanes) {
  return (xn_oc_packed_size(c_out, qn, lanes) + 63) / 64;
}

// generic_w is the generic BWN layout [c_out][taps][ceil(c_in / 64)] words (generic/bwconv.h,
// group 1; a dense layer has taps = 1): sign bit (1 = -1) of weight q = c * taps + t.
// packed receives xn_oc_bits_size(c_out, c_in * taps, lanes) words.
inline void xn_oc_pack_bits(int64_t c_out, int64_t c_in, int64_t taps, int64_t lanes, int64_t tile,
                            const uint64_t *generic_w, uint64_t *packed) {
  const int64_t cw = xn_bit_words(c_in), qn = c_in * taps;
  memset(packed, 0, xn_oc_bits_size(c_out, qn, lanes) * sizeof(uint64_t));
  for (int64_t m = 0; m < c_out; ++m)
    for (int64_t t = 0; t < taps; ++t)
      for (int64_t c = 0; c < c_in; ++c) {
        const uint64_t bit = (generic_w[(m * taps + t) * cw + c / 64] >> (c % 64)) & 1;
        const int64_t i = xn_oc_index(c_out, qn, lanes, tile, m, c * taps + t);
        packed[i / 64] |= bit << (i % 64);
      }
}

#endif // XNORC_RUNTIME_COMMON_OC_PACK_H
