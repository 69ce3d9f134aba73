// A small design in the emitter's style (docs/HLS.md): a binary layer (XNOR + popcount of
// 100-bit words into an ap_int<16> accumulator) and a residual fork/join whose skip FIFO
// has depth SKIP_DEPTH; `delay` needs its whole input before it writes (as a layer that
// buffers a tensor), so the skip FIFO must hold all N items.
#ifndef SKIP_DEPTH
#define SKIP_DEPTH 8
#endif
static const int N = 8;

static void source(hls::stream<ap_uint<8>> &in, hls::stream<ap_uint<100>, 2> &x) {
  for (int i = 0; i < N; ++i) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II=1)
    const ap_uint<8> v = in.read();
    ap_uint<100> word = 0;
    word.range(7, 0) = v;
    word.range(97, 90) = v;
    x.write(word);
  }
}

static void xnor_layer(hls::stream<ap_uint<100>, 2> &x, hls::stream<ap_int<16>, 2> &a,
                       hls::stream<ap_int<16>, SKIP_DEPTH> &skip) {
  const ap_uint<100> w("0xfffffffffffffffffffffffff"); // all ones: xnor(x, w) = x
  for (int i = 0; i < N; ++i) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II=1)
    ap_int<16> acc = 0;
    acc += xnorc_hls::popcount(ap_uint<100>(~(x.read() ^ w)));
    a.write(acc);
    skip.write(acc);
  }
}

static void delay(hls::stream<ap_int<16>, 2> &a, hls::stream<ap_int<16>, 2> &b) {
  ap_int<16> buf[N];
  for (int i = 0; i < N; ++i)
    buf[i] = a.read();
  for (int i = 0; i < N; ++i)
    b.write(buf[i]);
}

static void join(hls::stream<ap_int<16>, 2> &b, hls::stream<ap_int<16>, SKIP_DEPTH> &skip,
                 hls::stream<int> &out) {
  for (int i = 0; i < N; ++i) {
    XNORC_HLS_PRAGMA(HLS PIPELINE II=1)
    out.write((b.read() + skip.read()).to_int());
  }
}

void top(hls::stream<ap_uint<8>> &in, hls::stream<int> &out) {
  XNORC_HLS_PRAGMA(HLS INTERFACE axis port=in)
  XNORC_HLS_PRAGMA(HLS INTERFACE axis port=out)
  XNORC_HLS_DATAFLOW_BEGIN(top);
  hls::stream<ap_uint<100>, 2> x("x");
  hls::stream<ap_int<16>, 2> a("a"), b("b");
  hls::stream<ap_int<16>, SKIP_DEPTH> skip("skip");
  XNORC_HLS_PRAGMA(HLS STREAM variable=skip depth=SKIP_DEPTH)
  XNORC_HLS_PROCESS(source, source(in, x));
  XNORC_HLS_PROCESS(xnor_layer, xnor_layer(x, a, skip));
  XNORC_HLS_PROCESS(delay, delay(a, b));
  XNORC_HLS_PROCESS(join, join(b, skip, out));
  XNORC_HLS_DATAFLOW_END();
}

#ifndef __SYNTHESIS__
#include <cstdio>
int main() {
  hls::stream<ap_uint<8>> in("in");
  hls::stream<int> out("out");
  for (int i = 0; i < N; ++i)
    in.write(i);
  top(in, out);
  for (int i = 0; i < N; ++i)
    std::printf("%d\n", out.read());
  return 0;
}
#endif
