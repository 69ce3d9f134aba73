#include "tools/Driver/PassFlags.h"

namespace xnorc {

namespace cl = llvm::cl;

cl::OptionCategory &binarizationCategory() {
  static cl::OptionCategory Cat("Binarization");
  return Cat;
}

static cl::opt<std::string>
    Binarize("binarize",
             cl::desc("auto: binarize what the model expresses (default); none: keep float; "
                      "weights: also binarize float weights post hoc (BWN); all: weights and "
                      "inputs (XNOR)"),
             cl::init("auto"), cl::cat(binarizationCategory()));
static cl::opt<bool> BinarizeFirstLast("binarize-first-last",
                                       cl::desc("Let --binarize=weights|all also binarize the "
                                                "first and last layer"),
                                       cl::cat(binarizationCategory()));
static cl::opt<bool> KScaling("k-scaling",
                              cl::desc("With --binarize=all, scale each post-hoc XNOR conv by "
                                       "the paper's K (mean |input| per output position)"),
                              cl::cat(binarizationCategory()));

PassOptions passOptionsFromFlags(std::function<void(const Remark &)> Remarks) {
  PassOptions O;
  O.Binarize = Binarize;
  O.BinarizeFirstLast = BinarizeFirstLast;
  O.KScaling = KScaling;
  O.Remarks = std::move(Remarks);
  return O;
}

} // namespace xnorc
