//===- HlsDepths.cpp - The dataflow graph and its FIFO depths -------------===//
#include "targets/hls/HlsDepths.h"

#include <algorithm>
#include <cstdint>

namespace xnorc {

int HlsDataflow::addStream(std::string Symbol, std::string ItemType, int64_t Items,
                           int64_t WidthBits, std::string Label) {
  HlsStream S;
  S.Symbol = std::move(Symbol), S.ItemType = std::move(ItemType), S.Label = std::move(Label);
  S.Items = Items, S.WidthBits = WidthBits;
  Streams.push_back(std::move(S));
  return static_cast<int>(Streams.size()) - 1;
}

int HlsDataflow::addExternal(std::string Symbol, std::string ItemType, int64_t Items,
                             int64_t WidthBits, std::string Label) {
  int I = addStream(std::move(Symbol), std::move(ItemType), Items, WidthBits, std::move(Label));
  Streams[I].External = true;
  Streams[I].Depth = Items;
  return I;
}

void HlsDataflow::addProcess(std::string Ident, std::string Label, std::string Call,
                             std::vector<int> In, std::vector<int> Out, ProcessTiming Timing) {
  const int Index = static_cast<int>(Processes.size());
  for (int S : In)
    Streams[S].Consumer = Index;
  for (int S : Out)
    Streams[S].Producer = Index;
  Processes.push_back({std::move(Ident), std::move(Label), std::move(Call), std::move(In),
                       std::move(Out), std::move(Timing)});
}

namespace {

/// A run of one action of a process's schedule: read or write Count items of a stream.
struct Segment {
  int64_t Count;
  int Stream;
  bool Write;
};

/// Stream actions (reads and writes of a schedule, before merging) the FIFO model simulates
/// at most, over all processes. The model runs each action, so its memory (16 bytes a
/// segment) and time grow with the stream lengths: a model with a 40-million-channel "pixel"
/// took gigabytes here (found by fuzzing). A streaming process does about two actions per
/// pixel: a megapixel map streamed through a few full-resolution processes fits.
constexpr int64_t MaxScheduleActions = int64_t(1) << 24;

/// The schedule of P as segments, merged where consecutive ones act on the same stream.
/// False (S incomplete) once the actions of all schedules so far pass Budget.
bool scheduleOf(const HlsProcess &P, int64_t &Budget, std::vector<Segment> &S) {
  auto Add = [&](bool Write, int Stream, int64_t Count) {
    if (--Budget < 0 || Count <= 0)
      return;
    if (!S.empty() && S.back().Write == Write && S.back().Stream == Stream)
      S.back().Count += Count;
    else
      S.push_back({Count, Stream, Write});
  };
  const ProcessTiming &T = P.Timing;
  if (T.K == ProcessTiming::Window) {
    for (int64_t N = 0; N < T.N && Budget >= 0; ++N) {
      int64_t NextRow = 0;
      for (int64_t OY = 0; OY < T.OH && Budget >= 0; ++OY) {
        const int64_t Last = std::min(OY * T.SH - T.PT + T.KH - 1, T.H - 1);
        Add(false, P.In[0], std::max<int64_t>(0, Last + 1 - NextRow) * T.W);
        NextRow = std::max(NextRow, Last + 1);
        Add(true, P.Out[0], T.OW * T.KH * T.KW);
      }
      Add(false, P.In[0], (T.H - NextRow) * T.W);
    }
    return Budget >= 0;
  }
  for (int64_t F = 0; F < T.Firings && Budget >= 0; ++F) {
    if (T.ExtraFirst)
      for (size_t I = 1; I < P.In.size(); ++I)
        Add(false, P.In[I], 1);
    Add(false, P.In[0], T.Reads);
    if (!T.ExtraFirst)
      for (size_t I = 1; I < P.In.size(); ++I)
        Add(false, P.In[I], 1);
    if (P.Out.size() > 1) { // dup2: each item to every output
      for (int64_t W = 0; W < T.Writes && Budget >= 0; ++W)
        for (int O : P.Out)
          Add(true, O, 1);
    } else {
      for (int O : P.Out)
        Add(true, O, T.Writes);
    }
  }
  return Budget >= 0;
}

} // namespace

llvm::Error HlsDataflow::computeDepths() {
  std::vector<std::vector<Segment>> Schedules(Processes.size());
  int64_t Budget = MaxScheduleActions;
  for (size_t P = 0; P < Processes.size(); ++P)
    if (!scheduleOf(Processes[P], Budget, Schedules[P]))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "the dataflow is too long to size its FIFOs: its processes read and write streams "
          "more than %lld times (at process %s), the most the FIFO model simulates",
          static_cast<long long>(MaxScheduleActions), Processes[P].Ident.c_str());
  for (HlsStream &S : Streams)
    if (!S.External)
      S.Depth = 2;
  // Run every process as far as its streams let it, round robin, until all finish; at a
  // deadlock double each full FIFO a blocked writer waits on, and start again.
  for (int Attempt = 0; Attempt < 64; ++Attempt) {
    std::vector<int64_t> Occupancy(Streams.size(), 0);
    std::vector<size_t> Seg(Processes.size(), 0);
    std::vector<int64_t> Done(Processes.size(), 0); // items done of the current segment
    for (size_t I = 0; I < Streams.size(); ++I)
      if (Streams[I].External && Streams[I].Producer < 0)
        Occupancy[I] = Streams[I].Items; // the testbench writes the whole input first
    auto Capacity = [&](int S) { return Streams[S].External ? INT64_MAX : Streams[S].Depth; };
    bool Progress = true, Finished = false;
    while (Progress && !Finished) {
      Progress = false;
      Finished = true;
      for (size_t P = 0; P < Processes.size(); ++P) {
        const std::vector<Segment> &Sch = Schedules[P];
        while (Seg[P] < Sch.size()) {
          const Segment &G = Sch[Seg[P]];
          const int64_t Left = G.Count - Done[P];
          const int64_t Can = G.Write ? std::min(Left, Capacity(G.Stream) - Occupancy[G.Stream])
                                      : std::min(Left, Occupancy[G.Stream]);
          if (Can <= 0)
            break;
          Occupancy[G.Stream] += G.Write ? Can : -Can;
          Done[P] += Can;
          Progress = true;
          if (Done[P] == G.Count) {
            ++Seg[P];
            Done[P] = 0;
          }
        }
        if (Seg[P] < Sch.size())
          Finished = false;
      }
    }
    if (Finished)
      return llvm::Error::success();
    // The FIFOs to deepen: full ones whose reader waits on another, empty stream (two paths
    // that meet again at different rates, e.g. a shortcut beside a window). A full FIFO whose
    // reader is itself blocked writing only passes the back-pressure on.
    auto Waiting = [&](int P, bool Write) {
      return P >= 0 && Seg[P] < Schedules[P].size() && Schedules[P][Seg[P]].Write == Write;
    };
    std::vector<int> Grow;
    for (size_t P = 0; P < Processes.size(); ++P) {
      if (!Waiting(static_cast<int>(P), true))
        continue;
      const int S = Schedules[P][Seg[P]].Stream;
      if (!Streams[S].External && Occupancy[S] >= Streams[S].Depth &&
          Waiting(Streams[S].Consumer, false))
        Grow.push_back(S);
    }
    if (Grow.empty())
      break; // every blocked process waits to read: the schedules themselves do not match
    for (int S : Grow)
      Streams[S].Depth *= 2;
  }
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "internal error: the dataflow schedule deadlocks at any FIFO "
                                 "depth (a layer reads or writes more items than its neighbour)");
}

} // namespace xnorc
