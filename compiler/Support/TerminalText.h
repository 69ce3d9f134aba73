//===- TerminalText.h - Untrusted text made safe for a terminal ---*- C++ -*-===//
//
// Diagnostics, remarks and the text report quote names from the model, which is
// untrusted input. Written raw to a terminal, a name could carry escape sequences
// (clear the screen, move the cursor, retitle the window, fake colours) or a
// carriage return that overwrites the diagnostic before it, so a user would read
// something other than what xnorc said. Every byte a terminal interprets is
// written as a visible \xNN escape instead; what a user can read is kept.
//
//===----------------------------------------------------------------------===//
#ifndef XNORC_SUPPORT_TERMINALTEXT_H
#define XNORC_SUPPORT_TERMINALTEXT_H

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/raw_ostream.h>
#include <string>

namespace xnorc {

/// S with every C0 control byte except '\n' and '\t', DEL, every C1 control
/// (U+0080..U+009F, which some terminals take as CSI and friends) and every byte
/// that is not part of well-formed UTF-8 written as `\xNN`. Other text, UTF-8
/// letters included, is kept as it is. With KeepNewlines false, '\n' and '\t' are
/// escaped too (for text that must stay on one line, such as a name in a table).
std::string terminalSafe(llvm::StringRef S, bool KeepNewlines = true);

/// A stream that writes to Out through terminalSafe (newlines kept), for the
/// tools' diagnostics. Colour changes (llvm::WithColor) pass through to Out, so a
/// terminal still shows a red "error:"; only the text is filtered.
class TerminalSafeStream : public llvm::raw_ostream {
public:
  explicit TerminalSafeStream(llvm::raw_ostream &Out);
  ~TerminalSafeStream() override;

  llvm::raw_ostream &changeColor(enum Colors Color, bool Bold, bool BG) override;
  llvm::raw_ostream &resetColor() override;
  llvm::raw_ostream &reverseColor() override;
  bool is_displayed() const override;
  bool has_colors() const override;

private:
  void write_impl(const char *Ptr, size_t Size) override;
  uint64_t current_pos() const override { return Pos; }

  llvm::raw_ostream &Out;
  std::string Pending; // an incomplete UTF-8 sequence held back until its next bytes
  uint64_t Pos = 0;
};

/// The tools' diagnostic stream: llvm::errs() through terminalSafe.
llvm::raw_ostream &diags();

} // namespace xnorc

#endif
