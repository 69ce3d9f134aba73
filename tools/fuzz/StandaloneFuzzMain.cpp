//===- StandaloneFuzzMain.cpp - Runs a fuzz target without libFuzzer -------===//
//
// The fuzz targets are libFuzzer targets (LLVMFuzzerTestOneInput). With clang
// and -DXNORC_FUZZ=ON they link libFuzzer (coverage-guided, scripts/fuzz.sh).
// Every other build links this driver instead, so the same targets run in the
// test suite with any compiler: each seed input once, then a fixed number of
// deterministic mutations of them (bit flips, interesting bytes, insertions,
// deletions, truncation, splices, dictionary tokens). Not coverage-guided: it is
// the smoke run, and it replays the regression inputs of crashes found by the
// long runs. Flags follow libFuzzer's spelling:
//
//   xnorc-fuzz-onnx [-runs=N] [-seed=S] [-max_len=L] [-dict=FILE] INPUT|DIR...
//
// If an input crashes the process, the signal handler writes it to
// ./crash-<target>-<execution> before the process dies with that signal.
//
//===----------------------------------------------------------------------===//
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size);

namespace {

using Bytes = std::vector<uint8_t>;

// The input being executed, for the crash handler (set before each execution).
const Bytes *CurrentInput = nullptr;
char CrashPath[256];

extern "C" void onCrash(int Sig) {
  if (CurrentInput) {
    int Fd = open(CrashPath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (Fd >= 0) {
      if (write(Fd, CurrentInput->data(), CurrentInput->size()) < 0) {
      }
      close(Fd);
    }
    const char Msg[] = "xnorc-fuzz: crashing input written to ";
    if (write(2, Msg, sizeof(Msg) - 1) < 0 || write(2, CrashPath, strlen(CrashPath)) < 0 ||
        write(2, "\n", 1) < 0) {
    }
  }
  signal(Sig, SIG_DFL);
  raise(Sig);
}

struct Rng { // xorshift64*: deterministic across platforms and compilers
  uint64_t S;
  uint64_t next() {
    S ^= S >> 12;
    S ^= S << 25;
    S ^= S >> 27;
    return S * 2685821657736338717ULL;
  }
  size_t below(size_t N) { return N ? static_cast<size_t>(next() % N) : 0; }
};

bool readFile(const std::string &Path, Bytes &Out) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return false;
  std::stringstream SS;
  SS << In.rdbuf();
  std::string S = SS.str();
  Out.assign(S.begin(), S.end());
  return true;
}

void collect(const std::string &Path, std::vector<Bytes> &Corpus) {
  struct stat St;
  if (stat(Path.c_str(), &St) != 0) {
    std::fprintf(stderr, "xnorc-fuzz: %s: %s\n", Path.c_str(), std::strerror(errno));
    std::exit(2);
  }
  if (!S_ISDIR(St.st_mode)) {
    Bytes B;
    if (!readFile(Path, B)) {
      std::fprintf(stderr, "xnorc-fuzz: %s: cannot read\n", Path.c_str());
      std::exit(2);
    }
    Corpus.push_back(std::move(B));
    return;
  }
  DIR *D = opendir(Path.c_str());
  std::vector<std::string> Names;
  while (dirent *E = readdir(D))
    if (E->d_name[0] != '.')
      Names.push_back(E->d_name);
  closedir(D);
  std::sort(Names.begin(), Names.end()); // the same order on every machine
  for (const std::string &N : Names)
    collect(Path + "/" + N, Corpus);
}

// libFuzzer dictionary format: one "token" per line, # comments, optional name=.
std::vector<Bytes> readDict(const std::string &Path) {
  std::vector<Bytes> Tokens;
  std::ifstream In(Path);
  if (!In) {
    std::fprintf(stderr, "xnorc-fuzz: %s: cannot read dictionary\n", Path.c_str());
    std::exit(2);
  }
  std::string Line;
  while (std::getline(In, Line)) {
    size_t Q = Line.find('"'), E = Line.rfind('"');
    if (Line.empty() || Line[0] == '#' || Q == std::string::npos || E <= Q)
      continue;
    Bytes T;
    for (size_t I = Q + 1; I < E; ++I) {
      if (Line[I] == '\\' && I + 1 < E) {
        char C = Line[++I];
        if (C == 'x' && I + 2 < E) {
          T.push_back(
              static_cast<uint8_t>(std::strtol(Line.substr(I + 1, 2).c_str(), nullptr, 16)));
          I += 2;
        } else {
          T.push_back(static_cast<uint8_t>(C == 'n' ? '\n' : C));
        }
      } else {
        T.push_back(static_cast<uint8_t>(Line[I]));
      }
    }
    Tokens.push_back(std::move(T));
  }
  return Tokens;
}

void mutate(Bytes &B, const std::vector<Bytes> &Corpus, const std::vector<Bytes> &Dict, Rng &R,
            size_t MaxLen) {
  static const uint8_t Interesting[] = {0, 1, 0x7f, 0x80, 0xff, 0x10, 0x40, '-', '9', '['};
  unsigned Steps = 1 + R.below(4);
  for (unsigned S = 0; S < Steps; ++S) {
    switch (R.below(8)) {
    case 0: // flip a bit
      if (!B.empty())
        B[R.below(B.size())] ^= static_cast<uint8_t>(1u << R.below(8));
      break;
    case 1: // an interesting byte
      if (!B.empty())
        B[R.below(B.size())] = Interesting[R.below(sizeof(Interesting))];
      break;
    case 2: { // insert random bytes
      size_t At = R.below(B.size() + 1), N = 1 + R.below(8);
      for (size_t I = 0; I < N; ++I)
        B.insert(B.begin() + static_cast<ptrdiff_t>(At), static_cast<uint8_t>(R.next()));
      break;
    }
    case 3: { // delete a range
      if (B.empty())
        break;
      size_t At = R.below(B.size()), N = 1 + R.below(std::min<size_t>(B.size() - At, 16));
      B.erase(B.begin() + static_cast<ptrdiff_t>(At), B.begin() + static_cast<ptrdiff_t>(At + N));
      break;
    }
    case 4: // truncate
      B.resize(R.below(B.size() + 1));
      break;
    case 5: { // copy a range within the input
      if (B.size() < 2)
        break;
      size_t From = R.below(B.size()), N = 1 + R.below(std::min<size_t>(B.size() - From, 64));
      Bytes Chunk(B.begin() + static_cast<ptrdiff_t>(From),
                  B.begin() + static_cast<ptrdiff_t>(From + N));
      B.insert(B.begin() + static_cast<ptrdiff_t>(R.below(B.size() + 1)), Chunk.begin(),
               Chunk.end());
      break;
    }
    case 6: { // splice with another seed
      const Bytes &O = Corpus[R.below(Corpus.size())];
      if (O.empty())
        break;
      size_t Cut = R.below(B.size() + 1), From = R.below(O.size());
      B.resize(Cut);
      B.insert(B.end(), O.begin() + static_cast<ptrdiff_t>(From), O.end());
      break;
    }
    default: { // a dictionary token, or overwrite a multi-byte number's bytes
      if (!Dict.empty()) {
        const Bytes &T = Dict[R.below(Dict.size())];
        B.insert(B.begin() + static_cast<ptrdiff_t>(R.below(B.size() + 1)), T.begin(), T.end());
      } else if (B.size() >= 4) {
        size_t At = R.below(B.size() - 3);
        uint32_t V = static_cast<uint32_t>(R.next());
        std::memcpy(&B[At], &V, 4);
      }
      break;
    }
    }
  }
  if (B.size() > MaxLen)
    B.resize(MaxLen);
}

} // namespace

int main(int Argc, char **Argv) {
  long long Runs = 0;
  uint64_t Seed = 1;
  size_t MaxLen = 1 << 20;
  std::vector<Bytes> Corpus, Dict;
  const char *Self = strrchr(Argv[0], '/') ? strrchr(Argv[0], '/') + 1 : Argv[0];
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    if (A.rfind("-runs=", 0) == 0)
      Runs = std::atoll(A.c_str() + 6);
    else if (A.rfind("-seed=", 0) == 0)
      Seed = std::strtoull(A.c_str() + 6, nullptr, 10);
    else if (A.rfind("-max_len=", 0) == 0)
      MaxLen = std::strtoull(A.c_str() + 9, nullptr, 10);
    else if (A.rfind("-dict=", 0) == 0)
      Dict = readDict(A.substr(6));
    else if (A[0] == '-') {
      std::fprintf(stderr, "%s: unknown flag %s\n", Self, A.c_str());
      return 2;
    } else
      collect(A, Corpus);
  }
  if (Corpus.empty()) {
    std::fprintf(stderr, "%s: no seed inputs (give files or folders)\n", Self);
    return 2;
  }
  for (int Sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
    signal(Sig, onCrash);

  long long Executions = 0;
  auto Execute = [&](const Bytes &B) {
    std::snprintf(CrashPath, sizeof(CrashPath), "crash-%s-%lld", Self, Executions);
    CurrentInput = &B;
    LLVMFuzzerTestOneInput(B.data(), B.size());
    CurrentInput = nullptr;
    ++Executions;
  };
  for (const Bytes &B : Corpus)
    Execute(B);
  Rng R{Seed * 0x9E3779B97F4A7C15ULL + 1};
  for (long long I = 0; I < Runs; ++I) {
    Bytes B = Corpus[R.below(Corpus.size())];
    mutate(B, Corpus, Dict, R, MaxLen);
    Execute(B);
  }
  std::printf("%s: %lld executions (%zu seed inputs, %lld mutations, seed %llu), no crash\n", Self,
              Executions, Corpus.size(), Runs, static_cast<unsigned long long>(Seed));
  return 0;
}
