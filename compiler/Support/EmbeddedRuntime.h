//===- EmbeddedRuntime.h - Runtime kernel sources inside xnorc ---*- C++ -*-===//
#ifndef XNORC_SUPPORT_EMBEDDEDRUNTIME_H
#define XNORC_SUPPORT_EMBEDDEDRUNTIME_H

namespace xnorc {

/// The text of runtime/include/xnorc/runtime/<Path> (e.g. "generic/conv.h"),
/// or null if there is no such header.
const char *embeddedRuntimeSource(const char *Path);

} // namespace xnorc

#endif
