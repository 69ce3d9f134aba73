#include "compiler/Frontend/ExternalData.h"

#include "compiler/Support/CheckedArith.h"
#include "compiler/Support/Error.h"

#include <fstream>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace xnorc {

namespace {

struct ExternalInfo {
  std::string Location;
  std::optional<int64_t> Offset, Length;
};

/// A decimal count as ONNX writes offsets and lengths: digits only, no sign.
std::optional<int64_t> parseCount(const std::string &S) {
  if (S.empty() || S.size() > 18 || S.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(S);
}

llvm::Expected<ExternalInfo> parseEntries(const onnx::TensorProto &P) {
  ExternalInfo Info;
  bool HasLocation = false;
  for (const auto &E : P.external_data()) {
    const std::string &K = E.key(), &V = E.value();
    if (K == "location") {
      if (HasLocation)
        return makeError("tensor '{}': external data names 'location' twice", P.name());
      HasLocation = true;
      Info.Location = V;
    } else if (K == "offset" || K == "length") {
      auto &Field = K == "offset" ? Info.Offset : Info.Length;
      if (Field)
        return makeError("tensor '{}': external data names '{}' twice", P.name(), K);
      Field = parseCount(V);
      if (!Field)
        return makeError("tensor '{}': external data {} '{}' is not a non-negative integer",
                         P.name(), K, V);
    }
    // Other keys ("checksum") carry nothing xnorc needs, as for ONNX's loader.
  }
  if (!HasLocation || Info.Location.empty())
    return makeError("tensor '{}' uses external data but gives no location", P.name());
  return Info;
}

/// The location's path inside ModelDir, or an error if it could leave it.
llvm::Expected<std::string> resolveInside(const onnx::TensorProto &P, const std::string &Location,
                                          const std::string &ModelDir) {
  if (Location.find('\0') != std::string::npos)
    return makeError("tensor '{}': external data location contains a NUL byte", P.name());
  if (llvm::sys::path::is_absolute(Location))
    return makeError("tensor '{}': external data location '{}' is an absolute path; it must be "
                     "relative to the model's folder",
                     P.name(), Location);
  for (auto It = llvm::sys::path::begin(Location), End = llvm::sys::path::end(Location); It != End;
       ++It)
    if (*It == "..")
      return makeError("tensor '{}': external data location '{}' contains '..'; it must stay "
                       "inside the model's folder",
                       P.name(), Location);
  llvm::SmallString<256> Dir, File, Joined(ModelDir);
  llvm::sys::path::append(Joined, Location);
  if (std::error_code EC = llvm::sys::fs::real_path(ModelDir, Dir))
    return makeError("tensor '{}': cannot resolve the model's folder: {}", P.name(), EC.message());
  if (std::error_code EC = llvm::sys::fs::real_path(Joined, File))
    return makeError("tensor '{}': cannot open external data file '{}': {}", P.name(), Location,
                     EC.message());
  // A symbolic link inside the folder may point anywhere: compare resolved paths.
  std::string Prefix(Dir);
  if (Prefix.empty() || !llvm::sys::path::is_separator(Prefix.back()))
    Prefix += '/';
  if (!llvm::StringRef(File).startswith(Prefix))
    return makeError("tensor '{}': external data file '{}' resolves to a path outside the "
                     "model's folder",
                     P.name(), Location);
  return std::string(File);
}

} // namespace

llvm::Expected<std::string> readExternalData(const onnx::TensorProto &P,
                                             const std::string &ModelDir, int64_t Bytes) {
  if (ModelDir.empty())
    return makeError("tensor '{}' uses external data, which needs a model read from a file",
                     P.name());
  if (P.has_raw_data() || P.float_data_size() || P.int32_data_size() || P.int64_data_size() ||
      P.double_data_size() || P.string_data_size() || P.uint64_data_size())
    return makeError("tensor '{}' is stored externally and must not also hold data", P.name());
  auto Info = parseEntries(P);
  if (!Info)
    return Info.takeError();
  auto Path = resolveInside(P, Info->Location, ModelDir);
  if (!Path)
    return Path.takeError();
  llvm::sys::fs::file_status St;
  if (std::error_code EC = llvm::sys::fs::status(*Path, St))
    return makeError("tensor '{}': cannot open external data file '{}': {}", P.name(),
                     Info->Location, EC.message());
  if (St.type() != llvm::sys::fs::file_type::regular_file)
    return makeError("tensor '{}': external data file '{}' is not a regular file", P.name(),
                     Info->Location);
  int64_t Size = static_cast<int64_t>(St.getSize());
  int64_t Offset = Info->Offset.value_or(0);
  // Without a length the data runs to the end of the file, as ONNX's loader reads it.
  int64_t Length = Info->Length ? *Info->Length : std::max<int64_t>(Size - Offset, 0);
  if (Length != Bytes)
    return makeError("tensor '{}': external data length {} does not match the {} bytes its type "
                     "needs",
                     P.name(), Length, Bytes);
  CheckedInt End = checkedAdd(Offset, Length);
  if (!End || *End > Size)
    return makeError("tensor '{}': external data at offset {}, length {} runs past the end of "
                     "'{}' ({} bytes)",
                     P.name(), Offset, Length, Info->Location, Size);
  std::ifstream In(*Path, std::ios::binary);
  std::string Data(static_cast<size_t>(Length), '\0');
  if (!In.seekg(Offset) || !In.read(Data.data(), Length))
    return makeError("tensor '{}': cannot read external data file '{}'", P.name(), Info->Location);
  return Data;
}

} // namespace xnorc
