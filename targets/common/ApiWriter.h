//===- ApiWriter.h - The generated header, info and main program -*- C++ -*-===//
//
// Every target emits the same C-callable API (docs/GeneratedAPI.md), so user
// code and the --emit-main harness work unchanged across targets.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_COMMON_APIWRITER_H
#define XNORC_TARGETS_COMMON_APIWRITER_H

#include "compiler/IR/Graph.h"

#include <string>
#include <vector>

namespace xnorc {

struct TensorDesc {
  std::string Name;
  Shape Dims;
};

struct ModelApi {
  std::string Name;   ///< C identifier, lower case
  std::string Target; ///< target name
  std::string SourceFile;
  int64_t ArenaBytes = 0;
  std::vector<TensorDesc> Inputs, Outputs;

  static ModelApi fromGraph(const Graph &G, const std::string &Name, const std::string &Target,
                            const std::string &SourceFile, int64_t ArenaBytes);
};

/// <name>.h: sizes as macros, the info struct, and <name>_run().
std::string writeApiHeader(const ModelApi &Api);
/// The definition of <name>_info, for the target's .cpp file.
std::string writeInfoDefinition(const ModelApi &Api);
/// <name>_main.cpp: runs the model on .npy files (see docs/GeneratedAPI.md).
std::string writeMainProgram(const ModelApi &Api);
/// The macro prefix of a model: its name in upper case.
std::string upperName(std::string Name);
/// The banner comment at the top of every generated file.
std::string generatedBanner(const ModelApi &Api, const std::string &What);

} // namespace xnorc

#endif
