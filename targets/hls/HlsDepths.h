//===- HlsDepths.h - The dataflow graph and its FIFO depths ------*- C++ -*-===//
//
// The processes and streams of an HLS accelerator, each process with its production and
// consumption schedule (ProcessTiming), and the FIFO depths computed from a cycle-level
// model of that schedule (docs/HLS.md, "FIFO depths").
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TARGETS_HLS_HLSDEPTHS_H
#define XNORC_TARGETS_HLS_HLSDEPTHS_H

#include <cstdint>
#include <llvm/Support/Error.h>
#include <string>
#include <vector>

namespace xnorc {

/// A process's schedule, the order in which it reads and writes its streams: Firings times,
/// it reads Reads items from its first input (and one item from each other input, before
/// those when ExtraFirst), works Cycles II=1 steps, then writes Writes items to each output
/// in turn (dup2: one to each). A sliding-window generator is its own kind: per output row
/// it reads the input rows its windows need, then writes the row's windows.
struct ProcessTiming {
  enum Kind { Firing, Window } K = Firing;
  int64_t Firings = 0, Reads = 1, Cycles = 1, Writes = 1;
  bool ExtraFirst = false;
  // Window: input H x W, output OH x OW, kernel KH x KW, vertical stride and top pad, images.
  int64_t H = 0, W = 0, OH = 0, OW = 0, KH = 0, KW = 0, SH = 1, PT = 0, N = 1;

  /// One item in, one item out per cycle.
  static ProcessTiming streaming(int64_t Items) { return rows(Items, 1, 1, 1); }
  /// Firings times: read Reads items, work Cycles steps, write Writes items.
  static ProcessTiming rows(int64_t Firings, int64_t Reads, int64_t Cycles, int64_t Writes) {
    ProcessTiming T;
    T.Firings = Firings, T.Reads = Reads, T.Cycles = Cycles, T.Writes = Writes;
    return T;
  }
  static ProcessTiming window(int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t KH, int64_t KW,
                              int64_t SH, int64_t PT, int64_t N) {
    ProcessTiming T;
    T.K = Window;
    T.H = H, T.W = W, T.OH = OH, T.OW = OW, T.KH = KH, T.KW = KW, T.SH = SH, T.PT = PT, T.N = N;
    return T;
  }
};

struct HlsStream {
  std::string Symbol, ItemType, Label;
  int64_t Items = 0; ///< items that pass per call of the top function
  int64_t WidthBits = 0;
  bool External = false; ///< an AXI-Stream port of the top function
  int64_t Depth = 2;
  int Producer = -1, Consumer = -1;
};

struct HlsProcess {
  std::string Ident; ///< the process's name in XNORC_HLS_PROCESS (a deadlock report gives it)
  std::string Label, Call;
  std::vector<int> In, Out;
  ProcessTiming Timing;
};

struct HlsDataflow {
  std::vector<HlsStream> Streams;
  std::vector<HlsProcess> Processes;

  int addStream(std::string Symbol, std::string ItemType, int64_t Items, int64_t WidthBits,
                std::string Label);
  int addExternal(std::string Symbol, std::string ItemType, int64_t Items, int64_t WidthBits,
                  std::string Label);
  void addProcess(std::string Ident, std::string Label, std::string Call, std::vector<int> In,
                  std::vector<int> Out, ProcessTiming Timing);
  /// Sets every internal stream's Depth: the smallest power of two (at least 2) at which
  /// the schedules of all processes run to completion without a deadlock (HlsDepths.cpp).
  llvm::Error computeDepths();
};

} // namespace xnorc

#endif
