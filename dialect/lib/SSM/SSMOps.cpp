//===- SSMOps.cpp - operations of the ssm dialect -------------------------===//
//
// Verifiers (shapes of parameters against stream types), folders and the
// graph-region structure of ssm.model.
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/Verification.h"
#include "ssm/Dialect/SSM/Weights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

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
