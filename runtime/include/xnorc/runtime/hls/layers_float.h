// Float layers of the HLS target: the float first and last layers of a binary network
// (conv, dense), binary-weight (BWN) conv with float input, and the float glue between
// layers (max pool, batch norm, spatial mean, threshold to bits, sign, residual add).
//
// They are not folded: each is a pipelined loop doing one multiply-add (or compare) per
// step. Every sum is taken in the order of the CPU target's generic kernel
// (runtime/include/xnorc/runtime/generic/), so the C simulation's floats are bit-identical to
// the CPU code's and a threshold after them decides the same way.
#ifndef XNORC_RUNTIME_HLS_LAYERS_FLOAT_H
#define XNORC_RUNTIME_HLS_LAYERS_FLOAT_H

#include "ap_int.h"
#include "hls_stream.h"
#include "layers_act.h"
#include "layers_window.h"
#include "pragma.h"

namespace xnorc_hls {

/// Float conv over a window stream: y[m] = act(bias[m] + sum over c, ky, kx of w * x), the
/// sum in xn_conv's order (channel, then taps), padded taps skipped. w is [M][C*KK] (ONNX's
/// [M][C][kh][kw]).
template <int C, int KK, int M, int PIXELS, int ACT, int DI, int DO>
void float_conv(hls::stream<tap<fpix<C>>, DI> &in, hls::stream<fpix<M>, DO> &out,
                const float (&w)[M][C * KK], const float (&bias)[M], float act_alpha,
                float act_beta) {
  tap<fpix<C>> win[KK];
  for (int p = 0; p < PIXELS; ++p) {
    for (int k = 0; k < KK; ++k) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      win[k] = in.read();
    }
    fpix<M> y;
    for (int m = 0; m < M; ++m) {
      float acc = bias[m];
      for (int c = 0; c < C; ++c) {
        for (int k = 0; k < KK; ++k) {
          XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
          if (win[k].valid)
            acc += w[m][c * KK + k] * win[k].v.v[c];
        }
      }
      y.v[m] = activate<ACT>(acc, act_alpha, act_beta);
    }
    out.write(y);
  }
}

/// The residual map of a pixel: read from its stream, or nothing (no residual input).
template <int M, class S> inline fpix<M> read_residual(S *s) { return s->read(); }
template <int M> inline fpix<M> read_residual(decltype(nullptr)) { return fpix<M>(); }

/// Binary-weight conv (BWN): float input, weights ±1 (w[m][k*C + c] true: -1; a plain bool
/// ROM, which compiles far faster than as many ap_uint<1> objects), then
/// act(scale[m] * sum + bias[m] (+ residual: a pointer to an hls::stream of fpix<M>, or
/// nullptr)). The sum runs in xn_bwconv's order: kx, ky,
/// channel; sign flips are exact.
template <int C, int KH, int KW, int M, int PIXELS, int ACT, bool RESIDUAL, int DI, class R, int DO>
void bw_conv(hls::stream<tap<fpix<C>>, DI> &in, R residual, hls::stream<fpix<M>, DO> &out,
             const bool (&w)[M][KH * KW * C], const float (&scale)[M], const float (&bias)[M],
             float act_alpha, float act_beta) {
  tap<fpix<C>> win[KH * KW];
  for (int p = 0; p < PIXELS; ++p) {
    for (int k = 0; k < KH * KW; ++k) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      win[k] = in.read();
    }
    fpix<M> res = {};
    if (RESIDUAL)
      res = read_residual<M>(residual);
    fpix<M> y;
    for (int m = 0; m < M; ++m) {
      float acc = 0.0f;
      for (int kx = 0; kx < KW; ++kx) {
        for (int ky = 0; ky < KH; ++ky) {
          const int k = ky * KW + kx;
          for (int c = 0; c < C; ++c) {
            XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
            if (win[k].valid) {
              const float x = win[k].v.v[c];
              acc += w[m][k * C + c] ? -x : x;
            }
          }
        }
      }
      float v = scale[m] * acc + bias[m];
      if (RESIDUAL)
        v += res.v[m];
      y.v[m] = activate<ACT>(v, act_alpha, act_beta);
    }
    out.write(y);
  }
}

/// Dense (Gemm with constant B, transB = 1 layout): ROWS rows of K floats in, N floats out
/// per row: y = alpha * (sum_k x[k] * w[n][k]) (+ beta * c[n]), xn_gemm's order. w's columns
/// are in the input's stream order (the compiler permutes them).
template <int K, int N, int ROWS, bool USE_C, bool SCALE, int DI, int DO>
void dense(hls::stream<float, DI> &in, hls::stream<float, DO> &out, const float (&w)[N][K],
           const float (&c)[N], float alpha, float beta) {
  float x[K];
  for (int r = 0; r < ROWS; ++r) {
    for (int k = 0; k < K; ++k) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      x[k] = in.read();
    }
    for (int n = 0; n < N; ++n) {
      float acc = 0.0f;
      for (int k = 0; k < K; ++k) {
        XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
        acc += x[k] * w[n][k];
      }
      if (USE_C)
        acc = alpha * acc + beta * c[n];
      else if (SCALE)
        acc = alpha * acc;
      out.write(acc);
    }
  }
}

/// Float max pool over a window stream: the largest valid tap per channel (-inf if none),
/// compared as xn_maxpool does (a NaN never wins).
template <int C, int KK, int PIXELS, int DI, int DO>
void max_pool(hls::stream<tap<fpix<C>>, DI> &in, hls::stream<fpix<C>, DO> &out) {
  for (int p = 0; p < PIXELS; ++p) {
    fpix<C> y;
    for (int c = 0; c < C; ++c)
      y.v[c] = -__builtin_inff();
    for (int k = 0; k < KK; ++k) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      const tap<fpix<C>> t = in.read();
      for (int c = 0; c < C; ++c) {
        XNORC_HLS_PRAGMA(HLS UNROLL)
        if (t.valid && t.v.v[c] > y.v[c])
          y.v[c] = t.v.v[c];
      }
    }
    out.write(y);
  }
}

/// BatchNorm with constant statistics folded to y = x * scale + shift (xn_batchnorm).
template <int C, int PIXELS, int DI, int DO>
void batch_norm(hls::stream<fpix<C>, DI> &in, hls::stream<fpix<C>, DO> &out,
                const float (&scale)[C], const float (&shift)[C]) {
  for (int p = 0; p < PIXELS; ++p) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    const fpix<C> x = in.read();
    fpix<C> y;
    for (int c = 0; c < C; ++c)
      y.v[c] = x.v[c] * scale[c] + shift[c];
    out.write(y);
  }
}

/// Mean over the HW pixels of each image: C floats per image (a 2-D [N, C] row), summed in
/// pixel order then divided, as xn_reduce does.
template <int C, int HW, int N, int DI, int DO>
void spatial_mean(hls::stream<fpix<C>, DI> &in, hls::stream<float, DO> &out) {
  for (int n = 0; n < N; ++n) {
    float acc[C];
    for (int c = 0; c < C; ++c)
      acc[c] = 0.0f;
    for (int p = 0; p < HW; ++p) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      const fpix<C> x = in.read();
      for (int c = 0; c < C; ++c)
        acc[c] += x.v[c];
    }
    for (int c = 0; c < C; ++c) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      out.write(acc[c] / static_cast<float>(HW));
    }
  }
}

/// Float to bit: 1 (-1) unless (ge[c] ? x >= tau[c] : x <= tau[c]), written as a negated
/// comparison so a NaN gives -1 (xn_threshold).
inline bool threshold_bit(float x, float tau, bool ge) { return ge ? !(x >= tau) : !(x <= tau); }

/// Threshold of a feature map: fpix<C> -> C packed bits per pixel.
template <int C, int PIXELS, int DI, int DO>
void threshold_pixels(hls::stream<fpix<C>, DI> &in, hls::stream<ap_uint<C>, DO> &out,
                      const float (&tau)[C], const ap_uint<1> (&ge)[C]) {
  for (int p = 0; p < PIXELS; ++p) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    const fpix<C> x = in.read();
    ap_uint<C> bits = 0;
    for (int c = 0; c < C; ++c)
      bits[c] = threshold_bit(x.v[c], tau[c], ge[c] != 0) ? 1 : 0;
    out.write(bits);
  }
}

/// Threshold of 2-D rows: F floats -> one F-bit word per row (tau, ge in stream order).
template <int F, int ROWS, int DI, int DO>
void threshold_rows(hls::stream<float, DI> &in, hls::stream<ap_uint<F>, DO> &out,
                    const float (&tau)[F], const ap_uint<1> (&ge)[F]) {
  for (int r = 0; r < ROWS; ++r) {
    ap_uint<F> bits = 0;
    for (int f = 0; f < F; ++f) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      bits[f] = threshold_bit(in.read(), tau[f], ge[f] != 0) ? 1 : 0;
    }
    out.write(bits);
  }
}

/// Bits to ±1 floats (unpack): bit 1 is -1.0f, bit 0 is +1.0f; a feature map per pixel.
template <int C, int PIXELS, int DI, int DO>
void unpack_bits(hls::stream<ap_uint<C>, DI> &in, hls::stream<fpix<C>, DO> &out) {
  for (int p = 0; p < PIXELS; ++p) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    const ap_uint<C> bits = in.read();
    fpix<C> y;
    for (int c = 0; c < C; ++c)
      y.v[c] = bits[c] ? -1.0f : 1.0f;
    out.write(y);
  }
}

/// Bits to ±1 floats for 2-D rows: one F-bit word in, F floats out (stream order kept).
template <int F, int ROWS, int DI, int DO>
void unpack_bit_rows(hls::stream<ap_uint<F>, DI> &in, hls::stream<float, DO> &out) {
  for (int r = 0; r < ROWS; ++r) {
    const ap_uint<F> bits = in.read();
    for (int f = 0; f < F; ++f) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      out.write(bits[f] ? -1.0f : 1.0f);
    }
  }
}

/// Float sign with sign(0) = zero (xn_signf: NaN stays NaN).
template <int C, int PIXELS, int DI, int DO>
void sign_pixels(hls::stream<fpix<C>, DI> &in, hls::stream<fpix<C>, DO> &out, float zero) {
  for (int p = 0; p < PIXELS; ++p) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    const fpix<C> x = in.read();
    fpix<C> y;
    for (int c = 0; c < C; ++c) {
      const float v = x.v[c];
      y.v[c] = v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : v == 0.0f ? zero : v;
    }
    out.write(y);
  }
}

/// Elementwise sum of two feature maps of the same shape (a residual shortcut).
template <int C, int PIXELS, int DA, int DB, int DO>
void add_pixels(hls::stream<fpix<C>, DA> &a, hls::stream<fpix<C>, DB> &b,
                hls::stream<fpix<C>, DO> &out) {
  for (int p = 0; p < PIXELS; ++p) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    const fpix<C> x = a.read(), y = b.read();
    fpix<C> s;
    for (int c = 0; c < C; ++c)
      s.v[c] = x.v[c] + y.v[c];
    out.write(s);
  }
}

} // namespace xnorc_hls

#endif // XNORC_RUNTIME_HLS_LAYERS_FLOAT_H
