#include "compiler/IR/Printer.h"

#include "compiler/Support/FloatText.h"
#include "compiler/Support/TerminalText.h"

#include <cmath>
#include <fmt/format.h>
#include <variant>

namespace xnorc {

namespace {

bool isBareIdentifier(const std::string &S) {
  if (S.empty())
    return false;
  for (char C : S)
    if (!(isalnum(static_cast<unsigned char>(C)) || C == '_' || C == '.'))
      return false;
  return true;
}

/// A quoted name: `"` and `\` escaped by a backslash, then every byte a terminal
/// would interpret (controls, C1, bytes that are not UTF-8) as `\xNN`, so printed IR
/// stays one line per op and is safe to show; the parser reads both escapes back.
std::string quote(const std::string &S) {
  std::string Out;
  for (char C : S) {
    if (C == '"' || C == '\\')
      Out += '\\';
    Out += C;
  }
  return "\"" + terminalSafe(Out, /*KeepNewlines=*/false) + "\"";
}

std::string formatConstant(const Tensor &T, const PrintOptions &Opts) {
  if (Opts.ElideConstantsAbove && T.size() > Opts.ElideConstantsAbove)
    return "dense<...>";
  std::string Out = "dense<[";
  if (T.elem() == ElemType::B1) {
    const uint64_t *W = T.data<uint64_t>();
    for (size_t I = 0; I < T.bytes().size() / 8; ++I)
      Out += fmt::format("{}0x{:016x}", I ? ", " : "", W[I]);
  } else {
    for (int64_t I = 0; I < T.size(); ++I) {
      if (I)
        Out += ", ";
      Out +=
          T.elem() == ElemType::F32 ? floatText(T.data<float>()[I]) : std::to_string(T.getAsInt(I));
    }
  }
  return Out + "]>";
}

} // namespace

std::string printAttrValue(const Attr &A) {
  struct Visitor {
    std::string operator()(int64_t I) const { return std::to_string(I); }
    std::string operator()(double D) const { return doubleText(D); }
    std::string operator()(const std::vector<int64_t> &V) const {
      return fmt::format("[{}]", fmt::join(V, ", "));
    }
    std::string operator()(const std::vector<double> &V) const {
      std::vector<std::string> Parts;
      for (double D : V)
        Parts.push_back(doubleText(D));
      // An empty float list prints as [] and reads back as ints; attrAsFloats converts.
      return fmt::format("[{}]", fmt::join(Parts, ", "));
    }
    std::string operator()(const std::string &S) const { return quote(S); }
  };
  return std::visit(Visitor{}, A);
}

std::string printValueName(const std::string &Name) {
  return "%" + (isBareIdentifier(Name) ? Name : quote(Name));
}

std::string printGraph(const Graph &G, const PrintOptions &Opts) {
  std::string Out;
  std::vector<std::string> Ins, Outs;
  for (Value *V : G.inputs())
    Ins.push_back(fmt::format("{}: {}", printValueName(V->name()), V->type().str()));
  for (Value *V : G.outputs())
    Outs.push_back(printValueName(V->name()));
  Out += fmt::format("graph @{}({}) -> ({}) {{\n", quote(G.name()), fmt::join(Ins, ", "),
                     fmt::join(Outs, ", "));
  for (Value *C : G.constants())
    Out += fmt::format("  {} = const {} {}\n", printValueName(C->name()), C->type().str(),
                       formatConstant(C->constant(), Opts));
  for (Op *O : G.ops()) {
    std::vector<std::string> Operands, Attrs;
    for (Value *V : O->operands())
      Operands.push_back(printValueName(V->name()));
    for (auto &[Name, A] : O->attrs().all())
      Attrs.push_back(fmt::format("{} = {}", Name, printAttrValue(A)));
    Out += fmt::format("  {} = {}({})", printValueName(O->result()->name()), O->mnemonic(),
                       fmt::join(Operands, ", "));
    if (!Attrs.empty())
      Out += fmt::format(" {{{}}}", fmt::join(Attrs, ", "));
    Out += fmt::format(" : {}", O->result()->type().str());
    if (!O->name().empty())
      Out += fmt::format(" loc({})", quote(O->name()));
    Out += "\n";
  }
  Out += fmt::format("  return {}\n}}\n", fmt::join(Outs, ", "));
  return Out;
}

} // namespace xnorc
