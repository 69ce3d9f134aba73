//===- MemoryPlan.cpp - Lifetime-based arena assignment -------------------===//
//
// Greedy by size (largest first), first fit among the intervals whose
// lifetimes overlap: the classic offline approach (Glow, TFLite) that is near
// optimal for the chain-like graphs of CNNs.
//
//===----------------------------------------------------------------------===//
#include "compiler/Analysis/MemoryPlan.h"

#include "compiler/IR/OpViews.h"

#include <algorithm>

namespace xnorc {

namespace {
int64_t alignUp(int64_t V, int64_t A) { return (V + A - 1) / A * A; }

struct Interval {
  const Value *V;
  int64_t Bytes, Begin, End;
};

/// The placed intervals, indexed by Begin (one value starts per op, or two when a
/// kernel also writes a later op's result): a max tree over End finds the placed
/// intervals overlapping a lifetime in time proportional to their number, where a
/// scan of all placed ones made planning quadratic in the op count.
class PlacedIntervals {
public:
  explicit PlacedIntervals(size_t NumOps) {
    while (Leaves < NumOps)
      Leaves *= 2;
    MaxEnd.assign(2 * Leaves, -1);
    Placed.resize(Leaves);
  }

  void place(const Interval &Iv, int64_t Offset) {
    size_t N = Leaves + Iv.Begin;
    Placed[Iv.Begin].push_back({Offset, Offset + Iv.Bytes, Iv.End});
    MaxEnd[N] = std::max(MaxEnd[N], Iv.End);
    for (N /= 2; N; N /= 2)
      MaxEnd[N] = std::max(MaxEnd[2 * N], MaxEnd[2 * N + 1]);
  }

  /// [offset, end) of every placed interval alive at some point of [Begin, End].
  void overlapping(int64_t Begin, int64_t End,
                   std::vector<std::pair<int64_t, int64_t>> &Out) const {
    collect(1, 0, Leaves - 1, Begin, End, Out);
  }

private:
  struct Block {
    int64_t Offset, OffsetEnd, End; ///< [Offset, OffsetEnd) of the arena until op End
  };
  size_t Leaves = 1;
  std::vector<int64_t> MaxEnd;            ///< per tree node
  std::vector<std::vector<Block>> Placed; ///< per Begin

  // Overlap: other.Begin <= End (the leaf range) and other.End >= Begin (MaxEnd).
  void collect(size_t N, int64_t Lo, int64_t Hi, int64_t Begin, int64_t End,
               std::vector<std::pair<int64_t, int64_t>> &Out) const {
    if (Lo > End || MaxEnd[N] < Begin)
      return;
    if (Lo == Hi) {
      for (const Block &B : Placed[Lo])
        if (B.End >= Begin)
          Out.push_back({B.Offset, B.OffsetEnd});
      return;
    }
    int64_t Mid = (Lo + Hi) / 2;
    collect(2 * N, Lo, Mid, Begin, End, Out);
    collect(2 * N + 1, Mid + 1, Hi, Begin, End, Out);
  }
};

/// The storage root an InPlace op's result may take over at op index I, or null: the operand
/// it may overwrite (`residual` if the op has one, else any operand) whose root is an arena
/// value of the result's element type and size that no op after I reads.
template <typename RootFn>
const Value *
inPlaceDonor(const Op &O, int64_t I, const std::unordered_map<const Value *, int64_t> &LastRead,
             const std::unordered_map<const Value *, Interval> &Live, const RootFn &RootOf) {
  if (!hasTrait(O.kind(), OpTrait::InPlace))
    return nullptr;
  const TensorType &RT = O.result()->type();
  if (RT.Elem == ElemType::B1)
    return nullptr;
  auto Fits = [&](const Value *V) -> const Value * {
    const Value *Root = RootOf(V);
    auto L = LastRead.find(Root);
    if (!Live.count(Root) || L == LastRead.end() || L->second != I)
      return nullptr;
    const TensorType &VT = Root->type();
    return VT.Elem == RT.Elem && VT.numElements() == RT.numElements() ? Root : nullptr;
  };
  int Residual = opSchema(O.kind()).operandIndex("residual");
  if (Residual >= 0)
    return Residual < static_cast<int>(O.operands().size()) ? Fits(O.operands()[Residual])
                                                            : nullptr;
  for (const Value *V : O.operands())
    if (const Value *Root = Fits(V))
      return Root;
  return nullptr;
}
} // namespace

MemoryPlan planMemory(const Graph &G,
                      const std::unordered_map<const Value *, const Op *> &WrittenBy) {
  MemoryPlan Plan;
  for (unsigned I = 0; I < G.inputs().size(); ++I)
    Plan.Where[G.inputs()[I]] = {Storage::Kind::Input, I, 0};
  for (const Value *C : G.constants())
    Plan.Where[C] = {Storage::Kind::Constant, 0, 0};

  auto Ops = G.ops();
  // The value whose storage each value uses: itself, the source of an aliased reshape, or the
  // operand an in-place op overwrote (followed to the end of the chain).
  std::unordered_map<const Value *, const Value *> Root;
  auto RootOf = [&](const Value *V) {
    for (auto It = Root.find(V); It != Root.end(); It = Root.find(V))
      V = It->second;
    return V;
  };
  std::vector<bool> OutputTaken(G.outputs().size(), false);
  std::unordered_map<const Value *, unsigned> FirstOutputSlot;
  for (unsigned I = G.outputs().size(); I-- > 0;)
    FirstOutputSlot[G.outputs()[I]] = I;
  for (const Op *O : Ops) {
    const Value *R = O->result();
    auto OutIt = FirstOutputSlot.find(R);
    if (OutIt != FirstOutputSlot.end()) {
      unsigned Idx = OutIt->second;
      Plan.Where[R] = {Storage::Kind::Output, Idx, 0};
      OutputTaken[Idx] = true;
      continue;
    }
    if (O->kind() == OpKind::Reshape) {
      Plan.IsAlias[O] = true;
      Root[R] = RootOf(ReshapeOp(*O).x());
    }
  }
  for (unsigned I = 0; I < G.outputs().size(); ++I)
    if (!OutputTaken[I] || Plan.Where.at(G.outputs()[I]).Index != I)
      Plan.OutputCopies.push_back({I, G.outputs()[I]});

  // The last op reading each storage root (through reshape aliases); a value an output copy
  // reads is read at the end.
  std::unordered_map<const Value *, int64_t> LastRead;
  for (int64_t I = 0; I < static_cast<int64_t>(Ops.size()); ++I)
    for (const Value *V : Ops[I]->operands())
      LastRead[RootOf(V)] = I;
  for (auto &[Idx, V] : Plan.OutputCopies)
    LastRead[RootOf(V)] = static_cast<int64_t>(Ops.size());

  // Lifetimes over op indices, from the op whose kernel writes the value (its own, or the one
  // of WrittenBy). An InPlace op's result takes over the arena storage of the operand it may
  // overwrite when that operand has its type and size and this op is its last reader: the two
  // are one interval (the result's readers extend it).
  std::unordered_map<const Op *, int64_t> Index;
  for (int64_t I = 0; I < static_cast<int64_t>(Ops.size()); ++I)
    Index[Ops[I]] = I;
  std::unordered_map<const Value *, Interval> Live;
  for (int64_t I = 0; I < static_cast<int64_t>(Ops.size()); ++I) {
    const Op *O = Ops[I];
    const Value *R = O->result();
    if (!Plan.Where.count(R) && !Root.count(R)) {
      auto Early = WrittenBy.find(R);
      const Value *Donor = Early == WrittenBy.end()
                               ? inPlaceDonor(*O, I, LastRead, Live, RootOf)
                               : nullptr; // a donor's last reader would run after the write
      if (Donor) {
        Root[R] = Donor;
        LastRead[Donor] = LastRead.count(R) ? LastRead[R] : I;
      } else {
        const int64_t Begin = Early == WrittenBy.end() ? I : Index.at(Early->second);
        Live[R] = {R, alignUp(R->type().storageBytes(), MemoryPlan::Alignment), Begin, I};
      }
    }
    for (const Value *V : O->operands()) {
      auto It = Live.find(RootOf(V));
      if (It != Live.end())
        It->second.End = I;
    }
  }
  for (auto &[Idx, V] : Plan.OutputCopies) {
    auto It = Live.find(RootOf(V));
    if (It != Live.end())
      It->second.End = Ops.size();
  }

  std::vector<Interval> Order;
  for (auto &[V, Iv] : Live)
    Order.push_back(Iv);
  std::sort(Order.begin(), Order.end(), [](const Interval &A, const Interval &B) {
    return A.Bytes != B.Bytes ? A.Bytes > B.Bytes : A.Begin < B.Begin;
  });
  PlacedIntervals Placed(Ops.size());
  std::vector<std::pair<int64_t, int64_t>> Busy; // [offset, end) of overlapping lifetimes
  for (const Interval &Iv : Order) {
    Busy.clear();
    Placed.overlapping(Iv.Begin, Iv.End, Busy);
    std::sort(Busy.begin(), Busy.end());
    int64_t Offset = 0;
    for (auto &[B, E] : Busy) {
      if (Offset + Iv.Bytes <= B)
        break;
      Offset = std::max(Offset, E);
    }
    Placed.place(Iv, Offset);
    Plan.Where[Iv.V] = {Storage::Kind::Arena, 0, Offset};
    Plan.ArenaBytes = std::max(Plan.ArenaBytes, Offset + Iv.Bytes);
    Plan.UnsharedBytes += Iv.Bytes;
  }
  // Aliases and in-place results resolve to their root's final placement.
  for (auto &[V, R] : Root)
    Plan.Where[V] = Plan.Where[RootOf(V)];
  return Plan;
}

} // namespace xnorc
