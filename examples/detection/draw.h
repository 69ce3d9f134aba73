// draw.h: boxes and text labels drawn into an RGB image (for the annotated output).
#ifndef XNORC_EXAMPLES_DETECTION_DRAW_H
#define XNORC_EXAMPLES_DETECTION_DRAW_H

#include "image.h"

#include <cstdint>
#include <string>

namespace detection {

struct Rgb {
  std::uint8_t R, G, B;
};

/// Img enlarged Factor times (nearest neighbour), so boxes and labels stay legible on a
/// small input.
Image upscale(const Image &Img, int Factor);

/// The outline of the box [X0, X1) x [Y0, Y1) (pixels, clipped to the image), Thickness
/// pixels wide, inside the box.
void drawBox(Image &Img, int X0, int Y0, int X1, int Y1, int Thickness, Rgb Colour);

/// Text in a 5x7 pixel font (lower-case letters, digits, '.', ' '; other characters draw
/// as a filled block) on a filled background, its top-left corner at (X, Y), clipped to
/// the image.
void drawLabel(Image &Img, int X, int Y, const std::string &Text, Rgb Background, Rgb Ink);

/// Pixel height of a label drawn by drawLabel (glyph plus margins).
inline constexpr int LabelHeight = 9;

} // namespace detection

#endif
