//===- SplitGroups.cpp - split neuron groups that do not fit a core -------===//
//
// nc-split-groups (Passes.td has the contract).
//
//===----------------------------------------------------------------------===//

#include "NetworkGraph.h"

#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/NC/Passes.h"

#include "mlir/IR/Builders.h"

#include <algorithm>

namespace ssm::nc {
#define GEN_PASS_DEF_NCSPLITGROUPS
#include "ssm/NC/Passes.h.inc"
} // namespace ssm::nc

using namespace mlir;
using namespace ssm;
using namespace ssm::nc;

namespace {

/// A table's entries and its column count.
struct TableEntries {
  SynapsesOp op;
  int64_t cols = 0;
  IntegerEntries entries;

  /// The entries of rows [begin, end), as a range of positions.
  std::pair<size_t, size_t> entriesOfRows(int64_t begin, int64_t end) const {
    const std::vector<int64_t> &index = entries.index;
    auto first = std::lower_bound(index.begin(), index.end(), begin * cols);
    auto last = std::lower_bound(first, index.end(), end * cols);
    return {static_cast<size_t>(first - index.begin()),
            static_cast<size_t>(last - index.begin())};
  }
  /// Bytes of rows [begin, end) in the cheaper layout.
  int64_t bytesOfRows(int64_t begin, int64_t end, unsigned weightBits) const {
    auto [first, last] = entriesOfRows(begin, end);
    return cheaperSynapseTableBytes(
        end - begin, cols, static_cast<int64_t>(last - first), weightBits);
  }
};

/// The name of part `part` of a table named `name` into group `group`:
/// "G.from.S" becomes "G.P.from.S".
std::string partTableName(StringRef name, StringRef group, StringRef part,
                          size_t position) {
  if (name.starts_with(group) && name.size() > group.size() &&
      name[group.size()] == '.')
    return (part + name.substr(group.size())).str();
  return (part + ".table" + Twine(position)).str();
}

/// Splits `group` into parts; fails after an error when it cannot fit.
LogicalResult splitGroup(NeuronsOp group, const HardwareLimits &limits) {
  const rt::neuro::NeuronModelInfo *model = group.getModelInfo();
  const int64_t size = group.getSize();
  const int64_t per = model->currentPerNeuron;
  std::vector<TableEntries> tables;
  for (Value input : group.getInputs()) {
    auto table = input.getDefiningOp<SynapsesOp>();
    if (!table)
      return group.emitOpError() << "has an input that is not a synapse table";
    std::string error;
    FailureOr<IntegerEntries> entries = table.readEntries(&error);
    if (failed(entries))
      return table.emitOpError() << error;
    tables.push_back({table, table.getShape().second, std::move(*entries)});
  }
  auto bytesOf = [&](int64_t begin, int64_t end) {
    int64_t bytes = 0;
    for (const TableEntries &t : tables)
      bytes += t.bytesOfRows(per * begin, per * end, limits.weightBits);
    return bytes;
  };

  // The fewest equal parts of which each fits a core.
  std::vector<int64_t> start;
  int64_t parts = (size + limits.neuronsPerCore - 1) / limits.neuronsPerCore;
  for (;; ++parts) {
    if (parts > 1 && per > 1)
      return group.emitOpError()
             << "needs " << size << " " << model->name << " neurons and "
             << bytesOf(0, size) << " bytes of synapses on one core; "
             << limits.name << " cores have " << limits.neuronsPerCore
             << " neurons and " << limits.synapseBytesPerCore
             << " bytes (groups of a model with " << per
             << " current entries per neuron are not split over cores)";
    if (parts > size)
      return group.emitOpError()
             << "cannot be placed on " << limits.name << ": one neuron of '"
             << group.getSymName() << "' needs " << bytesOf(0, 1)
             << " bytes of synapses, a core has " << limits.synapseBytesPerCore;
    start.clear();
    for (int64_t p = 0; p <= parts; ++p)
      start.push_back(size * p / parts);
    bool fits = true;
    for (int64_t p = 0; p < parts && fits; ++p)
      fits = bytesOf(start[p], start[p + 1]) <= limits.synapseBytesPerCore;
    if (fits)
      break;
  }
  if (parts == 1)
    return success();

  // The per-neuron parameters and the bias, to slice.
  std::vector<std::pair<StringRef, SmallVector<int64_t>>> sliced;
  for (std::string_view param : model->params)
    if (auto attr = group->getAttrOfType<ElementsAttr>(StringRef(param)))
      sliced.push_back({StringRef(param), {}});
  if (group->hasAttr("bias"))
    sliced.push_back({"bias", {}});
  for (auto &[key, values] : sliced) {
    std::string error;
    FailureOr<SmallVector<int64_t>> read =
        readIntegerElements(group->getAttrOfType<ElementsAttr>(key), &error);
    if (failed(read))
      return group.emitOpError() << "attribute '" << key << "': " << error;
    values = std::move(*read);
  }

  MLIRContext *ctx = group.getContext();
  OpBuilder b(group);
  const unsigned payloadBits = group.getOutput().getType().getPayloadBits();
  SmallVector<Value> partValues;
  for (int64_t p = 0; p < parts; ++p) {
    const int64_t begin = start[p], end = start[p + 1], n = end - begin;
    const std::string name = (group.getSymName() + "." + Twine(p)).str();
    SmallVector<Value> currents;
    for (size_t i = 0; i < tables.size(); ++i) {
      TableEntries &t = tables[i];
      auto [first, last] = t.entriesOfRows(begin, end);
      std::vector<int64_t> index;
      index.reserve(last - first);
      for (size_t k = first; k < last; ++k)
        index.push_back(t.entries.index[k] - begin * t.cols);
      const ArrayRef<int64_t> q(t.entries.value.data() + first, last - first);
      StringRef tableName = t.op.getName() ? *t.op.getName() : StringRef();
      SynapsesOp part = buildSynapseTable(
          b, t.op.getLoc(), t.op.getInputs(), n, t.cols, index, q,
          t.op.getExponent(), static_cast<int64_t>(t.op.getDelay()),
          partTableName(tableName, group.getSymName(), name, i),
          limits.weightBits);
      currents.push_back(part.getOutput());
    }
    auto neurons = cast<NeuronsOp>(b.clone(*group.getOperation()));
    neurons->setOperands(currents);
    neurons.getOutput().setType(SpikesType::get(ctx, n, payloadBits));
    neurons.setSymName(name);
    neurons.setSize(n);
    for (const auto &[key, values] : sliced)
      neurons->setAttr(
          key,
          makeIntegerParam(ctx, {n}, ArrayRef<int64_t>(values).slice(begin, n),
                           32, name + "." + key.str()));
    partValues.push_back(neurons.getOutput());
  }

  // Readers of the group read its parts, in order: the same columns.
  Value whole = group.getOutput();
  SmallVector<Operation *> users(whole.getUsers().begin(),
                                 whole.getUsers().end());
  for (Operation *user : users) {
    if (!isa<SynapsesOp, OutputOp>(user))
      return user->emitOpError()
             << "reads group @" << group.getSymName()
             << ", which nc-split-groups cannot split for it";
    SmallVector<Value> operands;
    for (Value v : user->getOperands())
      if (v == whole)
        llvm::append_range(operands, partValues);
      else
        operands.push_back(v);
    user->setOperands(operands);
  }
  group.erase();
  for (TableEntries &t : tables)
    t.op.erase();
  return success();
}

struct SplitGroupsPass : ssm::nc::impl::NCSplitGroupsBase<SplitGroupsPass> {
  void runOnOperation() override {
    NetworkOp network = getOperation();
    FailureOr<HardwareLimits> limits = network.readLimits();
    if (failed(limits))
      return signalPassFailure();
    SmallVector<NeuronsOp> groups;
    for (NeuronsOp group : network.getBody().getOps<NeuronsOp>())
      if (!group.getCore())
        groups.push_back(group);
    for (NeuronsOp group : groups)
      if (failed(splitGroup(group, *limits)))
        return signalPassFailure();
  }
};

} // namespace
