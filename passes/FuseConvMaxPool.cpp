//===- FuseConvMaxPool.cpp - float conv + max-pool -> one layer -----------===//
//
// max_pool(conv(x, w, b)) becomes conv_max_pool(x, w, b): the kernel pools the conv's
// output rows while they are in cache, so the un-pooled tensor (ResNet's and Bi-Real's stem:
// 112x112x64 floats, 3.2 MB, four times the pooled one) is never written to memory and read
// back. Exact: the fused kernels compute each conv value as the conv kernel does and visit
// each window's taps in the max-pool's order with its comparison (generic/conv_pool.h).
//
// Fused when the conv's result has no other reader, the pool is undilated and 1-D or 2-D,
// and the conv rows one pool window spans, over all output channels, fit the kernels' stack
// ring (XN_CONV_POOL_RING_BYTES). The x86 targets, which have the fused kernel, add this pass
// to their pipeline unless --target-opt conv-max-pool=separate; it pays on one and two threads
// (docs/Benchmarks.md). Elsewhere the pair stays.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "xnorc/runtime/generic/conv_pool.h"

#include <algorithm>

namespace xnorc {

namespace {

class FuseConvMaxPoolPass : public Pass {
public:
  const char *name() const override { return "fuse-conv-max-pool"; }
  llvm::Error run(Graph &G) override;

private:
  static const char *whyNotFusable(const Graph &G, const Op &Conv, const PoolOp &Pool);
};

const char *FuseConvMaxPoolPass::whyNotFusable(const Graph &G, const Op &Conv, const PoolOp &Pool) {
  const Shape &Y = Conv.result()->type().Dims;
  if (Y.size() != 3 && Y.size() != 4)
    return "only 1-D and 2-D pools are fused";
  auto Dil = Pool.dilations();
  if (std::any_of(Dil.begin(), Dil.end(), [](int64_t D) { return D != 1; }))
    return "the pool is dilated";
  const int64_t Rows = Y.size() == 4 ? Pool.kernel_shape()[0] : 1;
  if (!xn_conv_pool_ring_fits(Rows, Y.back(), Y[1]))
    return "a pool window's conv rows exceed the fused kernel's stack buffer";
  return notSoleUse(G, *Conv.result());
}

llvm::Error FuseConvMaxPoolPass::run(Graph &G) {
  for (Op *P : G.ops()) {
    auto Pool = dyn_cast<MaxPoolOp>(*P);
    Op *C = Pool ? Pool->x()->definingOp() : nullptr;
    if (!C || C->kind() != OpKind::Conv)
      continue;
    PoolOp Window(*P);
    if (const char *Why = whyNotFusable(G, *C, Window)) {
      missed(*P, fmt::format("not fused with {}: {}", C->describe(), Why));
      continue;
    }
    Attributes A = C->attrs();
    ConvMaxPoolOp::set_pool_kernel_shape(A, Window.kernel_shape());
    ConvMaxPoolOp::set_pool_strides(A, Window.strides());
    ConvMaxPoolOp::set_pool_pads(A, Window.pads());
    ConvMaxPoolOp::set_pool_ceil_mode(A, Window.ceil_mode());
    Op *F = G.insertOpBefore(P, OpKind::ConvMaxPool, C->name(), C->operands(), std::move(A),
                             G.uniqueName(P->result()->name() + ".fused"), P->result()->type());
    applied(*P, "fused with " + C->describe() + " into " + F->describe());
    G.replaceOp(P, F->result());
    G.eraseOps({C});
  }
  return llvm::Error::success();
}
} // namespace

std::unique_ptr<Pass> createFuseConvMaxPoolPass() {
  return std::make_unique<FuseConvMaxPoolPass>();
}

} // namespace xnorc
