// The command line every xnorc benchmark program takes: [--quick] [--json PATH].
#ifndef XNORC_BENCH_BENCH_ARGS_H
#define XNORC_BENCH_BENCH_ARGS_H

#include <cstdio>
#include <cstring>
#include <string>

struct BenchArgs {
  bool Quick = false; ///< fewer, shorter repetitions (a smoke run)
  std::string Json;   ///< where the results go
};

/// Parses argv; prints usage and returns false on anything else.
inline bool parseBenchArgs(int argc, char **argv, const char *DefaultJson, BenchArgs &Out) {
  Out.Json = DefaultJson;
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--quick"))
      Out.Quick = true;
    else if (!strcmp(argv[i], "--json") && i + 1 < argc)
      Out.Json = argv[++i];
    else {
      fprintf(stderr, "usage: %s [--quick] [--json PATH]\n", argv[0]);
      return false;
    }
  }
  return true;
}

#endif
