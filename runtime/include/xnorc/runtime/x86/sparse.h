// AVX2 and AVX-512 sparse float convs (xn_avx2_sparse_conv, xn_avx512_sparse_conv).
//
// Unit column stride (every 3x3 / 1x1 conv of the pruned networks): register tiles. An output
// channel's plane is cut into vectors of V pixels along a row (V = 8 or 16; a row of OW
// pixels takes ceil(OW / V) of them, the last one masked); a tile is up to the policy's ROWS
// vectors at the same column of consecutive rows, held in registers while the channel's
// non-zero weights stream past: one masked load, multiply and add per weight and vector. The
// column mask of a tap (which lanes' inputs lie inside the row) is the same for every row of
// the tile, and a tap whose input row lies outside the image is skipped for that row, so
// nothing is read outside the input. The dense x86 convs reuse every load across 16-32
// output channels; a sparse filter has no such reuse, so this kernel pays one load per
// product and wins only where most weights are zero (bench/sparse_kernel_bench.cpp measures
// where).
//
// Other column strides: the walk of generic/sparse.h, one weight times one (strided) output
// row, scalar.
//
// Bit-identical with xn_sparse_conv, hence with xn_conv: each output starts at its bias and
// adds its products in the dense kernel's (channel, tap) order, each product rounded before
// the sum -- the empty asm keeps the compiler from fusing them into an FMA, which would round
// once. A lane whose input lies in the padding loads 0 and adds v * 0 = +-0, which leaves a
// sum unchanged unless that sum is -0: only an output whose bias is -0 can be (the caveat of
// generic/sparse.h).
#ifndef XNORC_RUNTIME_X86_SPARSE_H
#define XNORC_RUNTIME_X86_SPARSE_H

#include "../common/unroll.h"
#include "../generic/sparse.h"

#include <immintrin.h>

#define XN_X86_SPARSE_AVX2_FN __attribute__((target("avx2"))) static inline
#define XN_X86_SPARSE_AVX512_FN __attribute__((target("avx512f"))) static inline

// The ISA policies: V lanes, a vector, a lane mask.
struct xn_avx2_sparse_isa {
  // ROWS: vectors per register tile (rows of one column of vectors), leaving registers for
  // the weight, the column mask and a product; the tile switch below goes up to 16.
  enum { V = 8, ROWS = 12 };
  typedef __m256 vec;
  typedef __m256i mask;
  XN_X86_SPARSE_AVX2_FN void lanes_in(mask &m, int64_t lo, int64_t hi) { // lo <= lane < hi
    const __m256i l = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    m = _mm256_and_si256(_mm256_cmpgt_epi32(l, _mm256_set1_epi32((int)lo - 1)),
                         _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), l));
  }
  XN_X86_SPARSE_AVX2_FN void splat(vec &v, float f) { v = _mm256_set1_ps(f); }
  // acc += v * (the masked load at p), the product rounded first.
  XN_X86_SPARSE_AVX2_FN void add_product(vec &acc, const vec &v, const mask &m, const float *p) {
    __m256 prod = _mm256_mul_ps(v, _mm256_maskload_ps(p, m));
    __asm__("" : "+x"(prod));
    acc = _mm256_add_ps(acc, prod);
  }
  XN_X86_SPARSE_AVX2_FN void store(float *p, const mask &m, const vec &v) {
    _mm256_maskstore_ps(p, m, v);
  }
};

struct xn_avx512_sparse_isa {
  enum { V = 16, ROWS = 16 };
  typedef __m512 vec;
  typedef __mmask16 mask;
  XN_X86_SPARSE_AVX512_FN void lanes_in(mask &m, int64_t lo, int64_t hi) {
    const unsigned below_hi = hi >= 16 ? 0xffffu : hi <= 0 ? 0u : (1u << hi) - 1;
    const unsigned below_lo = lo >= 16 ? 0xffffu : lo <= 0 ? 0u : (1u << lo) - 1;
    m = (__mmask16)(below_hi & ~below_lo);
  }
  XN_X86_SPARSE_AVX512_FN void splat(vec &v, float f) { v = _mm512_set1_ps(f); }
  XN_X86_SPARSE_AVX512_FN void add_product(vec &acc, const vec &v, const mask &m, const float *p) {
    __m512 prod = _mm512_mul_ps(v, _mm512_maskz_loadu_ps(m, p));
    __asm__("" : "+v"(prod));
    acc = _mm512_add_ps(acc, prod);
  }
  XN_X86_SPARSE_AVX512_FN void store(float *p, const mask &m, const vec &v) {
    _mm512_mask_storeu_ps(p, m, v);
  }
};

// One output channel's view of the call: its packed weights and the per-tap geometry.
struct xn_x86_sparse_ctx {
  const xn_conv_params *p;
  xn_window wd;
  int64_t ksize;      // taps per input channel
  uint64_t ksize_inv; // 2^32 / ksize + 1: col / ksize as a multiply, exact for col < 2^16,
                      // ksize <= 64 (the error col * ksize / 2^32 stays below 1 / ksize)
  int64_t in_plane;   // input pixels per channel
  int64_t rows;       // output rows per plane (out_d * out_h)
  int64_t tap_off[XN_SPARSE_MAX_TAPS]; // input offset of a tap from its output pixel's origin
  int64_t tap_row[XN_SPARSE_MAX_TAPS]; // (kz, ky) row index of the tap
  int64_t tap_col[XN_SPARSE_MAX_TAPS]; // kx * dil_w - pad_w: the tap's input column of ox = 0
  int64_t row_dz[XN_SPARSE_MAX_TAPS], row_dy[XN_SPARSE_MAX_TAPS]; // of each (kz, ky) row
  int64_t n_tap_rows;
};

inline void xn_x86_sparse_make_ctx(const xn_conv_params *p, xn_x86_sparse_ctx *c) {
  c->p = p;
  c->wd = xn_window_of(p);
  const int64_t *k = c->wd.k, *dl = c->wd.dil, *pb = c->wd.pad, *id = c->wd.in;
  c->ksize = k[0] * k[1] * k[2];
  c->ksize_inv = ((uint64_t)1 << 32) / (uint64_t)c->ksize + 1;
  c->in_plane = id[0] * id[1] * id[2];
  c->rows = c->wd.out[0] * c->wd.out[1];
  c->n_tap_rows = k[0] * k[1];
  for (int64_t r = 0; r < c->n_tap_rows; ++r) {
    c->row_dz[r] = (r / k[1]) * dl[0] - pb[0];
    c->row_dy[r] = (r % k[1]) * dl[1] - pb[1];
  }
  for (int64_t tap = 0; tap < c->ksize; ++tap) {
    const int64_t r = tap / k[2];
    c->tap_row[tap] = r;
    c->tap_col[tap] = (tap % k[2]) * dl[2] - pb[2];
    c->tap_off[tap] = (c->row_dz[r] * id[1] + c->row_dy[r]) * id[2] + c->tap_col[tap];
  }
}

// The register tile of R vectors: rows row0 .. row0 + R - 1 of output channel m of image n,
// columns ox0 .. ox0 + V - 1 (the lanes below `width` valid).
template <class Isa, int R>
inline void xn_x86_sparse_tile(const xn_x86_sparse_ctx &c, const xn_sparse_view &sw,
                               const float *xn, int64_t m, float b, int64_t row0, int64_t ox0,
                               float *ym) {
  typedef typename Isa::vec vec;
  typedef typename Isa::mask mask;
  const int64_t *id = c.wd.in, *od = c.wd.out, *s = c.wd.s;
  // Per (kz, ky) tap row: which of the R rows read inside the image (bit j), and per tap its
  // column mask; per vector the input offset of its first pixel's origin.
  uint32_t rows_in[XN_SPARSE_MAX_TAPS];
  mask cols_in[XN_SPARSE_MAX_TAPS];
  int64_t origin[R];
  XN_UNROLL(16)
  for (int j = 0; j < R; ++j) {
    const int64_t oz = (row0 + j) / od[1], oy = (row0 + j) % od[1];
    origin[j] = (oz * s[0] * id[1] + oy * s[1]) * id[2] + ox0;
  }
  for (int64_t r = 0; r < c.n_tap_rows; ++r) {
    uint32_t bits = 0;
    XN_UNROLL(16)
    for (int j = 0; j < R; ++j) {
      const int64_t oz = (row0 + j) / od[1], oy = (row0 + j) % od[1];
      const int64_t iz = oz * s[0] + c.row_dz[r], iy = oy * s[1] + c.row_dy[r];
      bits |= (uint32_t)(iz >= 0 && iz < id[0] && iy >= 0 && iy < id[1]) << j;
    }
    rows_in[r] = bits;
  }
  const int64_t width = od[2] - ox0 < Isa::V ? od[2] - ox0 : (int64_t)Isa::V;
  for (int64_t tap = 0; tap < c.ksize; ++tap) {
    // Lane l reads input column ox0 + l + tap_col: inside [0, in_w) and below width.
    const int64_t lo = -(ox0 + c.tap_col[tap]);
    const int64_t hi = id[2] - (ox0 + c.tap_col[tap]);
    Isa::lanes_in(cols_in[tap], lo > 0 ? lo : 0, hi < width ? hi : width);
  }
  const uint32_t all = (1u << R) - 1;
  vec acc[R];
  XN_UNROLL(16)
  for (int j = 0; j < R; ++j)
    Isa::splat(acc[j], b);
  const int32_t e_end = xn_sparse_row_start(sw, m + 1);
  for (int32_t e = xn_sparse_row_start(sw, m); e < e_end; ++e) {
    const uint64_t col = (uint64_t)xn_sparse_col(sw, e);
    const int64_t ch = (int64_t)((col * c.ksize_inv) >> 32);
    const int64_t tap = (int64_t)col - ch * c.ksize;
    const float *xt = xn + ch * c.in_plane + c.tap_off[tap];
    vec v;
    Isa::splat(v, xn_sparse_value(sw, e));
    const mask &cm = cols_in[tap];
    const uint32_t rin = rows_in[c.tap_row[tap]];
    if (rin == all) {
      XN_UNROLL(16)
      for (int j = 0; j < R; ++j)
        Isa::add_product(acc[j], v, cm, xt + origin[j]);
    } else {
      XN_UNROLL(16)
      for (int j = 0; j < R; ++j)
        if (rin >> j & 1)
          Isa::add_product(acc[j], v, cm, xt + origin[j]);
    }
  }
  mask out;
  Isa::lanes_in(out, 0, width);
  XN_UNROLL(16)
  for (int j = 0; j < R; ++j)
    Isa::store(ym + (row0 + j) * od[2] + ox0, out, acc[j]);
}

// Output channel m of image n, starting at bias b: its rows in tiles of at most
// Isa::ROWS (shared evenly, so a 14-row plane takes two tiles of 7), each tile across
// the row's vectors, then the activation.
template <class Isa>
inline void xn_x86_sparse_plane(const xn_x86_sparse_ctx &c, const xn_sparse_view &sw,
                                const float *xn, int64_t m, float b, float *ym) {
  const int64_t ow = c.wd.out[2];
  const int tiles = (int)((c.rows + Isa::ROWS - 1) / Isa::ROWS);
  for (int t = 0; t < tiles; ++t) {
    int64_t lo, hi;
    xn_split_even(c.rows, t, tiles, &lo, &hi);
    for (int64_t ox0 = 0; ox0 < ow; ox0 += Isa::V)
      switch (hi - lo) {
#define XN_X86_SPARSE_TILE_CASE(R)                                                                 \
  case R:                                                                                          \
    xn_x86_sparse_tile<Isa, R>(c, sw, xn, m, b, lo, ox0, ym);                                      \
    break;
        XN_X86_SPARSE_TILE_CASE(1)
        XN_X86_SPARSE_TILE_CASE(2)
        XN_X86_SPARSE_TILE_CASE(3)
        XN_X86_SPARSE_TILE_CASE(4)
        XN_X86_SPARSE_TILE_CASE(5)
        XN_X86_SPARSE_TILE_CASE(6)
        XN_X86_SPARSE_TILE_CASE(7)
        XN_X86_SPARSE_TILE_CASE(8)
        XN_X86_SPARSE_TILE_CASE(9)
        XN_X86_SPARSE_TILE_CASE(10)
        XN_X86_SPARSE_TILE_CASE(11)
        XN_X86_SPARSE_TILE_CASE(12)
        XN_X86_SPARSE_TILE_CASE(13)
        XN_X86_SPARSE_TILE_CASE(14)
        XN_X86_SPARSE_TILE_CASE(15)
        XN_X86_SPARSE_TILE_CASE(16)
#undef XN_X86_SPARSE_TILE_CASE
      }
  }
  const xn_conv_params *p = c.p;
  xn_act_apply_n(p->act_kind, p->act_alpha, p->act_beta, ym, c.rows * ow);
}

// Strided columns: one weight times one output row, one output at a time.
__attribute__((target("avx2"))) inline void
xn_x86_sparse_axpy_strided(float *y, const float *x, float v, int64_t n, int64_t step) {
  for (int64_t i = 0; i < n; ++i) {
    float prod = v * x[i * step];
    __asm__("" : "+x"(prod));
    y[i] += prod;
  }
}
XN_SPARSE_CONV_DEFINE(xn_x86_sparse_conv_strided, __attribute__((target("avx2"))) inline,
                      xn_x86_sparse_axpy_strided)

// The entry points (generic/sparse.h's parameters; --threads splits the (image, output
// channel) planes, each computed whole by one part). `flatten` inlines the tile walk and the
// policy into one function compiled for the ISA.
#define XN_X86_SPARSE_CONV_ENTRY(Name, Target, Isa)                                                \
  __attribute__((target(Target), flatten)) inline void Name(                                       \
      const xn_conv_params *p, const float *x, const uint64_t *w, const float *bias, float *y,     \
      int part = 0, int parts = 1) {                                                               \
    xn_x86_sparse_ctx c;                                                                           \
    xn_x86_sparse_make_ctx(p, &c);                                                                 \
    if (c.wd.s[2] != 1) {                                                                          \
      xn_x86_sparse_conv_strided(p, x, w, bias, y, part, parts);                                   \
      return;                                                                                      \
    }                                                                                              \
    const int64_t out_plane = c.rows * c.wd.out[2];                                                \
    const xn_sparse_view sw = xn_sparse_view_of(p->c_out, w);                                      \
    int64_t plane_lo, plane_hi;                                                                    \
    xn_part_range(p->n * p->c_out, part, parts, &plane_lo, &plane_hi);                             \
    for (int64_t plane = plane_lo; plane < plane_hi; ++plane) {                                    \
      const int64_t n = plane / p->c_out, m = plane % p->c_out;                                    \
      xn_x86_sparse_plane<Isa>(c, sw, x + n * p->c_in * c.in_plane, m, bias ? bias[m] : 0.0f,      \
                               y + plane * out_plane);                                             \
    }                                                                                              \
  }

XN_X86_SPARSE_CONV_ENTRY(xn_avx2_sparse_conv, "avx2", xn_avx2_sparse_isa)
XN_X86_SPARSE_CONV_ENTRY(xn_avx512_sparse_conv, "avx512f", xn_avx512_sparse_isa)

#endif // XNORC_RUNTIME_X86_SPARSE_H
