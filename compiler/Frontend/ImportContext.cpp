#include "compiler/Frontend/ImportContext.h"

#include "compiler/Frontend/ExternalData.h"
#include "compiler/IR/ShapeInference.h"
#include "compiler/Interpreter/Interpreter.h"

#include <algorithm>

namespace xnorc {

llvm::Error ImportContext::error(const std::string &Msg) const {
  // Exporters often leave nodes unnamed; the first output names them uniquely.
  if (Node->name().empty())
    return makeError("node with output '{}' ({}): {}",
                     Node->output_size() ? Node->output(0) : std::string("?"), Node->op_type(),
                     Msg);
  return makeError("node '{}' ({}): {}", Node->name(), Node->op_type(), Msg);
}

llvm::Error ImportContext::checkLimits(const TensorType &T, const std::string &What) const {
  if (auto E = checkTensorLimits(T, Opts.Limits, What))
    return error(llvm::toString(std::move(E)));
  return llvm::Error::success();
}

llvm::Expected<Tensor> ImportContext::readTensor(const onnx::TensorProto &P) const {
  auto T = tensorFromProto(P, Source);
  if (!T)
    return error(llvm::toString(T.takeError()));
  return T;
}

void ImportContext::noteOnce(const std::string &Text) {
  if (!Opts.Note || std::find(NotesGiven.begin(), NotesGiven.end(), Text) != NotesGiven.end())
    return;
  NotesGiven.push_back(Text);
  Opts.Note(Text);
}

bool ImportContext::hasInput(int I) const {
  return I < Node->input_size() && !Node->input(I).empty();
}

Value *ImportContext::lookup(const std::string &OnnxName) const {
  auto It = Symbols.find(OnnxName);
  return It == Symbols.end() ? nullptr : It->second;
}

llvm::Expected<Value *> ImportContext::input(int I) const {
  if (!hasInput(I))
    return error("missing required input " + std::to_string(I));
  Value *V = lookup(Node->input(I));
  if (!V)
    return error("input '" + Node->input(I) + "' is not defined");
  return V;
}

llvm::Expected<const Tensor *> ImportContext::constantInput(int I) const {
  auto V = input(I);
  if (!V)
    return V.takeError();
  if (!(*V)->isConstant())
    return error("input '" + Node->input(I) +
                 "' is computed at run time, which is unsupported: it must be a compile-time "
                 "constant (an initializer or foldable from one)");
  return &(*V)->constant();
}

llvm::Expected<std::vector<int64_t>> ImportContext::constantInts(int I) const {
  auto T = constantInput(I);
  if (!T)
    return T.takeError();
  if (!isIntegerType((*T)->elem()))
    return error("input '" + Node->input(I) + "' must hold integers (int64), not " +
                 elemTypeName((*T)->elem()));
  return (*T)->toInts();
}

const onnx::AttributeProto *ImportContext::attr(const std::string &Name) const {
  for (const auto &A : Node->attribute())
    if (A.name() == Name)
      return &A;
  return nullptr;
}

bool ImportContext::hasAttr(const std::string &Name) const { return attr(Name) != nullptr; }

const onnx::AttributeProto *ImportContext::attr(const std::string &Name,
                                                onnx::AttributeProto::AttributeType Type) const {
  const auto *A = attr(Name);
  // Very old exporters leave the type unset; the value field then decides.
  if (!A || A->type() == Type || A->type() == onnx::AttributeProto::UNDEFINED)
    return A;
  if (AttrError.empty())
    AttrError = "attribute '" + Name + "' has type " +
                onnx::AttributeProto::AttributeType_Name(A->type()) + ", expected " +
                onnx::AttributeProto::AttributeType_Name(Type);
  return nullptr;
}

llvm::Error ImportContext::takeAttrError() {
  if (AttrError.empty())
    return llvm::Error::success();
  std::string Msg = std::move(AttrError);
  AttrError.clear();
  return error(Msg);
}

int64_t ImportContext::attrInt(const std::string &Name, int64_t Default) const {
  const auto *A = attr(Name, onnx::AttributeProto::INT);
  return A ? A->i() : Default;
}

float ImportContext::attrFloat(const std::string &Name, float Default) const {
  // ONNX's text syntax writes 1 for 1.0 as an INT: the number means the same.
  if (const auto *A = attr(Name); A && A->type() == onnx::AttributeProto::INT)
    return static_cast<float>(A->i());
  const auto *A = attr(Name, onnx::AttributeProto::FLOAT);
  return A ? A->f() : Default;
}

std::vector<int64_t> ImportContext::attrInts(const std::string &Name,
                                             std::vector<int64_t> Default) const {
  const auto *A = attr(Name, onnx::AttributeProto::INTS);
  return A ? std::vector<int64_t>(A->ints().begin(), A->ints().end()) : Default;
}

std::string ImportContext::attrString(const std::string &Name, std::string Default) const {
  const auto *A = attr(Name, onnx::AttributeProto::STRING);
  return A ? A->s() : Default;
}

llvm::Expected<int64_t> ImportContext::normalizeAxis(int64_t Axis, int64_t Rank) const {
  if (Axis < -Rank || Axis >= Rank)
    return error("axis " + std::to_string(Axis) + " is out of range for rank " +
                 std::to_string(Rank));
  return Axis < 0 ? Axis + Rank : Axis;
}

void ImportContext::bindOutput(int Out, Value *V) {
  if (Out >= 0 && Out < Node->output_size() && !Node->output(Out).empty())
    Symbols[Node->output(Out)] = V;
}

Value *ImportContext::constant(Tensor T, const std::string &NameHint) {
  return G.addConstant(G.uniqueName(NameHint), std::move(T));
}

std::string ImportContext::resultName(int Out) const {
  if (Out >= 0 && Out < Node->output_size() && !Node->output(Out).empty())
    return Node->output(Out);
  // A node may lack the output (a malformed model): its value is named after the node.
  return (!Node->name().empty()     ? Node->name()
          : Node->output_size() > 0 ? Node->output(0)
                                    : std::string("node")) +
         ".tmp";
}

void ImportContext::bindConstantOutput(Tensor T) {
  bindOutput(0, constant(std::move(T), resultName(0)));
}

llvm::Expected<Value *> ImportContext::emit(OpKind Kind, std::vector<Value *> Operands,
                                            Attributes Attrs, int Out) {
  auto Type = inferResultType(Kind, Operands, Attrs);
  if (!Type)
    return error(llvm::toString(Type.takeError()));
  // Before folding allocates it.
  if (auto E = checkLimits(*Type, "the result"))
    return std::move(E);
  const std::string ResultName = G.uniqueName(resultName(Out));
  Op *O = G.addOp(Kind, Node->name(), std::move(Operands), std::move(Attrs), ResultName, *Type);
  bool Foldable = std::all_of(O->operands().begin(), O->operands().end(),
                              [](Value *V) { return V->isConstant(); });
  // A shape is known at compile time whatever the operand holds.
  if (Kind == OpKind::ShapeOf)
    Foldable = true;
  // Dequantized constant weights stay integer until quantize-layers has seen them
  // (it makes the layer they feed an integer one); const-fold folds the rest.
  if (Kind == OpKind::Dequantize)
    Foldable = false;
  if (Foldable) {
    std::vector<const Tensor *> Args;
    for (Value *V : O->operands())
      Args.push_back(V->isConstant() ? &V->constant() : nullptr);
    auto Folded = evaluateOp(*O, Args);
    if (!Folded) {
      // evaluateOp's messages start with the op ("div 'div0': "); error() names
      // the node already.
      std::string Msg = llvm::toString(Folded.takeError());
      llvm::StringRef Reason(Msg);
      Reason.consume_front(O->describe() + ": ");
      return error(Reason.str());
    }
    G.eraseOps({O});
    Value *C = G.addConstant(ResultName, std::move(*Folded));
    bindOutput(Out, C);
    return C;
  }
  bindOutput(Out, O->result());
  return O->result();
}

namespace {

/// Bytes per element of a TensorProto data type as raw_data stores it; 0 for
/// types xnorc does not read.
size_t rawWidth(int32_t Type) {
  switch (Type) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
    return 8;
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return 1;
  default:
    return 0;
  }
}

} // namespace

llvm::Expected<Tensor> tensorFromProto(const onnx::TensorProto &P, const TensorSource &Src) {
  size_t Width = rawWidth(P.data_type());
  if (!Width)
    return makeError(
        "tensor '{}' has unsupported data type {}", P.name(),
        onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(P.data_type())));
  bool IsFloat =
      P.data_type() == onnx::TensorProto::FLOAT || P.data_type() == onnx::TensorProto::DOUBLE;
  Shape Dims(P.dims().begin(), P.dims().end());
  // The tensor as the IR holds it (f32, i8/u8 for quantized data, else i64),
  // checked before anything is allocated.
  ElemType Elem = IsFloat                                     ? ElemType::F32
                  : P.data_type() == onnx::TensorProto::INT8  ? ElemType::I8
                  : P.data_type() == onnx::TensorProto::UINT8 ? ElemType::U8
                                                              : ElemType::I64;
  TensorType Type{Elem, Dims};
  if (auto E = checkTensorLimits(Type, Src.Limits, "tensor '" + P.name() + "'"))
    return std::move(E);
  int64_t N = Type.numElements();
  std::string External;
  if (P.data_location() == onnx::TensorProto::EXTERNAL) {
    CheckedInt Bytes = checkedMul(N, static_cast<int64_t>(Width));
    if (!Bytes)
      return makeError("tensor '{}' is too large", P.name());
    auto Data = readExternalData(P, Src.ModelDir, *Bytes);
    if (!Data)
      return Data.takeError();
    External = std::move(*Data);
  }
  bool HasRaw = P.has_raw_data() || P.data_location() == onnx::TensorProto::EXTERNAL;
  const std::string &Raw =
      P.data_location() == onnx::TensorProto::EXTERNAL ? External : P.raw_data();
  auto Check = [&](int64_t Have) -> llvm::Error {
    if (Have != N)
      return makeError("tensor '{}' holds {} elements but its shape {} needs {}", P.name(), Have,
                       shapeToString(Dims), N);
    return llvm::Error::success();
  };
  // Raw data must be whole elements: a trailing partial element is damage.
  if (HasRaw && Raw.size() % Width)
    return makeError("tensor '{}' has {} bytes of raw data, not a whole number of {}-byte "
                     "elements",
                     P.name(), Raw.size(), Width);
  switch (P.data_type()) {
  case onnx::TensorProto::FLOAT: {
    Tensor T(Type);
    if (HasRaw) {
      if (auto E = Check(Raw.size() / 4))
        return std::move(E);
      std::memcpy(T.data<float>(), Raw.data(), N * 4);
    } else {
      if (auto E = Check(P.float_data_size()))
        return std::move(E);
      std::copy(P.float_data().begin(), P.float_data().end(), T.data<float>());
    }
    return T;
  }
  case onnx::TensorProto::DOUBLE: {
    Tensor T(Type);
    std::vector<double> D(N);
    if (HasRaw) {
      if (auto E = Check(Raw.size() / 8))
        return std::move(E);
      std::memcpy(D.data(), Raw.data(), N * 8);
    } else {
      if (auto E = Check(P.double_data_size()))
        return std::move(E);
      D.assign(P.double_data().begin(), P.double_data().end());
    }
    for (int64_t I = 0; I < N; ++I)
      T.data<float>()[I] = static_cast<float>(D[I]);
    return T;
  }
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8: {
    // Quantized data keeps its 8-bit type (QuantizeLinear's zero point decides its result type).
    Tensor T(Type);
    if (HasRaw) {
      if (auto E = Check(Raw.size()))
        return std::move(E);
      std::memcpy(T.data<uint8_t>(), Raw.data(), N);
    } else {
      if (auto E = Check(P.int32_data_size()))
        return std::move(E);
      for (int64_t I = 0; I < N; ++I) {
        int64_t V = P.int32_data(static_cast<int>(I));
        if (V < integerTypeMin(Elem) || V > integerTypeMax(Elem))
          return makeError("tensor '{}' holds {}, outside the range of {}", P.name(), V,
                           elemTypeName(Elem));
        T.setFromDouble(I, static_cast<double>(V));
      }
    }
    return T;
  }
  default: {
    // Other integer tensors feed shape computations, which run in int64.
    Tensor T(Type);
    int64_t *Out = T.data<int64_t>();
    auto DT = P.data_type();
    if (HasRaw) {
      if (auto E = Check(Raw.size() / Width))
        return std::move(E);
      for (int64_t I = 0; I < N; ++I) {
        const char *B = Raw.data() + I * Width;
        if (Width == 8)
          std::memcpy(&Out[I], B, 8);
        else if (Width == 4) {
          int32_t V;
          std::memcpy(&V, B, 4);
          Out[I] = V;
        } else
          Out[I] = static_cast<uint8_t>(*B); // BOOL
      }
    } else if (DT == onnx::TensorProto::INT64) {
      if (auto E = Check(P.int64_data_size()))
        return std::move(E);
      std::copy(P.int64_data().begin(), P.int64_data().end(), Out);
    } else {
      if (auto E = Check(P.int32_data_size()))
        return std::move(E);
      std::copy(P.int32_data().begin(), P.int32_data().end(), Out);
    }
    return T;
  }
  }
}

} // namespace xnorc
