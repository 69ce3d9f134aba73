//===- TerminalText.cpp - Untrusted text made safe for a terminal ---------===//
#include "compiler/Support/TerminalText.h"

#include <fmt/format.h>

namespace xnorc {
namespace {

/// Length of the well-formed UTF-8 sequence starting at S[I] (1..4), 0 when the
/// bytes there are not one, or -1 when S ends inside a sequence that may still
/// be well-formed (a stream keeps those bytes for the next write).
int utf8Length(llvm::StringRef S, size_t I) {
  unsigned char B = S[I];
  int N = B < 0x80 ? 1 : (B >> 5) == 0x6 ? 2 : (B >> 4) == 0xE ? 3 : (B >> 3) == 0x1E ? 4 : 0;
  if (N <= 1)
    return N;
  // Shortest-form and range rules (RFC 3629): no overlong forms, no surrogates, <= U+10FFFF.
  unsigned Lo = 0x80, Hi = 0xBF;
  if (B == 0xE0)
    Lo = 0xA0;
  else if (B == 0xED)
    Hi = 0x9F;
  else if (B == 0xF0)
    Lo = 0x90;
  else if (B == 0xF4)
    Hi = 0x8F;
  else if (B == 0xC0 || B == 0xC1 || B > 0xF4)
    return 0;
  for (int K = 1; K < N; ++K) {
    if (I + K >= S.size())
      return -1;
    unsigned char C = S[I + K];
    if (C < (K == 1 ? Lo : 0x80) || C > (K == 1 ? Hi : 0xBF))
      return 0;
  }
  return N;
}

/// Appends the safe form of S to Out; returns how many bytes at S's end were left
/// because they may begin a UTF-8 sequence the next write completes (only when
/// AtEnd is false).
size_t appendSafe(std::string &Out, llvm::StringRef S, bool KeepNewlines, bool AtEnd) {
  for (size_t I = 0; I < S.size();) {
    unsigned char B = S[I];
    int N = utf8Length(S, I);
    if (N < 0 && !AtEnd)
      return S.size() - I;
    bool Control = B < 0x20 ? !(KeepNewlines && (B == '\n' || B == '\t')) : B == 0x7F;
    // U+0080..U+009F are encoded C2 80..C2 9F.
    bool C1 = N == 2 && B == 0xC2 && static_cast<unsigned char>(S[I + 1]) <= 0x9F;
    if (N <= 0 || Control || C1) {
      size_t Bytes = C1 ? 2 : 1;
      for (size_t K = 0; K < Bytes; ++K)
        Out += fmt::format("\\x{:02x}", static_cast<unsigned char>(S[I + K]));
      I += Bytes;
      continue;
    }
    Out.append(S.data() + I, N);
    I += N;
  }
  return 0;
}

} // namespace

std::string terminalSafe(llvm::StringRef S, bool KeepNewlines) {
  std::string Out;
  Out.reserve(S.size());
  appendSafe(Out, S, KeepNewlines, /*AtEnd=*/true);
  return Out;
}

TerminalSafeStream::TerminalSafeStream(llvm::raw_ostream &Out) : Out(Out) { SetUnbuffered(); }

TerminalSafeStream::~TerminalSafeStream() {
  if (!Pending.empty()) {
    std::string Safe;
    appendSafe(Safe, Pending, true, /*AtEnd=*/true);
    Out << Safe;
  }
}

void TerminalSafeStream::write_impl(const char *Ptr, size_t Size) {
  Pos += Size;
  Pending.append(Ptr, Size);
  std::string Safe;
  size_t Held = appendSafe(Safe, Pending, true, /*AtEnd=*/false);
  Pending.erase(0, Pending.size() - Held);
  Out << Safe;
}

llvm::raw_ostream &TerminalSafeStream::changeColor(enum Colors Color, bool Bold, bool BG) {
  Out.changeColor(Color, Bold, BG);
  return *this;
}
llvm::raw_ostream &TerminalSafeStream::resetColor() {
  Out.resetColor();
  return *this;
}
llvm::raw_ostream &TerminalSafeStream::reverseColor() {
  Out.reverseColor();
  return *this;
}
bool TerminalSafeStream::is_displayed() const { return Out.is_displayed(); }
bool TerminalSafeStream::has_colors() const { return Out.has_colors(); }

llvm::raw_ostream &diags() {
  static TerminalSafeStream S(llvm::errs());
  return S;
}

} // namespace xnorc
