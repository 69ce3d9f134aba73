// The occupancy record of every hls::stream of a C simulation, for sizing FIFOs: per stream
// name its depth, whether C simulation bounded it, the most items it ever held at once and
// the number of writes. Streams of the same name (a top function called once per image
// makes its streams anew each time) share one record, the maxima over all of them.
//
//   xnorc_hls::stream_stats()             the records, sorted by name
//   xnorc_hls::write_fifo_report(path)    them as JSON
//   XNORC_HLS_FIFO_REPORT=path            the same file, written when the program exits
//                                         (normally, or by a detected deadlock)
//
// In sequential mode a stream holds a whole tensor (its producer runs to the end before the
// consumer starts), so max_occupancy says what sequential order needs, not what the
// hardware needs; the dataflow mode's numbers are the ones to size FIFOs from.
#ifndef XNORC_RUNTIME_HLS_STREAM_STATS_H
#define XNORC_RUNTIME_HLS_STREAM_STATS_H

#include "mode.h"

#if !XNORC_HLS_VENDOR
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace xnorc_hls {

struct StreamStat {
  std::string Name;
  int Depth = 0;
  bool Bounded = false; // blocked at Depth (dataflow mode, inside a dataflow region)
  unsigned long long MaxOccupancy = 0;
  unsigned long long Writes = 0;
};

namespace detail {

class StatRegistry {
public:
  static StatRegistry &get() {
    static StatRegistry R;
    return R;
  }
  // The record for Name, made on first use; it lives as long as the program.
  StreamStat *record(const std::string &Name, int Depth, bool Bounded) {
    std::lock_guard<std::mutex> L(M);
    StreamStat &S = Stats[Name];
    S.Name = Name;
    S.Depth = S.Depth > Depth ? S.Depth : Depth;
    S.Bounded = S.Bounded || Bounded;
    return &S;
  }
  std::vector<StreamStat> all() {
    std::lock_guard<std::mutex> L(M);
    std::vector<StreamStat> Out;
    for (auto &KV : Stats)
      Out.push_back(KV.second);
    return Out;
  }
  // Writes the environment's report, if it asks for one (at exit and before a deadlock
  // ends the program).
  void writeEnvReport();
  ~StatRegistry() { writeEnvReport(); }

private:
  StatRegistry() = default;
  std::mutex M;
  std::map<std::string, StreamStat> Stats;
};

inline bool writeFifoReport(const char *Path, const std::vector<StreamStat> &Stats);

inline void jsonString(std::FILE *F, const std::string &S) {
  std::fputc('"', F);
  for (unsigned char C : S) {
    if (C == '"' || C == '\\')
      std::fprintf(F, "\\%c", C);
    else if (C < 0x20 || C == 0x7f)
      std::fprintf(F, "\\u%04x", C);
    else
      std::fputc(C, F);
  }
  std::fputc('"', F);
}

} // namespace detail

inline std::vector<StreamStat> stream_stats() { return detail::StatRegistry::get().all(); }

// Writes {"mode": ..., "streams": [{"name", "depth", "bounded", "max_occupancy", "writes"}]};
// false (and no file left behind) if it cannot.
inline bool write_fifo_report(const char *Path) {
  return detail::writeFifoReport(Path, stream_stats());
}

inline bool detail::writeFifoReport(const char *Path, const std::vector<StreamStat> &Stats) {
  const std::string Tmp = std::string(Path) + ".tmp";
  std::FILE *F = std::fopen(Tmp.c_str(), "w");
  if (!F)
    return false;
  std::fprintf(F, "{\"mode\": \"%s\", \"streams\": [",
               XNORC_HLS_THREADED ? "dataflow" : "sequential");
  bool First = true;
  for (const StreamStat &S : Stats) {
    std::fprintf(F, "%s\n  {\"name\": ", First ? "" : ",");
    jsonString(F, S.Name);
    std::fprintf(F, ", \"depth\": %d, \"bounded\": %s, \"max_occupancy\": %llu, \"writes\": %llu}",
                 S.Depth, S.Bounded ? "true" : "false", S.MaxOccupancy, S.Writes);
    First = false;
  }
  std::fprintf(F, "\n]}\n");
  const bool Ok = std::fclose(F) == 0 && std::rename(Tmp.c_str(), Path) == 0;
  if (!Ok)
    std::remove(Tmp.c_str());
  return Ok;
}

inline void detail::StatRegistry::writeEnvReport() {
  const char *Path = std::getenv("XNORC_HLS_FIFO_REPORT");
  if (Path && *Path && !writeFifoReport(Path, all()))
    std::fprintf(stderr, "xnorc hls csim: cannot write the FIFO report '%s'\n", Path);
}

} // namespace xnorc_hls
#endif // !XNORC_HLS_VENDOR

#endif
