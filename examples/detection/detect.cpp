// detect: finds circles, squares and triangles in PPM images with the detector compiled by
// xnorc (examples/detection/CMakeLists.txt builds it with xnorc_add_model()), and draws
// what it found.
//
//   detect [-o OUT.ppm] [--scale K] [--repeat N] [--stats] IMAGE.ppm...
//
// For each image: runs the network, decodes the YOLO head and applies NMS (yolo_decode.h),
// and prints "<image>: N detection(s)" followed by one line per detection,
// "  <class> score S box X0 Y0 X1 Y1" (box relative to the image, highest score first).
// -o writes the first image enlarged K times (default 4) with the boxes and labels drawn.
// --repeat N runs the network N more times on the last image and prints the time per run;
// --stats prints the arena size and the process's peak resident memory (VmHWM).
// Errors name the file and the reason, exit 1 and leave no output file.
#include "detector.h"
#include "draw.h"
#include "image.h"
#include "yolo_decode.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <vector>

using namespace detection;

namespace {
// The classes of examples/detection/shapes_data.py, in label order, and a colour each.
constexpr const char *ClassNames[] = {"circle", "square", "triangle"};
constexpr int NumClasses = sizeof(ClassNames) / sizeof(ClassNames[0]);
constexpr Rgb ClassColours[] = {{255, 80, 80}, {80, 230, 80}, {80, 170, 255}};

alignas(
    DETECTOR_ARENA_ALIGN) unsigned char Arena[DETECTOR_ARENA_BYTES > 0 ? DETECTOR_ARENA_BYTES : 1];

[[noreturn]] void fail(const std::string &Where, const std::string &Reason) {
  std::fprintf(stderr, "detect: %s: error: %s\n", Where.c_str(), Reason.c_str());
  std::exit(1);
}

void usage() {
  std::fprintf(stderr, "usage: detect [-o OUT.ppm] [--scale K] [--repeat N] [--stats] "
                       "IMAGE.ppm...\n");
  std::exit(2);
}

int parseCount(const char *Flag, const char *Text, int Min, int Max) {
  char *End = nullptr;
  long V = std::strtol(Text, &End, 10);
  if (*Text == '\0' || *End != '\0' || V < Min || V > Max)
    fail(Flag, std::string("'") + Text + "' is not a number in " + std::to_string(Min) + ".." +
                   std::to_string(Max));
  return static_cast<int>(V);
}

void runModel(const std::vector<float> &Input, std::vector<float> &Head) {
  const float *Inputs[] = {Input.data()};
  float *Outputs[] = {Head.data()};
  int Status = detector_run(Inputs, Outputs, Arena);
  if (Status != DETECTOR_OK)
    fail(detector_info.name, "detector_run returned status " + std::to_string(Status));
}

std::string shape(const xnorc_tensor_info &T) {
  std::string S = "[";
  for (int I = 0; I < T.rank; ++I)
    S += (I ? "," : "") + std::to_string(T.dims[I]);
  return S + "]";
}

// The process's peak resident memory: Linux's VmHWM, the high-water mark of this program's
// own address space. getrusage's ru_maxrss is the fallback only: Linux carries it over
// from the process that exec'd the app (a Python test harness's RSS, say).
long peakRssKiB() {
  if (std::FILE *F = std::fopen("/proc/self/status", "r")) {
    char Line[256];
    long KiB = -1;
    while (std::fgets(Line, sizeof Line, F))
      if (std::sscanf(Line, "VmHWM: %ld kB", &KiB) == 1)
        break;
    std::fclose(F);
    if (KiB >= 0)
      return KiB;
  }
  struct rusage Usage;
  getrusage(RUSAGE_SELF, &Usage);
  return Usage.ru_maxrss;
}

char *formatScore(char *Buf, size_t N, double Score) {
  std::snprintf(Buf, N, "%.2f", Score);
  return Buf;
}

Image annotate(const Image &Img, const std::vector<Detection> &Dets, int Scale) {
  Image Out = upscale(Img, Scale);
  // Lowest score first, so the best boxes and labels end up on top.
  for (auto It = Dets.rbegin(); It != Dets.rend(); ++It) {
    int X0 = static_cast<int>(It->X0 * Out.Width + 0.5),
        X1 = static_cast<int>(It->X1 * Out.Width + 0.5);
    int Y0 = static_cast<int>(It->Y0 * Out.Height + 0.5),
        Y1 = static_cast<int>(It->Y1 * Out.Height + 0.5);
    Rgb Colour = ClassColours[It->Class];
    drawBox(Out, X0, Y0, X1, Y1, 2, Colour);
    char Score[32];
    std::string Text =
        std::string(ClassNames[It->Class]) + " " + formatScore(Score, sizeof Score, It->Score);
    // Above the box when there is room, else inside its top edge.
    drawLabel(Out, X0, Y0 >= LabelHeight ? Y0 - LabelHeight : Y0, Text, Colour, {0, 0, 0});
  }
  return Out;
}
} // namespace

int main(int Argc, char **Argv) {
  std::string OutPath;
  int Scale = 4, Repeat = 0;
  bool Stats = false;
  std::vector<std::string> Paths;
  for (int I = 1; I < Argc; ++I) {
    std::string A = Argv[I];
    if ((A == "-o" || A == "--scale" || A == "--repeat") && I + 1 >= Argc)
      fail(A, "needs a value");
    if (A == "-o")
      OutPath = Argv[++I];
    else if (A == "--scale")
      Scale = parseCount("--scale", Argv[++I], 1, 16);
    else if (A == "--repeat")
      Repeat = parseCount("--repeat", Argv[++I], 1, 1000000);
    else if (A == "--stats")
      Stats = true;
    else if (A.size() > 1 && A[0] == '-')
      usage();
    else
      Paths.push_back(A);
  }
  if (Paths.empty())
    usage();

  const xnorc_tensor_info &In = detector_info.inputs[0], &Out = detector_info.outputs[0];
  std::printf("model %s (target %s, xnorc %s): input %s %s, output %s %s, arena %zu bytes\n",
              detector_info.name, detector_info.target, detector_info.compiler_version, In.name,
              shape(In).c_str(), Out.name, shape(Out).c_str(), detector_info.arena_bytes);
  // The app decodes a [1, 3, H, W] input and a [1, A*(5+C), G, G] head; another model fails
  // here rather than being misread.
  if (In.rank != 4 || In.dims[0] != 1 || In.dims[1] != 3 || Out.rank != 4 || Out.dims[0] != 1 ||
      Out.dims[1] != NumAnchors * (5 + NumClasses) || Out.dims[2] != Out.dims[3])
    fail(detector_info.name, "expected input [1,3,H,W] and output [1," +
                                 std::to_string(NumAnchors * (5 + NumClasses)) + ",G,G], got " +
                                 shape(In) + " and " + shape(Out));
  const int H = static_cast<int>(In.dims[2]), W = static_cast<int>(In.dims[3]);
  const int Grid = static_cast<int>(Out.dims[2]);

  std::vector<float> Input(DETECTOR_INPUT0_SIZE), Head(DETECTOR_OUTPUT0_SIZE);
  for (size_t N = 0; N < Paths.size(); ++N) {
    Image Img;
    std::string Error;
    if (!readPpm(Paths[N], Img, Error))
      fail(Paths[N], Error);
    if (Img.Width != W || Img.Height != H)
      fail(Paths[N], "image is " + std::to_string(Img.Width) + "x" + std::to_string(Img.Height) +
                         ", the model takes " + std::to_string(W) + "x" + std::to_string(H));
    // HWC bytes -> CHW floats in [0, 1]: shapes_data.to_input's arithmetic.
    for (int C = 0; C < 3; ++C)
      for (int Y = 0; Y < H; ++Y)
        for (int X = 0; X < W; ++X)
          Input[(static_cast<size_t>(C) * H + Y) * W + X] = Img.at(X, Y)[C] / 255.0f;
    runModel(Input, Head);
    std::vector<Detection> Dets = nonMaximumSuppression(decodeHead(Head.data(), Grid, NumClasses));
    std::printf("%s: %zu detection%s\n", Paths[N].c_str(), Dets.size(),
                Dets.size() == 1 ? "" : "s");
    for (const Detection &D : Dets)
      std::printf("  %s score %.9g box %.9g %.9g %.9g %.9g\n", ClassNames[D.Class], D.Score, D.X0,
                  D.Y0, D.X1, D.Y1);
    if (N == 0 && !OutPath.empty()) {
      if (!writePpm(OutPath, annotate(Img, Dets, Scale), Error))
        fail(OutPath, Error);
      std::printf("wrote %s\n", OutPath.c_str());
    }
  }
  if (Repeat) {
    using Clock = std::chrono::steady_clock;
    double Total = 0, Best = 1e300;
    for (int R = 0; R < Repeat; ++R) {
      auto T0 = Clock::now();
      runModel(Input, Head);
      double Ms = std::chrono::duration<double, std::milli>(Clock::now() - T0).count();
      Total += Ms;
      Best = std::min(Best, Ms);
    }
    std::printf("repeat %d: %.4f ms per run (mean), %.4f ms (min)\n", Repeat, Total / Repeat, Best);
  }
  if (Stats)
    std::printf("arena %zu bytes, peak RSS %ld KiB\n", detector_info.arena_bytes, peakRssKiB());
  return 0;
}
