// Weight order of the SIMD 8-bit kernels (common/q8_walk.h: x86 and NEON), packed at compile time
// (the Pack column of compiler/Lowering/Kernels.def) by this intrinsics-free code.
//
// The x86 kernels multiply unsigned bytes by signed bytes (vpdpbusd; AVX2 widens the same
// bytes, x86/avx2_q8.h), NEON signed by signed (smull, sdot: neon/q8.h), so operands are
// shifted into those types: weights always into i8 (a u8 w becomes w - 128, w ^ 0x80), an
// activation into the kernel's type (on x86 an i8 x becomes x + 128, x ^ 0x80, a u8; on NEON
// a u8 x becomes x - 128), their zero points move by the same 128, and (x - x_zp)(w - w_zp) is
// unchanged (docs/XnorMath.md, "8-bit kernels"). Weights go in groups of four consecutive reduction
// indices k (one 32-bit lane of vpdpbusd), zero in the slots past the reduction; each output
// channel also keeps the sum of its shifted weights (int32), for the zero-point correction.
//   conv  (group 1, w [M][rows][kw]: rows = c_in times the kernel's other dims, kw its
//         innermost dim): each kernel row padded to kw4 = ceil(kw / 4) * 4 taps, so that a
//         group of four is four neighbouring taps of one input row (common/q8_walk.h loads
//         them as one 32-bit word): bytes [M][rows * kw4], then int32 sums [M]
//   gemm  (w [K][N], or [N][K] with trans_b):   bytes [K4][Np][4], then int32 sums [Np],
//         K4 = ceil(K / 4), Np = N rounded up to XN_Q8_GEMM_NPAD (channels past N: zero
//         weights)
// The sums are stored byte by byte (little-endian) and read with memcpy.
#ifndef XNORC_RUNTIME_COMMON_Q8_PACK_H
#define XNORC_RUNTIME_COMMON_Q8_PACK_H

#include <stdint.h>
#include <string.h>

// Output channels of a gemm are padded to a multiple of the widest vector (16 int32 lanes).
#define XN_Q8_GEMM_NPAD 16

inline int64_t xn_q8_k4(int64_t K) { return (K + 3) / 4; }

// The SIMD 8-bit kernels keep their per-call scratch (per-channel terms, a conv chunk's gathered
// input, a gemm's shifted rows) on the stack, in one buffer of XN_Q8_STACK_BYTES: generated
// code never allocates. A layer whose scratch would not fit runs the generic kernel
// (compiler/Lowering/WeightPacking.cpp decides with these sizes; XN_Q8_MAX_CHUNK bounds every
// ISA's conv chunk of P * L pixels).
#define XN_Q8_STACK_BYTES 49152
#define XN_Q8_MAX_CHUNK 96
inline int64_t xn_q8_round64(int64_t bytes) { return (bytes + 63) / 64 * 64; }
inline int64_t xn_q8_conv_scratch_bytes(int64_t M, int64_t k4, int64_t chunk) {
  return xn_q8_round64(M * 12) + xn_q8_round64(chunk * 8) + xn_q8_round64(k4 * 4 * chunk);
}
inline int64_t xn_q8_gemm_scratch_bytes(int64_t np, int64_t rows, int64_t k4) {
  return xn_q8_round64(np * 12) + xn_q8_round64(rows * (4 + k4 * 4));
}
inline int64_t xn_q8_gemm_np(int64_t N) {
  return (N + XN_Q8_GEMM_NPAD - 1) / XN_Q8_GEMM_NPAD * XN_Q8_GEMM_NPAD;
}

// A weight byte as the signed operand: i8 as it is, u8 shifted down by 128.
inline int8_t xn_q8_wenc(uint8_t w, int w_signed) {
  return (int8_t)(w_signed ? w : (uint8_t)(w ^ 0x80));
}

inline int64_t xn_q8_conv_packed_bytes(int64_t M, int64_t rows, int64_t kw) {
  return M * rows * xn_q8_k4(kw) * 4 + 4 * M;
}
inline int64_t xn_q8_gemm_packed_bytes(int64_t N, int64_t K) {
  return (xn_q8_k4(K) * 4 + 4) * xn_q8_gemm_np(N);
}

inline void xn_q8_put_i32(uint8_t *p, int32_t v) { memcpy(p, &v, sizeof v); }
inline int32_t xn_q8_get_i32(const uint8_t *p) {
  int32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

// w: the ONNX [M][rows][kw] bytes (u8 or i8).
inline void xn_q8_pack_conv(int64_t M, int64_t rows, int64_t kw, int w_signed, const uint8_t *w,
                            uint8_t *out) {
  const int64_t kw4 = xn_q8_k4(kw) * 4, kp = rows * kw4;
  uint8_t *sums = out + M * kp;
  for (int64_t m = 0; m < M; ++m) {
    int32_t s = 0;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < kw4; ++k) {
        const int8_t v = k < kw ? xn_q8_wenc(w[(m * rows + r) * kw + k], w_signed) : 0;
        out[m * kp + r * kw4 + k] = (uint8_t)v;
        s += v;
      }
    xn_q8_put_i32(sums + 4 * m, s);
  }
}

// w: [K][N], or [N][K] when trans_b.
inline void xn_q8_pack_gemm(int64_t N, int64_t K, int trans_b, int w_signed, const uint8_t *w,
                            uint8_t *out) {
  const int64_t k4 = xn_q8_k4(K), np = xn_q8_gemm_np(N);
  uint8_t *sums = out + k4 * 4 * np;
  for (int64_t n = 0; n < np; ++n) {
    int32_t s = 0;
    for (int64_t k = 0; k < k4 * 4; ++k) {
      const int8_t v =
          n < N && k < K ? xn_q8_wenc(w[trans_b ? n * K + k : k * N + n], w_signed) : 0;
      out[((k / 4) * np + n) * 4 + k % 4] = (uint8_t)v;
      s += v;
    }
    xn_q8_put_i32(sums + 4 * n, s);
  }
}

#endif // XNORC_RUNTIME_COMMON_Q8_PACK_H
