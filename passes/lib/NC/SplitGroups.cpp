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

/// A table's entries and its column count. Its rows are the current
/// entries of the group it feeds, `per` per neuron, stacked by entry (entry
/// k of neuron i is row k * size + i: NeuronModelInfo::currentPerNeuron).
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
  /// The positions of the entries that feed neurons [begin, end) of a group
  /// of `size` neurons with `per` entries each, block by block.
  SmallVector<std::pair<size_t, size_t>>
  entriesOfNeurons(int64_t begin, int64_t end, int64_t per,
                   int64_t size) const {
    SmallVector<std::pair<size_t, size_t>> ranges;
    for (int64_t k = 0; k < per; ++k)
      ranges.push_back(entriesOfRows(k * size + begin, k * size + end));
    return ranges;
  }
  /// Bytes of the rows that feed neurons [begin, end), in the cheaper
  /// layout.
  int64_t bytesOfNeurons(int64_t begin, int64_t end, int64_t per, int64_t size,
                         unsigned weightBits) const {
    int64_t count = 0;
    for (auto [first, last] : entriesOfNeurons(begin, end, per, size))
      count += static_cast<int64_t>(last - first);
    return rt::neuro::cheaperSynapseTableBytes(per * (end - begin), cols,
                                               count, weightBits);
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
/// With `dram` (or when one neuron's synapses exceed a core and the chip
/// has DRAM) its tables go to DRAM and only its neurons need to fit.
LogicalResult splitGroup(NeuronsOp group, const HardwareLimits &limits,
                         int64_t neuronsPerCore, bool dram) {
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
      bytes += t.bytesOfNeurons(begin, end, per, size,
                                limits.storedWeightBits());
    return bytes;
  };

  // The fewest equal parts of which each fits a core.
  std::vector<int64_t> start;
  int64_t parts = (size + neuronsPerCore - 1) / neuronsPerCore;
  for (;; ++parts) {
    if (parts > size && limits.dramBytes == 0)
      return group.emitOpError()
             << "cannot be placed on " << limits.name << ": one neuron of '"
             << group.getSymName() << "' needs " << bytesOf(0, 1)
             << " bytes of synapses, a core has " << limits.synapseBytesPerCore;
    if (parts > size) {
      // Its synapses go to DRAM: split by neurons alone.
      dram = true;
      parts = (size + neuronsPerCore - 1) / neuronsPerCore;
    }
    start.clear();
    for (int64_t p = 0; p <= parts; ++p)
      start.push_back(size * p / parts);
    bool fits = true;
    for (int64_t p = 0; p < parts && fits && !dram; ++p)
      fits = bytesOf(start[p], start[p + 1]) <= limits.synapseBytesPerCore;
    if (fits || dram)
      break;
  }
  if (parts == 1) {
    if (dram)
      for (TableEntries &t : tables)
        t.op.setDram(true);
    return success();
  }

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
      // Row k * size + i of the whole becomes row k * n + (i - begin).
      std::vector<int64_t> index, q;
      int64_t k = 0;
      for (auto [first, last] : t.entriesOfNeurons(begin, end, per, size)) {
        const int64_t shift = (k * size + begin - k * n) * t.cols;
        for (size_t e = first; e < last; ++e) {
          index.push_back(t.entries.index[e] - shift);
          q.push_back(t.entries.value[e]);
        }
        ++k;
      }
      StringRef tableName = t.op.getName() ? *t.op.getName() : StringRef();
      SynapsesOp part = buildSynapseTable(
          b, t.op.getLoc(), t.op.getInputs(), per * n, t.cols, index, q,
          t.op.getExponent(), static_cast<int64_t>(t.op.getDelay()),
          partTableName(tableName, group.getSymName(), name, i),
          limits, dram || t.op.getDram());
      currents.push_back(part.getOutput());
    }
    auto neurons = cast<NeuronsOp>(b.clone(*group.getOperation()));
    neurons->setOperands(currents);
    neurons.getOutput().setType(SpikesType::get(ctx, n, payloadBits));
    neurons.setSymName(name);
    neurons.setSize(n);
    // A parameter has one value per neuron, the bias one per current
    // entry, stacked like the rows.
    for (const auto &[key, values] : sliced) {
      const int64_t blocks = static_cast<int64_t>(values.size()) / size;
      SmallVector<int64_t> part;
      for (int64_t k = 0; k < blocks; ++k)
        llvm::append_range(part,
                           ArrayRef<int64_t>(values).slice(k * size + begin, n));
      neurons->setAttr(key, makeIntegerParam(ctx, {blocks * n}, part, 32,
                                             name + "." + key.str()));
    }
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
  using Base::Base;

  void runOnOperation() override {
    NetworkOp network = getOperation();
    FailureOr<HardwareLimits> limits = network.readLimits();
    if (failed(limits))
      return signalPassFailure();
    if (synapseMemory != "core" && synapseMemory != "dram") {
      network.emitError() << "nc-split-groups: synapse-memory must be 'core' "
                             "or 'dram', got '"
                          << synapseMemory << "'";
      return signalPassFailure();
    }
    const bool dram = synapseMemory == "dram";
    if (neuronsPerCore < 0) {
      network.emitError() << "nc-split-groups: neurons-per-core must not be "
                             "negative, got "
                          << neuronsPerCore;
      return signalPassFailure();
    }
    const int64_t perCore =
        neuronsPerCore > 0 ? std::min<int64_t>(neuronsPerCore,
                                               limits->neuronsPerCore)
                           : limits->neuronsPerCore;
    if (dram && limits->dramBytes == 0) {
      network.emitError() << "synapse tables cannot go to DRAM: "
                          << limits->name << " has none (its hardware "
                          << "description gives no 'dram_bytes')";
      return signalPassFailure();
    }
    SmallVector<NeuronsOp> groups;
    for (NeuronsOp group : network.getBody().getOps<NeuronsOp>())
      if (!group.getCore())
        groups.push_back(group);
    for (NeuronsOp group : groups)
      if (failed(splitGroup(group, *limits, perCore, dram)))
        return signalPassFailure();
  }
};

} // namespace
