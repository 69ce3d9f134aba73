// The float epilogue of the x86 binary convs (common/oc_bconv_walk.h's Epi<B>), once for both
// ISAs: NCHW float output y = act(scale * d + bias + residual), d = n_bits - 2 * popcount, for
// binary and ternary weights (n_bits one count, or one per channel: common/oc_blocked.h's
// xn_oc_lane).
//
// One pixel's channels lie a plane apart in NCHW, so writing them per pixel is a scatter (and
// the residual a gather): on Bi-Real-18 that took as long as the binary convs themselves.
// Instead emit() keeps the d of a run of consecutive pixels of one output row pixel-major in a
// buffer that stays in L1, and flush() writes the run W pixels at a time: an in-register
// transpose turns W pixels x 8 channels of d into 8 channel vectors, then each channel takes
// contiguous loads of the residual and one store into y. (AVX-512 gathered each channel's 16
// pixels before: the transpose made a 56x56x64 Bi-Real conv with its residual 1.3-1.5x faster on
// an AMD EPYC, two same-run A/Bs; AVX2 wrote pixel by pixel: 1.5x.)
//
// The same operations in the same order as the generic kernel (common/oc_blocked.h's
// xn_oc_bconv_epilogue), rounding included: scale * d and + bias are separate instructions.
// Activations other than Relu take that scalar epilogue.
//
// An ISA supplies E:
//   L, W                      channels per weight block (the walk's Isa::L), pixels per vector;
//   ivec                      W int32 lanes;
//   store_d(dst, pop, n_bits) the L channels' d = n_bits - 2 * pop as int32 at dst (n_bits
//                             an int64_t or L of them);
//   transpose(rows, stride, v) v[j] = channel j of the W rows (pixels) at rows, stride apart;
//   value(v, res, scale, bias, d, live, relu)
//                             v = scale * d + bias (+ res[...]) (then max(0, .)) in W float lanes;
//   outlined(f)               f() in a function of its own compiled for the ISA.
// bconv_quantize (Q, the ISA's 8-bit lane policy, x86/<isa>_q8.h: Q::vf is E's float vector)
// quantizes the value in registers with the quantize kernels' steps (xn_quantize_t) and stores
// live bytes; Q = void stores the floats, and with c->sign (xn_<isa>_bconv_sign) their sign
// bits too:
//   vf, store(y, v, live)     the float vector of value(), y[0 .. live) = v;
//   sign_or(bits, v, tau, ge, bit)
//                             bits |= bit (a vector) in the lanes where !(v >= tau) (ge) or
//                             !(v <= tau); sign_or_ge(bits, v, t, bit) the first with tau a
//                             vector; twice(bit) doubles its lanes (the next channel's);
//   put_dwords(dst, stride, bits, live, accumulate)
//                             lane k < live to dst[k * stride] (ORed into it if accumulate),
//                             writing no other dword (threads own dwords of a word);
//   lane(v, k), broadcast_dword(v, x)
//                             lane k of v; x in every lane.
//
// The sign bits (a threshold op reading y, fused: Bi-Real-18's next layer's input written with
// its shortcut, one pass over the map instead of two and no barrier between them with
// --threads). A tile's channels [ob * L, m_end) lie in one 32-bit half of a pixel's word (tiles
// start at multiples of 32 channels, or AVX2's 16-channel tile and the narrower rest follow
// one in the same half): each pixel's half is a W-lane vector of int32 ORed channel by
// channel, then stored per pixel. The first tile of a half stores it, later ones OR into it
// (tiles run in channel order within a part; channel parts cut at whole tiles of 32); the
// tile ending at c_out also zeroes the word's unused upper half.
#ifndef XNORC_RUNTIME_X86_BCONV_EPI_H
#define XNORC_RUNTIME_X86_BCONV_EPI_H

#include "common.h"

#include <type_traits>

#define XN_X86_EPI_RUN 64 // pixels buffered before a flush (a multiple of every W)

// E::put_dwords one lane at a time: lane k < live to dst[k * stride], ORed into it if
// accumulate. Through a register (E::lane), not a buffer: 4-byte reloads of a vector just stored
// stall store-to-load forwarding (in a scratch A/B on an AMD EPYC the fused epilogue then cost
// more than the threshold pass it replaced). memcpy: the destination words are uint64_t.
template <class E>
inline void xn_x86_put_dwords_by_lane(uint32_t *dst, int64_t stride, const typename E::ivec &bits,
                                      int live, bool accumulate) {
  for (int k = 0; k < live; ++k, dst += stride) {
    uint32_t v = E::lane(bits, k);
    if (accumulate) {
      uint32_t old;
      memcpy(&old, dst, 4);
      v |= old;
    }
    memcpy(dst, &v, 4);
  }
}

// How flush stores one channel's live pixels from base: floats (Q = void) or quantized bytes;
// v is the value (the sign output's input).
// The quantization operands are broadcast once per flush: reloading them after every byte store
// (which may alias anything) would cost more than the quantize itself.
template <class Q> struct xn_x86_epi_store {
  typename Q::vf s, zp, lo, hi;
  uint8_t *y;
  explicit xn_x86_epi_store(const xn_oc_bconv_ctx *c) : y(static_cast<uint8_t *>(c->yq->y)) {
    Q::set1_f(s, c->yq->scale);
    Q::set1_f(zp, c->yq->zp);
    Q::set1_f(lo, c->yq->lo);
    Q::set1_f(hi, c->yq->hi);
  }
  template <class E>
  void channel(const float *res, int64_t base, float scale, float bias, const typename E::ivec &d,
               int live, bool relu, typename E::vf &v) const {
    E::value(v, res, scale, bias, d, live, relu);
    typename Q::vi q;
    xn_quantize_t<Q>(v, s, zp, lo, hi, q);
    Q::store_bytes(y + base, q, live);
  }
};
template <> struct xn_x86_epi_store<void> {
  float *y;
  explicit xn_x86_epi_store(const xn_oc_bconv_ctx *c) : y(c->yf) {}
  template <class E>
  void channel(const float *res, int64_t base, float scale, float bias, const typename E::ivec &d,
               int live, bool relu, typename E::vf &v) const {
    E::value(v, res, scale, bias, d, live, relu);
    E::store(y + base, v, live);
  }
};

template <class E, int B, class Q = void> struct xn_x86_bconv_epi {
  // int32 per buffered pixel: whole groups of 8 channels, so every transpose reads its rows.
  static constexpr int S = (B * E::L + 7) / 8 * 8;
  int64_t ob, m_end;
  int64_t n, pix0, count; // the buffered run: pixels pix0 .. pix0 + count - 1 of image n
  // Lanes past c_out, and rows past count, hold stale values: they are never stored.
  alignas(64) int32_t d[XN_X86_EPI_RUN * S];

  void init(const xn_oc_bconv_ctx *c, int64_t ob_) {
    ob = ob_;
    m_end = (ob + B) * E::L < c->p->c_out ? (ob + B) * E::L : c->p->c_out;
    count = 0;
  }
  template <typename N>
  void emit(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix, const int64_t *pop, N n_bits) {
    const xn_bconv_params *p = c->p;
    if (p->act_kind != XN_ACT_NONE && p->act_kind != XN_ACT_RELU) {
      xn_oc_bconv_epilogue(p, n_, pix, ob * E::L, m_end, pop, n_bits, c->scale, c->bias,
                           c->residual, c->yf, c->yq);
      if (c->sign) // from the values just stored
        put_sign(c, n_, pix, scalar_sign(c, n_, pix));
      return;
    }
    if (count == XN_X86_EPI_RUN)
      flush(c);
    // The count in a local: the stores below are vector stores, which may alias anything for
    // the compiler (the intrinsics' vector types are may_alias), members included.
    const int64_t k = count;
    if (k == 0) {
      n = n_;
      pix0 = pix;
    }
    int32_t *dst = d + k * S;
    XN_UNROLL(16)
    for (int b = 0; b < B; ++b)
      E::store_d(dst + b * E::L, pop + b * E::L, xn_oc_lanes_from(n_bits, b * E::L));
    count = k + 1;
  }
  // The interior pixels pix .. pix + avail - 1 of an output row (their windows inside the
  // input row) in groups of 8 across the vector lanes, where the ISA can (E::PX): each
  // block's channels go from the registers straight to y, without the run buffer and its
  // transposes. Returns the pixels done, a multiple of 8 (the rest, and the border pixels, take
  // the register tiles and emit()). xs is pixel pix's window origin in the first valid window
  // row, wr the blocks' weights from that row, `rows` the valid window rows, n_bits the
  // count of such a window (the walk's tile operands). It applies to binary weights (one
  // count for every channel) on inputs of one word per pixel (c_in <= 64) with W stride and
  // dilation 1, whose windows fit the narrow accumulators: there 8 windows are 8 consecutive
  // words, 2 loads per tap. (Groups at the row's ends, with a copy of their input and per-lane
  // counts, were slower than the tiles there; docs/Benchmarks.md, session 17.)
  template <typename N>
  int64_t px(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix, const uint64_t *xs,
             const uint64_t *wr, int64_t rows, N n_bits, int64_t avail) {
    if constexpr (!E::PX || !std::is_same<N, int64_t>::value || !std::is_void<Q>::value) {
      return 0;
    } else {
      const xn_bconv_params *p = c->p;
      if (avail < 8 || c->cw != 1 || p->stride_w != 1 || p->dil_w != 1 ||
          rows * p->kw > E::PX_WORDS || (p->act_kind != XN_ACT_NONE && p->act_kind != XN_ACT_RELU))
        return 0;
      if (count > 0)
        flush(c); // the run before these pixels
      const int64_t plane = p->out_h * p->out_w, groups = avail / 8;
      const int64_t first = n_ * p->c_out * plane + pix; // channel 0's first pixel
      const bool relu = p->act_kind == XN_ACT_RELU;
      for (int64_t g = 0; g < groups; ++g) {
        typename E::ivec bits = {};
        for (int b = 0; b < B; ++b) {
          const int64_t m = (ob + b) * E::L;
          if (m >= m_end)
            break;
          const int live = m_end - m < E::L ? static_cast<int>(m_end - m) : E::L;
          const int64_t base = first + m * plane + 8 * g;
          E::px8(xs + 8 * g, p->dil_h * c->row, rows, p->kw, wr + b * c->wblock, n_bits,
                 c->yf + base, c->residual ? c->residual + base : NULL, plane,
                 c->scale ? c->scale + m : NULL, c->bias ? c->bias + m : NULL, live, relu, c->sign,
                 m, bits);
        }
        if (c->sign)
          put_sign(c, n_, pix + 8 * g, bits, 8);
      }
      return groups * 8;
    }
  }
  // Called at the end of every output row: runs never span rows.
  void end_row(const xn_oc_bconv_ctx *c) { flush(c); }

  // The run's stores run in a function of their own (E::outlined), with every operand read
  // into a local first: inlined into the walk, the loop got the registers the tiles left over,
  // and after each (may_alias) vector store the compiler reloaded c's fields and the members;
  // the loop was several times longer than its vector work (Bi-Real-18's four 56x56x64 blocks
  // on AVX2: 3.5 % faster, same-run A/B).
  void flush(const xn_oc_bconv_ctx *c) {
    E::outlined([this, c] { write_run(c); });
  }
  void write_run(const xn_oc_bconv_ctx *c) {
    const xn_bconv_params *p = c->p;
    const int64_t plane = p->out_h * p->out_w, run = count;
    const int64_t first = n * p->c_out * plane + pix0; // channel 0's first pixel of the run
    const xn_x86_epi_store<Q> out(c);
    if constexpr (std::is_void<Q>::value)
      if (c->sign) {
        if (c->sign->tau == NULL && c->sign->dir == NULL)
          write_run_as<SIGN_PLAIN>(c, out, first, plane, run);
        else
          write_run_as<SIGN_THRESHOLD>(c, out, first, plane, run);
        return;
      }
    write_run_as<SIGN_NONE>(c, out, first, plane, run);
  }
  // What write_vectors adds to the float output: nothing, its sign (x >= 0: +1), or its
  // threshold by tau / dir (xn_sign_out). The plain sign (Bi-Real-18's) compares with a zero
  // in a register: no load, branch or broadcast per channel.
  enum { SIGN_NONE, SIGN_PLAIN, SIGN_THRESHOLD };
  template <int SIGN>
  void write_run_as(const xn_oc_bconv_ctx *c, const xn_x86_epi_store<Q> &out, int64_t first,
                    int64_t plane, int64_t run) {
    int64_t i = 0;
    for (; i + E::W <= run; i += E::W)
      write_vectors<true, SIGN>(c, out, first, plane, i, E::W);
    if (i < run)
      write_vectors<false, SIGN>(c, out, first, plane, i, static_cast<int>(run - i));
    count = 0;
  }
  // Pixels i .. i + live - 1 of the run, every channel. FULL (live == W) is a template
  // argument so the whole vectors load and store plainly: with `live` only known at run time
  // the compiler merged both stores into vmaskmovps, which AMD's cores run several times
  // slower than a plain store (the flush of a 56x56x64 Bi-Real conv on AVX2: see
  // docs/Benchmarks.md, session 17).
  // SIGN: the sign output's bits too (Q = void), its operands read into locals (the vector
  // stores may alias anything) and the channel's bit a doubling vector.
  template <bool FULL, int SIGN>
  void write_vectors(const xn_oc_bconv_ctx *c, const xn_x86_epi_store<Q> &out, int64_t first,
                     int64_t plane, int64_t i, int live_) {
    const int live = FULL ? E::W : live_;
    const bool relu = c->p->act_kind == XN_ACT_RELU;
    const float *const scale = c->scale, *const bias = c->bias, *const residual = c->residual;
    const int64_t m0 = ob * E::L, m1 = m_end;
    const float *const tau = SIGN == SIGN_THRESHOLD ? c->sign->tau : NULL;
    const float *const dir = SIGN == SIGN_THRESHOLD ? c->sign->dir : NULL;
    typename E::ivec bits = {}, bit;
    typename E::vf zero = {};
    if (SIGN)
      E::broadcast_dword(bit, 1u << (m0 & 31));
    for (int64_t mb = m0; mb < m1; mb += 8) {
      typename E::ivec dv[8];
      E::transpose(d + i * S + (mb - m0), S, dv);
      const int64_t jn = m1 - mb < 8 ? m1 - mb : 8;
      for (int64_t j = 0; j < jn; ++j) {
        const int64_t m = mb + j, base = first + m * plane + i;
        typename E::vf v;
        out.template channel<E>(residual ? residual + base : NULL, base, scale ? scale[m] : 1.0f,
                                bias ? bias[m] : 0.0f, dv[j], live, relu, v);
        if (SIGN == SIGN_PLAIN)
          E::sign_or_ge(bits, v, zero, bit);
        if (SIGN == SIGN_THRESHOLD)
          E::sign_or(bits, v, tau ? tau[m] : 0.0f, dir == NULL || dir[m] > 0.0f, bit);
        if (SIGN)
          E::twice(bit);
      }
    }
    if (SIGN)
      put_sign(c, n, pix0 + i, bits, live);
  }

  // The sign dword of pixel pix's channels [ob * L, m_end), from the y the scalar epilogue
  // stored.
  uint32_t scalar_sign(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix) const {
    const xn_bconv_params *p = c->p;
    const int64_t plane = p->out_h * p->out_w;
    uint32_t word = 0;
    for (int64_t m = ob * E::L; m < m_end; ++m) {
      const float v = c->yf[(n_ * p->c_out + m) * plane + pix];
      const float t = c->sign->tau ? c->sign->tau[m] : 0.0f;
      const bool plus = c->sign->dir == NULL || c->sign->dir[m] > 0.0f ? v >= t : v <= t;
      word |= (uint32_t)!plus << (m & 31);
    }
    return word;
  }
  // Pixels pix .. pix + live - 1's sign dwords (lane k: pixel pix + k) into the output. The
  // tile starting a dword stores it, the others OR into it.
  void put_sign(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix, const typename E::ivec &bits,
                int live) const {
    const int64_t m0 = ob * E::L, stride = 2 * c->cwo; // dwords per pixel
    uint32_t *dst = sign_dwords(c, n_, pix);
    E::put_dwords(dst, stride, bits, live, (m0 & 31) != 0);
    if (m_end == c->p->c_out && !((m0 >> 5) & 1)) // the word's upper half is past c_out
      E::put_dwords(dst + 1, stride, typename E::ivec{}, live, false);
  }
  void put_sign(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix, uint32_t word) const {
    typename E::ivec v;
    E::broadcast_dword(v, word);
    put_sign(c, n_, pix, v, 1);
  }
  // Pixel pix's dword of this tile's channels (the words are uint64_t: only memcpy and vector
  // stores, which may alias anything, touch them as dwords).
  uint32_t *sign_dwords(const xn_oc_bconv_ctx *c, int64_t n_, int64_t pix) const {
    const xn_bconv_params *p = c->p;
    return reinterpret_cast<uint32_t *>(c->sign->y + (n_ * p->out_h * p->out_w + pix) * c->cwo) +
           ((ob * E::L) >> 5);
  }
};

// xn_<isa>_bconv_sign: xn_<isa>_bconv (Fmt, float epilogue Epi) that also writes the sign bits
// of y (xn_sign_out: a threshold reading y, tau and dir optional) into `bits`, which overlaps
// none of x, residual and y. Same --threads split.
#define XN_X86_BCONV_SIGN_ENTRY_POINT(isa, Fmt, Epi, ATTR)                                         \
  ATTR __attribute__((flatten)) inline void xn_##isa##_bconv_sign(                                 \
      const xn_bconv_params *p, const uint64_t *x, const uint64_t *w, const float *scale,          \
      const float *bias, const float *residual, const float *tau, const float *dir,                \
      uint64_t *bits, float *y, int part = 0, int parts = 1) {                                     \
    const xn_sign_out s = {tau, dir, bits};                                                        \
    xn_oc_bconv_float<Fmt, Epi>(p, x, w, scale, bias, residual, y, part, parts, NULL, &s);         \
  }

#endif // XNORC_RUNTIME_X86_BCONV_EPI_H
