//===- WeightPacking.cpp - Kernels' op predicates and weight packers ------===//
#include "compiler/Lowering/WeightPacking.h"

#include "compiler/IR/OpViews.h"
#include "compiler/Lowering/KernelCallBuilder.h"
#include "xnorc/runtime/common/neon_pack.h"
#include "xnorc/runtime/common/oc_blocked.h"
#include "xnorc/runtime/common/oc_tconv_walk.h"
#include "xnorc/runtime/common/winograd_stem.h"
#include "xnorc/runtime/common/x86_pack.h"
#include "xnorc/runtime/generic/sparse.h"

#include <algorithm>
#include <cassert>
#include <llvm/Support/ErrorHandling.h>

namespace xnorc {
namespace kernel_support {

namespace {

/// Where the op's weights are: gemm's b, the w of conv, the binary and the 8-bit layers.
unsigned weightIndex(const Op &O) {
  if (isa<GemmOp>(O))
    return GemmOp::bIndex;
  if (isa<QLayerOp>(O))
    return QLayerOp::wIndex;
  return WeightedLayerOp::wIndex;
}
const Value &weights(const Op &O) { return *O.operand(weightIndex(O)); }
const Shape &weightDims(const Op &O) { return weights(O).type().Dims; }

bool constantWeights(const Op &O) {
  return O.numOperands() > weightIndex(O) && weights(O).isConstant();
}
bool binaryWeights(const Op &O) { return weights(O).type().Elem == ElemType::B1; }
bool ungrouped(const Op &O) {
  auto C = dyn_cast<GroupedConvOp>(O);
  return !C || C->group() == 1;
}

/// Product of the dimensions of D from index From on.
int64_t product(const Shape &D, size_t From) {
  int64_t P = 1;
  for (size_t J = From; J < D.size(); ++J)
    P *= D[J];
  return P;
}

/// Replaces the call's argument that passes the weight operand.
void setPacked(const Op &O, KernelCall &Call, Tensor Packed) {
  unsigned W = weightIndex(O);
  for (KernelArg &A : Call.Args)
    if (A.K == KernelArg::Kind::Operand && A.OperandIndex == W) {
      A = KernelArg::derived(std::move(Packed), "packed");
      return;
    }
  llvm_unreachable("the kernel call does not pass the op's weights");
}

Tensor floats(size_t N) { return Tensor(TensorType{ElemType::F32, {static_cast<int64_t>(N)}}); }
Tensor bitWords(size_t Words) {
  return Tensor(TensorType{ElemType::B1, {static_cast<int64_t>(Words) * 64}});
}

} // namespace

bool supportsConstConv2d(const Op &O) {
  return constantWeights(O) && binaryWeights(O) && weightDims(O).size() == 4 && ungrouped(O);
}

bool supportsConstDense(const Op &O) {
  return constantWeights(O) && binaryWeights(O) && weightDims(O).size() == 2;
}

bool supportsTernary(const Op &O) {
  return constantWeights(O) && weights(O).type().Elem == ElemType::I8;
}

bool supportsTernaryConv2d(const Op &O) {
  return supportsTernary(O) && weightDims(O).size() == 4 && ungrouped(O);
}

bool supportsTernaryDense(const Op &O) { return supportsTernary(O) && weightDims(O).size() == 2; }

namespace {
/// The levels of ternary weights [M, C / group, kh, kw] or [M, K] as int8.
std::vector<int8_t> ternaryLevels(const Op &O) {
  const Tensor &W = weights(O).constant();
  std::vector<int8_t> Levels(W.size());
  for (int64_t I = 0; I < W.size(); ++I)
    Levels[I] = static_cast<int8_t>(W.getAsInt(I));
  return Levels;
}

/// Replaces the weight argument of a ternary layer's call: the generic lowering already
/// passes it packed (packOcTernary<1>), so it is found by position (x, w, ...), not by operand.
void setTernaryPacked(KernelCall &Call, Tensor Packed) {
  assert(Call.Args.size() > 1 && "a ternary layer's call passes x, w, ...");
  Call.Args[1] = KernelArg::derived(std::move(Packed), "packed");
}
} // namespace

void packOcTernary(const Op &O, KernelCall &Call, int64_t Lanes) {
  const Shape &D = weightDims(O);
  const int64_t M = D[0], C = D[1], Taps = product(D, 2);
  const int64_t Blocks = (M + Lanes - 1) / Lanes;
  Tensor Packed =
      bitWords(static_cast<size_t>(Blocks * xn_oc_tconv_block_words(Taps, xn_bit_words(C), Lanes)));
  xn_oc_tconv_pack(M, C, Taps, Lanes, ternaryLevels(O).data(), Packed.data<uint64_t>());
  setTernaryPacked(Call, std::move(Packed));
}

bool supportsFloatConv(const Op &O) {
  const size_t Rank = weightDims(O).size(); // [M, C, (KH,) KW]
  return constantWeights(O) && weights(O).type().Elem == ElemType::F32 &&
         (Rank == 3 || Rank == 4) && ungrouped(O);
}

bool supportsX86PixelsConv(const Op &O) {
  return supportsFloatConv(O) && weightDims(O).back() <= XN_X86_CONV_MAX_KW;
}

bool supportsWinogradStem(const Op &O) {
  if (!supportsFloatConv(O) || weightDims(O).size() != 4)
    return false;
  const Tensor &W = weights(O).constant();
  for (int64_t I = 0; I < W.size(); ++I)
    if (!(std::fabs(W.data<float>()[I]) < XN_WINO_MAX_ABS))
      return false;
  const xn_conv_pool_params P = convMaxPoolParams(O);
  xn_wino_stem_geom G;
  return xn_wino_stem_geometry(&P, &G);
}

bool supportsConstBatchNorm(const Op &O) {
  auto B = dyn_cast<BatchNormOp>(O);
  return B && B->scale()->isConstant() && B->bias()->isConstant() && B->mean()->isConstant() &&
         B->var()->isConstant();
}

bool supportsX86DepthwiseConv(const Op &O) {
  auto C = dyn_cast<ConvOp>(O);
  if (!C || weights(O).type().Elem != ElemType::F32)
    return false;
  const Shape &W = weightDims(O), &X = C->x()->type().Dims;
  const auto Dilations = C->dilations();
  const bool Undilated =
      std::all_of(Dilations.begin(), Dilations.end(), [](int64_t D) { return D == 1; });
  const int64_t StrideW = C->strides().back();
  return (W.size() == 3 || W.size() == 4) && X.size() == W.size() && C->group() == X[1] &&
         W[0] == X[1] && W[1] == 1 && Undilated && (StrideW == 1 || StrideW == 2) &&
         W.back() <= XN_X86_GLUE_MAX_KW;
}

bool supportsConstGemm(const Op &O) {
  return constantWeights(O) && weights(O).type().Elem == ElemType::F32 && weightDims(O).size() == 2;
}

bool supportsSparseConv(const Op &O) {
  const Shape &D = weightDims(O);
  return supportsFloatConv(O) && product(D, 1) <= XN_SPARSE_MAX_COLS &&
         product(D, 2) <= XN_SPARSE_MAX_TAPS;
}

bool supportsSparseGemm(const Op &O) {
  const Shape &D = weightDims(O);
  return supportsConstGemm(O) && D[GemmOp(O).transB() ? 1 : 0] <= XN_SPARSE_MAX_COLS;
}

namespace {
/// Rows output channels of Cols weights at W[r * RowStride + c * ColStride] as CSR.
void packSparse(const Op &O, KernelCall &Call, int64_t Rows, int64_t Cols, int64_t RowStride,
                int64_t ColStride) {
  const float *W = weights(O).constant().data<float>();
  const int64_t Nnz = xn_sparse_count(Rows, Cols, RowStride, ColStride, W);
  Tensor Packed = bitWords(static_cast<size_t>(xn_sparse_packed_words(Rows, Nnz)));
  xn_sparse_pack(Rows, Cols, RowStride, ColStride, W, Packed.data<uint64_t>());
  setPacked(O, Call, std::move(Packed));
}
} // namespace

void packSparseConv(const Op &O, KernelCall &Call) {
  const Shape &D = weightDims(O); // [M, C, k...]
  const int64_t Cols = product(D, 1);
  packSparse(O, Call, D[0], Cols, Cols, 1);
}

void packSparseGemm(const Op &O, KernelCall &Call) {
  const Shape &D = weightDims(O); // [N, K] when trans_b, else [K, N]
  if (GemmOp(O).transB())
    packSparse(O, Call, D[0], D[1], D[1], 1);
  else
    packSparse(O, Call, D[1], D[0], 1, D[1]);
}

bool supportsNeonGemm(const Op &O) { return supportsConstGemm(O) && GemmOp(O).transA() == 0; }

namespace {
/// b1 conv / dense weights ([M, C, KH, KW] or [M, K]) repacked into Words(M, taps, cw)
/// words by Pack(M, taps, cw, generic_w, packed): the one shape walk of every blocked-bits
/// format.
template <typename WordsFn, typename PackFn>
void packBlockedBits(const Op &O, KernelCall &Call, WordsFn Words, PackFn Pack) {
  const Shape &D = weightDims(O);
  const int64_t M = D[0], Taps = D.size() == 4 ? D[2] * D[3] : 1, CW = xn_bit_words(D[1]);
  Tensor Packed = bitWords(Words(M, Taps, CW));
  Pack(M, Taps, CW, weights(O).constant().data<uint64_t>(), Packed.data<uint64_t>());
  setPacked(O, Call, std::move(Packed));
}
} // namespace

void packOcBlockedBits(const Op &O, KernelCall &Call, int64_t Lanes) {
  packBlockedBits(
      O, Call,
      [Lanes](int64_t M, int64_t Taps, int64_t CW) {
        return xn_oc_packed_words(M, Taps, CW, Lanes);
      },
      [Lanes](int64_t M, int64_t Taps, int64_t CW, const uint64_t *W, uint64_t *Packed) {
        xn_oc_pack(M, Taps, CW, Lanes, W, Packed);
      });
}

void packX86Bits(const Op &O, KernelCall &Call, X86BitsWords Words, X86BitsPack Pack) {
  packBlockedBits(O, Call, Words, Pack);
}

void packWinogradStem(const Op &O, KernelCall &Call, int64_t OcLanes, int64_t OcTile) {
  const Shape &D = weightDims(O); // [M, C, kh, kw]
  const size_t Wino = xn_wino_stem_weights_size(D[0], D[1]);
  Tensor Packed = floats(Wino + xn_x86_oc_floats_size(D[0], product(D, 1), OcLanes));
  const float *W = weights(O).constant().data<float>();
  xn_wino_stem_pack(W, D[0], D[1], D[2], D[3], Packed.data<float>());
  xn_x86_oc_pack_floats(D[0], product(D, 1), OcLanes, OcTile, W, Packed.data<float>() + Wino);
  setPacked(O, Call, std::move(Packed));
  const xn_conv_pool_params P = convMaxPoolParams(O);
  Call.Multiplies = xn_wino_stem_multiplies(&P);
}

void packX86OcFloats(const Op &O, KernelCall &Call, int64_t OcLanes, int64_t OcTile) {
  const Shape &D = weightDims(O);
  const int64_t Taps = product(D, 1);
  Tensor Packed = floats(xn_x86_oc_floats_size(D[0], Taps, OcLanes));
  xn_x86_oc_pack_floats(D[0], Taps, OcLanes, OcTile, weights(O).constant().data<float>(),
                        Packed.data<float>());
  setPacked(O, Call, std::move(Packed));
}

namespace {
bool is8Bit(const Value *V) {
  return V->type().Elem == ElemType::U8 || V->type().Elem == ElemType::I8;
}
/// Constant 8-bit w, 8-bit x and a requantized 8-bit y (an i32 y, the raw accumulator of
/// ConvInteger / MatMulInteger, stays generic).
bool constant8Bit(const Op &O) {
  QLayerOp L(O);
  return constantWeights(O) && is8Bit(L.x()) && is8Bit(L.w()) && is8Bit(L.y_zero_point());
}
bool signedWeights(const Op &O) { return weights(O).type().Elem == ElemType::I8; }
Tensor bytes(int64_t N) { return Tensor(TensorType{ElemType::U8, {N}}); }

/// A qconv's weights [M, C, k...] as common/q8_pack.h sees them: M rows of Rows kernel rows
/// of Kw taps (Kw the innermost kernel dim).
struct QConvDims {
  int64_t M, Rows, Kw;
};
QConvDims qconvDims(const Op &O) {
  const Shape &D = weightDims(O);
  return {D[0], product(D, 1) / D.back(), D.back()};
}
/// A qgemm's N outputs and K reduction, whichever way its weights are stored.
struct QGemmDims {
  int64_t N, K;
  int TransB;
};
QGemmDims qgemmDims(const Op &O) {
  const Shape &D = weightDims(O);
  const int TransB = static_cast<int>(QGemmOp(O).transB());
  return {TransB ? D[0] : D[1], TransB ? D[1] : D[0], TransB};
}
} // namespace

// The SIMD 8-bit kernels' scratch lives on the stack (common/q8_pack.h): larger layers stay
// generic.
bool supportsQ8Conv(const Op &O) {
  if (!constant8Bit(O) || QConvOp(O).group() != 1)
    return false;
  const QConvDims D = qconvDims(O);
  return xn_q8_conv_scratch_bytes(D.M, D.Rows * xn_q8_k4(D.Kw), XN_Q8_MAX_CHUNK) <=
         XN_Q8_STACK_BYTES;
}
bool supportsQ8Gemm(const Op &O) {
  if (!constant8Bit(O))
    return false;
  const QGemmDims D = qgemmDims(O);
  const int64_t Rows = QLayerOp(O).x()->type().Dims[0];
  return xn_q8_gemm_scratch_bytes(xn_q8_gemm_np(D.N), Rows, xn_q8_k4(D.K)) <= XN_Q8_STACK_BYTES;
}

void packQ8Conv(const Op &O, KernelCall &Call) {
  const QConvDims D = qconvDims(O);
  Tensor Packed = bytes(xn_q8_conv_packed_bytes(D.M, D.Rows, D.Kw));
  xn_q8_pack_conv(D.M, D.Rows, D.Kw, signedWeights(O), weights(O).constant().data<uint8_t>(),
                  Packed.data<uint8_t>());
  setPacked(O, Call, std::move(Packed));
}

void packQ8Gemm(const Op &O, KernelCall &Call) {
  const QGemmDims D = qgemmDims(O);
  Tensor Packed = bytes(xn_q8_gemm_packed_bytes(D.N, D.K));
  xn_q8_pack_gemm(D.N, D.K, D.TransB, signedWeights(O), weights(O).constant().data<uint8_t>(),
                  Packed.data<uint8_t>());
  setPacked(O, Call, std::move(Packed));
}

void packX86OcBits(const Op &O, KernelCall &Call, int64_t OcLanes, int64_t OcTile) {
  const Shape &D = weightDims(O); // bwconv [M, C, KH, KW], bwdense [M, K]
  const int64_t M = D[0], C = D[1], Taps = D.size() == 4 ? D[2] * D[3] : 1;
  Tensor Packed = bitWords(xn_x86_oc_bits_size(M, C * Taps, OcLanes));
  xn_x86_oc_pack_bits(M, C, Taps, OcLanes, OcTile, weights(O).constant().data<uint64_t>(),
                      Packed.data<uint64_t>());
  setPacked(O, Call, std::move(Packed));
}

void packX86ConvPixels(const Op &O, KernelCall &Call, int64_t Block) {
  const Shape &D = weightDims(O);
  const int64_t Taps = product(D, 1);
  Tensor Packed = floats(xn_x86_conv_packed_floats(D[0], Taps, Block));
  xn_x86_conv_pack(D[0], Taps, Block, weights(O).constant().data<float>(), Packed.data<float>());
  setPacked(O, Call, std::move(Packed));
}

void packX86Gemm(const Op &O, KernelCall &Call, int64_t Block) {
  const Shape &D = weightDims(O);
  const int TransB = static_cast<int>(GemmOp(O).transB());
  const int64_t N = TransB ? D[0] : D[1], K = TransB ? D[1] : D[0];
  Tensor Packed = floats(xn_x86_gemm_packed_floats(N, K, Block));
  xn_x86_gemm_pack(N, K, Block, TransB, weights(O).constant().data<float>(), Packed.data<float>());
  setPacked(O, Call, std::move(Packed));
}

namespace {
/// M output channels of K float weights, at W[m * K + k], or W[k * M + m] when ByColumn.
void packNeonFloats(const Op &O, KernelCall &Call, int64_t M, int64_t K, bool ByColumn) {
  Tensor Packed = floats(xn_neon_fpack_floats(M, K));
  xn_neon_fpack(M, K, ByColumn, weights(O).constant().data<float>(), Packed.data<float>());
  setPacked(O, Call, std::move(Packed));
}
} // namespace

void packNeonConv(const Op &O, KernelCall &Call) {
  // ONNX's [M][C][k...] is already the (channel, tap) order the kernel streams.
  const Shape &D = weightDims(O);
  packNeonFloats(O, Call, D[0], product(D, 1), false);
}

void packNeonGemm(const Op &O, KernelCall &Call) {
  const Shape &D = weightDims(O);
  const bool TransB = GemmOp(O).transB() != 0;
  packNeonFloats(O, Call, TransB ? D[0] : D[1], TransB ? D[1] : D[0], !TransB);
}

void packNeonBits(const Op &O, KernelCall &Call) {
  const Shape &D = weightDims(O); // bwconv [M, C, KH, KW], bwdense [M, K]
  const int64_t M = D[0], C = D[1], Taps = D.size() == 4 ? D[2] * D[3] : 1;
  Tensor Packed = bitWords(xn_neon_bwpack_words(M, C * Taps));
  xn_neon_bwpack(M, C, Taps, weights(O).constant().data<uint64_t>(), Packed.data<uint64_t>());
  setPacked(O, Call, std::move(Packed));
}

} // namespace kernel_support
} // namespace xnorc
