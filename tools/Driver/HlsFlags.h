//===- HlsFlags.h - The FPGA (HLS) target's driver flags ---------*- C++ -*-===//
//
// --hls-fps=F, --hls-clock-mhz=M and --hls-folding=FILE.json, the spelling issue 13 and
// docs/HLS.md use, defined once here and mapped onto the hls target's --target-opt keys
// (fps, clock-mhz, folding), so the target keeps the one option interface every target has.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_TOOLS_DRIVER_HLSFLAGS_H
#define XNORC_TOOLS_DRIVER_HLSFLAGS_H

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Error.h>
#include <string>
#include <vector>

namespace xnorc {

/// The "FPGA (--target=hls)" option category.
llvm::cl::OptionCategory &hlsCategory();

/// The --target-opt strings ("fps=F", ...) the --hls-* flags given stand for; an error naming
/// the flag when one is given with a target other than hls (TargetName is the target's
/// name()), or with a value that is not a positive number.
llvm::Expected<std::vector<std::string>> hlsTargetOptions(const std::string &TargetName);

} // namespace xnorc

#endif
