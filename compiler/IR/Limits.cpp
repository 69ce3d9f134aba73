#include "compiler/IR/Limits.h"

#include "compiler/Support/Error.h"

namespace xnorc {

llvm::Error checkTensorLimits(const TensorType &T, const ModelLimits &L, const std::string &What) {
  if (static_cast<int64_t>(T.rank()) > L.MaxRank)
    return makeError("{} has rank {}, more than the limit of {} (--max-rank)", What, T.rank(),
                     L.MaxRank);
  for (size_t I = 0; I < T.Dims.size(); ++I) {
    if (T.Dims[I] < 0)
      return makeError("{} has a negative dimension {} ({})", What, I, T.Dims[I]);
    if (T.Dims[I] > L.MaxDim)
      return makeError("{} has dimension {} of size {}, more than the limit of {} (--max-dim)",
                       What, I, T.Dims[I], L.MaxDim);
  }
  auto Bytes = checkedStorageBytes(T);
  if (!Bytes || *Bytes > L.MaxTensorBytes)
    return makeError("{} of type {} needs {} bytes, more than the limit of {} (--max-tensor-bytes)",
                     What, T.str(), Bytes ? std::to_string(*Bytes) : std::string("over 2^63"),
                     L.MaxTensorBytes);
  return llvm::Error::success();
}

llvm::Error checkNodeLimit(int64_t Nodes, const ModelLimits &L) {
  if (Nodes > L.MaxNodes)
    return makeError("the graph has {} nodes, more than the limit of {} (--max-nodes)", Nodes,
                     L.MaxNodes);
  return llvm::Error::success();
}

} // namespace xnorc
