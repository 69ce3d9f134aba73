#include "compiler/Frontend/TensorIO.h"

#include "compiler/Frontend/ImportContext.h"
#include "compiler/Support/Error.h"
#include "xnorc/runtime/common/npy.h"

#include <fstream>
#include <sstream>

namespace xnorc {

namespace {

/// The .npy dtype of each element type that has one.
const char *npyDescr(ElemType T) {
  switch (T) {
  case ElemType::F32:
    return "<f4";
  case ElemType::I32:
    return "<i4";
  case ElemType::I64:
    return "<i8";
  case ElemType::I8:
    return "|i1";
  case ElemType::U8:
    return "|u1";
  case ElemType::I16:
    return "<i2";
  case ElemType::U16:
    return "<u2";
  case ElemType::B1:
    break;
  }
  return nullptr;
}

llvm::Expected<std::string> readAll(const std::string &Path) {
  std::ifstream In(Path, std::ios::binary);
  if (!In)
    return makeError("{}: cannot open file", Path);
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

// The file is untrusted: xn_npy_parse (shared with the --emit-main program) checks
// every length and the header's form; here only the element type is chosen.
llvm::Expected<Tensor> parseNpy(const std::string &Path, const std::string &Bytes) {
  xn_npy_info Info;
  char Err[256];
  if (!xn_npy_parse(reinterpret_cast<const unsigned char *>(Bytes.data()), Bytes.size(), &Info, Err,
                    sizeof Err))
    return makeError("{}: {}", Path, Err);
  // float64 is narrowed to f32; the integer dtypes keep their type.
  std::string Descr = Info.descr;
  const bool F8 = Descr == "<f8";
  ElemType Elem = ElemType::F32;
  bool Known = F8;
  for (ElemType T : {ElemType::F32, ElemType::I8, ElemType::U8, ElemType::I16, ElemType::U16})
    if (Descr == npyDescr(T) ||
        (elemTypeBytes(T) == 1 && Descr == std::string("<") + (npyDescr(T) + 1))) {
      Elem = T;
      Known = true;
    }
  if (!Known)
    return makeError("{}: .npy dtype '{}' is unsupported (float32, float64, int8, uint8, int16 "
                     "or uint16 expected)",
                     Path, Descr);
  Tensor T(TensorType{Elem, Shape(Info.dims, Info.dims + Info.rank)});
  const char *Data = Bytes.data() + Info.data_offset;
  if (!F8) {
    std::memcpy(T.data<uint8_t>(), Data, T.size() * elemTypeBytes(Elem));
  } else {
    for (int64_t I = 0; I < T.size(); ++I) {
      double D;
      std::memcpy(&D, Data + I * 8, 8);
      T.data<float>()[I] = static_cast<float>(D);
    }
  }
  return T;
}

} // namespace

llvm::Expected<Tensor> readTensorFile(const std::string &Path) {
  auto Bytes = readAll(Path);
  if (!Bytes)
    return Bytes.takeError();
  if (llvm::StringRef(Path).endswith(".pb")) {
    onnx::TensorProto P;
    if (!P.ParseFromString(*Bytes))
      return makeError("{}: not an ONNX TensorProto", Path);
    // A lone tensor file has no model folder: external data is refused.
    auto T = tensorFromProto(P, TensorSource());
    if (!T)
      return withContext(T.takeError(), Path);
    return std::move(*T);
  }
  return parseNpy(Path, *Bytes);
}

llvm::Error writeNpy(const std::string &Path, const Tensor &T) {
  std::string ShapeText;
  for (int64_t D : T.dims())
    ShapeText += std::to_string(D) + ",";
  if (T.dims().size() > 1)
    ShapeText.pop_back();
  const char *Descr = npyDescr(T.elem());
  if (!Descr)
    return makeError("{}: {} tensors have no .npy form", Path, elemTypeName(T.elem()));
  std::string Header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", Descr, ShapeText);
  // Pad so the data starts on a 64-byte boundary, as numpy does.
  size_t Total = 10 + Header.size() + 1;
  Header.append((64 - Total % 64) % 64, ' ');
  Header += '\n';
  std::ofstream Out(Path, std::ios::binary);
  if (!Out)
    return makeError("{}: cannot write file", Path);
  Out.write("\x93NUMPY\x01\x00", 8);
  char Len[2] = {static_cast<char>(Header.size() & 0xff), static_cast<char>(Header.size() >> 8)};
  Out.write(Len, 2);
  Out << Header;
  Out.write(reinterpret_cast<const char *>(T.bytes().data()), T.bytes().size());
  // Buffered data reaches the file at close: a full disk shows only there.
  Out.close();
  if (!Out)
    return makeError("{}: write failed", Path);
  return llvm::Error::success();
}

} // namespace xnorc
