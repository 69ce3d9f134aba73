//===- ApiWriter.h - The generated header, info and main program -*- C++ -*-===//
//
// Every target emits the same C-callable API (docs/GeneratedAPI.md), so user
// code and the --emit-main harness work unchanged across targets.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_COMMON_APIWRITER_H
#define XNORC_TARGETS_COMMON_APIWRITER_H

#include "compiler/Analysis/ModelReport.h"
#include "compiler/IR/Graph.h"

#include <optional>
#include <string>
#include <vector>

namespace xnorc {

struct TensorDesc {
  std::string Name;
  Shape Dims;
};

/// What --profile adds to the API: the layer table and <name>_run_profiled().
struct ProfileApi {
  std::vector<LayerRow> Layers; ///< one per op, in execution order (ModelReport's rows)
  std::vector<bool> HasCode;    ///< false: the op shares its operand's storage, no call
  int Threads = 1;              ///< the team size the roofline is scaled by
  bool Json = false;            ///< the --emit-main program prints JSON, not a table
  std::string PeakHeader;       ///< runtime header with the target's xn_peak_ceilings()
};

struct ModelApi {
  std::string Name;   ///< C identifier, lower case
  std::string Target; ///< target name
  std::string SourceFile;
  int64_t ArenaBytes = 0;
  std::vector<TensorDesc> Inputs, Outputs;
  std::optional<ProfileApi> Profile; ///< set under --profile
  int Threads = 1; ///< team size of <name>_run: --threads when a layer splits, else 1

  static ModelApi fromGraph(const Graph &G, const std::string &Name, const std::string &Target,
                            const std::string &SourceFile, int64_t ArenaBytes);
};

/// <name>.h: sizes as macros, the info struct, and <name>_run().
std::string writeApiHeader(const ModelApi &Api);
/// The definition of <name>_info, for the target's .cpp file.
std::string writeInfoDefinition(const ModelApi &Api);
/// The definition of <name>_layers (--profile), for the target's .cpp file.
std::string writeLayerTable(const ModelApi &Api);
/// <name>_main.cpp: runs the model on .npy files (see docs/GeneratedAPI.md).
std::string writeMainProgram(const ModelApi &Api);
/// The macro prefix of a model: its name in upper case.
std::string upperName(std::string Name);
/// The banner comment at the top of every generated file.
std::string generatedBanner(const ModelApi &Api, const std::string &What);

} // namespace xnorc

#endif
