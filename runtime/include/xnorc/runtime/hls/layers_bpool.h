// Max pool on packed bits (bmax_pool): a max of ±1 values is -1 only where every tap is -1,
// so on the sign-bit encoding (1 = -1) it is an AND of the valid taps' words; channels of
// min_mask (after a decreasing BatchNorm, docs/XnorMath.md "Pool reorder") take the min, an
// OR. A window without a valid tap gives -1 (max) / +1 (min), as xn_bmaxpool does.
#ifndef XNORC_RUNTIME_HLS_LAYERS_BPOOL_H
#define XNORC_RUNTIME_HLS_LAYERS_BPOOL_H

#include "ap_int.h"
#include "hls_stream.h"
#include "layers_window.h"
#include "pragma.h"

namespace xnorc_hls {

template <int C, int KK, int PIXELS, int DI, int DO>
void bit_max_pool(hls::stream<tap<ap_uint<C>>, DI> &in, hls::stream<ap_uint<C>, DO> &out,
                  const ap_uint<1> (&min_mask_bits)[C]) {
  ap_uint<C> min_mask = 0;
  for (int c = 0; c < C; ++c)
    min_mask[c] = min_mask_bits[c];
  for (int p = 0; p < PIXELS; ++p) {
    ap_uint<C> all = ~ap_uint<C>(0), any = 0;
    for (int k = 0; k < KK; ++k) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      const tap<ap_uint<C>> t = in.read();
      if (t.valid) {
        all &= t.v;
        any |= t.v;
      }
    }
    out.write((all & ~min_mask) | (any & min_mask));
  }
}

} // namespace xnorc_hls

#endif // XNORC_RUNTIME_HLS_LAYERS_BPOOL_H
