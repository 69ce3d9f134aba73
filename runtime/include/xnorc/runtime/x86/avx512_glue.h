// Float "glue" kernels for AVX-512 (F): MaxPool, AveragePool, depthwise Conv (1-D/2-D, W
// stride 1 or 2) and threshold (float -> packed bits). Same signatures as the generic
// kernels, and bit-identical results:
//
// - Pools vectorise along the output row: 16 consecutive output pixels per zmm. Every tap
//   (kernel row, then kernel column, the generic order) loads the 16 inputs it touches
//   (stride 2: two loads compressed by vpermt2ps) masked to the taps inside the input, and
//   updates only those lanes, so padded taps are skipped exactly as the generic loop skips
//   them. Max: vmaxps(v, m) is (v > m ? v : m), the generic comparison, so NaN inputs never
//   win and signed zeros resolve the same way. Average: masked adds in the generic order,
//   then the same divisor (counted per lane) and an IEEE division. Depthwise conv: the
//   average's tiles with each tap's weight multiplied in (vmulps, then a masked vaddps: two
//   roundings, as the generic kernel), from the bias on.
// - Threshold: per block of 16 pixels and 64 channels, one compare per channel gives a
//   16-bit pixel mask, which masked ORs of the channel's bit into two vectors of 8 words
//   (one word per pixel) transpose into the channel-packed layout; on CPUs with GFNI and
//   VBMI, whole-matrix byte permutes and bit transposes instead (xn_avx512_threshold_gfni).
//
// Other shapes (3-D, dilated, W stride > 2) fall back to the generic kernels.
// Per-function target attributes: builds without -m flags; callers check the CPU.
#ifndef XNORC_RUNTIME_X86_AVX512_GLUE_H
#define XNORC_RUNTIME_X86_AVX512_GLUE_H

#include "avx512_policy.h"
#include "glue_common.h"

#include <immintrin.h>

#define XN_AVX512G_TARGET __attribute__((target("avx512f")))

// The threshold over pixels [s_lo, s_hi) and output words [j_lo, j_hi) of every image
// (glue_common.h's contract), 16 pixels per vector: per word, each of its (up to) 64 channels'
// compare gives a 16-bit pixel mask (bit 1, -1, where the comparison fails; unordered, NaN,
// fails too), and the transpose T turns the word's masks into the 16 pixels' words:
//   T::init()                      before a word's first channel;
//   T::add(cc, k)                  channel cc's mask k (cc = 0, 1, .. in order);
//   T::words(n_ch, w0, w1)         pixels 0-7's and 8-15's words, n_ch channels added.
// Compiled for the transpose's target by its entry point (flatten).
struct xn_avx512_threshold_io {
  // The first `lanes` of 16 pixels.
  XN_AVX512G_TARGET static __mmask16 lanes(int64_t lanes) {
    __mmask16 lm;
    xn_avx512_glue::lanes(lm, 0, lanes, 0);
    return lm;
  }
  XN_AVX512G_TARGET static __mmask16 pixels(const float *xs, __mmask16 lm, float tau, bool ge) {
    const __m512 v = _mm512_maskz_loadu_ps(lm, xs);
    const __m512 t = _mm512_set1_ps(tau);
    return ge ? _mm512_mask_cmp_ps_mask(lm, v, t, _CMP_NGE_UQ)
              : _mm512_mask_cmp_ps_mask(lm, v, t, _CMP_NLE_UQ);
  }
  // Pixel k's word (lane k of w0, then w1) to dst[k * cw], for the pixels of lm.
  XN_AVX512G_TARGET static void store(uint64_t *dst, int64_t cw, __mmask16 lm, const __m512i &w0,
                                      const __m512i &w1) {
    if (cw == 1) {
      _mm512_mask_storeu_epi64(dst, static_cast<__mmask8>(lm), w0);
      _mm512_mask_storeu_epi64(dst + 8, static_cast<__mmask8>(lm >> 8), w1);
      return;
    }
    const __m512i idx0 = _mm512_setr_epi64(0, cw, 2 * cw, 3 * cw, 4 * cw, 5 * cw, 6 * cw, 7 * cw);
    const __m512i idx1 = _mm512_add_epi64(idx0, _mm512_set1_epi64(8 * cw));
    _mm512_mask_i64scatter_epi64(dst, static_cast<__mmask8>(lm), idx0, w0, 8);
    _mm512_mask_i64scatter_epi64(dst, static_cast<__mmask8>(lm >> 8), idx1, w1, 8);
  }
};

// Two 16-pixel vectors per visit of a channel: its plane's two adjacent lines, and two
// independent transposes. One vector per visit read 64 planes a line each, one line per plane
// and pass, and took 1.2-1.4x as long on an Intel Xeon (Bi-Real-18's threshold shapes,
// docs/Benchmarks.md, session 26).
template <class T>
inline void xn_avx512_threshold_walk(const xn_threshold_params *p, const float *x, const float *tau,
                                     const float *dir, uint64_t *y, int64_t s_lo, int64_t s_hi,
                                     int64_t j_lo, int64_t j_hi) {
  const int64_t cw = xn_bit_words(p->c);
  const int64_t s_n = p->spatial;
  T tr[2];
  for (int64_t n = 0; n < p->n; ++n) {
    const float *xn = x + n * p->c * s_n;
    uint64_t *yn = y + n * s_n * cw;
    for (int64_t s0 = s_lo; s0 < s_hi; s0 += 32) {
      const int64_t s1 = s0 + 16; // the second vector's first pixel (none if s1 >= s_hi)
      const __mmask16 l0 = xn_avx512_threshold_io::lanes(s_hi - s0 < 16 ? s_hi - s0 : 16);
      const __mmask16 l1 = xn_avx512_threshold_io::lanes(s1 >= s_hi       ? 0
                                                         : s_hi - s1 < 16 ? s_hi - s1
                                                                          : 16);
      for (int64_t j = j_lo; j < j_hi; ++j) {
        const int64_t c_end = p->c - 64 * j < 64 ? p->c - 64 * j : 64;
        tr[0].init();
        tr[1].init();
        for (int64_t cc = 0; cc < c_end; ++cc) {
          const int64_t c = 64 * j + cc;
          const float t = tau ? tau[c] : 0.0f;
          const bool ge = dir ? dir[c] > 0.0f : true;
          tr[0].add(cc, xn_avx512_threshold_io::pixels(xn + c * s_n + s0, l0, t, ge));
          tr[1].add(cc, xn_avx512_threshold_io::pixels(xn + c * s_n + s1, l1, t, ge));
        }
        __m512i w0, w1;
        tr[0].words(c_end, w0, w1);
        xn_avx512_threshold_io::store(yn + s0 * cw + j, cw, l0, w0, w1);
        if (s1 < s_hi) {
          tr[1].words(c_end, w0, w1);
          xn_avx512_threshold_io::store(yn + s1 * cw + j, cw, l1, w0, w1);
        }
      }
    }
  }
}

// Any AVX-512 CPU: masked ORs of the channel's bit into two vectors of 8 pixel words.
struct xn_avx512_threshold_or_t {
  __m512i w0, w1, bit;
  XN_AVX512G_TARGET void init() {
    w0 = _mm512_setzero_si512();
    w1 = _mm512_setzero_si512();
    bit = _mm512_set1_epi64(1);
  }
  XN_AVX512G_TARGET void add(int64_t, __mmask16 k) {
    w0 = _mm512_mask_or_epi64(w0, static_cast<__mmask8>(k), w0, bit);
    w1 = _mm512_mask_or_epi64(w1, static_cast<__mmask8>(k >> 8), w1, bit);
    bit = _mm512_add_epi64(bit, bit);
  }
  XN_AVX512G_TARGET void words(int64_t, __m512i &a, __m512i &b) const {
    a = w0;
    b = w1;
  }
};

// With GFNI and VBMI: the 64 masks of a word (a 64 x 16 bit matrix, channel-major) are stored
// and transposed whole: vpermt2b gathers each 8 x 8 bit block (8 channels' mask bytes of 8
// pixels) into a qword, vgf2p8affineqb transposes every qword's block (against the constant
// 0x8040201008040201 each result byte is one column of the block, its rows in reverse, which
// the gather's order undoes), and vpermb puts each pixel's 8 bytes together. Per channel that
// is a compare and a mask store, where the masked ORs take two ORs, two mask moves and an add:
// Bi-Real-18's 15 thresholds took 116-137 us instead of 204-210 us on an Intel Xeon (one
// thread, alternating --profile runs, bench/results/s24_xeon_ab.txt). Same bits.
#define XN_AVX512_GFNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,gfni")))
struct xn_avx512_threshold_gfni_t {
  alignas(64) uint16_t masks[64];
  // gather_lo[8g + r]: the low byte of channel 8g + 7 - r's mask (byte 2c of the uint16
  // masks), gather_hi its high byte; spread[8j + g] = 8g + j: byte g of pixel j's word is
  // block g's byte j. Built once per call of the layer.
  __m512i gather_lo, gather_hi, spread;
  XN_AVX512_GFNI_TARGET xn_avx512_threshold_gfni_t() {
    alignas(64) uint8_t lo[64], sp[64];
    for (int g = 0; g < 8; ++g)
      for (int r = 0; r < 8; ++r) {
        lo[8 * g + r] = static_cast<uint8_t>(2 * (8 * g + 7 - r));
        sp[8 * r + g] = static_cast<uint8_t>(8 * g + r);
      }
    gather_lo = _mm512_load_si512(lo);
    gather_hi = _mm512_add_epi8(gather_lo, _mm512_set1_epi8(1));
    spread = _mm512_load_si512(sp);
  }
  XN_AVX512_GFNI_TARGET void init() {}
  XN_AVX512_GFNI_TARGET void add(int64_t cc, __mmask16 k) { masks[cc] = k; }
  XN_AVX512_GFNI_TARGET void words(int64_t n_ch, __m512i &w0, __m512i &w1) {
    for (int64_t cc = n_ch; cc < 64; ++cc)
      masks[cc] = 0;
    const __m512i rows = _mm512_set1_epi64(static_cast<long long>(0x8040201008040201ull));
    const __mmask64 all = ~static_cast<__mmask64>(0);
    const __m512i a = _mm512_load_si512(masks), b = _mm512_load_si512(masks + 32);
    // (maskz forms: g++ 12 reports -Wmaybe-uninitialized inside the plain vpermb intrinsic.)
    w0 = _mm512_maskz_permutexvar_epi8(
        all, spread,
        _mm512_gf2p8affine_epi64_epi8(rows, _mm512_permutex2var_epi8(a, gather_lo, b), 0));
    w1 = _mm512_maskz_permutexvar_epi8(
        all, spread,
        _mm512_gf2p8affine_epi64_epi8(rows, _mm512_permutex2var_epi8(a, gather_hi, b), 0));
  }
};

XN_AVX512G_TARGET __attribute__((flatten)) inline void
xn_avx512_threshold_or(const xn_threshold_params *p, const float *x, const float *tau,
                       const float *dir, uint64_t *y, int64_t s_lo, int64_t s_hi, int64_t j_lo,
                       int64_t j_hi) {
  xn_avx512_threshold_walk<xn_avx512_threshold_or_t>(p, x, tau, dir, y, s_lo, s_hi, j_lo, j_hi);
}

XN_AVX512_GFNI_TARGET __attribute__((flatten)) inline void
xn_avx512_threshold_gfni(const xn_threshold_params *p, const float *x, const float *tau,
                         const float *dir, uint64_t *y, int64_t s_lo, int64_t s_hi, int64_t j_lo,
                         int64_t j_hi) {
  xn_avx512_threshold_walk<xn_avx512_threshold_gfni_t>(p, x, tau, dir, y, s_lo, s_hi, j_lo, j_hi);
}

inline bool xn_x86_has_gfni_vbmi() {
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("gfni") != 0 &&
                                                     __builtin_cpu_supports("avx512vbmi") != 0 &&
                                                     __builtin_cpu_supports("avx512bw") != 0);
  return has;
}

// Pixels [s_lo, s_hi) and output words [j_lo, j_hi) (glue_common.h's contract): GFNI's
// transpose where the CPU has it.
inline void xn_avx512_threshold_v(const xn_threshold_params *p, const float *x, const float *tau,
                                  const float *dir, uint64_t *y, int64_t s_lo, int64_t s_hi,
                                  int64_t j_lo, int64_t j_hi) {
  if (xn_x86_has_gfni_vbmi())
    xn_avx512_threshold_gfni(p, x, tau, dir, y, s_lo, s_hi, j_lo, j_hi);
  else
    xn_avx512_threshold_or(p, x, tau, dir, y, s_lo, s_hi, j_lo, j_hi);
}

// xn_avx512_pools, xn_avx512_maxpool, xn_avx512_avgpool, xn_avx512_threshold.
XN_X86_GLUE_KERNELS(avx512, xn_avx512_glue, __attribute__((target("avx512f"))))

#endif // XNORC_RUNTIME_X86_AVX512_GLUE_H
