//===- Parser.cpp - Recursive-descent reader for the text IR --------------===//
#include "compiler/IR/Parser.h"

#include "compiler/Support/Error.h"

#include <llvm/ADT/StringExtras.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace xnorc {

namespace {

// No parse function calls itself (the syntax does not nest), so no input can exhaust
// the stack.
class IRParser {
public:
  IRParser(const std::string &Text, const ModelLimits &Limits) : S(Text), Limits(Limits) {}

  llvm::Expected<std::unique_ptr<Graph>> parse() {
    auto G = std::make_unique<Graph>();
    if (auto E = parseGraphBody(*G))
      return std::move(E);
    return std::move(G);
  }

private:
  const std::string &S;
  const ModelLimits &Limits;
  size_t P = 0;
  std::unordered_map<std::string, Value *> Names;
  int64_t Nodes = 0;

  /// The type of value Name, declared at At, against the limits.
  llvm::Error checkType(const TensorType &T, const std::string &Name, size_t At) const {
    if (auto E = checkTensorLimits(T, Limits, "value %" + Name))
      return error(llvm::toString(std::move(E)), At);
    return llvm::Error::success();
  }

  /// One more op or constant, against the limit.
  llvm::Error countNode(size_t At) {
    if (auto E = checkNodeLimit(++Nodes, Limits))
      return error(llvm::toString(std::move(E)), At);
    return llvm::Error::success();
  }

  /// A dimension: a non-negative decimal integer that fits in int64.
  llvm::Expected<int64_t> parseDim() {
    skipSpace();
    size_t Start = P;
    while (P < S.size() && isdigit(static_cast<unsigned char>(S[P])))
      ++P;
    if (P == Start)
      return error("expected a dimension (a non-negative integer)");
    if (P < S.size() && (S[P] == '.' || S[P] == 'e' || S[P] == 'E'))
      return error("dimension must be a non-negative integer", Start);
    std::string Text = S.substr(Start, P - Start);
    if (Text.size() > 18)
      return error("dimension " + Text + " is too large", Start);
    return static_cast<int64_t>(std::stoll(Text));
  }

  /// An error at the current position, or at At (the start of the token at fault).
  llvm::Error error(const std::string &Msg, size_t At = std::string::npos) const {
    size_t Pos = At == std::string::npos ? P : At;
    size_t Line = 1, Col = 1;
    for (size_t I = 0; I < Pos && I < S.size(); ++I, ++Col)
      if (S[I] == '\n')
        ++Line, Col = 0;
    return makeError("{}:{}: {}", Line, Col, Msg);
  }

  void skipSpace() {
    while (P < S.size()) {
      if (isspace(static_cast<unsigned char>(S[P])))
        ++P;
      else if (S.compare(P, 2, "//") == 0)
        while (P < S.size() && S[P] != '\n')
          ++P;
      else
        break;
    }
  }

  bool consume(const char *Tok) {
    skipSpace();
    size_t N = strlen(Tok);
    if (S.compare(P, N, Tok) != 0)
      return false;
    P += N;
    return true;
  }

  llvm::Error expect(const char *Tok) {
    if (!consume(Tok))
      return error(std::string("expected '") + Tok + "'");
    return llvm::Error::success();
  }

  llvm::Expected<std::string> parseQuoted() {
    skipSpace();
    if (P >= S.size() || S[P] != '"')
      return error("expected a string");
    std::string Out;
    for (++P; P < S.size() && S[P] != '"'; ++P) {
      if (S[P] == '\\' && P + 3 < S.size() && S[P + 1] == 'x' && llvm::isHexDigit(S[P + 2]) &&
          llvm::isHexDigit(S[P + 3])) {
        Out += static_cast<char>(llvm::hexFromNibbles(S[P + 2], S[P + 3]));
        P += 3;
        continue;
      }
      if (S[P] == '\\' && P + 1 < S.size())
        ++P;
      Out += S[P];
    }
    if (P >= S.size())
      return error("unterminated string");
    ++P;
    return Out;
  }

  std::string parseBareWord() {
    skipSpace();
    size_t B = P;
    while (P < S.size() &&
           (isalnum(static_cast<unsigned char>(S[P])) || S[P] == '_' || S[P] == '.'))
      ++P;
    return S.substr(B, P - B);
  }

  /// %name or %"quoted name".
  llvm::Expected<std::string> parseValueName() {
    if (!consume("%"))
      return error("expected a value name starting with '%'");
    if (P < S.size() && S[P] == '"')
      return parseQuoted();
    std::string N = parseBareWord();
    if (N.empty())
      return error("expected a value name");
    return N;
  }

  llvm::Expected<Value *> parseValueRef() {
    skipSpace();
    size_t Start = P;
    auto N = parseValueName();
    if (!N)
      return N.takeError();
    auto It = Names.find(*N);
    if (It == Names.end())
      return error("use of undefined value %" + *N, Start);
    return It->second;
  }

  llvm::Expected<double> parseNumber() {
    skipSpace();
    bool Neg = consume("-");
    if (consume("inf"))
      return Neg ? -INFINITY : INFINITY;
    if (consume("nan"))
      return NAN;
    const char *Begin = S.c_str() + P;
    char *End = nullptr;
    double D = strtod(Begin, &End);
    if (End == Begin)
      return error("expected a number");
    P += End - Begin;
    return Neg ? -D : D;
  }

  /// Integers keep full 64-bit precision; anything with '.', 'e', inf or nan is a float.
  llvm::Expected<Attr> parseScalar(bool &IsFloat) {
    skipSpace();
    size_t Start = P;
    if (S.compare(P, 2, "0x") == 0) {
      IsFloat = false;
      char *End = nullptr;
      uint64_t U = strtoull(S.c_str() + P, &End, 16);
      P = End - S.c_str();
      return Attr(static_cast<int64_t>(U));
    }
    auto D = parseNumber();
    if (!D)
      return D.takeError();
    std::string Text = S.substr(Start, P - Start);
    IsFloat = Text.find_first_of(".eEin") != std::string::npos;
    if (IsFloat)
      return Attr(*D);
    errno = 0;
    long long V = strtoll(Text.c_str(), nullptr, 10);
    if (errno == ERANGE)
      return error("integer " + Text + " is out of range", Start);
    return Attr(static_cast<int64_t>(V));
  }

  llvm::Expected<Attr> parseAttrValue() {
    skipSpace();
    if (P < S.size() && S[P] == '"') {
      auto Str = parseQuoted();
      if (!Str)
        return Str.takeError();
      return Attr(*Str);
    }
    if (!consume("["))
      return parseScalarAttr();
    std::vector<int64_t> Ints;
    std::vector<double> Floats;
    bool AnyFloat = false;
    while (!consume("]")) {
      if (!Ints.empty() || !Floats.empty())
        if (auto E = expect(","))
          return std::move(E);
      bool IsFloat = false;
      auto A = parseScalar(IsFloat);
      if (!A)
        return A.takeError();
      AnyFloat |= IsFloat;
      double D = IsFloat ? std::get<double>(*A) : static_cast<double>(std::get<int64_t>(*A));
      Floats.push_back(D);
      Ints.push_back(IsFloat ? 0 : std::get<int64_t>(*A));
    }
    if (AnyFloat)
      return Attr(Floats);
    return Attr(Ints);
  }

  llvm::Expected<Attr> parseScalarAttr() {
    bool IsFloat = false;
    return parseScalar(IsFloat);
  }

  llvm::Expected<TensorType> parseType() {
    skipSpace();
    size_t Start = P;
    std::string Elem = parseBareWord();
    TensorType T;
    if (!parseElemType(Elem, T.Elem))
      return error("unknown element type '" + Elem + "'", Start);
    if (auto E = expect("["))
      return std::move(E);
    while (!consume("]")) {
      if (!T.Dims.empty())
        if (auto E = expect(","))
          return std::move(E);
      auto D = parseDim();
      if (!D)
        return D.takeError();
      T.Dims.push_back(*D);
    }
    return T;
  }

  llvm::Error parseConstant(Graph &G, const std::string &Name) {
    skipSpace();
    size_t TypeStart = P;
    auto T = parseType();
    if (!T)
      return T.takeError();
    if (auto E = checkType(*T, Name, TypeStart))
      return E;
    if (auto E = expect("dense<"))
      return E;
    auto List = parseAttrValue();
    if (!List)
      return List.takeError();
    if (auto E = expect(">"))
      return E;
    Tensor Data(*T);
    if (T->Elem == ElemType::B1) {
      auto Words = std::get_if<std::vector<int64_t>>(&*List);
      if (!Words || Words->size() * 8 != Data.bytes().size())
        return error("constant %" + Name + " needs " + std::to_string(Data.bytes().size() / 8) +
                     " packed words");
      std::memcpy(Data.data<uint64_t>(), Words->data(), Data.bytes().size());
    } else {
      auto Vals = attrAsFloats(*List);
      if (static_cast<int64_t>(Vals.size()) != Data.size())
        return error("constant %" + Name + " has " + std::to_string(Vals.size()) +
                     " elements, its type needs " + std::to_string(Data.size()));
      if (isIntegerType(T->Elem)) {
        // Integer elements are written as integers: a float (1.5, inf, nan) has no
        // exact value of the type, and converting it would be undefined behaviour.
        std::vector<int64_t> One;
        auto *Ints = std::get_if<std::vector<int64_t>>(&*List);
        if (auto *Scalar = std::get_if<int64_t>(&*List))
          Ints = &(One = {*Scalar});
        if (!Ints && Data.size() > 0)
          return error("constant %" + Name + ": " + elemTypeName(T->Elem) +
                       " elements must be integers");
        for (int64_t I = 0; I < Data.size(); ++I) {
          int64_t V = (*Ints)[I];
          if (V < integerTypeMin(T->Elem) || V > integerTypeMax(T->Elem))
            return error("constant %" + Name + ": " + std::to_string(V) + " is out of range for " +
                         elemTypeName(T->Elem));
          if (T->Elem == ElemType::I64)
            Data.data<int64_t>()[I] = V;
          else
            Data.setFromDouble(I, static_cast<double>(V));
        }
      } else {
        for (int64_t I = 0; I < Data.size(); ++I)
          Data.setFromDouble(I, Vals[I]);
      }
    }
    Names[Name] = G.addConstant(Name, std::move(Data));
    return llvm::Error::success();
  }

  llvm::Error parseOp(Graph &G, const std::string &ResultName) {
    skipSpace();
    size_t Start = P;
    std::string Mnemonic = parseBareWord();
    OpKind Kind;
    if (!parseOpMnemonic(Mnemonic, Kind))
      return error("unknown op '" + Mnemonic + "'", Start);
    if (auto E = expect("("))
      return E;
    std::vector<Value *> Operands;
    while (!consume(")")) {
      if (!Operands.empty())
        if (auto E = expect(","))
          return E;
      auto V = parseValueRef();
      if (!V)
        return V.takeError();
      Operands.push_back(*V);
    }
    Attributes Attrs;
    if (consume("{")) {
      while (!consume("}")) {
        if (!Attrs.all().empty())
          if (auto E = expect(","))
            return E;
        std::string Key = parseBareWord();
        if (Key.empty())
          return error("expected an attribute name");
        if (auto E = expect("="))
          return E;
        auto A = parseAttrValue();
        if (!A)
          return A.takeError();
        Attrs.set(Key, *A);
      }
    }
    if (auto E = expect(":"))
      return E;
    skipSpace();
    size_t TypeStart = P;
    auto T = parseType();
    if (!T)
      return T.takeError();
    if (auto E = checkType(*T, ResultName, TypeStart))
      return E;
    std::string Loc;
    if (consume("loc(")) {
      auto L = parseQuoted();
      if (!L)
        return L.takeError();
      Loc = *L;
      if (auto E = expect(")"))
        return E;
    }
    Op *O = G.addOp(Kind, Loc, std::move(Operands), std::move(Attrs), ResultName, *T);
    Names[ResultName] = O->result();
    return llvm::Error::success();
  }

  llvm::Error parseGraphBody(Graph &G) {
    if (auto E = expect("graph"))
      return E;
    if (auto E = expect("@"))
      return E;
    auto GName = parseQuoted();
    if (!GName)
      return GName.takeError();
    G.setName(*GName);
    if (auto E = expect("("))
      return E;
    while (!consume(")")) {
      if (!G.inputs().empty())
        if (auto E = expect(","))
          return E;
      auto N = parseValueName();
      if (!N)
        return N.takeError();
      if (auto E = expect(":"))
        return E;
      skipSpace();
      size_t TypeStart = P;
      auto T = parseType();
      if (!T)
        return T.takeError();
      if (auto E = checkType(*T, *N, TypeStart))
        return E;
      Names[*N] = G.addInput(*N, *T);
    }
    // The header repeats the returned names for readability; `return` is authoritative.
    if (auto E = expect("->"))
      return E;
    if (auto E = expect("("))
      return E;
    while (!consume(")"))
      if (!consume(",")) {
        auto N = parseValueName();
        if (!N)
          return N.takeError();
      }
    if (auto E = expect("{"))
      return E;
    while (!consume("return")) {
      skipSpace();
      if (auto E = countNode(P))
        return E;
      auto N = parseValueName();
      if (!N)
        return N.takeError();
      if (Names.count(*N))
        return error("value %" + *N + " is defined twice");
      if (auto E = expect("="))
        return E;
      llvm::Error E = consume("const") ? parseConstant(G, *N) : parseOp(G, *N);
      if (E)
        return E;
    }
    do {
      auto V = parseValueRef();
      if (!V)
        return V.takeError();
      G.addOutput(*V);
    } while (consume(","));
    if (auto E = expect("}"))
      return E;
    skipSpace();
    if (P != S.size())
      return error("unexpected text after the graph");
    return llvm::Error::success();
  }
};

} // namespace

llvm::Expected<std::unique_ptr<Graph>> parseGraph(const std::string &Text,
                                                  const ModelLimits &Limits) {
  return IRParser(Text, Limits).parse();
}

} // namespace xnorc
