//===- MemoryPlan.h - Where every value lives in generated code --*- C++ -*-===//
//
// Generated code never allocates: every intermediate tensor gets an offset in
// one caller-provided arena, chosen from tensor lifetimes so that tensors that
// are never live at the same time share bytes, and an elementwise result (or a
// binary conv's output with its residual) may overwrite the operand it is made
// from when nothing reads that operand afterwards: one map instead of two, which
// keeps a residual network's working set in the cache.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_ANALYSIS_MEMORYPLAN_H
#define XNORC_ANALYSIS_MEMORYPLAN_H

#include "compiler/IR/Graph.h"

#include <unordered_map>

namespace xnorc {

struct Storage {
  enum class Kind {
    Input,    ///< the caller's input buffer Index
    Output,   ///< the caller's output buffer Index
    Arena,    ///< arena + Offset
    Constant, ///< a static const array
  };
  Kind K = Kind::Arena;
  unsigned Index = 0;
  int64_t Offset = 0;
};

struct MemoryPlan {
  static constexpr int64_t Alignment = 64;
  std::unordered_map<const Value *, Storage> Where;
  /// Reshapes that need no code: their result shares the operand's storage.
  std::unordered_map<const Op *, bool> IsAlias;
  /// Graph outputs whose value is stored elsewhere (an input, a constant, an
  /// alias, or another output): copied into the output buffer at the end.
  std::vector<std::pair<unsigned, const Value *>> OutputCopies;
  int64_t ArenaBytes = 0;
  /// Sum of the sizes of all arena tensors: what a planner without reuse needs.
  int64_t UnsharedBytes = 0;
};

/// WrittenBy: values a kernel writes before their own op runs, with the op whose call writes
/// them (a threshold fused into its producer's epilogue: CpuTarget::signOutputs); their
/// lifetime starts at that op, so they share no storage with its operands or result.
MemoryPlan planMemory(const Graph &G,
                      const std::unordered_map<const Value *, const Op *> &WrittenBy = {});

} // namespace xnorc

#endif
