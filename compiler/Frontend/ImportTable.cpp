#include "compiler/Frontend/Importers.h"

#include <string_view>

namespace xnorc {

ImportFn lookupImporter(const std::string &OpType) {
  static const struct {
    std::string_view OpType;
    ImportFn Fn;
  } Table[] = {
#define ONNX_IMPORTER(OpType, Fn) {#OpType, Fn},
#include "compiler/Frontend/OnnxOps.def"
  };
  for (const auto &Entry : Table)
    if (Entry.OpType == OpType)
      return Entry.Fn;
  return nullptr;
}

} // namespace xnorc
