//===- NpyFuzzer.cpp - Fuzz target: .npy inputs ----------------------------===//
//
// Bytes -> the .npy parser that both the --emit-main program (pasted into
// <name>_main.cpp) and xnorc-run (compiler/Frontend/TensorIO.cpp) use, then the
// shape match against a model input and the shape text of the error messages.
//
//===----------------------------------------------------------------------===//
#include "xnorc/runtime/common/npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  xn_npy_info Info;
  char Err[256];
  if (!xn_npy_parse(Data, Size, &Info, Err, sizeof(Err)))
    return 0;
  // The data the parser vouches for must lie inside the input.
  if (Info.data_offset > Size ||
      Info.count * static_cast<unsigned>(Info.width) > Size - Info.data_offset)
    __builtin_trap();
  const long long ModelDims[] = {1, 3, 8, 8};
  (void)xn_npy_batches(Info.dims, Info.rank, ModelDims, 4);
  char Text[64];
  xn_npy_shape_text(Info.dims, Info.rank, Text, sizeof(Text));
  return 0;
}
