//===- Attributes.h - Op attributes ------------------------------*- C++ -*-===//
#ifndef XNORC_IR_ATTRIBUTES_H
#define XNORC_IR_ATTRIBUTES_H

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace xnorc {

using Attr = std::variant<int64_t, double, std::vector<int64_t>, std::vector<double>, std::string>;

/// A's value read as the given type; Default if A holds another kind of value.
int64_t attrAsInt(const Attr &A, int64_t Default = 0);
double attrAsFloat(const Attr &A, double Default = 0);
std::vector<int64_t> attrAsInts(const Attr &A, std::vector<int64_t> Default = {});
std::vector<double> attrAsFloats(const Attr &A, std::vector<double> Default = {});
std::string attrAsString(const Attr &A, std::string Default = {});

/// Named attributes, kept sorted so the text form is canonical. There are no
/// typed getters: code reads an op's attributes through its view (OpViews.h),
/// which gives Ops.def's default for an omitted one, and writes them through
/// the view's typed setters; set/erase by name are for the IR library.
class Attributes {
public:
  bool has(const std::string &Name) const { return Map.count(Name) != 0; }
  void set(const std::string &Name, Attr A) { Map[Name] = std::move(A); }
  void erase(const std::string &Name) { Map.erase(Name); }
  /// The attribute's value, or null if absent.
  const Attr *find(const std::string &Name) const;

  const std::map<std::string, Attr> &all() const { return Map; }
  bool operator==(const Attributes &O) const { return Map == O.Map; }

private:
  std::map<std::string, Attr> Map;
};

} // namespace xnorc

#endif
