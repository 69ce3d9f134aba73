#include "compiler/Frontend/ImportContext.h"

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

const onnx::AttributeProto *ImportContext::attr(const std::string &Name) const {
  for (const auto &A : Node->attribute())
    if (A.name() == Name)
      return &A;
  return nullptr;
}

bool ImportContext::hasAttr(const std::string &Name) const { return attr(Name) != nullptr; }

int64_t ImportContext::attrInt(const std::string &Name, int64_t Default) const {
  const auto *A = attr(Name);
  return A ? A->i() : Default;
}

float ImportContext::attrFloat(const std::string &Name, float Default) const {
  const auto *A = attr(Name);
  return A ? A->f() : Default;
}

std::vector<int64_t> ImportContext::attrInts(const std::string &Name,
                                             std::vector<int64_t> Default) const {
  const auto *A = attr(Name);
  return A ? std::vector<int64_t>(A->ints().begin(), A->ints().end()) : Default;
}

std::string ImportContext::attrString(const std::string &Name, std::string Default) const {
  const auto *A = attr(Name);
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

llvm::Expected<Value *> ImportContext::emit(OpKind Kind, std::vector<Value *> Operands,
                                            Attributes Attrs, int Out) {
  auto Type = inferResultType(Kind, Operands, Attrs);
  if (!Type)
    return error(llvm::toString(Type.takeError()));
  std::string ResultName = Out >= 0 && Out < Node->output_size() && !Node->output(Out).empty()
                               ? Node->output(Out)
                               : (!Node->name().empty()     ? Node->name()
                                  : Node->output_size() > 0 ? Node->output(0)
                                                            : std::string("node")) +
                                     ".tmp";
  ResultName = G.uniqueName(ResultName);
  Op *O = G.addOp(Kind, Node->name(), std::move(Operands), std::move(Attrs), ResultName, *Type);
  bool Foldable = std::all_of(O->operands().begin(), O->operands().end(),
                              [](Value *V) { return V->isConstant(); });
  // A shape is known at compile time whatever the operand holds.
  if (Kind == OpKind::ShapeOf)
    Foldable = true;
  if (Foldable) {
    std::vector<const Tensor *> Args;
    for (Value *V : O->operands())
      Args.push_back(V->isConstant() ? &V->constant() : nullptr);
    auto Folded = evaluateOp(*O, Args);
    if (!Folded)
      return error(llvm::toString(Folded.takeError()));
    G.eraseOps({O});
    Value *C = G.addConstant(ResultName, std::move(*Folded));
    bindOutput(Out, C);
    return C;
  }
  bindOutput(Out, O->result());
  return O->result();
}

llvm::Expected<Tensor> tensorFromProto(const onnx::TensorProto &P) {
  if (P.data_location() == onnx::TensorProto::EXTERNAL)
    return makeError("tensor '{}' uses external data, which is not supported", P.name());
  Shape Dims(P.dims().begin(), P.dims().end());
  int64_t N = numElements(Dims);
  const std::string &Raw = P.raw_data();
  bool HasRaw = P.has_raw_data();
  auto Check = [&](int64_t Have) -> llvm::Error {
    if (Have != N)
      return makeError("tensor '{}' holds {} elements but its shape {} needs {}", P.name(), Have,
                       shapeToString(Dims), N);
    return llvm::Error::success();
  };
  switch (P.data_type()) {
  case onnx::TensorProto::FLOAT: {
    Tensor T(TensorType{ElemType::F32, Dims});
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
    Tensor T(TensorType{ElemType::F32, Dims});
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
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::BOOL:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8: {
    // Integer tensors only ever feed shape computations, which run in int64.
    Tensor T(TensorType{ElemType::I64, Dims});
    int64_t *Out = T.data<int64_t>();
    auto Type = P.data_type();
    if (HasRaw) {
      size_t Width = Type == onnx::TensorProto::INT64   ? 8
                     : Type == onnx::TensorProto::INT32 ? 4
                                                        : 1;
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
          Out[I] =
              Type == onnx::TensorProto::INT8 ? static_cast<int8_t>(*B) : static_cast<uint8_t>(*B);
      }
    } else if (Type == onnx::TensorProto::INT64) {
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
  default:
    return makeError(
        "tensor '{}' has unsupported data type {}", P.name(),
        onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(P.data_type())));
  }
}

} // namespace xnorc
