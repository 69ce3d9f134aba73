#include "tools/Driver/ImportFlags.h"

#include <llvm/Support/WithColor.h>

namespace xnorc {

namespace cl = llvm::cl;

cl::OptionCategory &importCategory() {
  static cl::OptionCategory Cat("Model import");
  return Cat;
}

static cl::opt<int64_t> Batch("batch", cl::desc("Value of a dynamic batch dimension (default 1)"),
                              cl::init(1), cl::cat(importCategory()));

enum class SignZero { One, Zero };
static cl::opt<SignZero> SignZeroFlag(
    "sign-zero", cl::desc("Value of ONNX Sign at 0"), cl::init(SignZero::One),
    cl::values(clEnumValN(SignZero::One, "one", "+1, as binary networks need (default)"),
               clEnumValN(SignZero::Zero, "zero", "0, as ONNX defines")),
    cl::cat(importCategory()));

ImportOptions importOptionsFromFlags(const char *ToolName) {
  ImportOptions O;
  O.Batch = Batch < 1 ? 1 : Batch.getValue();
  O.SignZeroIsOne = SignZeroFlag == SignZero::One;
  std::string Tool = ToolName;
  O.Note = [Tool](const std::string &Text) {
    llvm::WithColor::note(llvm::errs(), Tool) << Text << "\n";
  };
  return O;
}

} // namespace xnorc
