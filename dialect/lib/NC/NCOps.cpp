//===- NCOps.cpp - the nc neurocore dialect -------------------------------===//
//
// Verifiers: shapes of synapse tables and neuron groups, the parameters each
// neuron model needs, and the network-wide resource limits of the hardware
// description (neurons and synapse memory per core, mesh, widths).
//
//===----------------------------------------------------------------------===//

#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/SSM/KeywordAttr.h"
#include "ssm/Dialect/SSM/Verification.h"
#include "ssm/Dialect/SSM/Weights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace ssm;
using namespace ssm::nc;

#include "ssm/Dialect/NC/NCDialect.cpp.inc"
#include "ssm/Dialect/NC/NCEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "ssm/Dialect/NC/NCTypes.cpp.inc"

void NCDialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "ssm/Dialect/NC/NCTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "ssm/Dialect/NC/NCOps.cpp.inc"
      >();
}

LogicalResult SpikesType::verify(function_ref<InFlightDiagnostic()> emitError,
                                 int64_t size, unsigned payloadBits) {
  if (size < 1)
    return emitError() << "a spike stream needs at least one neuron, got "
                       << size;
  if (payloadBits > 32)
    return emitError() << "graded-spike payload must be 0 (binary) to 32 "
                          "bits, got "
                       << payloadBits;
  return success();
}

/// Why a signless integer element type is refused, or "" for other types.
/// MLIR's text parser accepts any literal that fits the width as unsigned
/// or signed for signless types (`128 : i8` reads as -128, `2147483648 :
/// i32` as -2^31); with signed types it refuses what does not fit.
static std::string signlessHint(Type elementType) {
  auto type = dyn_cast<IntegerType>(elementType);
  if (!type || !type.isSignless())
    return "";
  return "; use si" + std::to_string(type.getWidth()) + ", since i" +
         std::to_string(type.getWidth()) +
         " would wrap literals outside its signed range";
}

//===----------------------------------------------------------------------===//
// CoreOp
//===----------------------------------------------------------------------===//

LogicalResult CoreOp::verify() {
  ArrayRef<int64_t> position = getPosition();
  if (position.size() != 3 || llvm::any_of(position, [](int64_t v) {
        return v < 0;
      }))
    return emitOpError() << "position must be [chip, x, y] with non-negative "
                            "entries";
  return success();
}

//===----------------------------------------------------------------------===//
// SynapsesOp
//===----------------------------------------------------------------------===//

/// The table's [OUT, IN] from its result and operands.
std::pair<int64_t, int64_t> SynapsesOp::getShape() {
  int64_t in = 0;
  for (Value input : getInputs())
    in += cast<SpikesType>(input.getType()).getSize();
  return {getOutput().getType().getSize(), in};
}

LogicalResult SynapsesOp::verify() {
  auto [out, in] = getShape();
  auto type = dyn_cast<RankedTensorType>(getWeights().getShapedType());
  if (!type || !type.getElementType().isSignedInteger())
    return emitOpError() << "weights must be a signed integer tensor (si8), "
                            "got "
                         << getWeights().getShapedType()
                         << signlessHint(getWeights().getElementType());
  if (!getIndices()) {
    if (type.getShape() != ArrayRef<int64_t>{out, in})
      return emitOpError() << "weights must have shape [OUT, IN] = "
                           << formatShape({out, in}) << ", got "
                           << formatShape(type.getShape());
    return success();
  }
  // The entries form.
  if (getLayout() != SynapseLayout::Sparse)
    return emitOpError() << "has indices, which only a 'layout sparse' table "
                            "may have";
  auto indexType = dyn_cast<RankedTensorType>(getIndices()->getShapedType());
  if (type.getRank() != 1 || !indexType ||
      !indexType.getElementType().isSignedInteger(32) ||
      indexType.getShape() != ArrayRef<int64_t>{type.getDimSize(0), 2})
    return emitOpError() << "with indices, weights must be [NNZ] and indices "
                            "[NNZ, 2] of si32, got weights "
                         << formatShape(type.getShape()) << " and indices "
                         << getIndices()->getShapedType();
  std::string error;
  if (failed(readEntries(&error)))
    return emitOpError() << error;
  return success();
}

FailureOr<ssm::IntegerEntries> SynapsesOp::readEntries(std::string *error) {
  auto fail = [&](const Twine &message) -> FailureOr<IntegerEntries> {
    if (error)
      *error = message.str();
    return failure();
  };
  auto [out, in] = getShape();
  FailureOr<SmallVector<int64_t>> weights =
      readIntegerElements(getWeights(), error);
  if (failed(weights))
    return failure();
  IntegerEntries entries;
  if (!getIndices()) {
    for (size_t i = 0; i < weights->size(); ++i)
      if ((*weights)[i] != 0) {
        entries.index.push_back(static_cast<int64_t>(i));
        entries.value.push_back((*weights)[i]);
      }
    return entries;
  }
  FailureOr<SmallVector<int64_t>> indices =
      readIntegerElements(*getIndices(), error);
  if (failed(indices))
    return failure();
  if (indices->size() != 2 * weights->size())
    return fail("indices must hold a (row, column) pair per weight");
  int64_t previous = -1;
  for (size_t k = 0; k < weights->size(); ++k) {
    const int64_t row = (*indices)[2 * k], col = (*indices)[2 * k + 1];
    if (row < 0 || row >= out || col < 0 || col >= in)
      return fail(llvm::formatv("entry {0} at ({1}, {2}) is outside the "
                                "[{3}, {4}] table",
                                k, row, col, out, in));
    const int64_t flat = row * in + col;
    if (flat <= previous)
      return fail(llvm::formatv("entry {0} at ({1}, {2}) is out of row-major "
                                "order or repeats a position",
                                k, row, col));
    previous = flat;
    if ((*weights)[k] == 0)
      continue;
    entries.index.push_back(flat);
    entries.value.push_back((*weights)[k]);
  }
  return entries;
}

SynapsesOp ssm::nc::buildSynapseTable(OpBuilder &b, Location loc,
                                      ValueRange inputs, int64_t rows,
                                      int64_t cols, ArrayRef<int64_t> index,
                                      ArrayRef<int64_t> q, int64_t exponent,
                                      int64_t delay, StringRef name,
                                      const HardwareLimits &limits,
                                      bool dram) {
  MLIRContext *ctx = b.getContext();
  const unsigned storageBits = limits.weightBits <= 8 ? 8 : 16;
  bool sparse = false;
  rt::neuro::cheaperSynapseTableBytes(rows, cols,
                                      static_cast<int64_t>(q.size()),
                                      limits.storedWeightBits(), &sparse);
  ElementsAttr weights, indices;
  if (sparse) {
    std::vector<int64_t> positions;
    positions.reserve(2 * q.size());
    for (int64_t flat : index) {
      positions.push_back(flat / cols);
      positions.push_back(flat % cols);
    }
    weights = makeIntegerParam(ctx, {int64_t(q.size())}, q, storageBits, name);
    indices = makeIntegerParam(ctx, {int64_t(q.size()), 2}, positions, 32,
                               (name + ".indices").str());
  } else {
    std::vector<int64_t> dense(rows * cols, 0);
    for (size_t k = 0; k < q.size(); ++k)
      dense[index[k]] = q[k];
    weights = makeIntegerParam(ctx, {rows, cols}, dense, storageBits, name);
  }
  return b.create<SynapsesOp>(
      loc, CurrentType::get(ctx, rows), inputs, weights, indices,
      b.getI64IntegerAttr(exponent),
      SynapseLayoutAttr::get(ctx, sparse ? SynapseLayout::Sparse
                                         : SynapseLayout::Dense),
      b.getI64IntegerAttr(delay), b.getStringAttr(name),
      dram ? b.getUnitAttr() : UnitAttr());
}

int64_t SynapsesOp::getMemoryBytes(unsigned weightBits) {
  auto [out, in] = getShape();
  const bool sparse = getLayout() == SynapseLayout::Sparse;
  int64_t nonZero = out * in;
  if (sparse && getIndices())
    nonZero = getWeights().getNumElements(); // verified: one per entry
  else if (sparse)
    if (FailureOr<int64_t> count = countNonZeroIntegers(getWeights());
        succeeded(count))
      nonZero = *count;
  return rt::neuro::synapseTableBytes(out, in, nonZero, weightBits, sparse);
}

//===----------------------------------------------------------------------===//
// NeuronsOp
//===----------------------------------------------------------------------===//

const rt::neuro::NeuronModelInfo *NeuronsOp::getModelInfo() {
  return rt::neuro::findNeuronModel(getModel().str());
}

/// `s4d_mode`: a model name as a bare keyword.
static ParseResult parseNeuronModelName(OpAsmParser &parser,
                                        StringAttr &model) {
  return parseKeywordAttr(parser, model);
}
static void printNeuronModelName(OpAsmPrinter &printer, Operation *,
                                 StringAttr model) {
  printKeywordAttr(printer, model);
}

LogicalResult NeuronsOp::verify() {
  const rt::neuro::NeuronModelInfo *model = getModelInfo();
  if (!model || model->hostInput)
    return emitOpError() << "unknown neuron model '" << getModel()
                         << "'; the event runtime has "
                         << rt::neuro::neuronModelNames()
                         << " (inputs are nc.input)";
  const int64_t size = getSize();
  if (getOutput().getType().getSize() != size)
    return emitOpError() << "output must have " << size << " neurons, got "
                         << getOutput().getType().getSize();
  // An EGRU unit, for one, receives its 4 gate pre-activations stacked.
  const int64_t inputSize = model->currentPerNeuron * size;
  for (Value input : getInputs())
    if (cast<CurrentType>(input.getType()).getSize() != inputSize)
      return emitOpError() << "every input current must have " << inputSize
                           << " entries, got "
                           << cast<CurrentType>(input.getType()).getSize();
  const size_t formats = model->paramFormats.size();
  if (formats && !getParamFracBits())
    return emitOpError() << "model '" << getModel()
                         << "' needs 'param_frac_bits'";
  if (std::optional<int64_t> frac = getFracBits();
      frac && (*frac < -64 || *frac > 64))
    return emitOpError() << "fractional bits must be within [-64, 64], got "
                         << *frac;
  if (std::optional<ArrayRef<int64_t>> fracs = getParamFracBits()) {
    if (fracs->size() != formats)
      return emitOpError() << "'param_frac_bits' of model '" << getModel()
                           << "' needs " << formats << " entries, got "
                           << fracs->size();
    for (int64_t f : *fracs)
      if (f < 0 || f > 62)
        return emitOpError()
               << "parameter fractional bits must be within [0, 62], got "
               << f;
  }
  for (std::string_view flag : model->flags)
    if (Attribute attr = (*this)->getAttr(llvm::StringRef(flag));
        attr && !isa<UnitAttr>(attr))
      return emitOpError() << "option '" << llvm::StringRef(flag)
                           << "' must be a unit attribute";
  SmallVector<StringRef> params;
  for (std::string_view name : model->params) {
    params.push_back(StringRef(name));
    if (!(*this)->getAttrOfType<ElementsAttr>(params.back()))
      return emitOpError() << "model '" << getModel()
                           << "' needs parameter '" << params.back() << "'";
  }
  if ((*this)->getAttr("bias"))
    params.push_back("bias");
  for (StringRef name : params) {
    const int64_t elements = name == "bias" ? inputSize : size;
    auto attr = (*this)->getAttrOfType<ElementsAttr>(name);
    if (!attr || !attr.getElementType().isSignedInteger() ||
        attr.getShapedType().getShape() != ArrayRef<int64_t>{elements})
      return emitOpError() << "parameter '" << name
                           << "' must be a signed integer tensor (si32) of "
                           << elements << " elements"
                           << (attr ? signlessHint(attr.getElementType())
                                    : std::string());
  }
  return success();
}

//===----------------------------------------------------------------------===//
// NetworkOp
//===----------------------------------------------------------------------===//

/// Refuses attributes `op` does not define, so that a misspelt parameter
/// (`theshold`) or one from another tool is an error rather than silently
/// ignored. Besides its ODS attributes, a neuron group accepts its model's
/// parameters and options (NeuronModelInfo) and `bias`; the other nc ops
/// accept none.
static LogicalResult verifyAttributeNames(Operation *op) {
  SmallVector<StringRef> accepted;
  if (auto group = dyn_cast<NeuronsOp>(op)) {
    if (const rt::neuro::NeuronModelInfo *model = group.getModelInfo()) {
      for (std::string_view name : model->params)
        accepted.push_back(StringRef(name));
      accepted.push_back("bias");
      for (std::string_view flag : model->flags)
        accepted.push_back(StringRef(flag));
    }
  }
  for (NamedAttribute attr : op->getDiscardableAttrs()) {
    if (llvm::is_contained(accepted, attr.getName().getValue()))
      continue;
    InFlightDiagnostic diag = op->emitOpError()
                              << "has unknown attribute '"
                              << attr.getName().getValue() << "'";
    if (!accepted.empty())
      diag << "; besides its own, it accepts "
           << llvm::join(accepted, ", ");
    return diag;
  }
  return success();
}

RegionKind NetworkOp::getRegionKind(unsigned index) { return RegionKind::Graph; }

FailureOr<HardwareLimits> NetworkOp::readLimits() {
  return readHardwareLimits(getHardware(), [&] { return emitOpError(); });
}

LogicalResult NetworkOp::verifyRegions() {
  FailureOr<HardwareLimits> limits = readLimits();
  if (failed(limits))
    return failure();
  const HardwareLimits &hw = *limits;
  if (failed(verifyAttributeNames(*this)))
    return failure();
  for (Operation &op : getBody().front())
    if (failed(verifyAttributeNames(&op)))
      return failure();

  // Cores: on the mesh, one per position.
  DenseMap<std::tuple<int64_t, int64_t, int64_t>, CoreOp> positions;
  for (CoreOp core : getBody().getOps<CoreOp>()) {
    ArrayRef<int64_t> p = core.getPosition();
    if (p[0] >= hw.chips || p[1] >= hw.meshX || p[2] >= hw.meshY)
      return core.emitOpError()
             << "position [" << p[0] << ", " << p[1] << ", " << p[2]
             << "] is outside the " << hw.chips << " chip(s) of "
             << hw.meshX << " x " << hw.meshY << " cores of " << hw.name;
    auto [it, inserted] = positions.try_emplace({p[0], p[1], p[2]}, core);
    if (!inserted)
      return core.emitOpError() << "shares its position with @"
                                << it->second.getSymName();
  }

  // Inputs are numbered 0..n-1 (the runtime sizes its input list by the
  // largest index).
  const int64_t inputCount = llvm::range_size(getBody().getOps<InputOp>());
  for (InputOp input : getBody().getOps<InputOp>())
    if (static_cast<int64_t>(input.getIndex()) >= inputCount)
      return input.emitOpError()
             << "index " << input.getIndex() << " is not below the number of "
             << "inputs, " << inputCount << "; inputs are numbered from 0";

  // Groups and tables per core.
  llvm::StringMap<int64_t> neurons, synapseBytes;
  int64_t dramBytes = 0;
  mlir::SymbolTable symbols(*this);
  for (Operation &op : getBody().front()) {
    for (Type type : op.getResultTypes())
      if (auto spikes = dyn_cast<SpikesType>(type))
        if (spikes.getPayloadBits() > hw.messageBits)
          return op.emitOpError()
                 << "sends " << spikes.getPayloadBits()
                 << "-bit payloads, but " << hw.name << " messages carry at "
                 << "most " << hw.messageBits;
    if (auto table = dyn_cast<SynapsesOp>(op)) {
      auto width =
          cast<IntegerType>(table.getWeights().getElementType()).getWidth();
      if (width > hw.weightBits)
        return table.emitOpError()
               << "has " << width << "-bit weights, but " << hw.name
               << " stores " << hw.weightBits;
      const int64_t exponent = table.getExponentAttr().getInt();
      if (exponent < hw.exponentMin || exponent > hw.exponentMax)
        return table.emitOpError()
               << "exponent " << exponent << " is outside "
               << hw.name << "'s range [" << hw.exponentMin << ", "
               << hw.exponentMax << "]";
      if (static_cast<int64_t>(table.getDelay()) > hw.maxDelay)
        return table.emitOpError()
               << "delay " << table.getDelay() << " exceeds " << hw.name
               << "'s maximum synaptic delay of " << hw.maxDelay;
      if (!table->hasOneUse() || !isa<NeuronsOp>(*table->user_begin()))
        return table.emitOpError() << "must feed exactly one neuron group "
                                      "(it is stored on that group's core)";
      if (table.getDram() && hw.dramBytes == 0)
        return table.emitOpError()
               << "is stored in DRAM, but " << hw.name << " has none "
               << "(its hardware description gives no 'dram_bytes')";
      if (table.getDram())
        dramBytes += table.getMemoryBytes(hw.storedWeightBits());
    }
    auto group = dyn_cast<NeuronsOp>(op);
    if (!group)
      continue;
    // A group without a core is not placed yet (nc-place places it); the
    // runtime refuses such a network.
    std::optional<StringRef> core = group.getCore();
    if (!core)
      continue;
    if (!symbols.lookup<CoreOp>(*core))
      return group.emitOpError() << "runs on unknown core @" << *core;
    neurons[*core] += group.getSize();
    for (Value input : group.getInputs())
      if (auto table = input.getDefiningOp<SynapsesOp>())
        synapseBytes[*core] +=
            table.getCoreMemoryBytes(hw.storedWeightBits());
  }
  // (Per chip; placement does not know which chip's DRAM a table uses, so
  // the whole network's tables must fit one chip's.)
  if (dramBytes > hw.dramBytes && hw.dramBytes > 0)
    return emitOpError() << "stores " << dramBytes
                         << " bytes of synapses in DRAM, more than the "
                         << hw.dramBytes << " " << hw.name << " has";
  for (CoreOp core : getBody().getOps<CoreOp>()) {
    int64_t used = neurons.lookup(core.getSymName());
    if (used > hw.neuronsPerCore)
      return core.emitOpError()
             << "holds " << used << " neurons, more than the "
             << hw.neuronsPerCore << " a core of " << hw.name << " has";
    int64_t bytes = synapseBytes.lookup(core.getSymName());
    if (bytes > hw.synapseBytesPerCore)
      return core.emitOpError()
             << "holds " << bytes << " bytes of synapses, more than the "
             << hw.synapseBytesPerCore << " a core of " << hw.name << " has";
  }
  return success();
}

#define GET_OP_CLASSES
#include "ssm/Dialect/NC/NCOps.cpp.inc"
