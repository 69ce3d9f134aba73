#include "compiler/Support/FloatText.h"

#include <cmath>
#include <fmt/format.h>

namespace xnorc {

namespace {
template <typename T> std::string shortest(T V) {
  if (std::isnan(V))
    return "nan";
  if (std::isinf(V))
    return V > 0 ? "inf" : "-inf";
  std::string S = fmt::format("{}", V); // fmt prints the shortest round-trip form
  if (S.find_first_of(".eE") == std::string::npos)
    S += ".0";
  return S;
}
} // namespace

std::string floatText(float V) { return shortest(V); }
std::string doubleText(double V) { return shortest(V); }

std::string floatLiteral(float V) {
  if (std::isnan(V))
    return "NAN";
  if (std::isinf(V))
    return V > 0 ? "INFINITY" : "-INFINITY";
  return shortest(V) + "f";
}

} // namespace xnorc
