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
#include "mode.h"
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

/// The SIMD-bit weight word of one step from its LANES lanes of LW = ceil(SIMD / LANES) bits
/// (lane l holds bits l * LW and up; the last lane's bits above SIMD - 1 are zero).
template <int SIMD, class WT, int LANES>
inline ap_uint<SIMD> weight_word(const WT (&lanes)[LANES]) {
  constexpr int LW = (SIMD + LANES - 1) / LANES;
  if (LANES == 1)
    return ap_uint<SIMD>(lanes[0]);
  ap_uint<SIMD> v = 0;
  for (int l = 0; l < LANES; ++l) {
    XNORC_HLS_PRAGMA(HLS UNROLL)
    const int lo = l * LW, hi = lo + LW - 1 < SIMD - 1 ? lo + LW - 1 : SIMD - 1;
    v.range(hi, lo) = ap_uint<LW>(lanes[l]); // its low hi - lo + 1 bits
  }
  return v;
}

/// The MVTU: PIXELS output pixels, each from KK input taps of C bits (a conv's window, or
/// KK = 1 for a dense layer's row), i.e. a window of KK * C bits, tap-major (bit k * C + c is
/// channel c of tap k). Step sf of a neuron fold takes the window's bits [sf * SIMD,
/// sf * SIMD + SIMD): SIMD divides KK * C (FINN's rule) and may be below, equal to or above C.
/// w[pe][nf * SF + sf] holds that step's SIMD weight bits of output channel nf * PE + pe as
/// LANES lanes (weight_word). AW: accumulator bits, enough for d in [-KK*C, KK*C].
///
/// When SIMD divides C a word lies inside one tap, whose valid flag says whether it counts.
/// Otherwise the taps' bits queue in a buffer of SIMD + C bits with a mask of their valid
/// flags, and a step counts only its valid bits: d += valid - 2 * popcount((x ^ w) & mask).
/// A step reads at most ceil(SIMD / C) taps, one per cycle: with SIMD > C the first neuron
/// fold takes KK cycles rather than SF (HlsFolding.h's cycle count says so).
template <int C, int KK, int M, int PE, int SIMD, int PIXELS, int AW, class In, class WT, int LANES,
          class Epilogue>
void mvtu(In &in, const WT (&w)[PE][(M / PE) * (KK * C / SIMD)][LANES], Epilogue &epi) {
  static_assert(M % PE == 0, "PE must divide the output channels");
  static_assert((KK * C) % SIMD == 0, "SIMD must divide the inputs per output");
  constexpr int NF = M / PE;
  constexpr int SF = KK * C / SIMD;
  constexpr bool ALIGNED = C % SIMD == 0;
  constexpr int CF = ALIGNED ? C / SIMD : 1; // steps per tap when aligned
  constexpr int READS = (SIMD + C - 1) / C;  // taps one unaligned step reads at most
  XNORC_HLS_PRAGMA(HLS ARRAY_PARTITION variable = w complete dim = 1)
  XNORC_HLS_PRAGMA(HLS ARRAY_PARTITION variable = w complete dim = 3)
  ap_uint<SIMD> words[SF], masks[SF];
  bool valid[SF];
  ap_int<AW> acc[PE];
  XNORC_HLS_PRAGMA(HLS ARRAY_PARTITION variable = acc complete)
  tap<ap_uint<C>> cur;
  cur.v = 0;
  cur.valid = false;
  ap_uint<SIMD + C> pend = 0, pend_valid = 0; // unaligned: bits read, not yet stepped over
  int have = 0;                               // how many
  for (int p = 0; p < PIXELS; ++p) {
    epi.begin_pixel();
    for (int nf = 0; nf < NF; ++nf) {
      for (int sf = 0; sf < SF; ++sf) {
        XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
        if (nf == 0) {
          if (ALIGNED) {
            const int chunk = sf % CF;
            if (chunk == 0)
              cur = read_tap(in);
            words[sf] = cur.v.range(chunk * SIMD + SIMD - 1, chunk * SIMD);
            valid[sf] = cur.valid;
          } else {
            for (int r = 0; r < READS; ++r) {
              if (have < SIMD) {
                const tap<ap_uint<C>> t = read_tap(in);
                pend.range(have + C - 1, have) = t.v;
                pend_valid.range(have + C - 1, have) = t.valid ? ~ap_uint<C>(0) : ap_uint<C>(0);
                have += C;
              }
            }
            words[sf] = pend.range(SIMD - 1, 0);
            masks[sf] = pend_valid.range(SIMD - 1, 0);
            pend >>= SIMD;
            pend_valid >>= SIMD;
            have -= SIMD;
          }
        }
        const ap_uint<SIMD> x = words[sf];
        for (int pe = 0; pe < PE; ++pe) {
          XNORC_HLS_PRAGMA(HLS UNROLL)
          if (sf == 0)
            acc[pe] = 0;
          const ap_uint<SIMD> diff = x ^ weight_word<SIMD>(w[pe][nf * SF + sf]);
          if (ALIGNED) {
            if (valid[sf])
              acc[pe] += SIMD - 2 * popcount(diff);
          } else {
            const ap_uint<SIMD> m = masks[sf];
            acc[pe] += popcount(m) - 2 * popcount(ap_uint<SIMD>(diff & m));
          }
        }
        if (sf == SF - 1)
          epi.put(nf, acc);
      }
    }
    epi.end_pixel();
  }
}

/// The type of one weight lane in the emitted ROMs: ap_uint<W> for Vitis (a ROM exactly W
/// bits wide), and outside it the unsigned C integer T holding W bits, so that a large model's
/// weights are constant-initialized plain integers g++ parses fast.
#if XNORC_HLS_VENDOR
#define XNORC_HLS_ROM_WORD(W, T) ap_uint<W>
#else
#define XNORC_HLS_ROM_WORD(W, T) T
#endif

} // namespace xnorc_hls

#endif // XNORC_RUNTIME_HLS_LAYERS_MVTU_H
