#include "compiler/Frontend/Importers.h"

#include <string_view>

namespace xnorc {

ImportFn lookupImporter(const std::string &Domain, const std::string &OpType) {
  static const struct {
    std::string_view Domain;
    std::string_view OpType;
    ImportFn Fn;
  } Table[] = {
#define ONNX_IMPORTER(OpType, Fn) {"", #OpType, Fn},
#define CUSTOM_IMPORTER(Domain, OpType, Fn) {Domain, #OpType, Fn},
#include "compiler/Frontend/OnnxOps.def"
  };
  for (const auto &Entry : Table)
    if (Entry.Domain == Domain && Entry.OpType == OpType)
      return Entry.Fn;
  return nullptr;
}

} // namespace xnorc
