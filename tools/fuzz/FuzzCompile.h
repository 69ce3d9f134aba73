//===- FuzzCompile.h - What every fuzz target does with an imported graph -*- C++ -*-===//
//
// A model that imports must also compile: the fuzz targets hand every graph the
// frontends accept to compileForFuzzing, which runs the default pass pipeline with
// every pass verifying its output, then emits C++ for each target in memory. Any
// llvm::Error on the way is an accepted outcome (a diagnostic); a crash, a sanitizer
// report, or an error that escapes unhandled is a finding.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TOOLS_FUZZ_FUZZCOMPILE_H
#define XNORC_TOOLS_FUZZ_FUZZCOMPILE_H

#include "compiler/IR/Graph.h"

#include <cstddef>
#include <llvm/Support/Error.h>
#include <memory>

namespace xnorc {

/// Consumes the import result: on success compiles it through the pipeline and
/// the emitter of target number TargetSelector % (number of targets); errors are
/// dropped (they are the expected outcome of most mutated inputs).
void compileForFuzzing(llvm::Expected<std::unique_ptr<Graph>> Imported, size_t TargetSelector);

/// Import options of the fuzz targets: no notes, defaults otherwise.
struct ImportOptions;
const ImportOptions &fuzzImportOptions();

} // namespace xnorc

#endif
