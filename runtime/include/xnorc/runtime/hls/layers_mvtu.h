// The matrix-vector-threshold unit (MVTU) of the HLS target: binary conv and dense layers as
// XNOR + popcount over SIMD-bit words, PE output channels in parallel, folded in time.
//
// Per output pixel the unit runs NF * SF steps (NF = M / PE neuron folds, SF = KK * C / SIMD
// synapse folds), one pipelined II=1 step each: PE accumulators add
// SIMD - 2 * popcount(x ^ w) for their output channel, which is d = n_bits - 2 * popcount over
// the window (docs/XnorMath.md). A tap in the zero padding (valid = false) adds nothing, which
// is exact zero padding (n_bits counts only valid taps); ±1 padding arrives as valid taps of
// constant bits from the sliding-window generator. The input words of a pixel are read once
// (in the first neuron fold) and kept in a buffer of SF words for the other folds.
//
// The epilogue is a policy class (threshold_epilogue: packed bits; scale_epilogue: float
// scale * d + bias, optional residual, activation), so one pipeline serves every layer kind.
#ifndef XNORC_RUNTIME_HLS_LAYERS_MVTU_H
#define XNORC_RUNTIME_HLS_LAYERS_MVTU_H

#include "ap_int.h"
#include "hls_stream.h"
#include "layers_act.h"
#include "layers_window.h"
#include "popcount.h"
#include "pragma.h"

namespace xnorc_hls {

/// A tap read from a sliding-window stream, or a whole row (valid) from a dense layer's input.
template <class T, int D> inline tap<T> read_tap(hls::stream<tap<T>, D> &in) { return in.read(); }
template <class T, int D> inline tap<T> read_tap(hls::stream<T, D> &in) {
  tap<T> t;
  t.v = in.read();
  t.valid = true;
  return t;
}

/// Packed output bits: bit m is 1 (-1) unless d passes channel m's threshold
/// (neg = 0: d >= thresh; neg = 1: d <= thresh). Thresholds are clamped by the compiler to
/// [-K-1, K+1], so "always" and "never" channels need no special case.
template <int M, int PE, int NF, int TW, class Out> struct threshold_epilogue {
  const ap_int<TW> (&thresh)[PE][NF];
  const ap_uint<1> (&neg)[PE][NF];
  Out &out; // hls::stream<ap_uint<M>, D>
  ap_uint<M> bits;

  void begin_pixel() { bits = 0; }
  template <int AW> void put(int nf, const ap_int<AW> (&acc)[PE]) {
    for (int pe = 0; pe < PE; ++pe) {
      XNORC_HLS_PRAGMA(HLS UNROLL)
      const ap_int<TW> t = thresh[pe][nf];
      const bool pass = neg[pe][nf] ? acc[pe] <= t : acc[pe] >= t;
      bits[nf * PE + pe] = pass ? 0 : 1;
    }
  }
  void end_pixel() { out.write(bits); }
};

/// Float output: act(scale[m] * d + bias[m] (+ residual[m])), the float order of the CPU
/// kernels (xn_bconv), so results are bit-identical to them.
template <int M, int PE, int NF, int ACT, bool RESIDUAL, class Res, class Out>
struct scale_epilogue {
  const float (&scale)[PE][NF];
  const float (&bias)[PE][NF];
  float act_alpha, act_beta;
  Res *residual; // hls::stream<fpix<M>, D>, read once per pixel when RESIDUAL
  Out &out;      // hls::stream<fpix<M>, D>
  fpix<M> px, res;

  void begin_pixel() {
    if (RESIDUAL)
      res = residual->read();
  }
  template <int AW> void put(int nf, const ap_int<AW> (&acc)[PE]) {
    for (int pe = 0; pe < PE; ++pe) {
      XNORC_HLS_PRAGMA(HLS UNROLL)
      const int m = nf * PE + pe;
      float v = scale[pe][nf] * static_cast<float>(acc[pe].to_int()) + bias[pe][nf];
      if (RESIDUAL)
        v += res.v[m];
      px.v[m] = activate<ACT>(v, act_alpha, act_beta);
    }
  }
  void end_pixel() { out.write(px); }
};

/// The float-output epilogue of a dense layer: M floats per row on a float stream.
template <int M, int PE, int NF, int ACT, class Out> struct scale_row_epilogue {
  const float (&scale)[PE][NF];
  const float (&bias)[PE][NF];
  float act_alpha, act_beta;
  Out &out; // hls::stream<float, D>
  float row[M];

  void begin_pixel() {}
  template <int AW> void put(int nf, const ap_int<AW> (&acc)[PE]) {
    for (int pe = 0; pe < PE; ++pe) {
      XNORC_HLS_PRAGMA(HLS UNROLL)
      const float v = scale[pe][nf] * static_cast<float>(acc[pe].to_int()) + bias[pe][nf];
      row[nf * PE + pe] = activate<ACT>(v, act_alpha, act_beta);
    }
  }
  void end_pixel() {
    for (int m = 0; m < M; ++m) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      out.write(row[m]);
    }
  }
};

/// The MVTU: PIXELS output pixels, each from KK input taps of C bits (a conv's window, or
/// KK = 1 for a dense layer's row). w[pe][nf * SF + sf] is the SIMD-bit weight word of
/// output channel nf * PE + pe at synapse fold sf (tap sf / (C / SIMD), channels
/// (sf % (C / SIMD)) * SIMD and up). AW: accumulator bits, enough for d in [-KK*C, KK*C].
template <int C, int KK, int M, int PE, int SIMD, int PIXELS, int AW, class In, class Epilogue>
void mvtu(In &in, const ap_uint<SIMD> (&w)[PE][(M / PE) * (KK * C / SIMD)], Epilogue &epi) {
  static_assert(M % PE == 0, "PE must divide the output channels");
  static_assert(C % SIMD == 0, "SIMD must divide the input channels");
  constexpr int NF = M / PE;
  constexpr int CF = C / SIMD;
  constexpr int SF = KK * CF;
  XNORC_HLS_PRAGMA(HLS ARRAY_PARTITION variable = w complete dim = 1)
  ap_uint<SIMD> words[SF];
  bool valid[SF];
  ap_int<AW> acc[PE];
  XNORC_HLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
  tap<ap_uint<C>> cur;
  cur.v = 0;
  cur.valid = false;
  for (int p = 0; p < PIXELS; ++p) {
    epi.begin_pixel();
    for (int nf = 0; nf < NF; ++nf) {
      for (int sf = 0; sf < SF; ++sf) {
        XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
        if (nf == 0) {
          const int chunk = sf % CF;
          if (chunk == 0)
            cur = read_tap(in);
          words[sf] = cur.v.range(chunk * SIMD + SIMD - 1, chunk * SIMD);
          valid[sf] = cur.valid;
        }
        const ap_uint<SIMD> x = words[sf];
        for (int pe = 0; pe < PE; ++pe) {
          XNORC_HLS_PRAGMA(HLS UNROLL)
          if (sf == 0)
            acc[pe] = 0;
          if (valid[sf])
            acc[pe] += SIMD - 2 * popcount(ap_uint<SIMD>(x ^ w[pe][nf * SF + sf]));
        }
        if (sf == SF - 1)
          epi.put(nf, acc);
      }
    }
    epi.end_pixel();
  }
}

} // namespace xnorc_hls

#endif // XNORC_RUNTIME_HLS_LAYERS_MVTU_H
