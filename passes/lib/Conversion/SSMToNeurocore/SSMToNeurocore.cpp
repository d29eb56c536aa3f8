//===- SSMToNeurocore.cpp - lower a quantized ssm.model to nc -------------===//
//
// convert-ssm-to-neurocore (Passes.td has the contract). The lowering runs
// in three steps over a small graph of its own, because the ssm graph and
// the neurocore graph do not correspond op for op:
//
//  1. lower, one function per layer kind: every ssm value becomes either a
//     neuron group or a *linear form* (a sum of matrices applied to groups,
//     plus a bias) that folds into the synapse tables of whichever group
//     reads it;
//  2. quantize the tables and parameters against the connection formats
//     ssm-quantize chose (ssm/Runtime/Quantize.h);
//  3. emit the nc.network, its groups not yet placed.
//
// What follows works on nc alone and is its own pass each (ssm/NC/
// Passes.td): nc-insert-delays, nc-split-groups, nc-place, nc-core-report.
//
//===----------------------------------------------------------------------===//

#include "ssm/Conversion/Passes.h"
#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/NC/NCOps.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/SSMTypes.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Runtime/Quantize.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

namespace ssm {
#define GEN_PASS_DEF_CHECKNEUROCORELOWERING
#define GEN_PASS_DEF_CONVERTSSMTONEUROCORE
#include "ssm/Conversion/Passes.h.inc"
} // namespace ssm

using namespace mlir;
using namespace ssm;

namespace {

/// A real matrix [rows, cols] applied to the messages of group `source`,
/// kept sparse: its non-zero entries at row-major flat indices r * cols + c,
/// increasing. (S4D's expand and reduce tables have one entry per mode, not
/// H x modes; memory follows synapses.)
struct Term {
  int source = -1;
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> index;
  std::vector<double> value;

  Term(int source, int64_t rows, int64_t cols)
      : source(source), rows(rows), cols(cols) {}
  /// Appends entry (r, c); entries come in row-major order. Zeros are
  /// skipped.
  void add(int64_t r, int64_t c, double v) {
    if (v == 0)
      return;
    index.push_back(r * cols + c);
    value.push_back(v);
  }
};

/// sum of terms + bias: a value that has not become a group (yet).
struct Form {
  int64_t size = 0;
  std::vector<Term> terms;
  std::vector<double> bias;
};

/// A synapse table after quantization: the non-zero integer weights `q` at
/// row-major flat indices `index` (increasing), as in Term.
struct Table {
  int source = -1;
  int64_t rows = 0, cols = 0;
  std::vector<int64_t> index;
  std::vector<int64_t> q;
  int exponent = 0;
};

/// A neuron group of the lowered graph.
struct Group {
  std::string name;  // unique symbol
  std::string layer; // the ssm layer it implements
  Operation *origin = nullptr;
  const rt::neuro::NeuronModelInfo *model = nullptr;
  bool isInput = false;
  int64_t inputIndex = 0;
  int64_t size = 0;
  int frac = 0;
  int64_t threshold = 0; // payload units
  Form input;            // what feeds it (terms and bias)
  /// The model's parameters by name, [size] each, in the value format or
  /// the model's parameter formats `paramFrac`; its options that are set.
  std::vector<std::pair<std::string, std::vector<int64_t>>> params;
  std::vector<int64_t> paramFrac;
  std::vector<std::string> flags;
  // Step 2.
  std::vector<Table> tables;
  std::vector<int64_t> bias;
  // Step 3: the group's messages in the network.
  Value value;
};

using Limits = nc::HardwareLimits;

std::string layerName(Operation *op) {
  if (auto name = op->getAttrOfType<StringAttr>("name"))
    return name.str();
  return op->getName().stripDialect().str();
}

/// A symbol-safe version of `name`.
std::string symbolFor(StringRef name) {
  std::string s;
  for (char c : name)
    s.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                        c == '.'
                    ? c
                    : '_');
  return s.empty() ? "g" : s;
}

class Lowering {
public:
  Lowering(ModelOp model, const Limits &limits)
      : model(model), limits(limits) {}

  LogicalResult lower();
  LogicalResult quantize();
  nc::NetworkOp emit(ModuleOp module, DictionaryAttr hardware);
  /// The synapse tables' quantization (after quantize()): the int8 weights'
  /// error per table, for the quantization report.
  void printTableReport(llvm::raw_ostream &os) const;

private:
  ModelOp model;
  const Limits &limits;
  std::vector<Group> groups;
  /// One per table, in quantize()'s order.
  struct TableQuantization {
    std::string from, to;
    int64_t weights = 0, saturated = 0;
    int exponent = 0;
    double sqnrDb = 0; // of the int8 weights read back as reals
  };
  std::vector<TableQuantization> tableQuantization;
  llvm::DenseMap<Value, int> groupOf;
  llvm::DenseMap<Value, Form> formOf;
  llvm::DenseSet<Value> needsGroup;
  llvm::StringSet<> usedNames;
  std::vector<int> outputs;

  /// The stream's fixed-point format and sigma-delta threshold in payload
  /// units; fails unless ssm-quantize typed it.
  LogicalResult formatOf(Operation *op, Value v, int &frac,
                         int64_t &threshold);
  int newGroup(Group group);
  /// A group implementing `op`'s layer, fed by `input`.
  static Group groupFor(Operation *op, std::string_view model, Form input);
  Form formFor(Value v);
  FailureOr<int> materialize(Value v);
  void define(Value v, Form form);
  // One lowering per layer kind (Lowering::lower dispatches).
  LogicalResult lowerInput(InputOp op);
  LogicalResult lowerEmbedding(EmbeddingOp op);
  LogicalResult lowerDense(DenseOp op);
  LogicalResult lowerAdd(AddOp op);
  LogicalResult lowerRelu(ReluOp op);
  LogicalResult lowerReadout(ReadoutOp op);
  LogicalResult lowerOutput(OutputOp op);
  LogicalResult lowerS4D(S4DOp op);
  LogicalResult lowerEGRU(EGRUOp op);
  /// A neuron layer (LIF, ...): one group of the kind's neuron model, fed
  /// by the layer's input form, with the parameters the kind's `lower`
  /// gives for the state format ssm-quantize chose.
  LogicalResult lowerNeuronLayer(NeuronOp op);
};

/// A sigma-delta threshold in payload units, rounded down and capped at
/// 2^62: a DSL threshold can be any float, and beyond every payload it only
/// means "never send", so the conversion to int64 stays defined.
static int64_t payloadThreshold(double units) {
  return static_cast<int64_t>(std::floor(std::min(units, 0x1p62)));
}

LogicalResult Lowering::formatOf(Operation *op, Value v, int &frac,
                                 int64_t &threshold) {
  auto type = cast<StreamType>(v.getType());
  auto fixed = dyn_cast<FixedType>(type.getElementType());
  if (!fixed || type.getEncoding() != Encoding::Graded)
    return op->emitOpError()
           << "has a float connection; run ssm-quantize before "
              "convert-ssm-to-neurocore";
  if (type.getPayloadBits() > limits.messageBits)
    return op->emitOpError()
           << "sends " << type.getPayloadBits() << "-bit payloads, but "
           << limits.name << " messages carry " << limits.messageBits;
  frac = fixed.getFracBits();
  threshold = payloadThreshold(
      std::ldexp(type.getThresholdValue().value_or(0.0), frac));
  return success();
}

int Lowering::newGroup(Group group) {
  std::string base = symbolFor(group.name), name = base;
  for (int k = 1; usedNames.contains(name); ++k)
    name = base + "_" + std::to_string(k);
  usedNames.insert(name);
  group.name = name;
  groups.push_back(std::move(group));
  return static_cast<int>(groups.size()) - 1;
}

Group Lowering::groupFor(Operation *op, std::string_view model, Form input) {
  Group g;
  g.layer = layerName(op);
  g.name = g.layer;
  g.origin = op;
  g.model = &rt::neuro::neuronModel(model);
  g.size = input.size;
  g.input = std::move(input);
  return g;
}

/// The value as a linear form: a group's messages through the identity, or
/// its pending form.
Form Lowering::formFor(Value v) {
  auto it = groupOf.find(v);
  if (it == groupOf.end())
    return formOf.lookup(v);
  const int64_t n = groups[it->second].size;
  Term identity(it->second, n, n);
  for (int64_t i = 0; i < n; ++i)
    identity.add(i, i, 1.0);
  return {n, {std::move(identity)}, std::vector<double>(n, 0.0)};
}

/// Makes `v` a group (a sigma-delta neuron per channel fed by its form)
/// unless it is one.
FailureOr<int> Lowering::materialize(Value v) {
  if (auto it = groupOf.find(v); it != groupOf.end())
    return it->second;
  Operation *def = v.getDefiningOp();
  Group g = groupFor(def, "sigma_delta", formOf.lookup(v));
  if (failed(formatOf(def, v, g.frac, g.threshold)))
    return failure();
  int id = newGroup(std::move(g));
  groupOf[v] = id;
  return id;
}

void Lowering::define(Value v, Form form) {
  formOf[v] = std::move(form);
  if (needsGroup.contains(v))
    (void)materialize(v);
}

/// An input stream: a host group (nc.input) in the stream's format.
LogicalResult Lowering::lowerInput(InputOp input) {
  Form none;
  none.size = cast<StreamType>(input.getType()).getChannels();
  const std::optional<int64_t> vocabulary = input.getVocabulary();
  if (vocabulary)
    none.size = *vocabulary; // a token_input neuron per word
  Group g = groupFor(input, vocabulary ? "token_input" : "sigma_delta", none);
  g.isInput = true;
  g.inputIndex = input.getIndex();
  if (failed(formatOf(input, input.getResult(), g.frac, g.threshold)))
    return failure();
  if (vocabulary) {
    // The one-hot value 1.0 is sent as the largest power of two a payload
    // holds: with the integer 1 (frac 0) an embedding table into a group of
    // frac F would need weights W 2^F, beyond the largest weight exponent
    // (Loihi 2's 7), and saturate.
    g.frac = static_cast<int>(limits.messageBits) - 2;
    g.threshold = 0;
  }
  groupOf[input.getResult()] = newGroup(std::move(g));
  return success();
}

/// A dense layer: no neurons; the linear form W x + b over its input's
/// group, folded into whatever reads it.
LogicalResult Lowering::lowerDense(DenseOp dense) {
  FailureOr<int> x = materialize(dense.getInput());
  if (failed(x))
    return failure();
  std::string error;
  auto w = readRealElements(dense.getWeight(), &error);
  if (failed(w))
    return dense.emitOpError() << "parameter 'weight': " << error;
  const int64_t out = cast<StreamType>(dense.getType()).getChannels();
  const int64_t in = groups[*x].size;
  Term weight(*x, out, in);
  for (int64_t row = 0; row < out; ++row)
    for (int64_t col = 0; col < in; ++col)
      weight.add(row, col, (*w)[row * in + col]);
  Form f{out, {std::move(weight)}, std::vector<double>(out, 0.0)};
  if (dense.getBias()) {
    auto b = readRealElements(*dense.getBias(), &error);
    if (failed(b))
      return dense.emitOpError() << "parameter 'bias': " << error;
    f.bias.assign(b->begin(), b->end());
  }
  define(dense.getResult(), std::move(f));
  return success();
}

/// An embedding: no neurons; the linear form E^T x over the token input's
/// one-hot group (a table [D, V], one column per word), folded into
/// whatever reads it.
LogicalResult Lowering::lowerEmbedding(EmbeddingOp embedding) {
  FailureOr<int> x = materialize(embedding.getInput());
  if (failed(x))
    return failure();
  std::string error;
  auto table = readRealElements(embedding.getWeight(), &error);
  if (failed(table))
    return embedding.emitOpError() << "parameter 'weight': " << error;
  const int64_t width = cast<StreamType>(embedding.getType()).getChannels();
  const int64_t vocabulary = groups[*x].size;
  Term weight(*x, width, vocabulary);
  for (int64_t d = 0; d < width; ++d) // Term entries come row by row
    for (int64_t word = 0; word < vocabulary; ++word)
      weight.add(d, word, (*table)[word * width + d]);
  define(embedding.getResult(),
         Form{width, {std::move(weight)}, std::vector<double>(width, 0.0)});
  return success();
}

/// A residual add: the sum of its operands' linear forms.
LogicalResult Lowering::lowerAdd(AddOp add) {
  Form f = formFor(add->getOperand(0));
  Form g = formFor(add->getOperand(1));
  for (Term &t : g.terms)
    f.terms.push_back(std::move(t));
  for (int64_t i = 0; i < f.size; ++i)
    f.bias[i] += g.bias[i];
  define(add.getResult(), std::move(f));
  return success();
}

/// ReLU: a sigma_delta_relu group fed by its input's form.
LogicalResult Lowering::lowerRelu(ReluOp relu) {
  Group g = groupFor(relu, "sigma_delta_relu", formFor(relu.getInput()));
  if (failed(formatOf(relu, relu.getResult(), g.frac, g.threshold)))
    return failure();
  groupOf[relu.getResult()] = newGroup(std::move(g));
  return success();
}

/// A readout: an accumulator group (mean, or with `last` the last token).
LogicalResult Lowering::lowerReadout(ReadoutOp readout) {
  Group g = groupFor(readout, "accumulator", formFor(readout.getInput()));
  if (readout.getMode() == ReadoutMode::Last)
    g.flags.push_back("last");
  // It adds up per-token inputs, whose range (not the mean's) sizes its
  // format.
  int meanFrac, inputFrac;
  int64_t inputThreshold;
  if (failed(formatOf(readout, readout.getResult(), meanFrac, g.threshold)) ||
      failed(formatOf(readout, readout.getInput(), inputFrac, inputThreshold)))
    return failure();
  g.frac = std::min(meanFrac, inputFrac);
  g.threshold = payloadThreshold(
      std::ldexp(static_cast<double>(g.threshold), g.frac - meanFrac));
  groupOf[readout.getResult()] = newGroup(std::move(g));
  return success();
}

/// The model's outputs: groups (a linear result that leaves the model
/// becomes a sigma_delta group).
LogicalResult Lowering::lowerOutput(OutputOp output) {
  for (Value v : output.getOutputs()) {
    FailureOr<int> g = materialize(v);
    if (failed(g))
      return failure();
    outputs.push_back(*g);
  }
  return success();
}

LogicalResult Lowering::lowerS4D(S4DOp op) {
  FailureOr<int> u = materialize(op.getInput());
  if (failed(u))
    return failure();
  auto stateFrac = op->getAttrOfType<IntegerAttr>("ssm.state_frac");
  if (!stateFrac)
    return op.emitOpError() << "has no 'ssm.state_frac'; run ssm-quantize "
                               "before convert-ssm-to-neurocore";
  std::string error;
  auto aBar = op.getABarAttr()
                  ? readComplexElements(op.getABarAttr(), &error)
                  : FailureOr<SmallVector<std::complex<double>>>(failure());
  auto bBar = op.getBBarAttr()
                  ? readComplexElements(op.getBBarAttr(), &error)
                  : FailureOr<SmallVector<std::complex<double>>>(failure());
  auto c = readComplexElements(op.getC(), &error);
  if (failed(aBar) || failed(bBar) || failed(c))
    return op.emitOpError() << "needs discretized parameters (run "
                               "ssm-discretize): "
                            << error;
  std::vector<double> d;
  if (op.getD()) {
    auto values = readRealElements(op.getD(), &error);
    if (failed(values))
      return op.emitOpError() << "parameter 'd': " << error;
    d.assign(values->begin(), values->end());
  }
  const int64_t H = groups[*u].size;
  const int64_t modes = static_cast<int64_t>(aBar->size()) / H;
  rt::S4DDiscrete discrete;
  discrete.aBar.assign(aBar->begin(), aBar->end());
  discrete.bBar.assign(bBar->begin(), bBar->end());
  std::vector<std::complex<double>> cv(c->begin(), c->end());

  // Modes: one s4d_mode neuron per (channel, mode), fed by the expand table.
  const int64_t size = H * modes;
  Term expand(*u, size, H);
  for (int64_t h = 0; h < H; ++h)
    for (int64_t n = 0; n < modes; ++n)
      expand.add(h * modes + n, h, 1.0);
  Group m = groupFor(op, "s4d_mode",
                     {size, {std::move(expand)}, std::vector<double>(size, 0.0)});
  m.name = m.layer + ".modes";
  m.frac = static_cast<int>(stateFrac.getInt());
  rt::quant::S4DModeParams q =
      rt::quant::quantizeS4DModes(discrete, cv, limits.stateBits);
  m.paramFrac = {q.aFrac, q.bFrac, q.cFrac};
  m.params = {{"a_bar_re", std::move(q.aRe)}, {"a_bar_im", std::move(q.aIm)},
              {"b_bar_re", std::move(q.bRe)}, {"b_bar_im", std::move(q.bIm)},
              {"c_re", std::move(q.cRe)},     {"c_im", std::move(q.cIm)}};
  int outFrac;
  int64_t outThreshold;
  if (failed(formatOf(op, op.getResult(), outFrac, outThreshold)))
    return failure();
  // The output's threshold, spread over the modes that sum into a channel.
  m.threshold = payloadThreshold(
      std::ldexp(static_cast<double>(outThreshold), m.frac - outFrac) /
      static_cast<double>(modes));
  const int modesGroup = newGroup(std::move(m));

  // Output: reduce (modes to channel; 2C is in the neurons) + D u.
  Form out{H, {}, std::vector<double>(H, 0.0)};
  Term reduce(modesGroup, H, H * modes);
  for (int64_t h = 0; h < H; ++h)
    for (int64_t n = 0; n < modes; ++n)
      reduce.add(h, h * modes + n, 1.0);
  out.terms.push_back(std::move(reduce));
  if (llvm::any_of(d, [](double v) { return v != 0; })) {
    Term skip(*u, H, H);
    for (int64_t h = 0; h < H; ++h)
      skip.add(h, h, d[h]);
    out.terms.push_back(std::move(skip));
  }
  define(op.getResult(), std::move(out));
  return success();
}

/// An EGRU layer is one egru_unit group fed by its input's table ([W; 0])
/// and by a table from itself ([R_u; R_r; 0; R_z]), which the runtime
/// delivers one step later: the previous token's output. Biases: [b_u +
/// b'_u; b_r + b'_r; b_z; b'_z].
LogicalResult Lowering::lowerNeuronLayer(NeuronOp op) {
  const rt::NeuronLayerInfo &info = *op.getLayerInfo();
  auto stateFrac = op->getAttrOfType<IntegerAttr>("ssm.state_frac");
  if (!stateFrac)
    return op.emitOpError() << "has no 'ssm.state_frac'; run ssm-quantize "
                               "before convert-ssm-to-neurocore";
  std::string error;
  FailureOr<std::vector<std::vector<double>>> params = op.readParams(&error);
  if (failed(params))
    return op.emitOpError() << error;
  Group g = groupFor(op, info.neuronModel, formFor(op.getInput()));
  int outFrac;
  int64_t outThreshold;
  if (failed(formatOf(op, op.getResult(), outFrac, outThreshold)))
    return failure();
  // Current, state and payload share the state's format; the output's
  // sigma-delta threshold is rescaled to it.
  g.frac = static_cast<int>(stateFrac.getInt());
  g.threshold = payloadThreshold(
      std::ldexp(static_cast<double>(outThreshold), g.frac - outFrac));
  const rt::NeuronLayerView view{&info, g.size, &*params, op.getFlagBits()};
  rt::LoweredNeuronParams lowered = info.lower(view, g.frac, limits.stateBits);
  for (auto [name, values] : llvm::zip(g.model->params, lowered.params))
    g.params.emplace_back(std::string(name), std::move(values));
  g.paramFrac = std::move(lowered.paramFrac);
  for (std::string_view flag : lowered.flags)
    g.flags.emplace_back(flag);
  const int64_t H = g.size;
  const int id = newGroup(std::move(g));
  if (ElementsAttr r = op.getRecurrentAttr()) {
    // Recurrent synapses: a table from the group to itself, which the
    // runtime delivers one step later (as EGRU's): R y_{t-1}.
    FailureOr<SmallVector<double>> values = readRealElements(r, &error);
    if (failed(values))
      return op.emitOpError() << "parameter 'recurrent': " << error;
    Term recurrent(id, H, H);
    for (int64_t row = 0; row < H; ++row)
      for (int64_t col = 0; col < H; ++col)
        recurrent.add(row, col, (*values)[row * H + col]);
    groups[id].input.terms.push_back(std::move(recurrent));
  }
  groupOf[op.getResult()] = id;
  return success();
}

LogicalResult Lowering::lowerEGRU(EGRUOp op) {
  FailureOr<int> x = materialize(op.getInput());
  if (failed(x))
    return failure();
  std::string error;
  auto read = [&](StringRef name, ElementsAttr attr)
      -> FailureOr<SmallVector<double>> {
    auto values = readRealElements(attr, &error);
    if (failed(values))
      return op.emitOpError() << "parameter '" << name << "': " << error;
    return values;
  };
  FailureOr<SmallVector<double>> w = read("w", op.getW()),
                                 r = read("r", op.getR()),
                                 theta = read("theta", op.getTheta());
  if (failed(w) || failed(r) || failed(theta))
    return failure();
  const int64_t H = cast<StreamType>(op.getType()).getChannels();
  const int64_t in = groups[*x].size;
  // [W; 0]: W's rows are the update, reset and candidate currents.
  Term input(*x, 4 * H, in);
  for (int64_t row = 0; row < 3 * H; ++row)
    for (int64_t col = 0; col < in; ++col)
      input.add(row, col, (*w)[row * in + col]);
  Form form{4 * H, {std::move(input)}, std::vector<double>(4 * H, 0.0)};
  if (op.getBiasAttr()) {
    FailureOr<SmallVector<double>> b = read("bias", op.getBiasAttr());
    if (failed(b))
      return failure();
    std::copy(b->begin(), b->end(), form.bias.begin());
  }
  if (op.getRecurrentBiasAttr()) {
    // b' joins b on the gates; the candidate's b'_z stays with the
    // recurrent entry, which the reset gate scales.
    FailureOr<SmallVector<double>> b =
        read("recurrent_bias", op.getRecurrentBiasAttr());
    if (failed(b))
      return failure();
    for (int64_t row = 0; row < 3 * H; ++row)
      form.bias[row < 2 * H ? row : row + H] += (*b)[row];
  }
  Group g = groupFor(op, "egru_unit", std::move(form));
  g.size = H;
  int64_t threshold;
  if (failed(formatOf(op, op.getResult(), g.frac, threshold)))
    return failure();
  // The current holds gate pre-activations; beyond +-8 the gates saturate
  // anyway, so the format covers at least that.
  g.frac = std::min(g.frac, rt::quant::activationFrac(8.0, limits.stateBits));
  g.threshold = 0; // events are already sparse: every change is sent
  g.params = {{"theta", rt::quant::quantizeValues(
                              std::vector<double>(theta->begin(), theta->end()),
                              g.frac, limits.stateBits)}};
  const int id = newGroup(std::move(g));
  Term recurrent(id, 4 * H, H);
  for (int64_t row = 0; row < 3 * H; ++row) {
    // Rows of R: update, reset, candidate -> current rows 0, 1, 3 (x H).
    const int64_t target = row < 2 * H ? row : row + H;
    for (int64_t col = 0; col < H; ++col)
      recurrent.add(target, col, (*r)[row * H + col]);
  }
  groups[id].input.terms.push_back(std::move(recurrent));
  groupOf[op.getResult()] = id;
  return success();
}

/// Whether convert-ssm-to-neurocore has a lowering for `op`: the cases of
/// Lowering::lower's switch, which this list must match.
static bool hasNeurocoreLowering(Operation *op) {
  if (auto neuron = dyn_cast<NeuronOp>(op))
    return neuron.getLayerInfo()->lower != nullptr;
  return isa<InputOp, EmbeddingOp, DenseOp, AddOp, ReluOp, ReadoutOp, S4DOp,
             EGRUOp,
             OutputOp>(op);
}

/// Neurons a layer's group needs for certain, whatever else the lowering
/// adds (linear layers fold into tables, or become groups only when read
/// as spikes): ReLU and readout outputs, S4D modes, EGRU units.
static int64_t certainNeurons(Operation *op) {
  auto channels = [](Value v) {
    return cast<StreamType>(v.getType()).getChannels();
  };
  return llvm::TypeSwitch<Operation *, int64_t>(op)
      .Case<ReluOp, ReadoutOp, EGRUOp, NeuronOp>(
          [&](Operation *layer) { return channels(layer->getResult(0)); })
      .Case([](S4DOp s4d) {
        return static_cast<int64_t>(s4d.getLogARealAttr().getNumElements());
      })
      .Default([](Operation *) { return int64_t(0); });
}

} // namespace

LogicalResult ssm::checkNeurocoreLowering(ModelOp model,
                                          const nc::HardwareLimits &limits) {
  bool ok = true;
  int64_t neurons = 0;
  for (Operation &op : model.getBody().front()) {
    if (!hasNeurocoreLowering(&op)) {
      std::string neuronLayers;
      for (const rt::NeuronLayerInfo *l : rt::neuronLayers())
        if (l->lower)
          neuronLayers += ", " + std::string(l->kind);
      op.emitOpError() << "has no neurocore lowering; the loihi2 target runs "
                          "dense, s4d, egru, relu, add, readout"
                       << neuronLayers
                       << " (use the conv or reference target for this model)";
      ok = false;
      continue;
    }
    neurons += certainNeurons(&op);
  }
  const int64_t cores = limits.chips * limits.meshX * limits.meshY;
  if (ok && neurons > cores * limits.neuronsPerCore) {
    model.emitOpError() << "does not fit on " << limits.name
                        << ": neurons ran out; its layers need at least "
                        << neurons << " neurons, and the " << cores
                        << " cores of " << limits.chips << " chip(s) have "
                        << cores * limits.neuronsPerCore
                        << "; use more chips (--chips)";
    ok = false;
  }
  return success(ok);
}

namespace {

LogicalResult Lowering::lower() {
  if (failed(checkNeurocoreLowering(model, limits)))
    return failure();
  SmallVector<Operation *> ops;
  for (Operation &op : model.getBody().front())
    ops.push_back(&op);
  if (!computeTopologicalSorting(ops))
    return model.emitOpError() << "has a cycle; cannot be lowered";

  // Values read as spikes (by S4D or dense layers, or leaving the model) or
  // read more than once become groups; the rest fold into their reader.
  for (Operation *op : ops)
    for (Value result : op->getResults()) {
      const bool many = !result.hasOneUse() && !result.use_empty();
      const bool spikes = llvm::any_of(result.getUsers(), [](Operation *u) {
        return isa<S4DOp, DenseOp, OutputOp>(u);
      });
      if (many || spikes)
        needsGroup.insert(result);
    }

  // One lowering per layer kind, in topological order.
  for (Operation *op : ops) {
    LogicalResult result =
        llvm::TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](InputOp o) { return lowerInput(o); })
            .Case([&](EmbeddingOp o) { return lowerEmbedding(o); })
            .Case([&](DenseOp o) { return lowerDense(o); })
            .Case([&](AddOp o) { return lowerAdd(o); })
            .Case([&](ReluOp o) { return lowerRelu(o); })
            .Case([&](ReadoutOp o) { return lowerReadout(o); })
            .Case([&](S4DOp o) { return lowerS4D(o); })
            .Case([&](EGRUOp o) { return lowerEGRU(o); })
            .Case([&](NeuronOp o) { return lowerNeuronLayer(o); })
            .Case([&](OutputOp o) { return lowerOutput(o); })
            .Default([&](Operation *other) -> LogicalResult {
              llvm_unreachable("checkNeurocoreLowering refuses layers "
                               "without a case here");
            });
    if (failed(result))
      return failure();
  }
  return success();
}

LogicalResult Lowering::quantize() {
  for (Group &g : groups) {
    if (g.isInput)
      continue;
    for (const Term &t : g.input.terms) {
      // The exponent depends only on the largest |weight|, so quantizing
      // the non-zero entries alone gives the dense table's integers.
      rt::quant::TableWeights w = rt::quant::quantizeTable(
          t.value, groups[t.source].frac, g.frac, limits.weightBits,
          limits.exponentMin, limits.exponentMax);
      // A table whose weights need an exponent beyond the hardware's range
      // saturates: say so, with the numbers (the formats of its two ends
      // set the scale W 2^(F_dst - F_src)).
      if (w.saturated)
        g.origin->emitWarning()
            << "the synapse table from '" << groups[t.source].name
            << "' into '" << g.name << "' saturates " << w.saturated << " of "
            << t.value.size() << " weights: the weight exponent is at "
            << limits.name << "'s maximum of " << w.exponent
            << " (formats: source frac " << groups[t.source].frac
            << ", target frac " << g.frac << ")";
      // The integers read back as weights.
      const double unit = rt::quant::tableWeightUnit(
          w.exponent, groups[t.source].frac, g.frac);
      std::vector<double> readBack(w.q.size());
      for (size_t k = 0; k < w.q.size(); ++k)
        readBack[k] = static_cast<double>(w.q[k]) * unit;
      tableQuantization.push_back({groups[t.source].name, g.name,
                                   static_cast<int64_t>(t.value.size()),
                                   w.saturated, w.exponent,
                                   rt::fixed::sqnrDb(t.value, readBack)});
      Table table{t.source, t.rows, t.cols, {}, {}, w.exponent};
      for (size_t k = 0; k < w.q.size(); ++k)
        if (w.q[k] != 0) { // a weight may round to zero
          table.index.push_back(t.index[k]);
          table.q.push_back(w.q[k]);
        }
      g.tables.push_back(std::move(table));
    }
    g.bias = rt::quant::quantizeValues(g.input.bias, g.frac, limits.stateBits);
    g.input = Form(); // the float terms are no longer needed
  }
  return success();
}

void Lowering::printTableReport(llvm::raw_ostream &os) const {
  os << llvm::formatv("synapse tables: {0}-bit weights, one power-of-two "
                      "exponent per table; SQNR of the weights as the chip "
                      "holds them\n",
                      limits.weightBits);
  os << llvm::formatv("{0,-20} {1,-20} {2,9} {3,8} {4,9} {5,9}\n", "from",
                      "into", "weights", "exponent", "saturated", "SQNR dB");
  for (const TableQuantization &t : tableQuantization)
    os << llvm::formatv("{0,-20} {1,-20} {2,9} {3,8} {4,9} {5,9}\n", t.from,
                        t.to, t.weights, t.exponent, t.saturated,
                        std::isinf(t.sqnrDb)
                            ? std::string("exact")
                            : llvm::formatv("{0:f1}", t.sqnrDb).str());
}

nc::NetworkOp Lowering::emit(ModuleOp module, DictionaryAttr hardware) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  b.setInsertionPointToEnd(module.getBody());
  auto network = b.create<nc::NetworkOp>(model.getLoc(),
                                         b.getStringAttr(model.getSymName()),
                                         hardware);
  Block *body = new Block();
  network.getBody().push_back(body);
  b.setInsertionPointToStart(body);
  auto spikes = [&](int64_t n) {
    return nc::SpikesType::get(ctx, n, limits.messageBits);
  };
  for (Group &g : groups) {
    Location loc = g.origin->getLoc();
    if (g.isInput) {
      auto input = b.create<nc::InputOp>(
          loc, spikes(g.size), b.getI64IntegerAttr(g.inputIndex),
          b.getStringAttr(g.name), b.getI64IntegerAttr(g.frac),
          g.threshold ? b.getI64IntegerAttr(g.threshold) : IntegerAttr(),
          g.model->tokenInput ? b.getUnitAttr() : UnitAttr());
      g.value = input.getOutput();
      continue;
    }
    SmallVector<Value> currents;
    // Tables from the group itself read its own (not yet created) output:
    // connected below.
    SmallVector<nc::SynapsesOp> selfTables;
    for (const Table &t : g.tables) {
      const bool self = &groups[t.source] == &g;
      nc::SynapsesOp table = nc::buildSynapseTable(
          b, loc, self ? ValueRange{} : ValueRange(groups[t.source].value),
          t.rows, t.cols, t.index, t.q, t.exponent, /*delay=*/0,
          g.name + ".from." + groups[t.source].name, limits);
      if (self)
        selfTables.push_back(table);
      currents.push_back(table.getOutput());
    }
    auto group = b.create<nc::NeuronsOp>(
        loc, spikes(g.size), currents, b.getStringAttr(g.name),
        FlatSymbolRefAttr(), b.getStringAttr(StringRef(g.model->name)),
        b.getI64IntegerAttr(g.size),
        g.threshold ? b.getI64IntegerAttr(g.threshold) : IntegerAttr(),
        b.getI64IntegerAttr(g.frac), DenseI64ArrayAttr());
    for (nc::SynapsesOp table : selfTables)
      table.getInputsMutable().append(group.getOutput());
    // Parameters have one entry per neuron, the bias one per current entry.
    auto setParam = [&](StringRef key, const std::vector<int64_t> &v) {
      group->setAttr(key, makeIntegerParam(ctx, {int64_t(v.size())}, v, 32,
                                           g.name + "." + key.str()));
    };
    if (llvm::any_of(g.bias, [](int64_t v) { return v != 0; }))
      setParam("bias", g.bias);
    if (!g.paramFrac.empty())
      group.setParamFracBitsAttr(b.getDenseI64ArrayAttr(g.paramFrac));
    for (const auto &[key, values] : g.params)
      setParam(key, values);
    for (const std::string &flag : g.flags)
      group->setAttr(flag, b.getUnitAttr());
    g.value = group.getOutput();
  }
  SmallVector<Value> outs;
  for (int g : outputs)
    outs.push_back(groups[g].value);
  b.create<nc::OutputOp>(model.getLoc(), outs);
  return network;
}

struct CheckNeurocoreLoweringPass
    : ssm::impl::CheckNeurocoreLoweringBase<CheckNeurocoreLoweringPass> {
  using Base::Base;
  CheckNeurocoreLoweringPass(const CheckNeurocoreLoweringOptions &options,
                             DictionaryAttr hardwareDescription)
      : Base(options), given(hardwareDescription) {}
  DictionaryAttr given; // the driver's hardware description, if any

  void runOnOperation() override {
    FailureOr<nc::ResolvedHardware> hw =
        nc::resolveHardware(getOperation(), given, hardware);
    if (failed(hw) ||
        failed(checkNeurocoreLowering(getOperation(), hw->limits)))
      signalPassFailure();
    markAllAnalysesPreserved();
  }
};

struct ConvertSSMToNeurocorePass
    : ssm::impl::ConvertSSMToNeurocoreBase<ConvertSSMToNeurocorePass> {
  using Base::Base;
  ConvertSSMToNeurocorePass(const ConvertSSMToNeurocoreOptions &options,
                            DictionaryAttr hardwareDescription)
      : Base(options), given(hardwareDescription) {}
  DictionaryAttr given; // the driver's hardware description, if any

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<ModelOp> models(module.getOps<ModelOp>());
    if (models.size() != 1) {
      module.emitError() << "convert-ssm-to-neurocore expects exactly one "
                            "ssm.model, found "
                         << models.size();
      return signalPassFailure();
    }
    FailureOr<nc::ResolvedHardware> hw =
        nc::resolveHardware(module, given, hardware);
    if (failed(hw))
      return signalPassFailure();
    Lowering lowering(models.front(), hw->limits);
    if (failed(lowering.lower()) || failed(lowering.quantize()))
      return signalPassFailure();
    if (!report.empty()) {
      // After ssm-quantize's layer table, in the same report.
      if (report == "-") {
        lowering.printTableReport(llvm::outs());
      } else {
        std::error_code ec;
        llvm::raw_fd_ostream file(report, ec, llvm::sys::fs::OF_Append);
        if (ec) {
          module.emitError() << "cannot write report '" << report
                             << "': " << ec.message();
          return signalPassFailure();
        }
        lowering.printTableReport(file);
      }
    }
    lowering.emit(module, hw->description);
    models.front().erase();
  }
};

} // namespace

std::unique_ptr<Pass>
ssm::createCheckNeurocoreLowering(const CheckNeurocoreLoweringOptions &options,
                                  DictionaryAttr hardwareDescription) {
  return std::make_unique<CheckNeurocoreLoweringPass>(options,
                                                      hardwareDescription);
}

std::unique_ptr<Pass>
ssm::createConvertSSMToNeurocore(const ConvertSSMToNeurocoreOptions &options,
                                 DictionaryAttr hardwareDescription) {
  return std::make_unique<ConvertSSMToNeurocorePass>(options,
                                                     hardwareDescription);
}
