//===- FloatText.h - Floats as text that reads back exactly ------*- C++ -*-===//
#ifndef XNORC_SUPPORT_FLOATTEXT_H
#define XNORC_SUPPORT_FLOATTEXT_H

#include <string>

namespace xnorc {

/// The shortest decimal that reads back as the same float, always with a '.',
/// 'e', "inf" or "nan" so it is never mistaken for an integer ("1.0", "1e-05").
std::string floatText(float V);
/// The same for a double.
std::string doubleText(double V);
/// A C++ float literal for generated code: "0.5f", "INFINITY", "-INFINITY", "NAN".
std::string floatLiteral(float V);

} // namespace xnorc

#endif
