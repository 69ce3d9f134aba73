// image.h: an 8-bit RGB image and binary PPM (P6) reading and writing.
#ifndef XNORC_EXAMPLES_DETECTION_IMAGE_H
#define XNORC_EXAMPLES_DETECTION_IMAGE_H

#include <cstdint>
#include <string>
#include <vector>

namespace detection {

struct Image {
  int Width = 0, Height = 0;
  std::vector<std::uint8_t> Rgb; // row-major, 3 bytes a pixel

  std::uint8_t *at(int X, int Y) { return &Rgb[(static_cast<size_t>(Y) * Width + X) * 3]; }
  const std::uint8_t *at(int X, int Y) const {
    return &Rgb[(static_cast<size_t>(Y) * Width + X) * 3];
  }
};

/// Largest width or height readPpm accepts: the file is untrusted input and the app only
/// ever needs the model's input size.
inline constexpr int MaxImageSide = 8192;

/// Reads a binary PPM (P6, maxval 255; '#' comments in the header). On failure returns
/// false and sets Error to the reason (the caller names the file).
bool readPpm(const std::string &Path, Image &Out, std::string &Error);

/// Writes Img as binary PPM to Path through a temporary file renamed into place, so a
/// failed write leaves no partial file. On failure returns false and sets Error.
bool writePpm(const std::string &Path, const Image &Img, std::string &Error);

} // namespace detection

#endif
