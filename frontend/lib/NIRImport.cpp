//===- NIRImport.cpp - NIR graphs (HDF5) to the ssm dialect ---------------===//
//
// Three passes over the file's snapshot (read in a child process, as every
// HDF5 file ssmc reads: ssm/Runtime/H5Snapshot.h):
//   1. the graph: nested NIRGraphs flattened into one list of nodes named
//      by their path ("rnn.lif"), edges resolved through subgraph ports, a
//      neuron's loop through one Affine/Linear taken out as its recurrent
//      synapses (takeLoops), then sorted (any other cycle is an error);
//   2. every node checked and turned into what ssm builds: a dense layer
//      (Affine, Linear, Scale, Conv1d), a neuron layer with the gain and
//      offset its input needs (LI, I, IF, LIF, CubaLIF, Threshold), a
//      pass-through (Flatten, a subgraph's Input and Output, Delay 0), or
//      a delay line (Delay); a neuron's gain and offset are folded into
//      the dense layer before it when that layer feeds nothing else;
//   3. the ssm ops, in topological order.
// The equations and the mapping are in docs/nir.md.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/NIR.h"
#include "ssm/Frontend/Limits.h"
#include "ssm/Dialect/SSM/SSMOps.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/InitAllDialects.h"
#include "ssm/Runtime/H5Snapshot.h"
#include "ssm/Runtime/NeuronLayer.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <map>
#include <memory>
#include <set>

using namespace mlir;
using namespace ssm;
namespace h5 = ssm::rt::h5;

namespace {
using dsl::kMaxChannels;
/// The most elements a dense layer built from a node may have.
constexpr int64_t kMaxWeights = dsl::kMaxTensorElements;
/// The most neurons a Delay node's delay line may have (its recurrent
/// shift matrix is stored dense: this many squared).
constexpr int64_t kMaxDelayNeurons = int64_t(1) << 12;
/// The most nodes a graph may have (subgraphs included): as many as the
/// layers of a DSL model.
constexpr size_t kMaxNodes = static_cast<size_t>(dsl::kMaxLayers);

/// An error of the import, already phrased; thrown to the entry point.
struct ImportError {
  std::string message;
};

[[noreturn]] void fail(std::string message) {
  throw ImportError{std::move(message)};
}

/// The [H, H] row-major matrix with `d` on its diagonal.
std::vector<double> diagonal(const std::vector<double> &d) {
  const size_t h = d.size();
  std::vector<double> m(h * h, 0.0);
  for (size_t c = 0; c < h; ++c)
    m[c * h + c] = d[c];
  return m;
}

/// What a node becomes in ssm.
enum class Role {
  Input,   // a model input (a top-level Input)
  Output,  // a model output (a top-level Output)
  Pass,    // the sum of its inputs, unchanged
  Dense,   // y = W x + b
  Neuron,  // y = neuron(gain * x + offset)
  Loop,    // a neuron's recurrent Affine or Linear: built into the neuron
  Delay,   // y_t = x_{t - steps[h]}: a delay line (buildDelay)
};

struct Node {
  std::string name;  // dotted path ("rnn.lif")
  std::string type;  // NIR type ("LIF")
  std::string group; // HDF5 group
  Role role = Role::Pass;
  std::vector<int> preds, succs;
  int64_t in = -1, out = -1; // channels
  // Dense: weight [out, in], bias [out].
  std::vector<double> weight, bias;
  // Neuron: the ssm neuron layer, its parameters [H] by name and options,
  // and the affine map of its input.
  std::string neuron;
  std::map<std::string, std::vector<double>> params;
  std::vector<double> gain, offset;
  /// Neuron: its recurrent Affine or Linear node (-1: none) and, once
  /// analyzed, R = diag(gain) W [H, H].
  int loop = -1;
  std::vector<double> recurrent;
  // Delay: each channel's delay in steps.
  std::vector<int64_t> steps;
  bool reachesOutput = false;

  std::string label() const { return "node '" + name + "' (" + type + ")"; }
};

/// One NIRGraph's names: its leaf nodes and subgraphs by key, and its own
/// Input and Output nodes (the ports an outer edge resolves to).
struct Scope {
  std::map<std::string, int> leaves;
  std::map<std::string, std::unique_ptr<Scope>> graphs;
  std::vector<int> inputs, outputs;
};

class Importer {
public:
  Importer(std::string path, const h5::Snapshot &file,
           const dsl::NIRImportOptions &options, llvm::raw_ostream &errors)
      : path(std::move(path)), file(file), options(options), errors(errors) {}

  OwningOpRef<ModuleOp> run(MLIRContext &context);

private:
  std::string path;
  const h5::Snapshot &file;
  const dsl::NIRImportOptions &options;
  llvm::raw_ostream &errors;
  std::vector<Node> nodes;
  std::vector<int> order; // topological
  double dt = 0;
  bool dtKnown = false;
  std::string version;

  //===--- reading datasets -------------------------------------------===//

  /// The children of group `group` (alphabetical: h5py's order).
  std::vector<std::string> children(const std::string &group) const {
    std::vector<std::string> names;
    const std::string prefix = group + "/";
    for (auto it = file.objects.lower_bound(prefix);
         it != file.objects.end() && llvm::StringRef(*it).starts_with(prefix);
         ++it) {
      llvm::StringRef rest = llvm::StringRef(*it).drop_front(prefix.size());
      if (!rest.empty() && !rest.contains('/'))
        names.push_back(rest.str());
    }
    return names;
  }
  bool isGroup(const std::string &object) const {
    return file.objects.count(object) && !file.dataset(object);
  }
  const h5::Array *dataset(const Node &n, const std::string &key) const {
    return file.dataset(n.group + "/" + key);
  }
  const h5::Array &require(const Node &n, const std::string &key) const {
    const h5::Array *a = dataset(n, key);
    if (!a)
      fail(fmt::format("{} has no '{}' dataset ({}/{})", n.label(), key,
                       n.group, key));
    if (!a->problem.empty())
      fail(fmt::format("{}: dataset '{}' {}", n.label(), key, a->problem));
    return *a;
  }
  /// A numeric dataset as float64, every value finite.
  std::vector<double> numbers(const Node &n, const std::string &key,
                              const h5::Array &a) const {
    std::vector<double> values;
    if (a.kind == h5::Array::Kind::Float)
      values = a.floats;
    else if (a.kind == h5::Array::Kind::Integer)
      values.assign(a.ints.begin(), a.ints.end());
    else
      fail(fmt::format("{}: dataset '{}' holds {}, not numbers", n.label(),
                       key, a.typeName()));
    for (size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i]))
        fail(fmt::format("{}: dataset '{}' has {} at index {}; parameters "
                         "must be finite",
                         n.label(), key, values[i], i));
    return values;
  }
  std::vector<double> numbers(const Node &n, const std::string &key) const {
    return numbers(n, key, require(n, key));
  }
  /// A per-channel parameter: a scalar, one value, or `channels` values
  /// (of any shape: NIR keeps the shape of its layer's output).
  std::vector<double> perChannel(const Node &n, const std::string &key,
                                 int64_t channels) const {
    const h5::Array &a = require(n, key);
    std::vector<double> values = numbers(n, key, a);
    if (values.size() == 1)
      return std::vector<double>(channels, values[0]);
    if (static_cast<int64_t>(values.size()) != channels)
      fail(fmt::format("{}: dataset '{}' has shape [{}] ({} values); its "
                       "input has {} channels",
                       n.label(), key, fmt::join(a.dims, ", "), values.size(),
                       channels));
    return values;
  }
  /// An optional per-channel parameter (`fallback` when absent).
  std::vector<double> perChannel(const Node &n, const std::string &key,
                                 int64_t channels, double fallback) const {
    if (!dataset(n, key))
      return std::vector<double>(channels, fallback);
    return perChannel(n, key, channels);
  }
  /// One integer in [lo, hi].
  int64_t integer(const Node &n, const std::string &key, int64_t lo,
                  int64_t hi) const {
    const h5::Array &a = require(n, key);
    std::vector<double> v = numbers(n, key, a);
    if (v.size() != 1 || v[0] != std::floor(v[0]) || v[0] < double(lo) ||
        v[0] > double(hi))
      fail(fmt::format("{}: dataset '{}' must be one integer in [{}, {}]",
                       n.label(), key, lo, hi));
    return static_cast<int64_t>(v[0]);
  }
  std::string text(const std::string &object, const std::string &what) const {
    const h5::Array *a = file.dataset(object);
    if (!a)
      fail(fmt::format("has no '{}' dataset ({})", what, object));
    if (a->kind != h5::Array::Kind::String || a->strings.size() != 1)
      fail(fmt::format("dataset '{}' must be one string, got {} [{}]", object,
                       a->typeName(), fmt::join(a->dims, ", ")));
    return a->strings[0];
  }
  int64_t product(const Node &n, const std::string &key) const {
    const h5::Array &a = require(n, key);
    int64_t count = 1;
    for (double d : numbers(n, key, a)) {
      if (d < 1 || d != std::floor(d) || d > kMaxChannels)
        fail(fmt::format("{}: dataset '{}' must hold sizes from 1 to {}",
                         n.label(), key, kMaxChannels));
      count *= static_cast<int64_t>(d);
      if (count > kMaxChannels)
        fail(fmt::format("{}: dataset '{}' gives more than {} channels",
                         n.label(), key, kMaxChannels));
    }
    return count;
  }

  //===--- 1. the graph -------------------------------------------------===//

  std::unique_ptr<Scope> readGraph(const std::string &group,
                                   const std::string &prefix, bool top);
  int resolve(const Scope &scope, llvm::StringRef name, bool source,
              const std::string &graphName) const;
  void takeLoops();
  void sortNodes();

  //===--- 2. the nodes -------------------------------------------------===//

  void readDt();
  double step(const Node &n) const {
    if (!dtKnown)
      fail(fmt::format("{} has time constants: give the discretization step "
                       "with --nir-dt=SECONDS (Python: nir_dt=)",
                       n.label()));
    return dt;
  }
  void analyze(Node &n);
  void analyzeConv1d(Node &n);
  void analyzeNeuron(Node &n);
  void analyzeLoop(Node &n, Node &loop);
  void fold();

  //===--- 3. the ops ---------------------------------------------------===//

  Value inputOf(OpBuilder &b, const Node &n, const std::vector<Value> &values,
                Location loc);
  Value buildDense(OpBuilder &b, Location loc, Value x, const std::string &name,
                   const std::vector<double> &weight,
                   const std::vector<double> &bias);
  Value buildDelay(OpBuilder &b, const Node &n, Value x, Location loc);
};

std::unique_ptr<Scope> Importer::readGraph(const std::string &group,
                                           const std::string &prefix,
                                           bool top) {
  auto scope = std::make_unique<Scope>();
  const std::string nodesGroup = group + "/nodes";
  const std::string graphName = prefix.empty() ? "the top-level graph"
                                               : "graph '" + prefix.substr(
                                                     0, prefix.size() - 1) +
                                                     "'";
  if (!isGroup(nodesGroup))
    fail(fmt::format("{} has no 'nodes' group ({})", graphName, nodesGroup));
  for (const std::string &key : children(nodesGroup)) {
    const std::string child = nodesGroup + "/" + key;
    const std::string name = prefix + key;
    if (!isGroup(child))
      fail(fmt::format("node '{}' is a dataset ({}), not a group", name,
                       child));
    if (!file.dataset(child + "/type"))
      fail(fmt::format("node '{}' has no 'type' dataset ({}/type)", name,
                       child));
    std::string type;
    try {
      type = text(child + "/type", "type");
    } catch (ImportError &e) {
      fail("node '" + name + "': " + e.message);
    }
    if (type == "NIRGraph") {
      scope->graphs[key] = readGraph(child, name + ".", false);
      continue;
    }
    if (nodes.size() >= kMaxNodes)
      fail(fmt::format("the graph has more than {} nodes", kMaxNodes));
    Node n;
    n.name = name;
    n.type = type;
    n.group = child;
    const int index = static_cast<int>(nodes.size());
    // A subgraph's Input and Output nodes are its ports: pass-throughs.
    if (type == "Input") {
      n.role = top ? Role::Input : Role::Pass;
      scope->inputs.push_back(index);
    } else if (type == "Output") {
      n.role = top ? Role::Output : Role::Pass;
      scope->outputs.push_back(index);
    }
    nodes.push_back(std::move(n));
    scope->leaves[key] = index;
  }
  // Edges: [E, 2] strings (none: an empty dataset of any type).
  const h5::Array *edges = file.dataset(group + "/edges");
  if (!edges)
    fail(fmt::format("{} has no 'edges' dataset ({}/edges)", graphName, group));
  if (edges->elements() > 0) {
    if (edges->kind != h5::Array::Kind::String || edges->dims.size() != 2 ||
        edges->dims[1] != 2)
      fail(fmt::format("{}: dataset 'edges' must be [E, 2] strings (source, "
                       "target), got {} [{}]",
                       graphName, edges->typeName(),
                       fmt::join(edges->dims, ", ")));
    for (size_t e = 0; e + 1 < edges->strings.size(); e += 2) {
      const int from = resolve(*scope, edges->strings[e], true, graphName);
      const int to = resolve(*scope, edges->strings[e + 1], false, graphName);
      if (llvm::is_contained(nodes[to].preds, from))
        continue; // a repeated edge adds nothing
      nodes[from].succs.push_back(to);
      nodes[to].preds.push_back(from);
    }
  }
  return scope;
}

/// The node an edge's end `name` means in `scope`: a leaf, a subgraph (its
/// one Output as a source, its one Input as a target) or `graph.node`.
int Importer::resolve(const Scope &scope, llvm::StringRef name, bool source,
                      const std::string &graphName) const {
  const char *end = source ? "source" : "target";
  if (auto it = scope.leaves.find(name.str()); it != scope.leaves.end())
    return it->second;
  if (auto it = scope.graphs.find(name.str()); it != scope.graphs.end()) {
    const std::vector<int> &ports =
        source ? it->second->outputs : it->second->inputs;
    if (ports.size() != 1)
      fail(fmt::format("{}: an edge's {} is subgraph '{}', which has {} {} "
                       "nodes; name one as '{}.NODE'",
                       graphName, end, name, ports.size(),
                       source ? "Output" : "Input", name));
    return ports.front();
  }
  auto [head, rest] = name.split('.');
  if (!rest.empty())
    if (auto it = scope.graphs.find(head.str()); it != scope.graphs.end())
      return resolve(*it->second, rest, source,
                     "graph '" + head.str() + "' of " + graphName);
  fail(fmt::format("{}: an edge's {} '{}' is not a node of the graph "
                   "(a dangling edge)",
                   graphName, end, name));
}

static bool isNeuronType(const std::string &type) {
  return type == "LI" || type == "I" || type == "IF" || type == "LIF" ||
         type == "CubaLIF" || type == "Threshold";
}

/// A neuron node N with an Affine or Linear node D whose only edges are
/// N -> D -> N (snnTorch's RLeaky and RSynaptic, NIR's recurrent examples)
/// is N with recurrent synapses: D's edges leave the graph and N keeps D
/// as its loop. Any other cycle stays, and sortNodes refuses it.
void Importer::takeLoops() {
  for (size_t d = 0; d < nodes.size(); ++d) {
    Node &loop = nodes[d];
    if ((loop.type != "Affine" && loop.type != "Linear") ||
        loop.preds.size() != 1 || loop.succs.size() != 1 ||
        loop.preds[0] != loop.succs[0])
      continue;
    Node &n = nodes[loop.preds[0]];
    if (!isNeuronType(n.type) || n.loop >= 0)
      continue;
    n.loop = static_cast<int>(d);
    llvm::erase(n.succs, static_cast<int>(d));
    llvm::erase(n.preds, static_cast<int>(d));
    loop.preds.clear();
    loop.succs.clear();
    loop.role = Role::Loop;
  }
}

/// Topological order (Kahn's, ties by index: deterministic); a cycle is an
/// error naming its nodes.
void Importer::sortNodes() {
  std::vector<int> remaining(nodes.size());
  std::set<int> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if ((remaining[i] = static_cast<int>(nodes[i].preds.size())) == 0)
      ready.insert(static_cast<int>(i));
  while (!ready.empty()) {
    const int i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (int s : nodes[i].succs)
      if (--remaining[s] == 0)
        ready.insert(s);
  }
  if (order.size() == nodes.size())
    return;
  // Walk back along unsorted predecessors until a node repeats: a cycle.
  int at = 0;
  while (remaining[at] == 0)
    ++at;
  std::vector<int> walk;
  std::map<int, size_t> seen;
  while (!seen.count(at)) {
    seen[at] = walk.size();
    walk.push_back(at);
    at = *llvm::find_if(nodes[at].preds, [&](int p) { return remaining[p]; });
  }
  // walk[k + 1] feeds walk[k]: the cycle forward is `at`, then the walk
  // backwards to `at`.
  std::vector<std::string> cycle = {"'" + nodes[at].name + "'"};
  for (size_t k = walk.size(); k-- > seen[at];)
    cycle.push_back("'" + nodes[walk[k]].name + "'");
  fail(fmt::format("the graph has a cycle: {}; ssmc imports a recurrent "
                   "edge as a neuron node's own loop through one Affine or "
                   "Linear node (docs/nir.md)",
                   fmt::join(cycle, " -> ")));
}

void Importer::readDt() {
  if (options.dt) {
    dt = *options.dt;
    dtKnown = true;
  } else if (const h5::Array *meta = file.dataset("/node/metadata/dt")) {
    if (meta->kind != h5::Array::Kind::Float || meta->floats.size() != 1)
      fail("dataset '/node/metadata/dt' must be one number (seconds)");
    dt = meta->floats[0];
    dtKnown = true;
  }
  if (dtKnown && !(dt > 0 && std::isfinite(dt)))
    fail(fmt::format("the step dt must be a positive number of seconds, got "
                     "{}",
                     dt));
}

void Importer::analyze(Node &n) {
  if (n.role == Role::Loop)
    return; // read with its neuron
  // The input: the sum of every edge into the node, of one width.
  if (n.role != Role::Input) {
    if (n.preds.empty())
      fail(fmt::format("{} has no input edge", n.label()));
    n.in = nodes[n.preds.front()].out;
    for (int p : n.preds)
      if (nodes[p].out != n.in)
        fail(fmt::format("{} sums inputs of different sizes: '{}' has {} "
                         "channels, '{}' {}",
                         n.label(), nodes[n.preds.front()].name, n.in,
                         nodes[p].name, nodes[p].out));
  }
  const std::string &t = n.type;
  if (n.role == Role::Input) {
    n.out = product(n, "shape");
    return;
  }
  if (t == "Input" || t == "Output") {
    n.out = n.in;
    if (dataset(n, "shape"))
      if (const int64_t shape = product(n, "shape"); shape != n.in)
        fail(fmt::format("{}: dataset 'shape' gives {} channels, its input "
                         "has {}",
                         n.label(), shape, n.in));
    return;
  }
  if (t == "Flatten") {
    // Streams are row-major vectors already: flattening changes nothing.
    n.out = n.in;
    if (const h5::Array *shape = dataset(n, "input_type");
        shape && shape->kind == h5::Array::Kind::Integer)
      if (const int64_t values = product(n, "input_type"); values != n.in)
        fail(fmt::format("{}: dataset 'input_type' gives {} values, its "
                         "input has {} channels",
                         n.label(), values, n.in));
    return;
  }
  if (t == "Delay") {
    // Each channel's delay as a whole number of steps.
    const std::vector<double> d = perChannel(n, "delay", n.in);
    n.out = n.in;
    if (llvm::all_of(d, [](double v) { return v == 0; }))
      return; // a pass-through, whatever the step
    int64_t longest = 0;
    for (int64_t c = 0; c < n.in; ++c) {
      const double k = d[c] / step(n);
      if (!(k >= 0 && k <= double(kMaxDelayNeurons)) ||
          std::abs(k - std::round(k)) > 1e-6 * std::max(1.0, k))
        fail(fmt::format("{}: dataset 'delay' is {:g} s at channel {}, not a "
                         "whole number of steps of dt = {:g} s (up to {})",
                         n.label(), d[c], c, dt, kMaxDelayNeurons));
      n.steps.push_back(static_cast<int64_t>(std::round(k)));
      longest = std::max(longest, n.steps.back());
    }
    if ((longest + 1) * n.in > kMaxDelayNeurons)
      fail(fmt::format("{}: a delay line of {} steps for {} channels needs "
                       "more than {} neurons",
                       n.label(), longest, n.in, kMaxDelayNeurons));
    n.role = Role::Delay;
    return;
  }
  if (t == "Affine" || t == "Linear") {
    const h5::Array &w = require(n, "weight");
    if (w.dims.size() != 2 || w.dims[1] != n.in)
      fail(fmt::format("{}: dataset 'weight' has shape [{}]; it must be "
                       "[out, {}] for its {}-channel input",
                       n.label(), fmt::join(w.dims, ", "), n.in, n.in));
    n.out = w.dims[0];
    if (n.out < 1 || n.out > kMaxChannels ||
        n.out * n.in > kMaxWeights)
      fail(fmt::format("{}: dataset 'weight' [{}] is larger than ssmc takes",
                       n.label(), fmt::join(w.dims, ", ")));
    n.role = Role::Dense;
    n.weight = numbers(n, "weight", w);
    n.bias = t == "Affine" ? perChannel(n, "bias", n.out)
                           : std::vector<double>(n.out, 0.0);
    return;
  }
  if (t == "Scale") {
    const std::vector<double> s = perChannel(n, "scale", n.in);
    if (n.in * n.in > kMaxWeights)
      fail(fmt::format("{} has more channels than ssmc scales", n.label()));
    n.role = Role::Dense;
    n.out = n.in;
    n.weight = diagonal(s);
    n.bias.assign(n.in, 0.0);
    return;
  }
  if (t == "Conv1d") {
    analyzeConv1d(n);
    return;
  }
  if (isNeuronType(t)) {
    analyzeNeuron(n);
    if (n.loop >= 0)
      analyzeLoop(n, nodes[n.loop]);
    return;
  }
  static const std::set<std::string> kKnown = {
      "Conv2d", "SumPool2d", "AvgPool2d", "CubaLI"};
  if (kKnown.count(t))
    fail(fmt::format("{}: NIR's {} has no ssmc mapping yet (docs/nir.md "
                     "lists what is supported)",
                     n.label(), t));
  fail(fmt::format("node '{}' has type '{}', which is not a NIR primitive",
                   n.name, t));
}

/// Conv1d over a per-token input of C_in channels by N positions (NIR's
/// layout [C, N], flattened row-major) as the dense layer it is: output
/// (o, j) = b_o + sum_{c in o's group, k} W[o, c, k] x[c, j s - p + k d].
void Importer::analyzeConv1d(Node &n) {
  const h5::Array &w = require(n, "weight");
  if (w.dims.size() != 3)
    fail(fmt::format("{}: dataset 'weight' has shape [{}]; it must be "
                     "[C_out, C_in / groups, K]",
                     n.label(), fmt::join(w.dims, ", ")));
  const int64_t cOut = w.dims[0], cInGroup = w.dims[1], k = w.dims[2];
  const int64_t groups = integer(n, "groups", 1, kMaxChannels);
  const int64_t stride = integer(n, "stride", 1, kMaxChannels);
  const int64_t dilation = integer(n, "dilation", 1, kMaxChannels);
  if (cOut % groups || k < 1)
    fail(fmt::format("{}: groups {} must divide C_out {}, and the kernel "
                     "have a size",
                     n.label(), groups, cOut));
  const int64_t cIn = cInGroup * groups;
  int64_t length = 0;
  if (dataset(n, "input_shape")) {
    length = integer(n, "input_shape", 1, kMaxChannels);
  } else if (cIn > 0 && n.in % cIn == 0) {
    length = n.in / cIn;
  }
  if (length < 1 || cIn * length != n.in)
    fail(fmt::format("{}: its input has {} channels, not C_in {} times the "
                     "input length",
                     n.label(), n.in, cIn));
  int64_t padding = 0;
  const h5::Array &pad = require(n, "padding");
  if (pad.kind == h5::Array::Kind::String) {
    const std::string mode = pad.strings.empty() ? "" : pad.strings[0];
    if (mode == "same")
      padding = dilation * (k - 1) / 2;
    else if (mode != "valid")
      fail(fmt::format("{}: dataset 'padding' must be an integer, 'same' or "
                       "'valid', got '{}'",
                       n.label(), mode));
    if (mode == "same" && (dilation * (k - 1)) % 2)
      fail(fmt::format("{}: 'same' padding of an even kernel extent is "
                       "asymmetric; give the padding as an integer",
                       n.label()));
  } else {
    padding = integer(n, "padding", 0, kMaxChannels);
  }
  const int64_t span = dilation * (k - 1) + 1;
  const int64_t outLength =
      (length + 2 * padding - span) >= 0
          ? (length + 2 * padding - span) / stride + 1
          : 0;
  if (padding < 0 || outLength < 1)
    fail(fmt::format("{}: padding {} gives no output for input length {} "
                     "and kernel extent {}",
                     n.label(), padding, length, span));
  n.out = cOut * outLength;
  if (n.out > kMaxChannels || n.out * n.in > kMaxWeights)
    fail(fmt::format("{}: as a dense layer [{}, {}] it is larger than ssmc "
                     "takes",
                     n.label(), n.out, n.in));
  const std::vector<double> kernel = numbers(n, "weight", w);
  const std::vector<double> bias = perChannel(n, "bias", cOut, 0.0);
  n.role = Role::Dense;
  n.weight.assign(n.out * n.in, 0.0);
  n.bias.assign(n.out, 0.0);
  const int64_t outPerGroup = cOut / groups;
  for (int64_t o = 0; o < cOut; ++o)
    for (int64_t j = 0; j < outLength; ++j) {
      const int64_t row = o * outLength + j;
      n.bias[row] = bias[o];
      for (int64_t cg = 0; cg < cInGroup; ++cg) {
        const int64_t c = (o / outPerGroup) * cInGroup + cg;
        for (int64_t q = 0; q < k; ++q) {
          const int64_t at = j * stride - padding + q * dilation;
          if (at >= 0 && at < length)
            n.weight[row * n.in + c * length + at] +=
                kernel[(o * cInGroup + cg) * k + q];
        }
      }
    }
}

/// The neuron primitives as ssm neuron layers (forward Euler with step dt;
/// docs/nir.md derives each line):
///   LI      tau dv/dt = (v_leak - v) + R I   li(dt/tau), x = dt/tau (R I + v_leak)
///   I       dv/dt = R I                      li(0), x = dt R I
///   IF      dv/dt = R I, spike, reset        lif(1, 0, theta), x = dt R I
///   LIF     as LI, spike, reset              lif(1, dt/tau, theta), x as LI
///   CubaLIF tau_syn dI/dt = -I + w_in S,     lif(dt/tau_syn, dt/tau_mem, theta),
///           tau_mem dv/dt = (v_leak - v) + R I    x = dt^2 R w_in / (tau_mem tau_syn) S
///   Threshold z = [x > theta]                lif(1, 1, theta)
void Importer::analyzeNeuron(Node &n) {
  const std::string &t = n.type;
  const int64_t h = n.in;
  n.out = h;
  n.role = Role::Neuron;
  n.gain.assign(h, 1.0);
  n.offset.assign(h, 0.0);
  const bool spiking = t == "IF" || t == "LIF" || t == "CubaLIF" ||
                       t == "Threshold";
  n.neuron = spiking ? "lif" : "li";
  const rt::NeuronLayerInfo *layer = rt::findNeuronLayer(n.neuron);
  auto range = [&](const char *param) -> const rt::NeuronLayerParam & {
    return *llvm::find_if(layer->params, [&](const rt::NeuronLayerParam &p) {
      return p.name == param;
    });
  };
  // A time constant as the decay dt / tau, which must lie in [0, 1].
  auto decay = [&](const char *key) {
    std::vector<double> tau = perChannel(n, key, h);
    std::vector<double> d(h);
    for (int64_t c = 0; c < h; ++c) {
      if (!(tau[c] >= step(n)))
        fail(fmt::format("{}: dataset '{}' has {:g} s at channel {}, less "
                         "than the step dt = {:g} s; forward Euler needs tau "
                         ">= dt",
                         n.label(), key, tau[c], c, dt));
      d[c] = dt / tau[c];
    }
    return std::pair{tau, d};
  };
  auto noReset = [&] {
    std::vector<double> reset = perChannel(n, "v_reset", h, 0.0);
    for (int64_t c = 0; c < h; ++c)
      if (reset[c] != 0)
        fail(fmt::format("{}: dataset 'v_reset' is {:g} at channel {}; ssmc's "
                         "lif resets to 0",
                         n.label(), reset[c], c));
  };
  auto threshold = [&](const char *key) {
    std::vector<double> theta = perChannel(n, key, h);
    const rt::NeuronLayerParam &p = range("threshold");
    for (int64_t c = 0; c < h; ++c)
      if (theta[c] < p.min || theta[c] > p.max)
        fail(fmt::format("{}: dataset '{}' is {:g} at channel {}; thresholds "
                         "must lie in [{}, {}]",
                         n.label(), key, theta[c], c, p.min, p.max));
    return theta;
  };

  if (t == "Threshold") {
    // z = [x > theta] is lif(1, 1, theta): v = x each step. A threshold
    // outside lif's range is moved into the input: [x + 1 - theta > 1].
    std::vector<double> theta = perChannel(n, "threshold", h);
    const rt::NeuronLayerParam &p = range("threshold");
    for (int64_t c = 0; c < h; ++c)
      if (theta[c] < p.min || theta[c] > p.max) {
        n.offset[c] = 1.0 - theta[c];
        theta[c] = 1.0;
      }
    n.params = {{"current_decay", std::vector<double>(h, 1.0)},
                {"voltage_decay", std::vector<double>(h, 1.0)},
                {"threshold", theta}};
    return;
  }
  const std::vector<double> r = perChannel(n, "r", h);
  if (t == "I" || t == "IF") {
    for (int64_t c = 0; c < h; ++c)
      n.gain[c] = step(n) * r[c];
    if (t == "I") {
      n.params = {{"voltage_decay", std::vector<double>(h, 0.0)}};
    } else {
      noReset();
      n.params = {{"current_decay", std::vector<double>(h, 1.0)},
                  {"voltage_decay", std::vector<double>(h, 0.0)},
                  {"threshold", threshold("v_threshold")}};
    }
    return;
  }
  const std::vector<double> leak = perChannel(n, "v_leak", h);
  if (t == "LI" || t == "LIF") {
    auto [tau, d] = decay("tau");
    for (int64_t c = 0; c < h; ++c) {
      n.gain[c] = d[c] * r[c];
      n.offset[c] = d[c] * leak[c];
    }
    if (t == "LI") {
      n.params = {{"voltage_decay", d}};
    } else {
      noReset();
      n.params = {{"current_decay", std::vector<double>(h, 1.0)},
                  {"voltage_decay", d},
                  {"threshold", threshold("v_threshold")}};
    }
    return;
  }
  // CubaLIF
  auto [tauMem, dMem] = decay("tau_mem");
  auto [tauSyn, dSyn] = decay("tau_syn");
  const std::vector<double> wIn = perChannel(n, "w_in", h, 1.0);
  for (int64_t c = 0; c < h; ++c) {
    if (leak[c] != 0)
      fail(fmt::format("{}: dataset 'v_leak' is {:g} at channel {}; a "
                       "current-based neuron's leak voltage needs a voltage "
                       "bias ssmc's lif does not have",
                       n.label(), leak[c], c));
    n.gain[c] = dMem[c] * dSyn[c] * r[c] * wIn[c];
  }
  noReset();
  n.params = {{"current_decay", dSyn},
              {"voltage_decay", dMem},
              {"threshold", threshold("v_threshold")}};
}

/// A neuron's recurrent loop: its input gets gain (W y_{t-1} + b) on top,
/// so R = diag(gain) W and gain b joins the offset. The loop's output
/// reaches the neuron one token later (NIR leaves the delay of an edge to
/// the platform; Loihi, snnTorch's RLeaky and ssmc's executors all read
/// the previous token's output).
void Importer::analyzeLoop(Node &n, Node &loop) {
  const int64_t h = n.out;
  const h5::Array &w = require(loop, "weight");
  if (w.dims.size() != 2 || w.dims[0] != h || w.dims[1] != h)
    fail(fmt::format("{}: dataset 'weight' has shape [{}]; as the recurrent "
                     "synapses of '{}' it must be [{}, {}]",
                     loop.label(), fmt::join(w.dims, ", "), n.name, h, h));
  if (h * h > kMaxWeights)
    fail(fmt::format("{} is larger than ssmc takes", loop.label()));
  const std::vector<double> weight = numbers(loop, "weight", w);
  const std::vector<double> bias = loop.type == "Affine"
                                       ? perChannel(loop, "bias", h)
                                       : std::vector<double>(h, 0.0);
  n.recurrent.resize(h * h);
  for (int64_t row = 0; row < h; ++row) {
    for (int64_t col = 0; col < h; ++col)
      n.recurrent[row * h + col] = n.gain[row] * weight[row * h + col];
    n.offset[row] += n.gain[row] * bias[row];
  }
}

/// A neuron's input map folded into the dense layer before it, when that
/// layer is its only input and feeds nothing else: exact in real
/// arithmetic, and a layer fewer on every target.
void Importer::fold() {
  for (Node &n : nodes) {
    if (n.role != Role::Neuron || n.preds.size() != 1)
      continue;
    // Through pass-throughs (Flatten, a subgraph's ports) of one input.
    int at = n.preds.front();
    while (nodes[at].role == Role::Pass && nodes[at].preds.size() == 1 &&
           nodes[at].succs.size() == 1)
      at = nodes[at].preds.front();
    Node &p = nodes[at];
    if (p.role != Role::Dense || p.succs.size() != 1)
      continue;
    for (int64_t o = 0; o < p.out; ++o) {
      for (int64_t i = 0; i < p.in; ++i)
        p.weight[o * p.in + i] *= n.gain[o];
      p.bias[o] = p.bias[o] * n.gain[o] + n.offset[o];
    }
    n.gain.assign(n.out, 1.0);
    n.offset.assign(n.out, 0.0);
  }
}

std::vector<float> toFloat(const std::vector<double> &v) {
  return std::vector<float>(v.begin(), v.end());
}

/// The sum of the node's input edges (an ssm.add per edge after the first).
Value Importer::inputOf(OpBuilder &b, const Node &n,
                        const std::vector<Value> &values, Location loc) {
  auto type = ssm::StreamType::get(n.in, b.getF32Type());
  Value sum = values[n.preds.front()];
  for (size_t k = 1; k < n.preds.size(); ++k)
    sum = b.create<ssm::AddOp>(loc, type, sum, values[n.preds[k]],
                               b.getStringAttr(fmt::format("{}.sum{}", n.name,
                                                           k)))
              .getOutput();
  return sum;
}

/// ssm.dense `name` of x: weight [O, I] (row-major), bias [O].
Value Importer::buildDense(OpBuilder &b, Location loc, Value x,
                           const std::string &name,
                           const std::vector<double> &weight,
                           const std::vector<double> &bias) {
  const int64_t out = static_cast<int64_t>(bias.size());
  const int64_t in = static_cast<int64_t>(weight.size()) / out;
  MLIRContext *context = b.getContext();
  return b
      .create<ssm::DenseOp>(
          loc, ssm::StreamType::get(out, b.getF32Type()), x,
          makeRealParam(context, {out, in}, toFloat(weight), name + ".weight"),
          makeRealParam(context, {out}, toFloat(bias), name + ".bias"),
          b.getStringAttr(name))
      .getOutput();
}

/// A Delay node as a delay line of K = max steps + 1 slots per channel:
/// NAME.line_in writes x_t into slot 0; NAME, an `li` layer with
/// voltage_decay 1 (v = its input) whose recurrent synapses shift slot j-1
/// of the previous token into slot j, holds x_{t-j} in slot j; NAME.line_out
/// reads slot steps[h] of channel h. Exact on every target, with the same
/// one-token recurrent delay as a neuron's loop.
Value Importer::buildDelay(OpBuilder &b, const Node &n, Value x,
                           Location loc) {
  MLIRContext *context = b.getContext();
  const int64_t h = n.in;
  const int64_t slots = *llvm::max_element(n.steps) + 1, size = h * slots;
  std::vector<double> in(size * h, 0.0), out(h * size, 0.0);
  std::vector<float> shift(size * size, 0.0f);
  for (int64_t c = 0; c < h; ++c) {
    in[(c * slots) * h + c] = 1.0;
    for (int64_t j = 1; j < slots; ++j)
      shift[(c * slots + j) * size + (c * slots + j - 1)] = 1.0f;
    out[c * size + c * slots + n.steps[c]] = 1.0;
  }
  Value v = buildDense(b, loc, x, n.name + ".line_in", in,
                       std::vector<double>(size, 0.0));
  auto delayLine = b.create<ssm::NeuronOp>(
      loc, ssm::StreamType::get(size, b.getF32Type()), b.getStringAttr("li"),
      v, b.getStringAttr(n.name),
      makeRealParam(context, {size, size}, shift, n.name + ".recurrent"));
  delayLine->setAttr("voltage_decay",
                     makeRealParam(context, {size},
                                   std::vector<float>(size, 1.0f),
                                   n.name + ".voltage_decay"));
  return buildDense(b, loc, delayLine.getOutput(), n.name + ".line_out", out,
                    std::vector<double>(h, 0.0));
}

OwningOpRef<ModuleOp> Importer::run(MLIRContext &context) {
  if (!isGroup("/node"))
    fail("has no '/node' group: it is not a NIR graph");
  if (const h5::Array *v = file.dataset("/version");
      v && v->kind == h5::Array::Kind::String && v->strings.size() == 1)
    version = v->strings[0];
  const std::string rootType = text("/node/type", "type");
  if (rootType != "NIRGraph")
    fail(fmt::format("its root node has type '{}'; ssmc imports a NIRGraph",
                     rootType));
  std::unique_ptr<Scope> top = readGraph("/node", "", true);
  takeLoops();
  if (top->inputs.empty() || top->outputs.empty())
    fail("the top-level graph needs an Input and an Output node");
  // ssmc's executors read a model's first output only.
  if (top->outputs.size() > 1) {
    std::vector<std::string> names;
    for (int i : top->outputs)
      names.push_back("'" + nodes[i].name + "'");
    fail(fmt::format("the top-level graph has {} Output nodes ({}); ssmc "
                     "runs models of one output",
                     names.size(), fmt::join(names, ", ")));
  }
  sortNodes();
  readDt();
  for (int i : order)
    analyze(nodes[i]);
  // What reaches no output is not built (and said).
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node &n = nodes[*it];
    n.reachesOutput = n.role == Role::Output ||
                      llvm::any_of(n.succs, [&](int s) {
                        return nodes[s].reachesOutput;
                      });
  }
  for (int i : order)
    if (!nodes[i].reachesOutput && nodes[i].role != Role::Input &&
        nodes[i].role != Role::Loop)
      llvm::WithColor::warning(errors, path)
          << nodes[i].label() << " reaches no Output node; it is not built\n";
  fold();

  // 3. The ops.
  OpBuilder b(&context);
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  b.setInsertionPointToEnd(module->getBody());
  auto model = b.create<ssm::ModelOp>(
      fileLoc, b.getStringAttr(llvm::sys::path::stem(path)), StringAttr());
  if (dtKnown)
    model->setAttr("ssm.nir_dt", b.getF64FloatAttr(dt));
  if (!version.empty())
    model->setAttr("ssm.nir_version", b.getStringAttr(version));
  b.setInsertionPointToEnd(b.createBlock(&model.getBody()));
  std::vector<Value> values(nodes.size());
  Value output;
  int64_t numInputs = 0;
  for (int i : order) {
    Node &n = nodes[i];
    if ((!n.reachesOutput && n.role != Role::Input) || n.role == Role::Loop)
      continue;
    Location loc = NameLoc::get(b.getStringAttr(n.name), fileLoc);
    auto type = ssm::StreamType::get(n.out, b.getF32Type());
    auto param = [&](llvm::StringRef key, std::vector<int64_t> shape,
                     const std::vector<double> &v) {
      return makeRealParam(&context, shape, toFloat(v),
                           n.name + "." + key.str());
    };
    switch (n.role) {
    case Role::Input:
      values[i] = b.create<ssm::InputOp>(loc, type,
                                         b.getI64IntegerAttr(numInputs++),
                                         b.getStringAttr(n.name),
                                         IntegerAttr())
                      .getOutput();
      break;
    case Role::Output:
      output = inputOf(b, n, values, loc);
      break;
    case Role::Pass:
      values[i] = inputOf(b, n, values, loc);
      break;
    case Role::Loop:
      break; // built into its neuron
    case Role::Delay:
      values[i] = buildDelay(b, n, inputOf(b, n, values, loc), loc);
      break;
    case Role::Dense:
      values[i] = buildDense(b, loc, inputOf(b, n, values, loc), n.name,
                             n.weight, n.bias);
      break;
    case Role::Neuron: {
      Value x = inputOf(b, n, values, loc);
      const bool unit =
          llvm::all_of(n.gain, [](double g) { return g == 1; }) &&
          llvm::all_of(n.offset, [](double o) { return o == 0; });
      // The input map of a neuron fed by more than a dense layer of its
      // own: a diagonal dense layer.
      if (!unit)
        x = buildDense(b, loc, x, n.name + ".input", diagonal(n.gain),
                       n.offset);
      auto op = b.create<ssm::NeuronOp>(
          loc, type, b.getStringAttr(n.neuron), x, b.getStringAttr(n.name),
          n.recurrent.empty()
              ? ElementsAttr()
              : param("recurrent", {n.out, n.out}, n.recurrent));
      for (const auto &[key, v] : n.params)
        op->setAttr(key, param(key, {n.out}, v));
      values[i] = op.getOutput();
      break;
    }
    }
  }
  b.create<ssm::OutputOp>(fileLoc, ValueRange{output});
  if (failed(verify(*module)))
    return nullptr;
  return module;
}
} // namespace

bool ssm::dsl::isNIRPath(llvm::StringRef path) { return path.ends_with(".nir"); }

OwningOpRef<ModuleOp> ssm::dsl::importNIR(llvm::StringRef path,
                                          MLIRContext &context,
                                          const NIRImportOptions &options,
                                          llvm::raw_ostream &errors) {
  DialectRegistry registry;
  ssm::registerAllDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  h5::Snapshot snapshot;
  const std::string problem = h5::readIsolated(path.str(), snapshot);
  if (!problem.empty()) {
    llvm::WithColor::error(errors)
        << "NIR file '" << path << "' " << problem << "\n";
    return nullptr;
  }
  try {
    return Importer(path.str(), snapshot, options, errors).run(context);
  } catch (const ImportError &e) {
    llvm::WithColor::error(errors, path) << e.message << "\n";
    return nullptr;
  }
}
