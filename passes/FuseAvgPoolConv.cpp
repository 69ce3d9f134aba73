//===- FuseAvgPoolConv.cpp - average pool + 1x1 float conv -> one layer ---===//
//
// conv(avg_pool(x), w, b), the conv 1x1 with stride 1 and no padding, becomes
// avg_pool_conv(x, w, b): the kernel pools one row of every channel into a stack buffer and
// computes the conv's output row from it, so the pooled map is never written to memory and
// read back, and with --threads the pair needs one barrier instead of two. Bi-Real-18's and
// Real-to-Binary's downsampling shortcuts are this pair (2x2/2 average pool, 1x1 conv to twice
// the channels). Exact: the pooled values are the pool kernel's (generic/pool.h's
// xn_avgpool_row, or the x86 vector pool's operations) and the conv values the conv kernel's
// (generic/pool_conv.h, x86/pool_conv.h).
//
// Fused when the pool's result has no other reader, the pool is 2-D and undilated, the conv
// is 1x1, stride 1, unpadded, undilated and ungrouped, and one pooled row of every input
// channel fits the kernels' stack buffer (XN_POOL_CONV_ROW_BYTES). The x86 targets, which
// have the fused kernel, add this pass to their pipeline unless --target-opt
// avg-pool-conv=separate. Elsewhere the pair stays.
//
//===----------------------------------------------------------------------===//
#include "compiler/IR/OpViews.h"
#include "passes/Passes.h"
#include "xnorc/runtime/generic/pool_conv.h"

#include <algorithm>

namespace xnorc {

namespace {

class FuseAvgPoolConvPass : public Pass {
public:
  const char *name() const override { return "fuse-avg-pool-conv"; }
  llvm::Error run(Graph &G) override;

private:
  static const char *whyNotFusable(const Graph &G, const Op &Pool, const ConvOp &Conv);
};

bool allEqual(const std::vector<int64_t> &V, int64_t X) {
  return std::all_of(V.begin(), V.end(), [X](int64_t D) { return D == X; });
}

const char *FuseAvgPoolConvPass::whyNotFusable(const Graph &G, const Op &Pool, const ConvOp &Conv) {
  const Shape &P = Pool.result()->type().Dims, &W = Conv.w()->type().Dims;
  if (P.size() != 4)
    return "only 2-D pools are fused";
  if (!allEqual(PoolOp(Pool).dilations(), 1))
    return "the pool is dilated";
  if (W.size() != 4 || W[2] != 1 || W[3] != 1)
    return "the conv is not 1x1";
  if (Conv.group() != 1 || !allEqual(Conv.strides(), 1) || !allEqual(Conv.pads(), 0) ||
      !allEqual(Conv.dilations(), 1))
    return "the conv is strided, padded, dilated or grouped";
  if (!xn_pool_conv_row_fits(P[1], P[3]))
    return "a pooled row of every channel exceeds the fused kernel's stack buffer";
  return notSoleUse(G, *Pool.result());
}

llvm::Error FuseAvgPoolConvPass::run(Graph &G) {
  for (Op *C : G.ops()) {
    auto Conv = dyn_cast<ConvOp>(*C);
    Op *P = Conv ? Conv->x()->definingOp() : nullptr;
    if (!P || P->kind() != OpKind::AvgPool)
      continue;
    AvgPoolOp Pool(*P);
    if (const char *Why = whyNotFusable(G, *P, *Conv)) {
      missed(*C, fmt::format("not fused with {}: {}", P->describe(), Why));
      continue;
    }
    PoolOp Window(*P);
    Attributes A = C->attrs();
    for (const char *Name : {"strides", "pads", "dilations", "group", "kernel_shape"})
      A.erase(Name);
    AvgPoolConvOp::set_pool_kernel_shape(A, Window.kernel_shape());
    AvgPoolConvOp::set_pool_strides(A, Window.strides());
    AvgPoolConvOp::set_pool_pads(A, Window.pads());
    AvgPoolConvOp::set_pool_ceil_mode(A, Window.ceil_mode());
    AvgPoolConvOp::set_pool_count_include_pad(A, Pool.count_include_pad());
    std::vector<Value *> Operands = C->operands();
    Operands[ConvOp::xIndex] = Pool.x();
    Op *F = G.insertOpBefore(C, OpKind::AvgPoolConv, C->name(), Operands, std::move(A),
                             G.uniqueName(C->result()->name() + ".fused"), C->result()->type());
    applied(*C, "fused with " + P->describe() + " into " + F->describe());
    G.replaceOp(C, F->result());
    G.eraseOps({P});
  }
  return llvm::Error::success();
}
} // namespace

std::unique_ptr<Pass> createFuseAvgPoolConvPass() {
  return std::make_unique<FuseAvgPoolConvPass>();
}

} // namespace xnorc
