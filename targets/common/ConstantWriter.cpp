#include "targets/common/ConstantWriter.h"

#include "compiler/Support/FloatText.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>

namespace xnorc {

std::string writeConstantArray(const std::string &Symbol, const Tensor &T) {
  const bool IsFloat = T.elem() == ElemType::F32;
  // Each element type in its own C type: reading 8-bit data as int64 would run past
  // the tensor's bytes.
  const char *CType = IsFloat                     ? "float"
                      : T.elem() == ElemType::B1  ? "uint64_t"
                      : T.elem() == ElemType::I32 ? "int32_t"
                      : T.elem() == ElemType::I8  ? "int8_t"
                      : T.elem() == ElemType::U8  ? "uint8_t"
                      : T.elem() == ElemType::I16 ? "int16_t"
                      : T.elem() == ElemType::U16 ? "uint16_t"
                                                  : "int64_t";
  int64_t N = T.elem() == ElemType::B1 ? T.bytes().size() / 8 : T.size();
  std::string Out = fmt::format("alignas(64) static const {} {}[{}] = {{", CType, Symbol,
                                std::max<int64_t>(N, 1));
  const int PerLine = IsFloat ? 8 : 6;
  for (int64_t I = 0; I < N; ++I) {
    if (I % PerLine == 0)
      Out += "\n   ";
    Out += " ";
    if (IsFloat)
      Out += floatLiteral(T.data<float>()[I]);
    else if (T.elem() == ElemType::B1)
      Out += fmt::format("0x{:016x}ull", T.data<uint64_t>()[I]);
    else if (T.elem() == ElemType::I32)
      // INT32_MIN has no literal form: spell it as an expression.
      Out += T.data<int32_t>()[I] == INT32_MIN ? "(-2147483647 - 1)"
                                               : std::to_string(T.data<int32_t>()[I]);
    else if (T.elem() == ElemType::I64)
      Out += fmt::format("{}ll", T.data<int64_t>()[I]);
    else
      Out += std::to_string(T.getAsInt(I));
    Out += ",";
  }
  if (N == 0)
    Out += "0";
  return Out + "\n};\n";
}

} // namespace xnorc
