//===- RemarkOutput.h - Where pass remarks go --------------------*- C++ -*-===//
//
// The remark flags of xnorc and xnorc-opt, and the sink that serves them:
//   --pass-remarks=REGEX  prints remarks whose pass name matches, LLVM style:
//                         "remark: FILE:OP: [pass] message" (FILE: [pass] ... for
//                         remarks about the whole graph);
//   --remarks-json=FILE   writes every remark as a JSON array, only once the
//                         compilation succeeded (written whole, then renamed).
// Report lines (the binarization report) are printed as before, through the
// tool's own printer, unless the tool is quiet.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TOOLS_DRIVER_REMARKOUTPUT_H
#define XNORC_TOOLS_DRIVER_REMARKOUTPUT_H

#include "passes/Pass.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Regex.h>
#include <optional>

namespace xnorc {

/// The "Remarks" option category (--pass-remarks, --remarks-json).
llvm::cl::OptionCategory &remarksCategory();

/// Collects the remarks of one run and shows them as the flags ask.
class RemarkOutput {
public:
  /// InputFile names the source in printed remarks. ReportLine prints a
  /// remark's report line (null: report lines are not shown).
  RemarkOutput(std::string InputFile, std::function<void(const std::string &)> ReportLine);

  /// Checks the flags (a --pass-remarks that is not a valid regex).
  llvm::Error init();
  /// The sink for PassOptions::Remarks.
  std::function<void(const Remark &)> sink();
  /// Writes --remarks-json, if given; call once the compilation has succeeded.
  llvm::Error finish() const;

private:
  void handle(const Remark &R);

  std::string InputFile;
  std::function<void(const std::string &)> ReportLine;
  std::optional<llvm::Regex> Filter;
  std::vector<Remark> All;
};

/// "remark: FILE:OP: [pass] message".
std::string formatRemark(const Remark &R, const std::string &File);
/// The remarks as a JSON array of {pass, kind, op, message, args} objects.
std::string remarksToJson(const std::vector<Remark> &Remarks);

} // namespace xnorc

#endif
