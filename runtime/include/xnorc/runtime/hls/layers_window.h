// Streaming plumbing of the HLS target: pixel types, the sliding-window generator (line
// buffers), stream fan-out and the adapters between the accelerator's AXI-Stream ports and
// its internal pixel streams. docs/HLS.md describes the stream conventions:
//   - a 4-D float tensor [N,C,H,W] streams one fpix<C> per pixel, N,H,W order;
//   - a 4-D binary tensor streams one ap_uint<C> per pixel (bit c = channel c, 1 = -1);
//   - a 2-D float tensor [N,F] streams its F values per row as floats, a 2-D binary one
//     streams one ap_uint<F> per row; the order of the F values (the "stream order") is the
//     order they were produced in, which the compiler accounts for in the consumers' weights.
// Stream parameters take the FIFO depth as a template argument (DI, DO, ...), so a function
// accepts a FIFO of any declared depth, with the vendor's streams and the stand-ins alike.
// Every loop has a compile-time trip count (guards instead of data-dependent bounds), so
// the functions stay inside the synthesizable subset.
#ifndef XNORC_RUNTIME_HLS_LAYERS_WINDOW_H
#define XNORC_RUNTIME_HLS_LAYERS_WINDOW_H

#include "ap_int.h"
#include "hls_stream.h"
#include "pragma.h"

namespace xnorc_hls {

/// One pixel of a float feature map: its C channels.
template <int C> struct fpix { float v[C]; };

/// One tap of a sliding window: the pixel, and whether it lies inside the input (a tap in
/// the zero padding carries valid = false and is skipped by the consumer).
template <class T> struct tap {
  T v;
  bool valid;
};

/// Sliding-window generator: reads an [N][H][W] stream of pixels in raster order and writes,
/// per output pixel (N, OH, OW raster order), its KH*KW taps in (ky, kx) order. Only KH input
/// rows are buffered (a line buffer of KH*W pixels); a row is read when the first window
/// that needs it is produced. Taps outside the input are `pad` with valid = PAD_VALID (true
/// for ±1 padding, whose padded taps are real activations; false for zero padding).
template <class T, int N, int H, int W, int KH, int KW, int SH, int SW, int PT, int PL, int OH,
          int OW, bool PAD_VALID, int DI, int DO>
void sliding_window(hls::stream<T, DI> &in, hls::stream<tap<T>, DO> &out, const T pad) {
  // Rows read per output row: at most max(KH, SH) (KH for the first, SH afterwards).
  constexpr int ROWS_PER_STEP = KH > SH ? KH : SH;
  T lines[KH][W];
  XNORC_HLS_PRAGMA(HLS ARRAY_PARTITION variable = lines complete dim = 1)
  for (int n = 0; n < N; ++n) {
    int next_row = 0;
    for (int oy = 0; oy < OH; ++oy) {
      const int top = oy * SH - PT;
      const int last = top + KH - 1 < H - 1 ? top + KH - 1 : H - 1;
      for (int r = 0; r < ROWS_PER_STEP; ++r) {
        if (next_row <= last) {
          for (int x = 0; x < W; ++x) {
            XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
            lines[next_row % KH][x] = in.read();
          }
          ++next_row;
        }
      }
      for (int ox = 0; ox < OW; ++ox) {
        for (int k = 0; k < KH * KW; ++k) {
          XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
          const int iy = top + k / KW, ix = ox * SW - PL + k % KW;
          const bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
          tap<T> t;
          t.v = inside ? lines[iy % KH][ix] : pad;
          t.valid = inside || PAD_VALID;
          out.write(t);
        }
      }
    }
    // Rows below the last window (a stride that does not reach them) are consumed too.
    for (int r = 0; r < H; ++r) {
      if (r >= next_row) {
        for (int x = 0; x < W; ++x) {
          XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
          (void)in.read();
        }
      }
    }
  }
}

/// Fan-out: every item of `in` goes to both outputs (a value read by two layers).
template <class T, int COUNT, int DI, int DA, int DB>
void dup2(hls::stream<T, DI> &in, hls::stream<T, DA> &a, hls::stream<T, DB> &b) {
  for (int i = 0; i < COUNT; ++i) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    const T v = in.read();
    a.write(v);
    b.write(v);
  }
}

/// AXI-Stream input to pixels: PIXELS groups of C floats (channels innermost) become fpix<C>.
template <int C, int PIXELS, int DI, int DO>
void pack_pixels(hls::stream<float, DI> &in, hls::stream<fpix<C>, DO> &out) {
  for (int p = 0; p < PIXELS; ++p) {
    fpix<C> px;
    for (int c = 0; c < C; ++c) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      px.v[c] = in.read();
    }
    out.write(px);
  }
}

/// Pixels to a float stream, channels innermost: an AXI-Stream output of a 4-D tensor, and
/// flatten of a float feature map to [N, C*H*W] (stream order: pixel-major).
template <int C, int PIXELS, int DI, int DO>
void unpack_pixels(hls::stream<fpix<C>, DI> &in, hls::stream<float, DO> &out) {
  for (int p = 0; p < PIXELS; ++p) {
    const fpix<C> px = in.read();
    for (int c = 0; c < C; ++c) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      out.write(px.v[c]);
    }
  }
}

/// Float values passed through unchanged (a 2-D tensor on an AXI-Stream port).
template <int COUNT, int DI, int DO>
void copy_stream(hls::stream<float, DI> &in, hls::stream<float, DO> &out) {
  for (int i = 0; i < COUNT; ++i) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
    out.write(in.read());
  }
}

/// Flatten of a binary feature map: the HW pixels of an image (C bits each) become one row
/// of C*HW bits, bit p*C + c for pixel p, channel c (stream order: pixel-major).
template <int C, int HW, int N, int DI, int DO>
void flatten_bits(hls::stream<ap_uint<C>, DI> &in, hls::stream<ap_uint<C * HW>, DO> &out) {
  for (int n = 0; n < N; ++n) {
    ap_uint<C *HW> row = 0;
    for (int p = 0; p < HW; ++p) {
      XNORC_HLS_PRAGMA(HLS PIPELINE II = 1)
      row.range(p * C + C - 1, p * C) = in.read();
    }
    out.write(row);
  }
}

} // namespace xnorc_hls

#endif // XNORC_RUNTIME_HLS_LAYERS_WINDOW_H
