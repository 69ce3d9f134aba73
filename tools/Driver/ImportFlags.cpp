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

// The values are bnArithName()'s; "auto" is the absence of a choice.
enum class BnArithChoice { Auto, PyTorch, TensorFlow, Onnx };
static cl::opt<BnArithChoice> BnArithFlag(
    "bn-arith", cl::desc("Float arithmetic that decides BatchNorm at ties (docs/XnorMath.md)"),
    cl::init(BnArithChoice::Auto),
    cl::values(clEnumValN(BnArithChoice::Auto, "auto",
                          "from the model's producer_name: pytorch, tf2onnx/keras2onnx -> "
                          "tensorflow, else onnx (default; a note says which)"),
               clEnumValN(BnArithChoice::PyTorch, "pytorch", "PyTorch's CPU eval kernel (FMA)"),
               clEnumValN(BnArithChoice::TensorFlow, "tensorflow",
                          "TensorFlow/Keras FusedBatchNorm"),
               clEnumValN(BnArithChoice::Onnx, "onnx", "ONNX's formula in its order")),
    cl::cat(importCategory()));

ImportOptions importOptionsFromFlags(const char *ToolName) {
  ImportOptions O;
  O.Batch = Batch < 1 ? 1 : Batch.getValue();
  O.SignZeroIsOne = SignZeroFlag == SignZero::One;
  switch (BnArithFlag) {
  case BnArithChoice::Auto:
    break;
  case BnArithChoice::PyTorch:
    O.BatchNormArith = BnArith::PyTorch;
    break;
  case BnArithChoice::TensorFlow:
    O.BatchNormArith = BnArith::TensorFlow;
    break;
  case BnArithChoice::Onnx:
    O.BatchNormArith = BnArith::Onnx;
    break;
  }
  std::string Tool = ToolName;
  O.Note = [Tool](const std::string &Text) {
    llvm::WithColor::note(llvm::errs(), Tool) << Text << "\n";
  };
  return O;
}

} // namespace xnorc
