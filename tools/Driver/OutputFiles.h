//===- OutputFiles.h - All-or-nothing writing of generated files -*- C++ -*-===//
#ifndef XNORC_TOOLS_DRIVER_OUTPUTFILES_H
#define XNORC_TOOLS_DRIVER_OUTPUTFILES_H

#include <llvm/Support/Error.h>
#include <string>
#include <utility>
#include <vector>

namespace xnorc {

/// Writes (name, contents) pairs into Dir, creating Dir if needed. Each file is
/// written to a temporary and renamed into place only after all were written,
/// so a failure leaves neither partial files nor a new empty directory.
llvm::Error writeOutputFiles(const std::string &Dir,
                             const std::vector<std::pair<std::string, std::string>> &Files);

} // namespace xnorc

#endif
