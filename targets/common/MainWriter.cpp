//===- MainWriter.cpp - The --emit-main command-line harness --------------===//
//
// The harness is what tests and users run: `prog IN0.npy ... -o OUTDIR`. It
// may allocate (it is not the model); the model code stays malloc-free. When
// an input holds k times the model's input, it runs k times and concatenates
// the outputs along the leading dimension, so a whole test set runs per call.
//
// For code built with --profile it calls <name>_run_profiled, measures the target's
// ceilings first (or takes --ceilings), and prints the per-layer profile
// (runtime common/profile_report.h) after writing the outputs.
//
//===----------------------------------------------------------------------===//
#include "targets/common/ApiWriter.h"

#include "compiler/Support/EmbeddedRuntime.h"
#include "targets/common/RuntimeHeaders.h"

#include <llvm/ADT/StringRef.h>

namespace xnorc {

namespace {
const char *MainTemplate = R"CPP(
#include "@N@.h"

// The C library only: <string>, <vector>, <chrono> and <algorithm> would take the harness's
// compile time from ~0.3 s to ~1.8 s, and every test builds one.
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// POSIX (or Windows) mkdir instead of <filesystem>.
#ifdef _WIN32
#include <direct.h>
#define XN_MKDIR(path) _mkdir(path)
#else
#include <sys/stat.h>
#define XN_MKDIR(path) mkdir(path, 0777)
#endif

@NPY@
@PROFILE_HEADERS@
namespace {

struct NpyArray {
  xn_npy_info npy; // shape and dtype as the file gives them
  float *data;
};

// Prints "<model>: error: <message>" and returns false.
bool fail(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fprintf(stderr, "@N@: error: ");
  vfprintf(stderr, fmt, args);
  fprintf(stderr, "\n");
  va_end(args);
  return false;
}

// Milliseconds on a monotonic clock (the calendar clock where there is none).
double nowMs() {
  struct timespec ts;
#if defined(CLOCK_MONOTONIC)
  clock_gettime(CLOCK_MONOTONIC, &ts);
#else
  timespec_get(&ts, TIME_UTC);
#endif
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

// malloc, or nullptr after saying what did not fit.
void *allocate(size_t bytes, const char *what) {
  void *p = malloc(bytes ? bytes : 1);
  if (!p)
    fail("out of memory for %s (%zu bytes)", what, bytes);
  return p;
}

// The file is untrusted: xn_npy_parse checks every length and the header's form.
bool readNpy(const char *path, NpyArray &out) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return fail("%s: cannot open file: %s", path, strerror(errno));
  unsigned char *bytes = nullptr;
  size_t size = 0, capacity = 0, n;
  unsigned char buf[65536];
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    if (size + n > capacity) {
      capacity = 2 * (size + n);
      unsigned char *grown = static_cast<unsigned char *>(allocate(capacity, path));
      if (!grown) {
        free(bytes);
        fclose(f);
        return false;
      }
      if (size)
        memcpy(grown, bytes, size);
      free(bytes);
      bytes = grown;
    }
    memcpy(bytes + size, buf, n);
    size += n;
  }
  const bool read_error = ferror(f) != 0;
  fclose(f);
  if (read_error) {
    free(bytes);
    return fail("%s: read error", path);
  }
  char err[256];
  if (!xn_npy_parse(bytes, size, &out.npy, err, sizeof err)) {
    free(bytes);
    return fail("%s: %s", path, err);
  }
  const int width = out.npy.width;
  if (out.npy.kind != 'f' || (width != 4 && width != 8)) {
    free(bytes);
    return fail("%s: dtype '%s' is not float32 or float64 (little-endian '<f4' or '<f8')", path,
                out.npy.descr);
  }
  const size_t count = static_cast<size_t>(out.npy.count);
  out.data = static_cast<float *>(allocate(count * sizeof(float), path));
  if (!out.data) {
    free(bytes);
    return false;
  }
  const unsigned char *p = bytes + out.npy.data_offset;
  for (size_t i = 0; i < count; ++i) {
    if (width == 8) {
      double d;
      memcpy(&d, p + i * 8, 8);
      out.data[i] = static_cast<float>(d);
    } else {
      memcpy(&out.data[i], p + i * 4, 4);
    }
  }
  free(bytes);
  return true;
}

bool writeNpy(const char *path, const long long *shape, int rank, const float *data,
              size_t count) {
  char header[1024];
  int len = snprintf(header, sizeof header, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
  for (int i = 0; i < rank; ++i)
    len += snprintf(header + len, sizeof header - len, "%lld%s", shape[i],
                    rank == 1 || i + 1 < rank ? "," : "");
  len += snprintf(header + len, sizeof header - len, "), }");
  for (int pad = (64 - (10 + len + 1) % 64) % 64; pad > 0; --pad)
    header[len++] = ' ';
  header[len++] = '\n';
  FILE *f = fopen(path, "wb");
  if (!f)
    return fail("%s: cannot write file", path);
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                           static_cast<unsigned char>(len & 0xff),
                           static_cast<unsigned char>(len >> 8)};
  bool ok = fwrite(pre, 1, 10, f) == 10 &&
            fwrite(header, 1, static_cast<size_t>(len), f) == static_cast<size_t>(len) &&
            fwrite(data, sizeof(float), count, f) == count;
  ok = fclose(f) == 0 && ok;
  if (!ok)
    remove(path); // a truncated .npy must not pass for a result
  return ok || fail("%s: write failed", path);
}

// mkdir -p: every prefix ending before a '/', then the whole path.
bool makeDirectories(const char *path) {
  const size_t size = strlen(path);
  char *prefix = static_cast<char *>(allocate(size + 1, path));
  if (!prefix)
    return false;
  bool ok = true;
  for (size_t i = 1; i <= size && ok; ++i) {
    if (i < size && path[i] != '/')
      continue;
    memcpy(prefix, path, i);
    prefix[i] = '\0';
    if (XN_MKDIR(prefix) != 0 && errno != EEXIST)
      ok = fail("%s: cannot create directory: %s", prefix, strerror(errno));
  }
  free(prefix);
  return ok;
}

int compareTimes(const void *a, const void *b) {
  const double x = *static_cast<const double *>(a), y = *static_cast<const double *>(b);
  return x < y ? -1 : x > y;
}

const char *statusName(int status) {
  return status == @U@_ERROR_NULL_ARGUMENT      ? "@U@_ERROR_NULL_ARGUMENT"
         : status == @U@_ERROR_MISALIGNED_ARENA ? "@U@_ERROR_MISALIGNED_ARENA"
         : status == @U@_ERROR_UNSUPPORTED_CPU  ? "@U@_ERROR_UNSUPPORTED_CPU"
                                                : "unknown";
}

// Frees what main allocated on every return (leak checkers run the harness too).
struct Owned {
  void *p[@U@_NUM_INPUTS + @U@_NUM_OUTPUTS + 3];
  int n = 0;
  void *keep(void *q) {
    if (q)
      p[n++] = q;
    return q;
  }
  ~Owned() {
    while (n > 0)
      free(p[--n]);
  }
};

int usage() {
  fprintf(stderr, "usage: @N@ IN0.npy [IN1.npy ...] -o OUTDIR [--repeat N]@PROFILE_USAGE@\n"
                  "Runs model '@N@' (%d inputs, %d outputs); writes OUTDIR/output<i>.npy.\n"
                  "An input holding k times the model's input runs k times.\n",
          @U@_NUM_INPUTS, @U@_NUM_OUTPUTS);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  const char *inputs[@U@_NUM_INPUTS + 1] = {};
  int num_inputs = 0;
  const char *outdir = nullptr;
  long repeat = 1;
@PROFILE_ARG_DECL@  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    if (strcmp(a, "-o") == 0 && i + 1 < argc)
      outdir = argv[++i];
    else if (strcmp(a, "--repeat") == 0 && i + 1 < argc) {
      repeat = strtol(argv[++i], nullptr, 10);
      repeat = repeat < 1 ? 1 : repeat;
    }
@PROFILE_ARG@    else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)
      return usage();
    else if (num_inputs < @U@_NUM_INPUTS)
      inputs[num_inputs++] = a;
    else
      return usage();
  }
  if (!outdir || num_inputs != @U@_NUM_INPUTS)
    return usage();

  const xnorc_model_info &info = @N@_info;
  Owned owned;
  NpyArray in[@U@_NUM_INPUTS + 1] = {};
  long long k = -1;
  for (int i = 0; i < num_inputs; ++i) {
    if (!readNpy(inputs[i], in[i]))
      return 1;
    owned.keep(in[i].data);
    const xnorc_tensor_info &t = info.inputs[i];
    long long batches = xn_npy_batches(in[i].npy.dims, in[i].npy.rank, t.dims, t.rank);
    if (batches <= 0) {
      char given[512], wanted[512];
      xn_npy_shape_text(in[i].npy.dims, in[i].npy.rank, given, sizeof given);
      xn_npy_shape_text(t.dims, t.rank, wanted, sizeof wanted);
      fail("%s: shape %s does not fit input %d (%s) of shape %s: give that shape, or k inputs "
           "concatenated along the leading dimension",
           inputs[i], given, i, t.name, wanted);
      return 1;
    }
    if (k >= 0 && k != batches) {
      fail("%s: holds %lld inputs along its leading dimension, the earlier files %lld", inputs[i],
           batches, k);
      return 1;
    }
    k = batches;
  }
  if (k < 0)
    k = 1; // a model without inputs runs once

  unsigned char *arena_store = static_cast<unsigned char *>(
      owned.keep(allocate(@U@_ARENA_BYTES + @U@_ARENA_ALIGN, "the arena")));
  double *times = static_cast<double *>(
      owned.keep(allocate(sizeof(double) * static_cast<size_t>(k * repeat), "the timings")));
  // outdir/output<o>.npy: the directory, a slash, "output", the index and ".npy".
  const size_t path_bytes = strlen(outdir) + 32;
  char *path = static_cast<char *>(owned.keep(allocate(path_bytes, outdir)));
  float *out[@U@_NUM_OUTPUTS + 1] = {};
  bool allocated = arena_store && times && path;
  for (int o = 0; o < @U@_NUM_OUTPUTS; ++o) {
    const size_t bytes = sizeof(float) * static_cast<size_t>(info.outputs[o].size * k);
    out[o] = static_cast<float *>(owned.keep(allocate(bytes, info.outputs[o].name)));
    if (out[o])
      memset(out[o], 0, bytes);
    allocated = allocated && out[o];
  }
  if (!allocated)
    return 1;
  void *arena = arena_store + (@U@_ARENA_ALIGN - reinterpret_cast<uintptr_t>(arena_store) %
                                                    @U@_ARENA_ALIGN) % @U@_ARENA_ALIGN;
  size_t num_times = 0;
@PROFILE_START@  for (long long b = 0; b < k; ++b) {
    const float *ins[@U@_NUM_INPUTS + 1] = {};
    float *outs[@U@_NUM_OUTPUTS + 1] = {};
    for (int i = 0; i < num_inputs; ++i)
      ins[i] = in[i].data + b * info.inputs[i].size;
    for (int o = 0; o < @U@_NUM_OUTPUTS; ++o)
      outs[o] = out[o] + b * info.outputs[o].size;
    for (long r = 0; r < repeat; ++r) {
      const double t0 = nowMs();
      int status = @RUN_CALL@;
      const double t1 = nowMs();
      if (status != @U@_OK) {
        fail("@N@_run returned status %d (%s%s%s)", status, statusName(status),
             status == @U@_ERROR_UNSUPPORTED_CPU
                 ? ": this CPU lacks instructions of target "
                 : "",
             status == @U@_ERROR_UNSUPPORTED_CPU ? info.target : "");
        return 1;
      }
      times[num_times++] = t1 - t0;
@PROFILE_RUN@    }
  }
  if (!makeDirectories(outdir))
    return 1;
  for (int o = 0; o < @U@_NUM_OUTPUTS; ++o) {
    const xnorc_tensor_info &t = info.outputs[o];
    long long shape[sizeof(t.dims) / sizeof(t.dims[0]) + 1] = {};
    int rank = t.rank;
    for (int d = 0; d < rank; ++d)
      shape[d] = t.dims[d];
    if (k > 1) {
      if (rank == 0)
        shape[rank++] = k;
      else
        shape[0] *= k;
    }
    snprintf(path, path_bytes, "%s/output%d.npy", outdir, o);
    if (!writeNpy(path, shape, rank, out[o], static_cast<size_t>(t.size * k))) {
      // All outputs or none: the ones written before the failure go too, so a caller
      // that finds output0.npy never reads half of a run.
      for (int w = 0; w < o; ++w) {
        snprintf(path, path_bytes, "%s/output%d.npy", outdir, w);
        remove(path);
      }
      return 1;
    }
  }
  if (repeat > 1 && @PRINT_LATENCY@) {
    qsort(times, num_times, sizeof(double), compareTimes);
    printf("@N@: median latency %.3f ms over %zu runs\n", times[num_times / 2], num_times);
  }
@PROFILE_REPORT@  return 0;
}
)CPP";

// The harness's --profile parts: option, ceilings, the profiled call and the report.
const char *ProfileArgDecl = "  const char *ceilings_text = nullptr;\n";
const char *ProfileArg = R"CPP(    else if (strcmp(a, "--ceilings") == 0 && i + 1 < argc)
      ceilings_text = argv[++i];
)CPP";
const char *ProfileStart =
    R"CPP(  // The roofline's ceilings: given, or measured now with the target's kernel instructions.
  xn_prof_ceilings ceilings = {0, 0, "measured at start-up"};
  if (ceilings_text) {
    if (!xn_prof_parse_ceilings(ceilings_text, &ceilings)) {
      fail("--ceilings %s: give two positive numbers B,F: binary and float MACs per second of "
           "one core",
           ceilings_text);
      return 2;
    }
  } else {
    xn_peak_ceilings(&ceilings.binary_macs_per_s, &ceilings.float_macs_per_s);
  }
  xn_profile<xnorc_layer_info> prof = {@N@_layers, @U@_NUM_LAYERS, {}, {}};
)CPP";
const char *ProfileRun = "      prof.run_us.push_back(times[num_times - 1] * 1e3);\n";
const char *ProfileReport =
    "  prof.print(stdout, @JSON@, \"@N@\", info.target, @U@_PROFILE_THREADS, ceilings);\n";

// The target's ceilings loops and the report, pasted at global scope. The headers are
// embedded in every xnorc build, so a failure is a broken build: the program says so.
std::string profileHeaders(const ProfileApi &P) {
  std::vector<std::string> Pasted;
  auto H = pasteRuntimeHeaders({P.PeakHeader, "common/profile_report.h"}, Pasted);
  if (!H)
    return "#error xnorc could not paste its profile headers: " + llvm::toString(H.takeError()) +
           "\n";
  return *H;
}

} // namespace

std::string writeMainProgram(const ModelApi &Api) {
  std::string U = upperName(Api.Name);
  std::string Text = MainTemplate;
  // The .npy reader xnorc-run uses too; embedded in every xnorc build.
  const char *Npy = embeddedRuntimeSource("common/npy.h");
  std::string NpyText = Npy ? Npy : "#error xnorc was built without runtime common/npy.h\n";
  const bool Prof = Api.Profile.has_value();
  const std::string Headers = Prof ? profileHeaders(*Api.Profile) : "";
  // Code first (it holds @N@, @U@ and @JSON@), names last.
  for (auto [Key, Val] : std::initializer_list<std::pair<std::string, std::string>>{
           {"@PROFILE_HEADERS@", Headers},
           {"@PROFILE_USAGE@", Prof ? " [--ceilings B,F]" : ""},
           {"@PROFILE_ARG_DECL@", Prof ? ProfileArgDecl : ""},
           {"@PROFILE_ARG@", Prof ? ProfileArg : ""},
           {"@PROFILE_START@", Prof ? ProfileStart : ""},
           {"@RUN_CALL@", Prof ? "@N@_run_profiled(ins, outs, arena, prof.next_run())"
                               : "@N@_run(ins, outs, arena)"},
           {"@PROFILE_RUN@", Prof ? ProfileRun : ""},
           {"@PRINT_LATENCY@", Prof && Api.Profile->Json ? "false" : "true"},
           {"@PROFILE_REPORT@", Prof ? ProfileReport : ""},
           {"@JSON@", Prof && Api.Profile->Json ? "true" : "false"},
           {"@N@", Api.Name},
           {"@U@", U},
           {"@NPY@", NpyText}}) {
    size_t Pos = 0;
    while ((Pos = Text.find(Key, Pos)) != std::string::npos) {
      Text.replace(Pos, Key.size(), Val);
      Pos += Val.size();
    }
  }
  return generatedBanner(Api,
                         Api.Name + "_main.cpp: runs model '" + Api.Name + "' on .npy files.") +
         Text;
}

} // namespace xnorc
