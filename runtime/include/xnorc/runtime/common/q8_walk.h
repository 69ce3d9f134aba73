// The SIMD 8-bit conv and gemm (x86/avx512_q8.h, x86/avx2_q8.h, neon/q8.h): generic/qlinear.h's
// xn_qconv and xn_qgemm, bit for bit, on byte dot products of four (docs/XnorMath.md, "8-bit
// kernels"). One walk; an ISA brings its lane policy (the tile's loads, dot product and
// epilogue steps) and its tile sizes.
//
// Arithmetic. With X = x shifted to the policy's activation type (u8 on x86, V::XS = false,
// for vpdpbusd; i8 on NEON, V::XS = true, for smull / sdot) and W = w shifted to i8
// (common/q8_pack.h), and their zero points x_zp', w_zp' shifted alike, each output is
//   sum_k (X - x_zp')(W - w_zp') = sum_k X W  -  w_zp' sum_k X  -  x_zp' sum_k W  +  K x_zp' w_zp'
// The register tile sums X W only (vpdpbusd, its AVX2 widening, NEON's smull or sdot); sum_k W per
// channel comes packed with the weights, sum_k X per pixel (or gemm row) is computed only when some
// w_zp' is not zero, and the epilogue adds the rest. All int32 arithmetic wraps (two's complement,
// vector or uint32_t), so the result equals the generic kernel's exact sum whenever that
// fits in int32, which the generic kernel assumes too. The requantization is generic/
// qlinear.h's xn_requantize_t on vectors: the same steps, the same float roundings.
//
// Tile. Accumulators acc[r][p]: R "rows" of P vectors of L int32 lanes (V::acc; a policy whose
// dot product leaves partial sums, NEON's smull + sadalp, folds them in V::finish). Per group of
// four k: P vectors of the "vector operand" ([k4][lanes][4] bytes) and, per row, one 32-bit
// broadcast of that row's four bytes ([k4][4]).
//   conv: lanes = output pixels, rows = output channels. The vector operand is the input,
//         gathered per chunk of P * L pixels (an im2col, padding taps holding x_zp'); the rows
//         are the packed weights. A row of lanes is contiguous in NCHW's y.
//   gemm: lanes = output channels, rows = rows of x. The vector operand is the packed
//         weights ([k4][Np][4]); the rows are x's rows, shifted. y[m][n] is contiguous in n.
// So each output vector is stored as it is, without a transpose.
#ifndef XNORC_RUNTIME_COMMON_Q8_WALK_H
#define XNORC_RUNTIME_COMMON_Q8_WALK_H

#include "../generic/qlinear.h"
#include "parts.h"
#include "q8_pack.h"
#include "unroll.h"

#include <string.h>

// Rows of a tile at most (every ISA).
#define XN_Q8_RMAX 4

// One tile's operands and epilogue: row r, lane l (l from the tile's first lane) gets
// requantize(acc + crow[r] + clane[l] - arow[r] * alane[l]) with scale lane_scale[l] if
// lane_scale, else row_scale[r]; lanes [0, n) of row r are stored at y[r].
struct xn_q8_tile_args {
  const uint8_t *a; // vector operand; group kg of lane 0 at a + kg * lda
  int64_t lda, k4;
  const uint8_t *b[XN_Q8_RMAX]; // row operands, [k4][4]
  int32_t crow[XN_Q8_RMAX], arow[XN_Q8_RMAX];
  const int32_t *clane, *alane;
  float row_scale[XN_Q8_RMAX];
  const float *lane_scale;
  int32_t zp;
  float vlo, vhi;
  uint8_t *y[XN_Q8_RMAX];
  int64_t n;
};

// The two operands' roles: the vector one (Vec, loaded) and the broadcast one (Bc, one 32-bit
// group); dot takes them in the policy's (activation, weight) order (U, S: x86's unsigned and
// signed bytes; both signed on NEON).
template <class V, bool VecU> struct xn_q8_roles {
  typedef typename V::U Vec;
  typedef typename V::S Bc;
  static void load(Vec &v, const uint8_t *p) { V::load_u(v, p); }
  static void bcast(Bc &b, const uint8_t *p) { V::bcast_s(b, p); }
  static void dot(typename V::acc &acc, const Vec &v, const Bc &b) { V::dot(acc, v, b); }
};
template <class V> struct xn_q8_roles<V, false> {
  typedef typename V::S Vec;
  typedef typename V::U Bc;
  static void load(Vec &v, const uint8_t *p) { V::load_s(v, p); }
  static void bcast(Bc &b, const uint8_t *p) { V::bcast_u(b, p); }
  static void dot(typename V::acc &acc, const Vec &v, const Bc &b) { V::dot(acc, b, v); }
};

// The tile over an ISA's lane policy V (x86/avx512_q8.h documents its members). VecU: the
// vector operand is the activation (conv), else the weights (gemm). Called only from an ISA's
// (target-attributed on x86) flattened tile (XN_Q8_TILE).
template <class V, int R, int P, bool VecU> inline void xn_q8_tile_v(const xn_q8_tile_args &t) {
  typedef xn_q8_roles<V, VecU> Op;
  typename V::acc acc[R][P];
  XN_UNROLL(8)
  for (int r = 0; r < R; ++r)
    XN_UNROLL(8)
  for (int p = 0; p < P; ++p)
    V::zero(acc[r][p]);
  for (int64_t kg = 0; kg < t.k4; ++kg) {
    const uint8_t *a = t.a + kg * t.lda;
    typename Op::Vec v[P];
    XN_UNROLL(8)
    for (int p = 0; p < P; ++p)
      Op::load(v[p], a + p * V::L * 4);
    XN_UNROLL(8)
    for (int r = 0; r < R; ++r) {
      typename Op::Bc bc;
      Op::bcast(bc, t.b[r] + kg * 4);
      XN_UNROLL(8)
      for (int p = 0; p < P; ++p)
        Op::dot(acc[r][p], v[p], bc);
    }
  }
  typename V::vi zp;
  typename V::vf vlo, vhi;
  V::set1_i(zp, t.zp);
  V::set1_f(vlo, t.vlo);
  V::set1_f(vhi, t.vhi);
  XN_UNROLL(8)
  for (int p = 0; p < P; ++p) {
    const int64_t n = t.n - p * V::L;
    if (n <= 0)
      break;
    typename V::vi cl, al;
    V::load_i(cl, t.clane + p * V::L);
    V::load_i(al, t.alane + p * V::L);
    XN_UNROLL(8)
    for (int r = 0; r < R; ++r) {
      typename V::vi v, c, a;
      V::finish(v, acc[r][p]);
      V::set1_i(c, t.crow[r]);
      V::add(v, c);
      V::add(v, cl);
      V::set1_i(a, t.arow[r]);
      V::mullo(a, al);
      V::sub(v, a);
      typename V::vf scale;
      if (t.lane_scale)
        V::load_f(scale, t.lane_scale + p * V::L);
      else
        V::set1_f(scale, t.row_scale[r]);
      typename V::vi q;
      xn_requantize_t<V>(v, scale, zp, vlo, vhi, q);
      V::store_bytes(t.y[r] + p * V::L, q, n);
    }
  }
}

// quantize / dequantize of the first n - n % L elements of a run with one scale and zero
// point, the steps of generic/qlinear.h on vectors; returns how many it did.
template <class V>
inline int64_t xn_q8_quantize_v(const float *x, int64_t n, float s, float zp, float lo, float hi,
                                uint8_t *y) {
  typename V::vf vs, vz, vlo, vhi, v;
  V::set1_f(vs, s);
  V::set1_f(vz, zp);
  V::set1_f(vlo, lo);
  V::set1_f(vhi, hi);
  int64_t i = 0;
  for (; i + V::L <= n; i += V::L) {
    typename V::vi q;
    V::load_f(v, x + i);
    xn_quantize_t<V>(v, vs, vz, vlo, vhi, q);
    V::store_bytes(y + i, q, V::L);
  }
  return i;
}
template <class V>
inline int64_t xn_q8_dequantize_v(const uint8_t *x, int64_t n, int is_signed, int32_t zp, float s,
                                  float *y) {
  typename V::vi vz, q;
  typename V::vf vs, v;
  V::set1_i(vz, zp);
  V::set1_f(vs, s);
  int64_t i = 0;
  for (; i + V::L <= n; i += V::L) {
    V::load_bytes(q, x + i, is_signed);
    V::sub(q, vz);
    V::to_float(v, q);
    V::mul(v, vs);
    V::store_f(y + i, v);
  }
  return i;
}

// struct xn_<isa>_q8: the tile of policy V_ with R_ x P_ vectors and the vector quantize /
// dequantize runs, compiled for ATTR (x86: the ISA's target attribute; NEON: nothing).
#define XN_Q8_TILE(isa, V_, R_, P_, ATTR)                                                          \
  struct xn_##isa##_q8 {                                                                           \
    typedef V_ V;                                                                                  \
    static const int L = V_::L, R = R_, P = P_;                                                    \
    static const bool XS = V_::XS;                                                                 \
    template <int TR, int TP, bool VecU>                                                           \
    ATTR __attribute__((flatten)) static void tile(const xn_q8_tile_args &t) {                     \
      xn_q8_tile_v<V, TR, TP, VecU>(t);                                                            \
    }                                                                                              \
    ATTR __attribute__((flatten)) static int64_t                                                   \
    quantize(const float *x, int64_t n, float s, float zp, float lo, float hi, uint8_t *y) {       \
      return xn_q8_quantize_v<V>(x, n, s, zp, lo, hi, y);                                          \
    }                                                                                              \
    ATTR __attribute__((flatten)) static int64_t                                                   \
    dequantize(const uint8_t *x, int64_t n, int is_signed, int32_t zp, float s, float *y) {        \
      return xn_q8_dequantize_v<V>(x, n, is_signed, zp, s, y);                                     \
    }                                                                                              \
  };

// A tile of r <= XN_Q8_RMAX rows.
template <class Isa, int P, bool VecU>
inline void xn_q8_tile_rows(const xn_q8_tile_args &t, int r) {
  static_assert(Isa::R == 4 && XN_Q8_RMAX == 4, "row dispatch below");
  switch (r) {
  case 4:
    Isa::template tile<4, P, VecU>(t);
    break;
  case 3:
    Isa::template tile<3, P, VecU>(t);
    break;
  case 2:
    Isa::template tile<2, P, VecU>(t);
    break;
  default:
    Isa::template tile<1, P, VecU>(t);
    break;
  }
}

// Wrapping int32 arithmetic (uint32_t), for the epilogue's per-channel terms.
inline int32_t xn_q8_wrap(uint32_t v) { return (int32_t)v; }

// A shifted activation byte as the kernel multiplies it (i8 when XS), as a wrapping term.
template <bool XS> inline uint32_t xn_q8_xval(uint8_t b) {
  return XS ? (uint32_t)(int32_t)(int8_t)b : (uint32_t)b;
}

// Shifted zero points and requantization of a conv's or gemm's operands.
struct xn_q8_layer {
  int32_t x_zp, flip; // shifted x zero point; byte XORed into x (0x80 where x's type is not XS's)
  int32_t zp;         // output zero point
  float vlo, vhi;
};

// XS: the kernel's activation bytes are i8 (else u8).
template <bool XS, class P>
inline xn_q8_layer xn_q8_layer_of(const P *p, const void *x_zero_point, const float *x_scale,
                                  const float *w_scale, const void *w_zero_point,
                                  const float *y_scale, const void *y_zero_point) {
  xn_q8_layer l;
  const bool flip = (p->x_type == XN_QTYPE_I8) != XS;
  l.x_zp = xn_qzero(x_zero_point, p->x_type, 0) + (flip ? (XS ? -128 : 128) : 0);
  l.flip = flip ? 0x80 : 0;
  const xn_qchannel q = xn_qchannel_of(p, 0, x_scale, w_scale, w_zero_point, y_scale, y_zero_point);
  l.zp = q.zp;
  xn_requantize_bounds(q.zp, q.lo, q.hi, &l.vlo, &l.vhi);
  return l;
}

// Channel m's terms: scale, shifted weight zero point, and bias - x_zp' sum W + K x_zp' w_zp'.
template <class P>
inline void xn_q8_channel(const P *p, int64_t m, int64_t K, int32_t x_zp, int32_t w_sum,
                          const int32_t *bias, const float *x_scale, const float *w_scale,
                          const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                          float *scale, int32_t *w_zp, int32_t *c) {
  const xn_qchannel q = xn_qchannel_of(p, m, x_scale, w_scale, w_zero_point, y_scale, y_zero_point);
  *scale = q.scale;
  *w_zp = q.w_zp - (p->w_type == XN_QTYPE_U8 ? 128 : 0);
  *c = xn_q8_wrap((uint32_t)(bias ? bias[m] : 0) - (uint32_t)x_zp * (uint32_t)w_sum +
                  (uint32_t)K * (uint32_t)x_zp * (uint32_t)*w_zp);
}

// The kernel's scratch (common/q8_pack.h): zeroed, 64-byte aligned pieces of one stack buffer.
// The compiler only picks these kernels for layers whose scratch fits.
struct xn_q8_stack {
  alignas(64) unsigned char buf[XN_Q8_STACK_BYTES];
  int64_t used = 0;
  void *take(int64_t bytes) {
    if (used + bytes > XN_Q8_STACK_BYTES) // a caller that broke the precondition: stop, do not
      __builtin_trap();                   // write past the buffer
    void *p = buf + used;
    memset(p, 0, (size_t)bytes);
    used += xn_q8_round64(bytes);
    return p;
  }
};

// Four input bytes of one kernel row, shifted (taps past kw: 0, taps outside the input:
// the shifted zero point), as the 32-bit word the tile broadcasts or loads.
inline uint32_t xn_q8_quad(const uint8_t *xr, int64_t pos, int64_t dil, int64_t in, int64_t taps,
                           const xn_q8_layer &l) {
  uint32_t v = 0;
  for (int64_t j = 0; j < 4 && j < taps; ++j) {
    const int64_t i = pos + j * dil;
    const uint32_t b = i >= 0 && i < in ? (uint32_t)(xr[i] ^ l.flip) : (uint32_t)l.x_zp & 0xff;
    v |= b << (8 * j);
  }
  return v;
}

// Pixels [pix0, pix0 + n) of image xb's output, as shifted input bytes: buf[k4][ch][4], each
// kernel row in groups of four taps (common/q8_pack.h). Within a run of pixels of one output
// row, a group whose four taps all lie inside the input row is one 32-bit load (dilation 1);
// the others go byte by byte.
inline void xn_q8_im2col(const xn_qconv_params *p, const xn_window &wd, const uint8_t *xb,
                         const xn_q8_layer &l, int64_t pix0, int64_t n, int64_t ch, uint8_t *buf) {
  const int64_t *id = wd.in, *od = wd.out, *k = wd.k, *s = wd.s, *dl = wd.dil, *pb = wd.pad;
  const int64_t quads = xn_q8_k4(k[2]);
  const uint32_t flip4 = (uint32_t)l.flip * 0x01010101u;
  for (int64_t j = 0; j < n;) {
    const int64_t pix = pix0 + j, row = pix / od[2], col = pix % od[2];
    const int64_t len = od[2] - col < n - j ? od[2] - col : n - j;
    const int64_t o0 = row / od[1], o1 = row % od[1];
    int64_t g = 0; // group of four taps
    for (int64_t c = 0; c < p->c_in; ++c)
      for (int64_t k0 = 0; k0 < k[0]; ++k0) {
        const int64_t i0 = o0 * s[0] - pb[0] + k0 * dl[0];
        for (int64_t k1 = 0; k1 < k[1]; ++k1) {
          const int64_t i1 = o1 * s[1] - pb[1] + k1 * dl[1];
          const bool inside = i0 >= 0 && i0 < id[0] && i1 >= 0 && i1 < id[1];
          const uint8_t *xr = xb + ((c * id[0] + i0) * id[1] + i1) * id[2];
          for (int64_t q = 0; q < quads; ++q, ++g) {
            uint32_t *dst = (uint32_t *)(buf + (g * ch + j) * 4);
            const int64_t taps = k[2] - 4 * q; // real taps of this group (up to 4)
            const int64_t off = col * s[2] - pb[2] + 4 * q * dl[2];
            if (!inside) {
              const uint32_t zp = xn_q8_quad(xr, -1, 0, 0, taps, l);
              for (int64_t t = 0; t < len; ++t)
                dst[t] = zp;
              continue;
            }
            // Pixels whose four bytes from off + t * s lie in the input row: [lo, hi).
            int64_t lo = len, hi = len;
            if (dl[2] == 1 && taps >= 4)
              xn_out_range(off, s[2], id[2] - 3, len, &lo, &hi);
            for (int64_t t = 0; t < lo; ++t)
              dst[t] = xn_q8_quad(xr, off + t * s[2], dl[2], id[2], taps, l);
            for (int64_t t = lo; t < hi; ++t) {
              uint32_t v;
              memcpy(&v, xr + off + t * s[2], sizeof v);
              dst[t] = v ^ flip4;
            }
            for (int64_t t = hi; t < len; ++t)
              dst[t] = xn_q8_quad(xr, off + t * s[2], dl[2], id[2], taps, l);
          }
        }
      }
    j += len;
  }
}

// xn_qconv (group 1) with w packed by xn_q8_pack_conv. Parts split each image's pixel chunks.
template <class Isa>
inline void xn_q8_conv(const xn_qconv_params *p, const void *x, const float *x_scale,
                       const void *x_zero_point, const uint8_t *w, const float *w_scale,
                       const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                       const int32_t *bias, void *y, int part, int parts) {
  const int64_t ch = Isa::P * Isa::L;
  const xn_window wd = xn_window_of(p);
  // K products per output; k4 groups of four (kernel rows padded to groups, common/q8_pack.h).
  const int64_t rows = p->c_in * wd.k[0] * wd.k[1];
  const int64_t M = p->c_out, K = rows * wd.k[2], k4 = rows * xn_q8_k4(wd.k[2]);
  const int64_t in_px = wd.in[0] * wd.in[1] * wd.in[2], out_px = wd.out[0] * wd.out[1] * wd.out[2];
  const xn_q8_layer l = xn_q8_layer_of<Isa::XS>(p, x_zero_point, x_scale, w_scale, w_zero_point,
                                                y_scale, y_zero_point);
  // Per channel: scale, w_zp', constant term (float and int32 arrays of M each), then the
  // chunk: lanes' zero constant term, sum X, and the gathered input (every slot written).
  static_assert(Isa::P * Isa::L <= XN_Q8_MAX_CHUNK, "common/q8_pack.h sizes the scratch");
  xn_q8_stack st;
  void *chans = st.take(M * 12), *lanes = st.take(ch * 8);
  float *scale = (float *)chans;
  int32_t *wzp = (int32_t *)chans + M, *cm = (int32_t *)chans + 2 * M;
  const int32_t *zero = (const int32_t *)lanes;
  int32_t *xsum = (int32_t *)lanes + ch;
  uint8_t *buf = (uint8_t *)st.take(k4 * 4 * ch);
  bool any_wzp = false;
  for (int64_t m = 0; m < M; ++m) {
    xn_q8_channel(p, m, K, l.x_zp, xn_q8_get_i32(w + M * k4 * 4 + 4 * m), bias, x_scale, w_scale,
                  w_zero_point, y_scale, y_zero_point, &scale[m], &wzp[m], &cm[m]);
    any_wzp |= wzp[m] != 0;
  }
  int64_t lo, hi;
  xn_part_range_aligned(out_px, ch, part, parts, &lo, &hi);
  xn_q8_tile_args t;
  t.a = buf;
  t.lda = ch * 4;
  t.k4 = k4;
  t.clane = zero;
  t.alane = xsum;
  t.lane_scale = nullptr;
  t.zp = l.zp;
  t.vlo = l.vlo;
  t.vhi = l.vhi;
  for (int64_t b = 0; b < p->n; ++b) {
    const uint8_t *xb = (const uint8_t *)x + b * p->c_in * in_px;
    uint8_t *yb = (uint8_t *)y + b * M * out_px;
    for (int64_t pix0 = lo; pix0 < hi; pix0 += ch) {
      t.n = hi - pix0 < ch ? hi - pix0 : ch;
      xn_q8_im2col(p, wd, xb, l, pix0, t.n, ch, buf);
      if (any_wzp) // slots past a kernel row hold 0
        for (int64_t j = 0; j < t.n; ++j) {
          uint32_t sum = 0;
          for (int64_t kk = 0; kk < k4 * 4; ++kk)
            sum += xn_q8_xval<Isa::XS>(buf[((kk / 4) * ch + j) * 4 + kk % 4]);
          xsum[j] = xn_q8_wrap(sum);
        }
      for (int64_t m0 = 0; m0 < M; m0 += Isa::R) {
        const int r = (int)(M - m0 < Isa::R ? M - m0 : Isa::R);
        for (int i = 0; i < r; ++i) {
          t.b[i] = w + (m0 + i) * k4 * 4;
          t.crow[i] = cm[m0 + i];
          t.arow[i] = wzp[m0 + i];
          t.row_scale[i] = scale[m0 + i];
          t.y[i] = yb + (m0 + i) * out_px + pix0;
        }
        xn_q8_tile_rows<Isa, Isa::P, true>(t, r);
      }
    }
  }
}

// xn_qgemm with w packed by xn_q8_pack_gemm.
template <class Isa>
inline void xn_q8_gemm(const xn_qgemm_params *p, const void *x, const float *x_scale,
                       const void *x_zero_point, const uint8_t *w, const float *w_scale,
                       const void *w_zero_point, const float *y_scale, const void *y_zero_point,
                       const int32_t *bias, void *y) {
  const int64_t L = Isa::L, M = p->M, N = p->N, K = p->K, k4 = xn_q8_k4(K);
  const int64_t np = xn_q8_gemm_np(N), kp = k4 * 4;
  const xn_q8_layer l = xn_q8_layer_of<Isa::XS>(p, x_zero_point, x_scale, w_scale, w_zero_point,
                                                y_scale, y_zero_point);
  // Per channel (np): scale, w_zp', constant term; per row: sum X; the shifted rows of x.
  xn_q8_stack st;
  void *chans = st.take(np * 12), *rows = st.take(M * (4 + kp));
  float *scale = (float *)chans;
  int32_t *wzp = (int32_t *)chans + np, *cn = (int32_t *)chans + 2 * np;
  const uint8_t *sums = w + k4 * 4 * np;
  for (int64_t n = 0; n < np; ++n)
    xn_q8_channel(p, n < N ? n : N - 1, K, l.x_zp, xn_q8_get_i32(sums + 4 * n), bias, x_scale,
                  w_scale, w_zero_point, y_scale, y_zero_point, &scale[n], &wzp[n], &cn[n]);
  int32_t *xsum = (int32_t *)rows;
  uint8_t *xs = (uint8_t *)rows + 4 * M;
  for (int64_t m = 0; m < M; ++m) {
    uint32_t sum = 0;
    for (int64_t k = 0; k < K; ++k) {
      const uint8_t v = ((const uint8_t *)x)[m * K + k] ^ (uint8_t)l.flip;
      xs[m * kp + k] = v;
      sum += xn_q8_xval<Isa::XS>(v);
    }
    xsum[m] = xn_q8_wrap(sum);
  }
  xn_q8_tile_args t;
  t.lda = np * 4;
  t.k4 = k4;
  t.lane_scale = scale;
  t.zp = l.zp;
  t.vlo = l.vlo;
  t.vhi = l.vhi;
  for (int64_t m0 = 0; m0 < M; m0 += Isa::R) {
    const int r = (int)(M - m0 < Isa::R ? M - m0 : Isa::R);
    for (int i = 0; i < r; ++i) {
      t.b[i] = xs + (m0 + i) * kp;
      t.crow[i] = 0;
      t.arow[i] = xsum[m0 + i];
    }
    // Whole tiles of P vectors, then single vectors up to np (a multiple of L).
    int64_t n0 = 0;
    for (; n0 < np; n0 += L) {
      const bool whole = n0 + Isa::P * L <= np;
      t.a = w + n0 * 4;
      t.clane = cn + n0;
      t.alane = wzp + n0;
      t.lane_scale = scale + n0;
      t.n = N - n0;
      for (int i = 0; i < r; ++i)
        t.y[i] = (uint8_t *)y + (m0 + i) * N + n0;
      if (whole) {
        xn_q8_tile_rows<Isa, Isa::P, false>(t, r);
        n0 += (Isa::P - 1) * L;
      } else {
        xn_q8_tile_rows<Isa, 1, false>(t, r);
      }
    }
  }
}

// xn_quantize / xn_dequantize: vectors over each run of one scale (generic/qlinear.h's runs),
// the generic steps on the run's tail. Dequantizing i32 (a bias) is left to the generic kernel,
// and so is quantizing with a rounding other than half to even (QONNX Quant's).
template <class Isa>
inline void xn_q8_quantize(const xn_qlinear_params *p, const float *x, const float *scale,
                           const void *zero_point, void *y) {
  const float lo = (float)p->lo, hi = (float)p->hi;
  xn_qlinear_runs(p, scale, [&](int64_t i, float s, int64_t k) {
    const float zp = (float)xn_qzero(zero_point, p->qtype, k);
    const int64_t done = p->rounding == XN_QROUND_HALF_EVEN
                             ? Isa::quantize(x + i, p->inner, s, zp, lo, hi, (uint8_t *)y + i)
                             : 0;
    xn_quantize_run(p, x, i, done, s, zp, y);
  });
}

template <class Isa>
inline void xn_q8_dequantize(const xn_qlinear_params *p, const void *x, const float *scale,
                             const void *zero_point, float *y) {
  if (p->qtype == XN_QTYPE_I32) {
    xn_dequantize(p, x, scale, zero_point, y);
    return;
  }
  xn_qlinear_runs(p, scale, [&](int64_t i, float s, int64_t k) {
    const int32_t zp = xn_qzero(zero_point, p->qtype, k);
    const int64_t done =
        Isa::dequantize((const uint8_t *)x + i, p->inner, p->qtype == XN_QTYPE_I8, zp, s, y + i);
    xn_dequantize_run(p, x, i, done, s, zp, y);
  });
}

#endif // XNORC_RUNTIME_COMMON_Q8_WALK_H
