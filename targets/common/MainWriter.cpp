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

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

// POSIX (or Windows) mkdir instead of <filesystem>, which alone would double the
// harness's compile time.
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
  std::vector<float> data;
};

bool fail(const std::string &msg) {
  std::fprintf(stderr, "@N@: error: %s\n", msg.c_str());
  return false;
}

std::string shapeText(const long long *dims, int rank) {
  char text[512];
  xn_npy_shape_text(dims, rank, text, sizeof text);
  return text;
}

// The file is untrusted: xn_npy_parse checks every length and the header's form.
bool readNpy(const std::string &path, NpyArray &out) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return fail(path + ": cannot open file: " + std::strerror(errno));
  std::vector<unsigned char> bytes;
  unsigned char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    bytes.insert(bytes.end(), buf, buf + n);
  const bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error)
    return fail(path + ": read error");
  char err[256];
  if (!xn_npy_parse(bytes.data(), bytes.size(), &out.npy, err, sizeof err))
    return fail(path + ": " + err);
  const int width = out.npy.width;
  if (out.npy.kind != 'f' || (width != 4 && width != 8))
    return fail(path + ": dtype '" + out.npy.descr +
                "' is not float32 or float64 (little-endian '<f4' or '<f8')");
  out.data.resize(static_cast<size_t>(out.npy.count));
  const unsigned char *p = bytes.data() + out.npy.data_offset;
  for (size_t i = 0; i < out.data.size(); ++i) {
    if (width == 8) {
      double d;
      std::memcpy(&d, p + i * 8, 8);
      out.data[i] = static_cast<float>(d);
    } else {
      std::memcpy(&out.data[i], p + i * 4, 4);
    }
  }
  return true;
}

bool writeNpy(const std::string &path, const std::vector<long long> &shape,
              const std::vector<float> &data) {
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i)
    dims += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f)
    return fail(path + ": cannot write file");
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                           static_cast<unsigned char>(header.size() & 0xff),
                           static_cast<unsigned char>(header.size() >> 8)};
  bool ok = std::fwrite(pre, 1, 10, f) == 10 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(data.data(), sizeof(float), data.size(), f) == data.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok)
    std::remove(path.c_str()); // a truncated .npy must not pass for a result
  return ok || fail(path + ": write failed");
}

// mkdir -p: every prefix ending before a '/', then the whole path.
bool makeDirectories(const std::string &path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/')
      continue;
    std::string prefix = path.substr(0, i);
    if (XN_MKDIR(prefix.c_str()) != 0 && errno != EEXIST)
      return fail(prefix + ": cannot create directory: " + std::strerror(errno));
  }
  return true;
}

int usage() {
  std::fprintf(stderr, "usage: @N@ IN0.npy [IN1.npy ...] -o OUTDIR [--repeat N]@PROFILE_USAGE@\n"
                       "Runs model '@N@' (%d inputs, %d outputs); writes OUTDIR/output<i>.npy.\n"
                       "An input holding k times the model's input runs k times.\n",
               @U@_NUM_INPUTS, @U@_NUM_OUTPUTS);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> inputs;
  std::string outdir;
  long repeat = 1;
@PROFILE_ARG_DECL@  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-o" && i + 1 < argc)
      outdir = argv[++i];
    else if (a == "--repeat" && i + 1 < argc)
      repeat = std::max(1L, std::strtol(argv[++i], nullptr, 10));
@PROFILE_ARG@    else if (a == "-h" || a == "--help")
      return usage();
    else
      inputs.push_back(a);
  }
  if (outdir.empty() || static_cast<int>(inputs.size()) != @U@_NUM_INPUTS)
    return usage();

  const xnorc_model_info &info = @N@_info;
  std::vector<NpyArray> in(inputs.size());
  long long k = -1;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!readNpy(inputs[i], in[i]))
      return 1;
    const xnorc_tensor_info &t = info.inputs[i];
    long long batches = xn_npy_batches(in[i].npy.dims, in[i].npy.rank, t.dims, t.rank);
    if (batches <= 0) {
      fail(inputs[i] + ": shape " + shapeText(in[i].npy.dims, in[i].npy.rank) +
           " does not fit input " + std::to_string(i) + " (" + t.name + ") of shape " +
           shapeText(t.dims, t.rank) +
           ": give that shape, or k inputs concatenated along the leading dimension");
      return 1;
    }
    if (k >= 0 && k != batches) {
      fail(inputs[i] + ": holds " + std::to_string(batches) + " inputs along its leading "
           "dimension, the earlier files " + std::to_string(k));
      return 1;
    }
    k = batches;
  }
  if (k < 0)
    k = 1; // a model without inputs runs once

  std::vector<unsigned char> arena_store(@U@_ARENA_BYTES + @U@_ARENA_ALIGN);
  void *arena = arena_store.data();
  size_t space = arena_store.size();
  arena = std::align(@U@_ARENA_ALIGN, @U@_ARENA_BYTES, arena, space);

  std::vector<std::vector<float>> out(@U@_NUM_OUTPUTS);
  for (int o = 0; o < @U@_NUM_OUTPUTS; ++o)
    out[o].resize(static_cast<size_t>(info.outputs[o].size * k));
  std::vector<double> times;
@PROFILE_START@  for (long long b = 0; b < k; ++b) {
    std::vector<const float *> ins;
    std::vector<float *> outs;
    for (size_t i = 0; i < in.size(); ++i)
      ins.push_back(in[i].data.data() + b * info.inputs[i].size);
    for (int o = 0; o < @U@_NUM_OUTPUTS; ++o)
      outs.push_back(out[o].data() + b * info.outputs[o].size);
    for (long r = 0; r < repeat; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      int status = @RUN_CALL@;
      auto t1 = std::chrono::steady_clock::now();
      if (status != @U@_OK) {
        fail("@N@_run returned status " + std::to_string(status) + " (" +
             (status == @U@_ERROR_NULL_ARGUMENT      ? "@U@_ERROR_NULL_ARGUMENT"
              : status == @U@_ERROR_MISALIGNED_ARENA ? "@U@_ERROR_MISALIGNED_ARENA"
              : status == @U@_ERROR_UNSUPPORTED_CPU
                  ? "@U@_ERROR_UNSUPPORTED_CPU: this CPU lacks instructions of target " +
                        std::string(info.target)
                  : "unknown") +
             ")");
        return 1;
      }
      times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
@PROFILE_RUN@    }
  }
  if (!makeDirectories(outdir))
    return 1;
  for (int o = 0; o < @U@_NUM_OUTPUTS; ++o) {
    const xnorc_tensor_info &t = info.outputs[o];
    std::vector<long long> shape(t.dims, t.dims + t.rank);
    if (k > 1) {
      if (shape.empty())
        shape.push_back(k);
      else
        shape[0] *= k;
    }
    if (!writeNpy(outdir + "/output" + std::to_string(o) + ".npy", shape, out[o])) {
      // All outputs or none: the ones written before the failure go too, so a caller
      // that finds output0.npy never reads half of a run.
      for (int w = 0; w < o; ++w)
        std::remove((outdir + "/output" + std::to_string(w) + ".npy").c_str());
      return 1;
    }
  }
  if (repeat > 1 && @PRINT_LATENCY@) {
    std::sort(times.begin(), times.end());
    std::printf("@N@: median latency %.3f ms over %zu runs\n", times[times.size() / 2],
                times.size());
  }
@PROFILE_REPORT@  return 0;
}
)CPP";

// The harness's --profile parts: option, ceilings, the profiled call and the report.
const char *ProfileArgDecl = "  const char *ceilings_text = nullptr;\n";
const char *ProfileArg = R"CPP(    else if (a == "--ceilings" && i + 1 < argc)
      ceilings_text = argv[++i];
)CPP";
const char *ProfileStart =
    R"CPP(  // The roofline's ceilings: given, or measured now with the target's kernel instructions.
  xn_prof_ceilings ceilings = {0, 0, "measured at start-up"};
  if (ceilings_text) {
    if (!xn_prof_parse_ceilings(ceilings_text, &ceilings)) {
      fail(std::string("--ceilings ") + ceilings_text +
           ": give two positive numbers B,F: binary and float MACs per second of one core");
      return 2;
    }
  } else {
    xn_peak_ceilings(&ceilings.binary_macs_per_s, &ceilings.float_macs_per_s);
  }
  xn_profile<xnorc_layer_info> prof = {@N@_layers, @U@_NUM_LAYERS, {}, {}};
)CPP";
const char *ProfileRun = "      prof.run_us.push_back(times.back() * 1e3);\n";
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
           {"@RUN_CALL@", Prof ? "@N@_run_profiled(ins.data(), outs.data(), arena, prof.next_run())"
                               : "@N@_run(ins.data(), outs.data(), arena)"},
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
