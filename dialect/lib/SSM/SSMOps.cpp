//===- SSMOps.cpp - operations of the ssm dialect -------------------------===//
//
// Verifiers (shapes of parameters against stream types), folders and the
// graph-region structure of ssm.model.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/KeywordAttr.h"
#include "ssm/Dialect/SSM/Verification.h"
#include "ssm/Dialect/SSM/Weights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace ssm;

//===----------------------------------------------------------------------===//
// Parameter checks shared by the layer verifiers
//===----------------------------------------------------------------------===//

namespace {
/// Checks that a layer keeps the channel count of its input.
LogicalResult verifySameChannels(Operation *op, StreamType input,
                                 StreamType output) {
  if (input.getChannels() != output.getChannels())
    return op->emitOpError() << "output must have as many channels as the "
                                "input ("
                             << input.getChannels() << "), got "
                             << output.getChannels();
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

/// Returns an op that lies on a use-def cycle among the ops of `block`, or
/// null when the block is acyclic (iterative depth-first search over operand
/// definitions; an op met again while still on the stack closes a cycle).
static Operation *findOpOnCycle(Block &block) {
  enum Mark { Unseen, OnStack, Done };
  DenseMap<Operation *, Mark> marks;
  for (Operation &root : block) {
    if (marks.lookup(&root) != Unseen)
      continue;
    SmallVector<std::pair<Operation *, unsigned>> stack = {{&root, 0}};
    marks[&root] = OnStack;
    while (!stack.empty()) {
      Operation *op = stack.back().first;
      unsigned operand = stack.back().second++;
      if (operand == op->getNumOperands()) {
        marks[op] = Done;
        stack.pop_back();
        continue;
      }
      Operation *def = op->getOperand(operand).getDefiningOp();
      if (!def || def->getBlock() != &block)
        continue;
      Mark mark = marks.lookup(def);
      if (mark == OnStack)
        return def;
      if (mark == Unseen) {
        marks[def] = OnStack;
        stack.push_back({def, 0});
      }
    }
  }
  return nullptr;
}

RegionKind ModelOp::getRegionKind(unsigned index) { return RegionKind::Graph; }

OutputOp ModelOp::getOutputOp() {
  return dyn_cast<OutputOp>(getBody().front().getTerminator());
}

SmallVector<InputOp> ModelOp::getInputOps() {
  SmallVector<InputOp> inputs(getBody().getOps<InputOp>());
  llvm::sort(inputs, [](InputOp a, InputOp b) {
    return a.getIndex() < b.getIndex();
  });
  return inputs;
}

LogicalResult ModelOp::verify() {
  Block &body = getBody().front();
  if (body.empty() || !isa<OutputOp>(body.back()))
    return emitOpError() << "body must end with 'ssm.output'";
  return success();
}

LogicalResult ModelOp::verifyRegions() {
  SmallVector<InputOp> inputs = getInputOps();
  if (inputs.empty())
    return emitOpError() << "must have at least one 'ssm.input'";
  for (auto [expected, input] : llvm::enumerate(inputs)) {
    if (input.getIndex() != expected)
      return input.emitOpError()
             << "input indices must be 0.." << inputs.size() - 1
             << " without gaps or repeats; found index " << input.getIndex()
             << " where " << expected << " was expected";
  }
  // A graph region allows cycles, but an edge carries no delay: feedback
  // must live inside a stateful layer.
  if (Operation *onCycle = findOpOnCycle(getBody().front()))
    return onCycle->emitOpError()
           << "is part of a cycle; the layer graph must be acyclic";
  return success();
}

//===----------------------------------------------------------------------===//
// OutputOp
//===----------------------------------------------------------------------===//

LogicalResult OutputOp::verify() {
  if (getOutputs().empty())
    return emitOpError() << "must return at least one stream";
  return success();
}

//===----------------------------------------------------------------------===//
// DenseOp
//===----------------------------------------------------------------------===//

LogicalResult DenseOp::verify() {
  int64_t in = getInput().getType().getChannels();
  int64_t out = getOutput().getType().getChannels();
  if (failed(verifyParam(*this, "weight", getWeight(), {out, in}, "[O, I]")))
    return failure();
  if (ElementsAttr bias = getBiasAttr())
    return verifyParam(*this, "bias", bias, {out}, "[O]");
  return success();
}

/// A dense layer with an identity weight and no (or a zero) bias between two
/// streams of the same type is the identity.
OpFoldResult DenseOp::fold(FoldAdaptor) {
  if (getInput().getType() != getOutput().getType())
    return {};
  int64_t channels = getInput().getType().getChannels();
  FailureOr<SmallVector<double>> weight = readRealElements(getWeight());
  if (failed(weight))
    return {};
  for (int64_t row = 0; row < channels; ++row)
    for (int64_t col = 0; col < channels; ++col)
      if ((*weight)[row * channels + col] != (row == col ? 1.0 : 0.0))
        return {};
  if (ElementsAttr biasAttr = getBiasAttr()) {
    FailureOr<SmallVector<double>> bias = readRealElements(biasAttr);
    if (failed(bias) || llvm::any_of(*bias, [](double b) { return b != 0; }))
      return {};
  }
  return getInput();
}

//===----------------------------------------------------------------------===//
// S4DOp
//===----------------------------------------------------------------------===//

LogicalResult S4DOp::verify() {
  int64_t channels = getInput().getType().getChannels();
  if (failed(verifySameChannels(*this, getInput().getType(),
                                getOutput().getType())))
    return failure();
  int64_t stateSize = getStateSize();
  if (stateSize % 2 != 0)
    return emitOpError() << "state_size N must be even (N/2 complex modes "
                            "in conjugate pairs), got "
                         << stateSize;
  int64_t modes = stateSize / 2;
  SmallVector<int64_t, 2> perMode = {channels, modes};
  if (failed(verifyParam(*this, "log_dt", getLogDt(), {channels}, "[H]")) ||
      failed(verifyParam(*this, "log_a_real", getLogAReal(), perMode,
                         "[H, N/2]")) ||
      failed(verifyParam(*this, "a_imag", getAImag(), perMode, "[H, N/2]")) ||
      failed(verifyParam(*this, "b", getB(), perMode, "[H, N/2]",
                         ParamKind::Complex)) ||
      failed(verifyParam(*this, "c", getC(), perMode, "[H, N/2]",
                         ParamKind::Complex)) ||
      failed(verifyParam(*this, "d", getD(), {channels}, "[H]")))
    return failure();
  if (getABar().has_value() != getBBar().has_value())
    return emitOpError() << "'a_bar' and 'b_bar' must be given together";
  if (ElementsAttr aBar = getABarAttr())
    if (failed(verifyParam(*this, "a_bar", aBar, perMode, "[H, N/2]",
                           ParamKind::Complex)) ||
        failed(verifyParam(*this, "b_bar", getBBarAttr(), perMode,
                           "[H, N/2]", ParamKind::Complex)))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// EGRUOp
//===----------------------------------------------------------------------===//

LogicalResult InputOp::verify() {
  if (getVocabulary() && getOutput().getType().getChannels() != 1)
    return emitOpError() << "a token input (vocabulary "
                         << *getVocabulary()
                         << ") has one channel, the token id; got "
                         << getOutput().getType().getChannels();
  return success();
}

LogicalResult EmbeddingOp::verify() {
  auto input = getInput().getDefiningOp<InputOp>();
  if (!input || !input.getVocabulary())
    return emitOpError() << "reads a token input (ssm.input with a "
                            "'vocabulary')";
  const int64_t vocabulary = *input.getVocabulary();
  const int64_t width = getOutput().getType().getChannels();
  return verifyParam(*this, "weight", getWeight(), {vocabulary, width},
                     "[V, D]");
}

LogicalResult EGRUOp::verify() {
  int64_t in = getInput().getType().getChannels();
  int64_t hidden = getOutput().getType().getChannels();
  if (failed(verifyParam(*this, "w", getW(), {3 * hidden, in}, "[3H, I]")) ||
      failed(verifyParam(*this, "r", getR(), {3 * hidden, hidden},
                         "[3H, H]")) ||
      failed(verifyParam(*this, "theta", getTheta(), {hidden}, "[H]")))
    return failure();
  if (ElementsAttr bias = getBiasAttr())
    if (failed(verifyParam(*this, "bias", bias, {3 * hidden}, "[3H]")))
      return failure();
  if (ElementsAttr bias = getRecurrentBiasAttr())
    if (failed(verifyParam(*this, "recurrent_bias", bias, {3 * hidden},
                           "[3H]")))
      return failure();
  // theta is the event threshold: a unit with theta <= 0 would fire on every
  // token, which defeats activity sparsity and breaks the reset term.
  FailureOr<SmallVector<double>> theta = readRealElements(getTheta());
  if (succeeded(theta))
    for (auto [unit, value] : llvm::enumerate(*theta))
      if (!(value > 0))
        return emitOpError() << "threshold 'theta' must be > 0 for every "
                                "unit; unit "
                             << unit << " has " << value;
  return success();
}

//===----------------------------------------------------------------------===//
// NeuronOp
//===----------------------------------------------------------------------===//

const rt::NeuronLayerInfo *NeuronOp::getLayerInfo() {
  return rt::findNeuronLayer(getKind().str());
}

FailureOr<std::vector<std::vector<double>>>
NeuronOp::readParams(std::string *error) {
  std::vector<std::vector<double>> params;
  for (const rt::NeuronLayerParam &param : getLayerInfo()->params) {
    const StringRef name(param.name);
    FailureOr<SmallVector<double>> values =
        readRealElements((*this)->getAttrOfType<ElementsAttr>(name), error);
    if (failed(values)) {
      if (error)
        *error = "parameter '" + name.str() + "': " + *error;
      return failure();
    }
    params.emplace_back(values->begin(), values->end());
  }
  return params;
}

uint32_t NeuronOp::getFlagBits() {
  uint32_t bits = 0;
  for (auto [bit, flag] : llvm::enumerate(getLayerInfo()->flags))
    if ((*this)->hasAttr(StringRef(flag.name)))
      bits |= 1u << bit;
  return bits;
}

/// `lif`: a neuron layer kind as a bare keyword.
static ParseResult parseNeuronLayerKind(OpAsmParser &parser,
                                        StringAttr &kind) {
  return parseKeywordAttr(parser, kind);
}
static void printNeuronLayerKind(OpAsmPrinter &printer, Operation *,
                                 StringAttr kind) {
  printKeywordAttr(printer, kind);
}

LogicalResult NeuronOp::verify() {
  if (failed(verifySameChannels(*this, getInput().getType(),
                                getOutput().getType())))
    return failure();
  const rt::NeuronLayerInfo *info = getLayerInfo();
  if (!info)
    return emitOpError() << "unknown neuron layer kind '" << getKind()
                         << "'; ssmc has " << rt::neuronLayerNames();
  const int64_t H = getOutput().getType().getChannels();
  for (const rt::NeuronLayerParam &param : info->params) {
    const StringRef name(param.name);
    auto attr = (*this)->getAttrOfType<ElementsAttr>(name);
    if (!attr)
      return emitOpError() << "neuron layer '" << getKind()
                           << "' needs parameter '" << name << "'";
    if (failed(verifyParam(*this, name, attr, {H}, "[H]")))
      return failure();
    FailureOr<SmallVector<double>> values = readRealElements(attr);
    if (failed(values))
      continue; // a missing blob is reported where the values are read
    auto number = [](double v) {
      return llvm::formatv("{0}", llvm::format("%g", v)).str();
    };
    for (auto [h, v] : llvm::enumerate(*values))
      if (!(v >= param.min && v <= param.max))
        return emitOpError() << "parameter '" << name << "' must be within ["
                             << number(param.min) << ", " << number(param.max)
                             << "]; channel " << h << " has " << number(v);
  }
  if (ElementsAttr recurrent = getRecurrentAttr()) {
    if (failed(verifyParam(*this, "recurrent", recurrent, {H, H}, "[H, H]")))
      return failure();
    if (FailureOr<SmallVector<double>> values = readRealElements(recurrent);
        succeeded(values) &&
        llvm::any_of(*values, [](double v) { return !std::isfinite(v); }))
      return emitOpError() << "parameter 'recurrent' must be finite";
  }
  // Anything else is a misspelt parameter or option; dialect attributes
  // (`ssm.state_frac`, set by ssm-quantize) are the passes'.
  for (NamedAttribute attr : (*this)->getDiscardableAttrs()) {
    const StringRef name = attr.getName().getValue();
    if (name.starts_with("ssm.") ||
        info->paramIndex(std::string_view(name)) >= 0)
      continue;
    if (info->flagBit(std::string_view(name)) >= 0) {
      if (!isa<UnitAttr>(attr.getValue()))
        return emitOpError() << "option '" << name
                             << "' must be a unit attribute";
      continue;
    }
    std::string accepted;
    for (const rt::NeuronLayerParam &p : info->params)
      accepted += (accepted.empty() ? "" : ", ") + std::string(p.name);
    for (const rt::NeuronLayerFlag &f : info->flags)
      accepted += ", " + std::string(f.name);
    accepted += ", recurrent";
    return emitOpError() << "has unknown attribute '" << name
                         << "'; neuron layer '" << getKind() << "' accepts "
                         << accepted;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pointwise layers
//===----------------------------------------------------------------------===//

LogicalResult ReluOp::verify() {
  return verifySameChannels(*this, getInput().getType(),
                            getOutput().getType());
}

/// relu(relu(x)) == relu(x).
OpFoldResult ReluOp::fold(FoldAdaptor) {
  if (auto inner = getInput().getDefiningOp<ReluOp>())
    if (inner.getType() == getType())
      return getInput();
  return {};
}

LogicalResult GeluOp::verify() {
  return verifySameChannels(*this, getInput().getType(),
                            getOutput().getType());
}

LogicalResult GLUOp::verify() {
  int64_t in = getInput().getType().getChannels();
  int64_t out = getOutput().getType().getChannels();
  if (in != 2 * out)
    return emitOpError() << "input must have twice the output's channels "
                            "(2 x "
                         << out << " = " << 2 * out << "), got " << in;
  return success();
}

LogicalResult AddOp::verify() {
  int64_t lhs = getLhs().getType().getChannels();
  int64_t rhs = getRhs().getType().getChannels();
  int64_t out = getOutput().getType().getChannels();
  if (lhs != rhs || lhs != out)
    return emitOpError() << "operands and result must have the same channel "
                            "count, got "
                         << lhs << ", " << rhs << " -> " << out;
  return success();
}

LogicalResult ReadoutOp::verify() {
  return verifySameChannels(*this, getInput().getType(),
                            getOutput().getType());
}

#define GET_OP_CLASSES
#include "ssm/Dialect/SSM/SSMOps.cpp.inc"
