// XNORC_HLS_PRAGMA(text): an HLS pragma that C simulation does not see.
//
// Generated HLS code writes its pragmas as `XNORC_HLS_PRAGMA(HLS PIPELINE II=1)` instead of
// `#pragma HLS PIPELINE II=1`. Under __SYNTHESIS__ (Vitis HLS's front end) the macro is
// `_Pragma("HLS PIPELINE II=1")`, which Vitis documents as equivalent to the #pragma line
// (UG1399, "Using #define with Pragma Directives": a two-level macro so that macro arguments
// inside the text are expanded first). In C simulation it expands to nothing.
//
// Why not plain `#pragma HLS` lines: GCC 12 warns about them under -Wall (-Wunknown-pragmas)
// and, unlike clang, does not let `#pragma GCC diagnostic ignored "-Wunknown-pragmas"`
// silence that warning, so `g++ -Wall -Wextra -Werror` would reject the generated file; an
// `_Pragma` that survives into C simulation is warned about in the same way by both
// compilers.
#ifndef XNORC_RUNTIME_HLS_PRAGMA_H
#define XNORC_RUNTIME_HLS_PRAGMA_H

#ifdef __SYNTHESIS__
#define XNORC_HLS_PRAGMA_TEXT_(text) _Pragma(#text)
#define XNORC_HLS_PRAGMA(text) XNORC_HLS_PRAGMA_TEXT_(text)
#else
#define XNORC_HLS_PRAGMA(text)
#endif

#endif
