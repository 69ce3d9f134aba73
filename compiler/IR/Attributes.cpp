#include "compiler/IR/Attributes.h"

namespace xnorc {

// Ints and floats convert into each other on read: the text form cannot tell an
// empty int list from an empty float list, and ONNX exporters mix 1 and 1.0.

int64_t Attributes::getInt(const std::string &Name, int64_t Default) const {
  auto It = Map.find(Name);
  if (It == Map.end())
    return Default;
  if (auto *I = std::get_if<int64_t>(&It->second))
    return *I;
  if (auto *F = std::get_if<double>(&It->second))
    return static_cast<int64_t>(*F);
  return Default;
}

double Attributes::getFloat(const std::string &Name, double Default) const {
  auto It = Map.find(Name);
  if (It == Map.end())
    return Default;
  if (auto *F = std::get_if<double>(&It->second))
    return *F;
  if (auto *I = std::get_if<int64_t>(&It->second))
    return static_cast<double>(*I);
  return Default;
}

std::vector<int64_t> Attributes::getInts(const std::string &Name,
                                         std::vector<int64_t> Default) const {
  auto It = Map.find(Name);
  if (It == Map.end())
    return Default;
  if (auto *V = std::get_if<std::vector<int64_t>>(&It->second))
    return *V;
  if (auto *V = std::get_if<std::vector<double>>(&It->second))
    return std::vector<int64_t>(V->begin(), V->end());
  return Default;
}

std::vector<double> Attributes::getFloats(const std::string &Name,
                                          std::vector<double> Default) const {
  auto It = Map.find(Name);
  if (It == Map.end())
    return Default;
  if (auto *V = std::get_if<std::vector<double>>(&It->second))
    return *V;
  if (auto *V = std::get_if<std::vector<int64_t>>(&It->second))
    return std::vector<double>(V->begin(), V->end());
  return Default;
}

std::string Attributes::getString(const std::string &Name, std::string Default) const {
  auto It = Map.find(Name);
  if (It == Map.end())
    return Default;
  if (auto *S = std::get_if<std::string>(&It->second))
    return *S;
  return Default;
}

} // namespace xnorc
