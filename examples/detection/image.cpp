// image.cpp: binary PPM (P6) reading and writing.
#include "image.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace detection {

namespace {
struct FileCloser {
  void operator()(std::FILE *F) const { std::fclose(F); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// The next header number of a PPM, skipping whitespace and '#' comments; false at a
// non-digit, at the end of the file, or past Max.
bool readHeaderNumber(std::FILE *F, long Max, long &Value) {
  int C = std::fgetc(F);
  while (C == '#' || C == ' ' || C == '\t' || C == '\n' || C == '\r') {
    if (C == '#')
      while (C != '\n' && C != EOF)
        C = std::fgetc(F);
    C = std::fgetc(F);
  }
  if (C < '0' || C > '9')
    return false;
  Value = 0;
  while (C >= '0' && C <= '9') {
    Value = Value * 10 + (C - '0');
    if (Value > Max)
      return false;
    C = std::fgetc(F);
  }
  // Exactly one whitespace byte ends the header's last number; the pixels follow.
  return C == ' ' || C == '\t' || C == '\n' || C == '\r';
}
} // namespace

bool readPpm(const std::string &Path, Image &Out, std::string &Error) {
  File F(std::fopen(Path.c_str(), "rb"));
  if (!F) {
    Error = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  char Magic[2];
  if (std::fread(Magic, 1, 2, F.get()) != 2 || Magic[0] != 'P' || Magic[1] != '6') {
    Error = "not a binary PPM (P6) file";
    return false;
  }
  long W, H, MaxVal;
  if (!readHeaderNumber(F.get(), MaxImageSide, W) || !readHeaderNumber(F.get(), MaxImageSide, H) ||
      !readHeaderNumber(F.get(), 65535, MaxVal) || W < 1 || H < 1) {
    Error = "bad PPM header (width and height must be 1.." + std::to_string(MaxImageSide) + ")";
    return false;
  }
  if (MaxVal != 255) {
    Error = "PPM maxval " + std::to_string(MaxVal) + " is not supported (only 255)";
    return false;
  }
  Out.Width = static_cast<int>(W);
  Out.Height = static_cast<int>(H);
  Out.Rgb.assign(static_cast<size_t>(W) * H * 3, 0);
  if (std::fread(Out.Rgb.data(), 1, Out.Rgb.size(), F.get()) != Out.Rgb.size()) {
    Error = "truncated PPM: fewer than " + std::to_string(Out.Rgb.size()) + " pixel bytes";
    return false;
  }
  return true;
}

bool writePpm(const std::string &Path, const Image &Img, std::string &Error) {
  std::string Tmp = Path + ".tmp";
  File F(std::fopen(Tmp.c_str(), "wb"));
  if (!F) {
    Error = std::string("cannot create: ") + std::strerror(errno);
    return false;
  }
  bool Ok = std::fprintf(F.get(), "P6\n%d %d\n255\n", Img.Width, Img.Height) > 0 &&
            std::fwrite(Img.Rgb.data(), 1, Img.Rgb.size(), F.get()) == Img.Rgb.size();
  Ok = (std::fclose(F.release()) == 0) && Ok;
  if (!Ok || std::rename(Tmp.c_str(), Path.c_str()) != 0) {
    Error = std::string("write failed: ") + std::strerror(errno);
    std::remove(Tmp.c_str());
    return false;
  }
  return true;
}

} // namespace detection
