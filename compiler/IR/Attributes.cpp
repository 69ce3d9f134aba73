#include "compiler/IR/Attributes.h"

namespace xnorc {

// Ints and floats convert into each other on read: the text form cannot tell an
// empty int list from an empty float list, and ONNX exporters mix 1 and 1.0.

int64_t attrAsInt(const Attr &A, int64_t Default) {
  if (auto *I = std::get_if<int64_t>(&A))
    return *I;
  if (auto *F = std::get_if<double>(&A))
    if (*F >= -9223372036854775808.0 && *F < 9223372036854775808.0) // not NaN, inf, 1e300
      return static_cast<int64_t>(*F);
  return Default;
}

double attrAsFloat(const Attr &A, double Default) {
  if (auto *F = std::get_if<double>(&A))
    return *F;
  if (auto *I = std::get_if<int64_t>(&A))
    return static_cast<double>(*I);
  return Default;
}

std::vector<int64_t> attrAsInts(const Attr &A, std::vector<int64_t> Default) {
  if (auto *V = std::get_if<std::vector<int64_t>>(&A))
    return *V;
  if (auto *V = std::get_if<std::vector<double>>(&A)) {
    // Only values an int64 holds convert (the cast of NaN, inf or 1e300 is undefined);
    // otherwise the attribute is not an int list, as when it has another type.
    std::vector<int64_t> Out;
    for (double D : *V) {
      if (!(D >= -9223372036854775808.0 && D < 9223372036854775808.0))
        return Default;
      Out.push_back(static_cast<int64_t>(D));
    }
    return Out;
  }
  return Default;
}

std::vector<double> attrAsFloats(const Attr &A, std::vector<double> Default) {
  if (auto *V = std::get_if<std::vector<double>>(&A))
    return *V;
  if (auto *V = std::get_if<std::vector<int64_t>>(&A))
    return std::vector<double>(V->begin(), V->end());
  return Default;
}

std::string attrAsString(const Attr &A, std::string Default) {
  if (auto *S = std::get_if<std::string>(&A))
    return *S;
  return Default;
}

const Attr *Attributes::find(const std::string &Name) const {
  auto It = Map.find(Name);
  return It == Map.end() ? nullptr : &It->second;
}

} // namespace xnorc
