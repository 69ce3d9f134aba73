// draw.cpp: box outlines, a 5x7 pixel font and nearest-neighbour upscaling.
#include "draw.h"

#include <algorithm>

namespace detection {

namespace {
// One glyph: 7 rows of 5 pixels, '#' set. Only the characters the labels use (class names
// of examples/detection/shapes_data.py and scores) are defined.
struct Glyph {
  char Ch;
  const char *Rows[7];
};
constexpr Glyph Font[] = {
    {' ', {".....", ".....", ".....", ".....", ".....", ".....", "....."}},
    {'.', {".....", ".....", ".....", ".....", ".....", ".##..", ".##.."}},
    {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
    {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
    {'3', {"####.", "....#", "....#", ".###.", "....#", "....#", "####."}},
    {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
    {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
    {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
    {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
    {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
    {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
    {'a', {".....", ".....", ".###.", "....#", ".####", "#...#", ".####"}},
    {'c', {".....", ".....", ".###.", "#....", "#....", "#...#", ".###."}},
    {'e', {".....", ".....", ".###.", "#...#", "#####", "#....", ".###."}},
    {'g', {".....", ".####", "#...#", "#...#", ".####", "....#", ".###."}},
    {'i', {"..#..", ".....", ".##..", "..#..", "..#..", "..#..", ".###."}},
    {'l', {".##..", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'n', {".....", ".....", "#.##.", "##..#", "#...#", "#...#", "#...#"}},
    {'q', {".....", ".####", "#...#", "#...#", ".####", "....#", "....#"}},
    {'r', {".....", ".....", "#.##.", "##..#", "#....", "#....", "#...."}},
    {'s', {".....", ".....", ".####", "#....", ".###.", "....#", "####."}},
    {'t', {".#...", ".#...", "####.", ".#...", ".#...", ".#..#", "..##."}},
    {'u', {".....", ".....", "#...#", "#...#", "#...#", "#..##", ".##.#"}},
};
constexpr int GlyphW = 5, GlyphH = 7, Advance = 6, Margin = 1;
constexpr Glyph Unknown = {'?', {"#####", "#####", "#####", "#####", "#####", "#####", "#####"}};

const Glyph &glyph(char C) {
  for (const Glyph &G : Font)
    if (G.Ch == C)
      return G;
  return Unknown;
}

void fill(Image &Img, int X0, int Y0, int X1, int Y1, Rgb Colour) {
  X0 = std::max(X0, 0), Y0 = std::max(Y0, 0);
  X1 = std::min(X1, Img.Width), Y1 = std::min(Y1, Img.Height);
  for (int Y = Y0; Y < Y1; ++Y)
    for (int X = X0; X < X1; ++X) {
      std::uint8_t *P = Img.at(X, Y);
      P[0] = Colour.R, P[1] = Colour.G, P[2] = Colour.B;
    }
}
} // namespace

Image upscale(const Image &Img, int Factor) {
  Image Out;
  Out.Width = Img.Width * Factor;
  Out.Height = Img.Height * Factor;
  Out.Rgb.resize(static_cast<size_t>(Out.Width) * Out.Height * 3);
  for (int Y = 0; Y < Out.Height; ++Y)
    for (int X = 0; X < Out.Width; ++X)
      std::copy_n(Img.at(X / Factor, Y / Factor), 3, Out.at(X, Y));
  return Out;
}

void drawBox(Image &Img, int X0, int Y0, int X1, int Y1, int Thickness, Rgb Colour) {
  fill(Img, X0, Y0, X1, Y0 + Thickness, Colour);
  fill(Img, X0, Y1 - Thickness, X1, Y1, Colour);
  fill(Img, X0, Y0, X0 + Thickness, Y1, Colour);
  fill(Img, X1 - Thickness, Y0, X1, Y1, Colour);
}

void drawLabel(Image &Img, int X, int Y, const std::string &Text, Rgb Background, Rgb Ink) {
  int Width = static_cast<int>(Text.size()) * Advance + Margin;
  fill(Img, X, Y, X + Width, Y + LabelHeight, Background);
  for (size_t I = 0; I < Text.size(); ++I) {
    const Glyph &G = glyph(Text[I]);
    int Left = X + Margin + static_cast<int>(I) * Advance;
    for (int R = 0; R < GlyphH; ++R)
      for (int C = 0; C < GlyphW; ++C)
        if (G.Rows[R][C] == '#')
          fill(Img, Left + C, Y + Margin + R, Left + C + 1, Y + Margin + R + 1, Ink);
  }
}

} // namespace detection
