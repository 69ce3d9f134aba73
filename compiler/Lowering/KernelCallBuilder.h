//===- KernelCallBuilder.h - Helpers for writing kernel lowerings -*- C++ -*-===//
//
// Internal to compiler/Lowering: the pieces every lowering function uses to
// fill a parameter struct once and derive the printed initializer and the
// interpreter closure from it.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_LOWERING_KERNELCALLBUILDER_H
#define XNORC_LOWERING_KERNELCALLBUILDER_H

#include "compiler/Lowering/KernelCall.h"
#include "compiler/Support/FloatText.h"
#include "xnorc/runtime/generic/all.h"

#include <cmath>
#include <fmt/format.h>
#include <llvm/ADT/StringRef.h>

namespace xnorc {

/// Builds the text of an aggregate initializer field by field.
class Init {
public:
  Init &i(int64_t V) {
    Fields.push_back(std::to_string(V));
    return *this;
  }
  Init &f(float V) {
    Fields.push_back(floatLiteral(V));
    return *this;
  }
  template <typename T> Init &arr(const T *V, size_t N) {
    std::vector<std::string> Parts;
    for (size_t K = 0; K < N; ++K)
      Parts.push_back(std::to_string(V[K]));
    Fields.push_back(fmt::format("{{{}}}", fmt::join(Parts, ", ")));
    return *this;
  }
  std::string str() const { return fmt::format("{{{}}}", fmt::join(Fields, ", ")); }

private:
  std::vector<std::string> Fields;
};

using Args = std::vector<KernelArg>;

inline const float *f32(const void *P) { return static_cast<const float *>(P); }
inline float *f32Out(void *P) { return static_cast<float *>(P); }

inline const Shape &dimsOf(const Op &O, unsigned I) { return O.operand(I)->type().Dims; }
inline const Shape &outDims(const Op &O) { return O.result()->type().Dims; }

/// The runtime header that defines a kernel function.
inline std::string headerOf(llvm::StringRef Function) {
  static const std::pair<const char *, const char *> Prefixes[] = {
      {"xn_conv", "conv.h"},           {"xn_maxpool", "pool.h"},    {"xn_avgpool", "pool.h"},
      {"xn_global_", "pool.h"},        {"xn_batchnorm", "batchnorm.h"}, {"xn_gemm", "gemm.h"},
      {"xn_matmul", "gemm.h"},         {"xn_unary", "elementwise.h"}, {"xn_binary", "elementwise.h"},
      {"xn_softmax", "softmax.h"},     {"xn_reduce", "reduce.h"},   {"xn_transpose", "transpose.h"},
      {"xn_concat", "concat.h"},       {"xn_pad", "pad.h"},         {"xn_copy", "copy.h"},
      {"xn_slice", "slice.h"},         {"xn_threshold", "bitpack.h"}, {"xn_unpack", "bitpack.h"},
      {"xn_bconv", "bconv.h"},         {"xn_bdense", "bdense.h"},   {"xn_bwconv", "bwconv.h"},
      {"xn_bwdense", "bwconv.h"},      {"xn_bmaxpool", "bpool.h"}};
  for (auto &[Prefix, Header] : Prefixes)
    if (Function.startswith(Prefix))
      return std::string("generic/") + Header;
  return "generic/all.h";
}

template <typename P, typename Fn>
inline KernelCall makeCall(const char *Function, const char *Type, const P &Params, std::string InitText,
                    Args A, Fn Run) {
  KernelCall C;
  C.Function = Function;
  C.ParamsType = Type;
  C.ParamsInit = std::move(InitText);
  C.Header = headerOf(Function);
  C.Args = std::move(A);
  C.Run = [Params, Run](const void *const *In, void *Out) { Run(&Params, In, Out); };
  return C;
}

inline void fillSpatial(int64_t *Dst, const std::vector<int64_t> &Src, size_t From, size_t N) {
  for (size_t K = 0; K < N; ++K)
    Dst[K] = Src[From + K];
}

inline int32_t activationKind(const std::string &Name) {
  if (Name == "relu")
    return XN_ACT_RELU;
  if (Name == "leaky_relu")
    return XN_ACT_LEAKY_RELU;
  if (Name == "clip")
    return XN_ACT_CLIP;
  if (Name == "sigmoid")
    return XN_ACT_SIGMOID;
  if (Name == "tanh")
    return XN_ACT_TANH;
  return XN_ACT_NONE;
}


llvm::Expected<KernelCall> lowerBinaryOpToKernel(const Op &O);

} // namespace xnorc

#endif
