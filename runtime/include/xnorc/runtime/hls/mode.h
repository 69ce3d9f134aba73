// Which world HLS code is compiled in: synthesis, C simulation with the vendor's headers, or
// C simulation with xnorc's stand-ins (runtime/include/xnorc/runtime/hls/), and in the last
// case which scheduling: sequential or dataflow.
//
//   __SYNTHESIS__                     defined by Vitis HLS when it synthesizes: the vendor's
//                                     <ap_int.h> and <hls_stream.h> are used, the stand-ins
//                                     expand to nothing.
//   XNORC_HLS_USE_VENDOR_HEADERS      C simulation with the vendor's headers (Vitis csim):
//                                     the stand-ins expand to nothing, processes run in order.
//   (neither)                         C simulation with the stand-ins, e.g. plain
//                                     `c++ -std=c++17 -O2`; sequential by default,
//   XNORC_HLS_CSIM_DATAFLOW           or every dataflow process a fiber of its own, with
//                                     FIFOs bounded to their depth (scheduler.h).
//
// Every header of this folder may be pasted into a generated file unconditionally: each one
// tests these macros itself. The generated file includes the vendor's headers when
// XNORC_HLS_VENDOR is 1 and the C++ standard headers listed in docs/HLS.md otherwise.
#ifndef XNORC_RUNTIME_HLS_MODE_H
#define XNORC_RUNTIME_HLS_MODE_H

#if defined(__SYNTHESIS__) || defined(XNORC_HLS_USE_VENDOR_HEADERS)
#define XNORC_HLS_VENDOR 1
#else
#define XNORC_HLS_VENDOR 0
#endif

#if !XNORC_HLS_VENDOR && defined(XNORC_HLS_CSIM_DATAFLOW)
#define XNORC_HLS_THREADED 1
#else
#define XNORC_HLS_THREADED 0
#endif

#endif
