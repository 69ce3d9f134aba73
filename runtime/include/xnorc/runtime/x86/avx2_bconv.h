// Binary (XNOR) conv and dense for AVX2: common/oc_bconv_walk.h over the AVX2 weight format
// below (xn_avx2_bits).
//
// AVX2 has no vector popcount: a byte's count is two lookups in a 16-entry table (vpshufb),
// one per nibble, and splitting a word into its nibbles costs an and, a shift and an and. The
// weights are split at compile time: per input word, the low nibbles (w & 0x0f..) of its 4
// output channels' words, then their high nibbles ((w >> 4) & 0x0f..) (xn_avx2_bconv_pack,
// common/x86_pack.h); an activation word is split once, as it is broadcast, and serves every
// block of the register tile. Then popcount(x ^ w) per byte is
//   table[x_lo ^ w_lo] + table[x_hi ^ w_hi]
// and one word against 4 channels is 6 instructions (2 x vpxor, vpshufb, vpaddb) where the
// unsplit nibble-table popcount took 8. The tile is XN_AVX2_P pixels x XN_AVX2_B blocks of 4
// channels (1 x 8: the split is shared by 8 blocks; 8 byte accumulators, the table and the
// split word fit the 16 ymm registers, and the weights are memory operands). Byte counts go
// up to 8 per word, so the accumulators take up to 31 words (8 * 31 < 256) before one vpsadbw
// folds them into the 64-bit lane of their output channel (Mula's method). Fused threshold by
// vpcmpgtq + vmovmskpd, 4 packed output bits per block; the float epilogue of x86/bconv_epi.h
// on 8-pixel vectors. Measured on Bi-Real-18's layers: docs/Benchmarks.md, session 19.
//
// Same parameter structs and semantics as generic/bconv.h and generic/bdense.h, bit for
// bit. Per-function target attributes: builds without -m flags.
#ifndef XNORC_RUNTIME_X86_AVX2_BCONV_H
#define XNORC_RUNTIME_X86_AVX2_BCONV_H

#include "bconv_epi.h"

#include <immintrin.h>

#define XN_AVX2_TARGET __attribute__((target("avx2,popcnt")))
#define XN_AVX2_BCONV_FN XN_AVX2_TARGET static inline
#define XN_AVX2_P 1 // pixels per register tile of the binary kernels
#define XN_AVX2_B 8 // 4-channel blocks per register tile of the binary kernels

// The popcount of each byte of v, whose bytes are nibbles (0..15): one lookup (vpshufb).
XN_AVX2_BCONV_FN __m256i xn_avx2_nibble_pop(const __m256i &v) {
  const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                       1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  return _mm256_shuffle_epi8(lut, v);
}

// v's low nibbles (each byte & 0x0f) and its high nibbles (each byte >> 4).
XN_AVX2_BCONV_FN void xn_avx2_nibbles(const __m256i &v, __m256i &lo, __m256i &hi) {
  const __m256i low = _mm256_set1_epi8(0x0f);
  lo = _mm256_and_si256(v, low);
  hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
}

// The byte counts of v (each 0..8): both nibbles looked up, added per byte. The ternary
// kernels' count (x86/avx2_tconv.h), whose weights are not split.
XN_AVX2_BCONV_FN __m256i xn_avx2_byte_pop(const __m256i &v) {
  __m256i lo, hi;
  xn_avx2_nibbles(v, lo, hi);
  return _mm256_add_epi8(xn_avx2_nibble_pop(lo), xn_avx2_nibble_pop(hi));
}

// The 4 channels' summed-bit counts: one for all (binary weights) or one each (ternary).
// Not static: clang -Wunused-function would report the overload a model leaves unused.
XN_AVX2_TARGET inline __m256i xn_avx2_counts(int64_t n) { return _mm256_set1_epi64x(n); }
XN_AVX2_TARGET inline __m256i xn_avx2_counts(const int64_t *n) {
  return _mm256_loadu_si256((const __m256i *)n);
}

// The fused threshold of one block: whole blocks compare 4 counts at once, the partial last
// block compares channel by channel.
struct xn_avx2_bconv_thresh {
  __m256i t, neg; // thresholds; -1 in the lanes whose direction is < 0
  bool whole, has_dir;
  xn_oc_thresh_scalar<4> part;
  XN_AVX2_TARGET void init(const xn_oc_bconv_ctx *c, int64_t m0) {
    whole = m0 + 4 <= c->p->c_out;
    has_dir = c->dir != NULL;
    part.init(c, m0);
    t = neg = _mm256_setzero_si256();
    if (!whole)
      return;
    t = _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(c->thresh + m0)));
    if (has_dir)
      neg = _mm256_cmpgt_epi64(_mm256_setzero_si256(), _mm256_cvtepi32_epi64(_mm_loadu_si128(
                                                           (const __m128i *)(c->dir + m0))));
  }
  template <typename N> XN_AVX2_TARGET unsigned bits(const int64_t *pop, N n_bits, bool) const {
    if (!whole)
      return (unsigned)part.bits(pop, n_bits, false);
    const __m256i d = _mm256_sub_epi64(
        xn_avx2_counts(n_bits), _mm256_slli_epi64(_mm256_loadu_si256((const __m256i *)pop), 1));
    const __m256i below = _mm256_cmpgt_epi64(t, d); // d < t: -1 for a >= channel
    __m256i minus = below;
    if (has_dir) {
      const __m256i above = _mm256_cmpgt_epi64(d, t); // d > t: -1 for a <= channel
      minus = _mm256_blendv_epi8(below, above, neg);
    }
    return (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(minus));
  }
};

// The policy common/oc_bconv_walk.h documents, for unsplit words (the ternary kernels'
// base, x86/avx2_tconv.h); the binary kernels run on xn_avx2_bits below.
struct xn_avx2_bconv_isa {
  enum { L = 4, P = XN_AVX2_P, B = XN_AVX2_B, FOLD = 31, FOLD_ONCE = 1 };
  typedef __m256i wvec, acc, sum;
  typedef xn_avx2_bconv_thresh thresh;
  XN_AVX2_BCONV_FN void zero_acc(acc &a) { a = _mm256_setzero_si256(); }
  XN_AVX2_BCONV_FN void zero_sum(sum &s) { s = _mm256_setzero_si256(); }
  XN_AVX2_BCONV_FN void load_w(wvec &v, const uint64_t *p) {
    v = _mm256_loadu_si256((const __m256i *)p);
  }
  XN_AVX2_BCONV_FN void bcast(wvec &v, const uint64_t *p) { v = _mm256_set1_epi64x((long long)*p); }
  XN_AVX2_BCONV_FN void bcast_value(wvec &v, uint64_t x) { v = _mm256_set1_epi64x((long long)x); }
  XN_AVX2_BCONV_FN void xor_pop(acc &a, const wvec &x, const wvec &w) {
    a = _mm256_add_epi8(a, xn_avx2_byte_pop(_mm256_xor_si256(x, w)));
  }
  // vpsadbw against 0 sums each lane's 8 byte counts into the lane.
  XN_AVX2_BCONV_FN void fold(sum &s, acc &a) {
    s = _mm256_add_epi64(s, _mm256_sad_epu8(a, _mm256_setzero_si256()));
    a = _mm256_setzero_si256();
  }
  XN_AVX2_BCONV_FN void store(int64_t *pop, const sum &s) {
    _mm256_storeu_si256((__m256i *)pop, s);
  }
};

// The AVX2 binary weight format (common/oc_bconv_walk.h's contract, as xn_oc_bits there):
// per input word, the nibble-split words of the block's 4 channels, low nibbles then high;
// a broadcast activation word split the same way.
struct xn_avx2_bits : xn_avx2_bconv_isa {
  enum { HEAD = 0, STEP = 2 * L, PLAIN = 1 };
  static int64_t block_words(int64_t ksize, int64_t cw) { return ksize * cw * STEP; }
  struct word {
    __m256i lo, hi;
  };
  typedef word xvec;
  XN_AVX2_BCONV_FN void load_word(word &v, const uint64_t *p) {
    v.lo = _mm256_loadu_si256((const __m256i *)p);
    v.hi = _mm256_loadu_si256((const __m256i *)(p + L));
  }
  XN_AVX2_BCONV_FN void x_value(xvec &v, uint64_t x) {
    xn_avx2_nibbles(_mm256_set1_epi64x((long long)x), v.lo, v.hi);
  }
  // A broadcast from memory (vpbroadcastq ymm, m64): through x_value g++ moved the word to a
  // register, stored it to the stack and broadcast it from there.
  XN_AVX2_BCONV_FN void load_x(xvec &v, const uint64_t *p) {
    xn_avx2_nibbles(_mm256_broadcastq_epi64(_mm_loadl_epi64((const __m128i *)p)), v.lo, v.hi);
  }
  XN_AVX2_BCONV_FN void word_pop(acc &a, const xvec &x, const word &w) {
    a = _mm256_add_epi8(a, xn_avx2_nibble_pop(_mm256_xor_si256(x.lo, w.lo)));
    a = _mm256_add_epi8(a, xn_avx2_nibble_pop(_mm256_xor_si256(x.hi, w.hi)));
  }
  template <int NB> using counts = xn_oc_bits<xn_avx2_bconv_isa>::counts<NB>;
};

// The float epilogue's AVX2 half (x86/bconv_epi.h): 8 pixels per vector.
struct xn_avx2_epi_ops {
  // PX_WORDS: px8's byte accumulators take as many words as the tiles' (xn_avx2_bconv_isa::FOLD).
  enum { L = 4, W = 8, PX = 1, PX_WORDS = xn_avx2_bconv_isa::FOLD };
  typedef __m256i ivec;
  typedef __m256 vf;
  template <class F>
  XN_AVX2_TARGET __attribute__((noinline, flatten)) static void outlined(const F &f) {
    f();
  }
  template <typename N> XN_AVX2_BCONV_FN void store_d(int32_t *dst, const int64_t *pop, N n_bits) {
    const __m256i pc = _mm256_loadu_si256((const __m256i *)pop);
    const __m256i dv = _mm256_sub_epi64(xn_avx2_counts(n_bits), _mm256_add_epi64(pc, pc));
    // The low halves of the four 64-bit lanes (|d| < 2^31), packed into 128 bits.
    const __m256i lo = _mm256_permutevar8x32_epi32(dv, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6));
    _mm_store_si128((__m128i *)dst, _mm256_castsi256_si128(lo));
  }
  // 8 x 8: 32-bit and 64-bit interleaves within 128-bit lanes, then 128-bit lanes across pairs.
  XN_AVX2_BCONV_FN void transpose(const int32_t *rows, int64_t stride, ivec (&v)[8]) {
    __m256i z[8], t[8], u[8];
    XN_UNROLL(8)
    for (int r = 0; r < 8; ++r)
      z[r] = _mm256_load_si256((const __m256i *)(rows + r * stride));
    XN_UNROLL(8)
    for (int r = 0; r < 8; r += 2) {
      t[r] = _mm256_unpacklo_epi32(z[r], z[r + 1]);
      t[r + 1] = _mm256_unpackhi_epi32(z[r], z[r + 1]);
    }
    XN_UNROLL(8)
    for (int r = 0; r < 8; r += 4) {
      u[r] = _mm256_unpacklo_epi64(t[r], t[r + 2]);
      u[r + 1] = _mm256_unpackhi_epi64(t[r], t[r + 2]);
      u[r + 2] = _mm256_unpacklo_epi64(t[r + 1], t[r + 3]);
      u[r + 3] = _mm256_unpackhi_epi64(t[r + 1], t[r + 3]);
    }
    XN_UNROLL(8)
    for (int j = 0; j < 4; ++j) {
      v[j] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x20);
      v[j + 4] = _mm256_permute2x128_si256(u[j], u[j + 4], 0x31);
    }
  }
  // All-ones in lanes 0 .. live - 1.
  XN_AVX2_BCONV_FN __m256i lanes(int live) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(live), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  XN_AVX2_BCONV_FN void value(__m256 &v, const float *res, float scale, float bias, const ivec &d,
                              int live, bool relu) {
    v = _mm256_mul_ps(_mm256_set1_ps(scale), _mm256_cvtepi32_ps(d));
    __asm__("" : "+x"(v)); // no contraction into an FMA
    v = _mm256_add_ps(v, _mm256_set1_ps(bias));
    if (res) {
      __asm__("" : "+x"(v));
      v = _mm256_add_ps(v, live == 8 ? _mm256_loadu_ps(res) : _mm256_maskload_ps(res, lanes(live)));
    }
    if (relu) // v < 0 ? 0 : v, NaN and -0 included
      v = _mm256_max_ps(_mm256_setzero_ps(), v);
  }
  // Pixels across lanes (x86/bconv_epi.h's px): 8 output pixels, lane i the pixel whose
  // window starts at word i of xs (one word per input pixel, W stride and dilation 1: lane
  // i's tap kx is word i + kx), `rows` window rows row_step words apart, kw columns, all
  // inside the input; the block of 4 channels at wb (xn_avx2_bits's words: per tap the
  // channels' low nibbles, then their high nibbles). The 8 pixels' words are split once per
  // tap and serve the 4 channels. Two vectors of 4 pixels x 4 channels: 8 byte accumulators,
  // folded once (rows * kw <= PX_WORDS), then each channel's halves packed into one vector of
  // the 8 pixels in order, d = n_bits - 2 * popcount, and channels 0 .. live - 1 stored to
  // y + q * plane (residual res likewise); with a sign output, channel m + q's sign bits ORed
  // into bits (x86/bconv_epi.h).
  XN_AVX2_BCONV_FN void px8(const uint64_t *xs, int64_t row_step, int64_t rows, int64_t kw,
                            const uint64_t *wb, int64_t n_bits, float *y, const float *res,
                            int64_t plane, const float *scale, const float *bias, int live,
                            bool relu, const xn_sign_out *sign, int64_t m, ivec &bits) {
    const int S = xn_avx2_bits::STEP;
    __m256i acc[2][4];
    XN_UNROLL(4)
    for (int q = 0; q < 4; ++q)
      acc[0][q] = acc[1][q] = _mm256_setzero_si256();
    for (int64_t ky = 0; ky < rows; ++ky) {
      const uint64_t *xr = xs + ky * row_step, *wr = wb + ky * kw * S;
      for (int64_t kx = 0; kx < kw; ++kx) {
        __m256i x[2][2]; // [pixels 0-3, 4-7][low, high nibbles]
        xn_avx2_nibbles(_mm256_loadu_si256((const __m256i *)(xr + kx)), x[0][0], x[0][1]);
        xn_avx2_nibbles(_mm256_loadu_si256((const __m256i *)(xr + kx + 4)), x[1][0], x[1][1]);
        XN_UNROLL(4)
        for (int q = 0; q < 4; ++q) {
          const __m256i wl = _mm256_set1_epi64x((long long)wr[kx * S + q]);
          const __m256i wh = _mm256_set1_epi64x((long long)wr[kx * S + 4 + q]);
          XN_UNROLL(2)
          for (int h = 0; h < 2; ++h) {
            acc[h][q] =
                _mm256_add_epi8(acc[h][q], xn_avx2_nibble_pop(_mm256_xor_si256(x[h][0], wl)));
            acc[h][q] =
                _mm256_add_epi8(acc[h][q], xn_avx2_nibble_pop(_mm256_xor_si256(x[h][1], wh)));
          }
        }
      }
    }
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    const __m256i nv = _mm256_set1_epi32((int)n_bits);
    XN_UNROLL(4)
    for (int q = 0; q < 4; ++q) {
      if (q >= live)
        break;
      // Pixels 0-3 in the low halves of the 64-bit lanes, 4-7 in the high halves.
      const __m256i z = _mm256_setzero_si256();
      const __m256i pc = _mm256_permutevar8x32_epi32(
          _mm256_or_si256(_mm256_sad_epu8(acc[0][q], z),
                          _mm256_slli_epi64(_mm256_sad_epu8(acc[1][q], z), 32)),
          order);
      const __m256i d = _mm256_sub_epi32(nv, _mm256_add_epi32(pc, pc));
      __m256 v;
      value(v, res ? res + q * plane : NULL, scale ? scale[q] : 1.0f, bias ? bias[q] : 0.0f, d, 8,
            relu);
      store(y + q * plane, v, 8);
      if (sign)
        sign_or(bits, v, sign->tau ? sign->tau[m + q] : 0.0f,
                sign->dir == NULL || sign->dir[m + q] > 0.0f,
                _mm256_set1_epi32((int)(1u << ((m + q) & 31))));
    }
  }
  XN_AVX2_BCONV_FN void store(float *y, const __m256 &v, int live) {
    if (live == 8)
      _mm256_storeu_ps(y, v);
    else
      _mm256_maskstore_ps(y, lanes(live), v);
  }
  // The compare's "not" forms are true for NaN: threshold's -1 (generic/bitpack.h).
  XN_AVX2_BCONV_FN void sign_or(ivec &bits, const __m256 &v, float tau, bool ge, const ivec &bit) {
    const __m256 t = _mm256_set1_ps(tau);
    const __m256 minus = ge ? _mm256_cmp_ps(v, t, _CMP_NGE_UQ) : _mm256_cmp_ps(v, t, _CMP_NLE_UQ);
    bits = _mm256_or_si256(bits, _mm256_and_si256(_mm256_castps_si256(minus), bit));
  }
  XN_AVX2_BCONV_FN void sign_or_ge(ivec &bits, const __m256 &v, const __m256 &t, const ivec &bit) {
    bits = _mm256_or_si256(
        bits, _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(v, t, _CMP_NGE_UQ)), bit));
  }
  XN_AVX2_BCONV_FN void twice(ivec &bit) { bit = _mm256_add_epi32(bit, bit); }
  XN_AVX2_BCONV_FN uint32_t lane(const ivec &v, int k) {
    return (uint32_t)_mm256_cvtsi256_si32(_mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(k)));
  }
  // Lane by lane: AVX2 has no scatter, and its masked stores are slow on AMD's cores.
  XN_AVX2_BCONV_FN void put_dwords(uint32_t *dst, int64_t stride, const ivec &bits, int live,
                                   bool accumulate) {
    xn_x86_put_dwords_by_lane<xn_avx2_epi_ops>(dst, stride, bits, live, accumulate);
  }
  XN_AVX2_BCONV_FN void broadcast_dword(ivec &v, uint32_t x) { v = _mm256_set1_epi32((int)x); }
};

template <int B> using xn_avx2_epi_float = xn_x86_bconv_epi<xn_avx2_epi_ops, B>;

// xn_avx2_bconv, xn_avx2_bconv_threshold, xn_avx2_bdense, xn_avx2_bdense_threshold,
// xn_avx2_bconv_sign.
XN_OC_WALK_ENTRY_POINTS(avx2, b, xn_avx2_bits, xn_avx2_epi_float, XN_AVX2_TARGET)
XN_X86_BCONV_SIGN_ENTRY_POINT(avx2, xn_avx2_bits, xn_avx2_epi_float, XN_AVX2_TARGET)

#endif // XNORC_RUNTIME_X86_AVX2_BCONV_H
