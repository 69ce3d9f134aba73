//===- XirFuzzer.cpp - Fuzz target: xnorc's own IR text (.xir) -------------===//
//
// Text -> IR parser -> verifier -> pass pipeline -> every emitter: the path of
// `xnorc model.xir` (tools/Driver/ModelLoader.cpp).
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/Parser.h"
#include "compiler/IR/Verifier.h"
#include "tools/fuzz/FuzzCompile.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  auto G = xnorc::parseGraph(std::string(reinterpret_cast<const char *>(Data), Size));
  if (G)
    if (auto E = xnorc::verifyGraph(**G)) {
      llvm::consumeError(std::move(E));
      return 0;
    }
  xnorc::compileForFuzzing(std::move(G), Size);
  return 0;
}
