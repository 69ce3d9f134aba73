//===- OnnxTextFuzzer.cpp - Fuzz target: models in ONNX's text syntax ------===//
//
// Text -> ONNX's parser -> importer -> pass pipeline -> every emitter.
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/OnnxImporter.h"
#include "tools/fuzz/FuzzCompile.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Text(reinterpret_cast<const char *>(Data), Size);
  xnorc::compileForFuzzing(xnorc::importOnnxText(Text, xnorc::fuzzImportOptions()), Size);
  return 0;
}
