// Compile-time weight packing of every x86 kernel (AVX2 and AVX-512), and the tile
// constants it depends on. Plain C++ without intrinsics: the compiler includes this header
// (targets/x86/X86Targets.cpp), packs constant weights and emits them as constants; the
// kernel headers include it for the same constants. All orders are common/oc_pack.h's:
//
//  - float conv, pixels across lanes (x86/<isa>_float.h): blocks of T output channels,
//    [ceil(c_out / T)][c_in][kh][kw][T] floats;
//  - float Gemm (x86/<isa>_float.h): column blocks of V, [ceil(N / V)][K][V] floats, whatever
//    trans_b says;
//  - float conv and binary-weight conv / dense, output channels across lanes
//    (x86/oc_conv.h): vectors of OC_L channels in register-tile groups of OC_B vectors;
//  - binary conv / dense (x86/<isa>_bconv.h): common/oc_blocked.h's words, 8 channels
//    (AVX-512), or 4 channels with every word split into its nibbles (AVX2:
//    xn_x86_pack_nibble).
#ifndef XNORC_RUNTIME_COMMON_X86_PACK_H
#define XNORC_RUNTIME_COMMON_X86_PACK_H

#include "../common/oc_blocked.h"
#include "../common/oc_pack.h"
#include "../generic/bwconv.h"
#include "../generic/conv.h"
#include "../generic/gemm.h"

// Widest kernel (along W) the pixels-across-lanes float convs take: their per-tap load masks
// live in a fixed array. The compiler keeps wider kernels on the oc or the generic conv.
#define XN_X86_CONV_MAX_KW 16
// Widest kernel the vector pools take (their per-column lane masks live on the stack;
// x86/glue_common.h), which the compiler checks too.
#define XN_X86_GLUE_MAX_KW 16

// Pixels-across-lanes float conv: output channels per weight block, pixel vectors per
// register tile; Gemm: columns per weight block.
#define XN_AVX2F_T 4
#define XN_AVX2F_P 3
#define XN_AVX2F_V 8
#define XN_AVX512F_T 8
#define XN_AVX512F_P 3
#define XN_AVX512F_V 16

// Output-channels-across-lanes convs: channels per vector, vectors (channel blocks) per
// register tile, output pixels per register tile.
#define XN_AVX2_OC_L 8
#define XN_AVX2_OC_B 2
#define XN_AVX2_OC_P 6
#define XN_AVX512_OC_L 16
#define XN_AVX512_OC_B 4
#define XN_AVX512_OC_P 6

// ---- by layout ----

inline size_t xn_x86_conv_packed_floats(int64_t c_out, int64_t taps, int64_t t) {
  return xn_oc_packed_size(c_out, taps, t);
}
// generic_w is ONNX's [c_out][c_in][kh][kw] = [c_out][taps].
inline void xn_x86_conv_pack(int64_t c_out, int64_t taps, int64_t t, const float *generic_w,
                             float *packed) {
  xn_oc_pack_elems(c_out, taps, t, 1, 0, generic_w, packed);
}

inline size_t xn_x86_gemm_packed_floats(int64_t n, int64_t k, int64_t v) {
  return xn_oc_packed_size(n, k, v);
}
// b is Gemm's B: [K][N], or [N][K] when trans_b.
inline void xn_x86_gemm_pack(int64_t n, int64_t k, int64_t v, int trans_b, const float *b,
                             float *packed) {
  xn_oc_pack_elems(n, k, v, 1, !trans_b, b, packed);
}

inline size_t xn_x86_oc_floats_size(int64_t c_out, int64_t qn, int64_t lanes) {
  return xn_oc_packed_size(c_out, qn, lanes);
}
// generic_w is [c_out][qn] (ONNX's [c_out][c_in][kh][kw]).
inline void xn_x86_oc_pack_floats(int64_t c_out, int64_t qn, int64_t lanes, int64_t tile,
                                  const float *generic_w, float *packed) {
  xn_oc_pack_elems(c_out, qn, lanes, tile, 0, generic_w, packed);
}

inline size_t xn_x86_oc_bits_size(int64_t c_out, int64_t qn, int64_t lanes) {
  return xn_oc_bits_size(c_out, qn, lanes);
}
// generic_w is the generic BWN layout [c_out][taps][ceil(c_in / 64)] words.
inline void xn_x86_oc_pack_bits(int64_t c_out, int64_t c_in, int64_t taps, int64_t lanes,
                                int64_t tile, const uint64_t *generic_w, uint64_t *packed) {
  xn_oc_pack_bits(c_out, c_in, taps, lanes, tile, generic_w, packed);
}

// AVX-512's binary weights (x86/avx512_bconv.h): common/oc_blocked.h's words for 8 lanes.
inline size_t xn_x86_oc8_words(int64_t m, int64_t taps, int64_t cw) {
  return xn_oc_packed_words(m, taps, cw, 8);
}
inline void xn_x86_pack_oc8(int64_t m, int64_t taps, int64_t cw, const uint64_t *generic_w,
                            uint64_t *packed) {
  xn_oc_pack(m, taps, cw, 8, generic_w, packed);
}

// AVX2's binary weights (x86/avx2_bconv.h): common/oc_blocked.h's words for 4 lanes, each
// group of 4 lane words (one input word of the block's channels) followed by the same words'
// high nibbles: w & 0x0f.. then (w >> 4) & 0x0f... Twice xn_oc_packed_words(m, taps, cw, 4).
inline size_t xn_x86_nibble_words(int64_t m, int64_t taps, int64_t cw) {
  return 2 * xn_oc_packed_words(m, taps, cw, 4);
}
inline void xn_x86_pack_nibble(int64_t m, int64_t taps, int64_t cw, const uint64_t *generic_w,
                               uint64_t *packed) {
  const uint64_t low = 0x0f0f0f0f0f0f0f0fULL;
  const size_t groups = xn_oc_packed_words(m, taps, cw, 4) / 4;
  xn_oc_pack(m, taps, cw, 4, generic_w, packed);
  // In place from the back: group g moves to 2g, never over a group not yet moved.
  for (size_t g = groups; g-- > 0;)
    for (int l = 3; l >= 0; --l) {
      const uint64_t w = packed[4 * g + l];
      packed[8 * g + 4 + l] = (w >> 4) & low;
      packed[8 * g + l] = w & low;
    }
}

// Weights per output channel of a float conv (c_in / group * kernel size).
inline int64_t xn_x86_conv_taps(const xn_conv_params *p) {
  int64_t taps = p->c_in / p->group;
  for (int32_t d = 0; d < p->spatial_rank; ++d)
    taps *= p->kernel[d];
  return taps;
}

// ---- by kernel: xn_<isa>_<kernel>_pack and its size, for the kernels' parameter structs ----

#define XN_X86_DEFINE_PACKERS(isa, T, V, OC_L, OC_B, BITS)                                         \
  inline size_t xn_##isa##_conv_packed_floats(const xn_conv_params *p) {                           \
    return xn_oc_packed_size(p->c_out, xn_x86_conv_taps(p), T);                                    \
  }                                                                                                \
  inline void xn_##isa##_conv_pack(const xn_conv_params *p, const float *generic_w,                \
                                   float *packed) {                                                \
    xn_x86_conv_pack(p->c_out, xn_x86_conv_taps(p), T, generic_w, packed);                         \
  }                                                                                                \
  inline size_t xn_##isa##_gemm_packed_floats(const xn_gemm_params *p) {                           \
    return xn_oc_packed_size(p->N, p->K, V);                                                       \
  }                                                                                                \
  inline void xn_##isa##_gemm_pack(const xn_gemm_params *p, const float *b, float *packed) {       \
    xn_x86_gemm_pack(p->N, p->K, V, p->trans_b, b, packed);                                        \
  }                                                                                                \
  inline size_t xn_##isa##_conv_oc_packed_floats(const xn_conv_params *p) {                        \
    return xn_oc_packed_size(p->c_out, xn_x86_conv_taps(p), OC_L);                                 \
  }                                                                                                \
  inline void xn_##isa##_conv_oc_pack(const xn_conv_params *p, const float *generic_w,             \
                                      float *packed) {                                             \
    xn_oc_pack_elems(p->c_out, xn_x86_conv_taps(p), OC_L, OC_B, 0, generic_w, packed);             \
  }                                                                                                \
  inline size_t xn_##isa##_bwconv_packed_words(const xn_bwconv_params *p) {                        \
    return xn_oc_bits_size(p->c_out, p->c_in * p->kh * p->kw, OC_L);                               \
  }                                                                                                \
  inline void xn_##isa##_bwconv_pack(const xn_bwconv_params *p, const uint64_t *generic_w,         \
                                     uint64_t *packed) {                                           \
    xn_oc_pack_bits(p->c_out, p->c_in, p->kh * p->kw, OC_L, OC_B, generic_w, packed);              \
  }                                                                                                \
  inline size_t xn_##isa##_bwdense_packed_words(const xn_bwdense_params *p) {                      \
    return xn_oc_bits_size(p->m, p->k, OC_L);                                                      \
  }                                                                                                \
  inline void xn_##isa##_bwdense_pack(const xn_bwdense_params *p, const uint64_t *generic_w,       \
                                      uint64_t *packed) {                                          \
    xn_oc_pack_bits(p->m, p->k, 1, OC_L, OC_B, generic_w, packed);                                 \
  }                                                                                                \
  inline size_t xn_##isa##_bconv_packed_words(const xn_bconv_params *p) {                          \
    return xn_x86_##BITS##_words(p->c_out, p->kh * p->kw, xn_bit_words(p->c_in / p->group));       \
  }                                                                                                \
  inline void xn_##isa##_bconv_pack(const xn_bconv_params *p, const uint64_t *generic_w,           \
                                    uint64_t *packed) {                                            \
    xn_x86_pack_##BITS(p->c_out, p->kh * p->kw, xn_bit_words(p->c_in / p->group), generic_w,       \
                       packed);                                                                    \
  }                                                                                                \
  inline size_t xn_##isa##_bdense_packed_words(const xn_bdense_params *p) {                        \
    return xn_x86_##BITS##_words(p->m, 1, xn_bit_words(p->k));                                     \
  }                                                                                                \
  inline void xn_##isa##_bdense_pack(const xn_bdense_params *p, const uint64_t *generic_w,         \
                                     uint64_t *packed) {                                           \
    xn_x86_pack_##BITS(p->m, 1, xn_bit_words(p->k), generic_w, packed);                            \
  }

XN_X86_DEFINE_PACKERS(avx2, XN_AVX2F_T, XN_AVX2F_V, XN_AVX2_OC_L, XN_AVX2_OC_B, nibble)
XN_X86_DEFINE_PACKERS(avx512, XN_AVX512F_T, XN_AVX512F_V, XN_AVX512_OC_L, XN_AVX512_OC_B, oc8)

#endif // XNORC_RUNTIME_COMMON_X86_PACK_H
