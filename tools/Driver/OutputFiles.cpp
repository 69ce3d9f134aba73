#include "tools/Driver/OutputFiles.h"

#include "compiler/Support/Error.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace xnorc {

llvm::Error writeOutputFiles(const std::string &Dir,
                             const std::vector<std::pair<std::string, std::string>> &Files) {
  bool CreatedDir = !llvm::sys::fs::exists(Dir);
  if (auto EC = llvm::sys::fs::create_directories(Dir))
    return makeError("{}: cannot create directory: {}", Dir, EC.message());
  std::vector<std::string> Temps;
  auto Cleanup = [&] {
    for (const std::string &T : Temps)
      llvm::sys::fs::remove(T);
    if (CreatedDir)
      llvm::sys::fs::remove(Dir);
  };
  for (const auto &[Name, Contents] : Files) {
    llvm::SmallString<256> Path(Dir);
    llvm::sys::path::append(Path, Name + ".tmp");
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    if (!EC) {
      Temps.push_back(Path.str().str());
      OS << Contents;
      OS.close();
      if (OS.has_error())
        EC = OS.error();
    }
    if (EC) {
      OS.clear_error();
      Cleanup();
      return makeError("{}: cannot write file: {}", Path.str().str(), EC.message());
    }
  }
  // A failed rename must not leave the files renamed before it: a header
  // without its source is a partial output.
  std::vector<std::string> Renamed;
  for (size_t I = 0; I < Files.size(); ++I) {
    llvm::SmallString<256> Final(Dir);
    llvm::sys::path::append(Final, Files[I].first);
    if (auto EC = llvm::sys::fs::rename(Temps[I], Final)) {
      for (const std::string &R : Renamed)
        llvm::sys::fs::remove(R);
      Cleanup();
      return makeError("{}: cannot write file: {}", Final.str().str(), EC.message());
    }
    Renamed.push_back(Final.str().str());
  }
  return llvm::Error::success();
}

} // namespace xnorc
