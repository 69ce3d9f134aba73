#include "targets/common/OcBlockedBinary.h"

#include "xnorc/runtime/common/oc_blocked.h"
#include "xnorc/runtime/generic/bitpack.h"

namespace xnorc {

namespace {
/// The weight tensor [M][taps][cw] repacked into [M/L][taps][cw][L] words, as a
/// flat b1 vector (ConstantWriter emits it as an aligned uint64_t array).
Tensor packWeights(const Tensor &W, int64_t M, int64_t Taps, int64_t CW, int64_t Lanes) {
  const size_t Words = xn_oc_packed_words(M, Taps, CW, Lanes);
  Tensor Packed(TensorType{ElemType::B1, {static_cast<int64_t>(Words) * 64}});
  xn_oc_pack(M, Taps, CW, Lanes, W.data<uint64_t>(), Packed.data<uint64_t>());
  return Packed;
}
} // namespace

bool specializeOcBlockedBinary(const Op &O, KernelCall &Call, int64_t Lanes,
                               const std::string &Prefix) {
  const Value *W = O.numOperands() > 1 ? O.operand(1) : nullptr;
  switch (O.kind()) {
  case OpKind::BConv:
  case OpKind::BConvThreshold: {
    const Shape &D = W->type().Dims; // [M, C, KH, KW]
    if (!W->isConstant() || O.attrs().getInt("group", 1) != 1 || D.size() != 4)
      return false;
    Call.Args.at(1) = KernelArg::derived(
        packWeights(W->constant(), D[0], D[2] * D[3], xn_bit_words(D[1]), Lanes), "packed");
    Call.Function = Prefix + (O.kind() == OpKind::BConv ? "bconv" : "bconv_threshold");
    return true;
  }
  case OpKind::BDense:
  case OpKind::BDenseThreshold: {
    const Shape &D = W->type().Dims; // [M, K]
    if (!W->isConstant() || D.size() != 2)
      return false;
    Call.Args.at(1) = KernelArg::derived(
        packWeights(W->constant(), D[0], 1, xn_bit_words(D[1]), Lanes), "packed");
    Call.Function = Prefix + (O.kind() == OpKind::BDense ? "bdense" : "bdense_threshold");
    return true;
  }
  case OpKind::BMaxPool:
    Call.Function = Prefix + "bmaxpool";
    return true;
  default:
    return false;
  }
}

} // namespace xnorc
