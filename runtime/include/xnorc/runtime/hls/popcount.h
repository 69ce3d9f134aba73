// xnorc_hls::popcount(x): the number of one bits of an ap_uint<W>, an xnorc helper outside
// the vendor's API (Vitis has no popcount builtin).
//
// C simulation (the stand-in ap_uint of ap_int.h): one __builtin_popcountll per 64-bit word.
// Synthesis, or C simulation with the vendor's headers: a fully unrolled sum of the bits,
// which Vitis HLS balances into an adder tree (its expression balancing is on by default
// for integer arithmetic); the emitter calls it inside pipelined loops. Pass an ap_uint<W>
// (write `ap_uint<W>(a ^ b)` if the argument is an expression) so the template deduces W
// with the vendor's types as well.
#ifndef XNORC_RUNTIME_HLS_POPCOUNT_H
#define XNORC_RUNTIME_HLS_POPCOUNT_H

#include "ap_int.h"
#include "mode.h"
#include "pragma.h"

namespace xnorc_hls {

#if XNORC_HLS_VENDOR
template <int W> int popcount(const ap_uint<W> &X) {
  int Count = 0;
  for (int I = 0; I < W; ++I) {
    XNORC_HLS_PRAGMA(HLS UNROLL)
    Count += X[I];
  }
  return Count;
}
#else
template <int W> int popcount(const ap_uint<W> &X) {
  int Count = 0;
  for (int I = 0; I < X.NumWords; ++I)
    Count += __builtin_popcountll(X.V[I]); // normalized: no bits above W - 1
  return Count;
}
#endif

} // namespace xnorc_hls

#endif
