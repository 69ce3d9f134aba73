#include "tools/Driver/RemarkOutput.h"

#include "compiler/Support/Error.h"
#include "compiler/Support/JsonText.h"
#include "compiler/Support/TerminalText.h"
#include "tools/Driver/OutputFiles.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/Path.h>

namespace xnorc {

namespace cl = llvm::cl;

cl::OptionCategory &remarksCategory() {
  static cl::OptionCategory Cat("Remarks");
  return Cat;
}

static cl::opt<std::string>
    PassRemarks("pass-remarks",
                cl::desc("Print the remarks (applied, missed, analysis) of the passes whose "
                         "name matches REGEX"),
                cl::value_desc("REGEX"), cl::cat(remarksCategory()));
static cl::opt<std::string>
    RemarksJson("remarks-json",
                cl::desc("Write every remark to FILE as a JSON array (only when the "
                         "compilation succeeds)"),
                cl::value_desc("FILE"), cl::cat(remarksCategory()));

RemarkOutput::RemarkOutput(std::string InputFile,
                           std::function<void(const std::string &)> ReportLine)
    : InputFile(std::move(InputFile)), ReportLine(std::move(ReportLine)) {}

llvm::Error RemarkOutput::init() {
  if (PassRemarks.empty())
    return llvm::Error::success();
  Filter.emplace(PassRemarks);
  std::string Why;
  if (!Filter->isValid(Why))
    return makeError("--pass-remarks: invalid regex '{}': {}", PassRemarks.getValue(), Why);
  return llvm::Error::success();
}

std::function<void(const Remark &)> RemarkOutput::sink() {
  return [this](const Remark &R) { handle(R); };
}

void RemarkOutput::handle(const Remark &R) {
  if (ReportLine && !R.ReportLine.empty())
    ReportLine(R.ReportLine);
  if (Filter && Filter->match(R.Pass))
    xnorc::diags() << formatRemark(R, InputFile) << "\n";
  if (!RemarksJson.empty())
    All.push_back(R);
}

llvm::Error RemarkOutput::finish() const {
  if (RemarksJson.empty())
    return llvm::Error::success();
  std::string Dir = llvm::sys::path::parent_path(RemarksJson).str();
  std::string Name = llvm::sys::path::filename(RemarksJson).str();
  return writeOutputFiles(Dir.empty() ? "." : Dir, {{Name, remarksToJson(All)}});
}

std::string formatRemark(const Remark &R, const std::string &File) {
  std::string Where = R.Op.empty() ? File : File + ":" + R.Op;
  return "remark: " + Where + ": [" + R.Pass + "] " + R.Message;
}

std::string remarksToJson(const std::vector<Remark> &Remarks) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::json::OStream J(OS, 2);
  J.array([&] {
    for (const Remark &R : Remarks)
      J.object([&] {
        J.attribute("pass", R.Pass);
        J.attribute("kind", remarkKindName(R.K));
        J.attribute("op", jsonString(R.Op));
        J.attribute("message", jsonString(R.Message));
        J.attributeObject("args", [&] {
          for (const auto &[Key, Value] : R.Args)
            J.attribute(Key, jsonString(Value));
        });
      });
  });
  OS << "\n";
  return OS.str();
}

} // namespace xnorc
