#include "tools/Driver/ImportFlags.h"

#include "compiler/Support/TerminalText.h"

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
// Limits on untrusted models (compiler/IR/Limits.h); the defaults come from ModelLimits.
static const ModelLimits DefaultLimits;
static cl::opt<int64_t>
    MaxTensorBytes("max-tensor-bytes",
                   cl::desc("Largest tensor (weight, input or intermediate) a model may have, "
                            "in bytes (default 1 GiB)"),
                   cl::init(DefaultLimits.MaxTensorBytes), cl::cat(importCategory()));
static cl::opt<int64_t> MaxNodes("max-nodes",
                                 cl::desc("Most nodes a model may have (default 1,000,000)"),
                                 cl::init(DefaultLimits.MaxNodes), cl::cat(importCategory()));
static cl::opt<int64_t> MaxRank("max-rank", cl::desc("Highest tensor rank (default 16)"),
                                cl::init(DefaultLimits.MaxRank), cl::cat(importCategory()));
static cl::opt<int64_t> MaxDim("max-dim",
                               cl::desc("Largest extent of one dimension (default 2^31-1)"),
                               cl::init(DefaultLimits.MaxDim), cl::cat(importCategory()));

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
  O.Limits.MaxTensorBytes = MaxTensorBytes;
  O.Limits.MaxNodes = MaxNodes;
  O.Limits.MaxRank = MaxRank;
  O.Limits.MaxDim = MaxDim;
  std::string Tool = ToolName;
  O.Note = [Tool](const std::string &Text) {
    llvm::WithColor::note(xnorc::diags(), Tool) << Text << "\n";
  };
  return O;
}

} // namespace xnorc
