//===- OnnxProtoFuzzer.cpp - Fuzz target: binary .onnx models --------------===//
//
// Bytes -> protobuf parse -> importer -> pass pipeline -> every emitter.
//
//===----------------------------------------------------------------------===//
#include "compiler/Frontend/OnnxImporter.h"
#include "tools/fuzz/FuzzCompile.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Bytes(reinterpret_cast<const char *>(Data), Size);
  xnorc::compileForFuzzing(xnorc::importOnnxProto(Bytes, xnorc::fuzzImportOptions()), Size);
  return 0;
}
