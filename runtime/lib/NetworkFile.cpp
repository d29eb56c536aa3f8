//===- NetworkFile.cpp - compiled networks as HDF5 files ------------------===//

#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/H5Snapshot.h"
#include "ssm/Runtime/H5Writer.h"
#include "ssm/Runtime/HardwareRanges.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <stdexcept>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

namespace {
/// The largest neuron group (the most neurons a core may have).
constexpr int64_t kMaxGroupSize = int64_t(1) << 24;

/// The narrowest of int8/int16/int32 holding `bits`-bit signed values, as
/// (file type, bytes).
std::pair<hid_t, size_t> integerType(unsigned bits) {
  if (bits <= 8)
    return {H5T_STD_I8LE, 1};
  if (bits <= 16)
    return {H5T_STD_I16LE, 2};
  return {H5T_STD_I32LE, 4};
}

template <typename T>
void writeNarrow(h5::Writer &w, hid_t parent, const char *name,
                 const std::vector<int32_t> &values,
                 const std::vector<hsize_t> &dims, hid_t fileType) {
  std::vector<T> narrow(values.begin(), values.end());
  w.dataset(parent, name, narrow, dims, fileType,
            sizeof(T) == 1   ? H5T_NATIVE_INT8
            : sizeof(T) == 2 ? H5T_NATIVE_INT16
                             : H5T_NATIVE_INT32);
}

void writeIntegers(h5::Writer &w, hid_t parent, const char *name,
                   const std::vector<int32_t> &values,
                   const std::vector<hsize_t> &dims, unsigned bits) {
  auto [type, bytes] = integerType(bits);
  if (bytes == 1)
    writeNarrow<int8_t>(w, parent, name, values, dims, type);
  else if (bytes == 2)
    writeNarrow<int16_t>(w, parent, name, values, dims, type);
  else
    writeNarrow<int32_t>(w, parent, name, values, dims, type);
}

/// Bits of a signed index below `n` (at least 8).
unsigned indexBits(int64_t n) { return n <= 128 ? 8 : n <= 32768 ? 16 : 32; }

void writeTable(h5::Writer &w, hid_t parent, const SynapseTable &t,
                unsigned weightBits) {
  w.attribute(parent, "name", t.name);
  w.attribute(parent, "target", int64_t(t.target));
  w.attribute(parent, "rows", t.rows);
  w.attribute(parent, "cols", t.cols);
  w.attribute(parent, "exponent", int64_t(t.exponent));
  w.attribute(parent, "delay", int64_t(t.delay));
  w.attribute(parent, "dram", int64_t(t.dram));
  std::vector<int64_t> sources;
  for (const TableSource &s : t.sources) {
    sources.push_back(s.group);
    sources.push_back(s.size);
  }
  w.dataset(parent, "sources", sources, {t.sources.size(), 2}, H5T_STD_I64LE,
            H5T_NATIVE_INT64);
  // The smaller layout: dense [rows, cols], or CSR over columns.
  const size_t weightBytes = integerType(weightBits).second;
  const size_t nonZero = t.weight.size();
  const uint64_t denseBytes = uint64_t(t.rows) * t.cols * weightBytes;
  // column_start in the narrowest type that holds the entry count (tables
  // hold far fewer than 2^31 entries: a core has 192 KB).
  const bool narrowStarts = nonZero < size_t(INT32_MAX);
  const uint64_t csrBytes =
      nonZero * (weightBytes + integerType(indexBits(t.rows)).second) +
      (t.cols + 1) *
          (narrowStarts ? integerType(indexBits(nonZero + 1)).second : 8);
  if (denseBytes <= csrBytes) {
    w.attribute(parent, "layout", std::string("dense"));
    std::vector<int32_t> dense(t.rows * t.cols, 0);
    for (int64_t c = 0; c < t.cols; ++c)
      for (int64_t k = t.columnStart[c]; k < t.columnStart[c + 1]; ++k)
        dense[t.rowIndex[k] * t.cols + c] = t.weight[k];
    writeIntegers(w, parent, "weights", dense,
                  {hsize_t(t.rows), hsize_t(t.cols)}, weightBits);
    return;
  }
  w.attribute(parent, "layout", std::string("csr"));
  if (narrowStarts)
    writeIntegers(
        w, parent, "column_start",
        std::vector<int32_t>(t.columnStart.begin(), t.columnStart.end()),
        {t.columnStart.size()}, indexBits(nonZero + 1));
  else
    w.dataset(parent, "column_start", t.columnStart);
  writeIntegers(w, parent, "row_index", t.rowIndex, {nonZero},
                indexBits(t.rows));
  writeIntegers(w, parent, "weight", t.weight, {nonZero}, weightBits);
}

void writeGroup(h5::Writer &w, hid_t parent, const NeuronGroup &g) {
  w.attribute(parent, "name", g.name);
  w.attribute(parent, "model", std::string(g.model->name));
  w.attribute(parent, "size", g.size);
  w.attribute(parent, "core", int64_t(g.core));
  w.attribute(parent, "input", int64_t(g.input));
  w.attribute(parent, "frac", int64_t(g.frac));
  if (!g.paramFrac.empty())
    w.attribute(parent, "param_frac",
                std::vector<int64_t>(g.paramFrac.begin(), g.paramFrac.end()));
  w.attribute(parent, "payload_bits", int64_t(g.payloadBits));
  w.attribute(parent, "threshold", g.threshold);
  for (std::string_view flag : g.model->flags)
    w.attribute(parent, std::string(flag).c_str(), int64_t(g.hasFlag(flag)));
  if (!g.bias.empty())
    w.dataset(parent, "bias", g.bias);
  for (size_t k = 0; k < g.params.size(); ++k)
    w.dataset(parent, std::string(g.model->params[k]).c_str(), g.params[k],
              {g.params[k].size()}, H5T_STD_I32LE, H5T_NATIVE_INT32);
}

void writeHardware(h5::Writer &w, hid_t parent, const Hardware &hw) {
  w.attribute(parent, "name", hw.name);
  w.attribute(parent, "target", hw.target);
  w.attribute(parent, "arithmetic",
              std::string(hw::arithmeticName(hw.arithmetic)));
  w.attribute(parent, "chips", hw.chips);
  w.attribute(parent, "mesh", std::vector<int64_t>{hw.meshX, hw.meshY});
  w.attribute(parent, "chip_mesh",
              std::vector<int64_t>{hw.chipMeshX, hw.chipMeshY});
  w.attribute(parent, "neurons_per_core", hw.neuronsPerCore);
  w.attribute(parent, "synapse_bytes_per_core", hw.synapseBytesPerCore);
  w.attribute(parent, "state_bits", int64_t(hw.stateBits));
  w.attribute(parent, "message_bits", int64_t(hw.messageBits));
  w.attribute(parent, "weight_bits", int64_t(hw.weightBits));
  w.attribute(parent, "weight_exponent",
              std::vector<int64_t>{hw.minExponent, hw.maxExponent});
  w.attribute(parent, "max_delay", int64_t(hw.maxDelay));
  w.attribute(parent, "dram_bytes", hw.dramBytes);
  w.attribute(parent, "static_power_mw", hw.staticPowerMW);
  for (auto [name, costs] : {std::pair{"energy_pj", &hw.energyPJ},
                             std::pair{"time_ns", &hw.timeNS}}) {
    h5::Writer::Group table{w.group(parent, name)};
    for (const CostField &f : kCostFields)
      w.attribute(table.id, f.key, costs->*f.field);
  }
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

class Reader {
public:
  Reader(const std::string &path, const h5::Snapshot &s) : path(path), s(s) {}

  [[noreturn]] void fail(const std::string &what) const {
    throw std::invalid_argument("network file '" + path + "': " + what);
  }

  const h5::Array &attribute(const std::string &object, const char *name,
                             h5::Array::Kind kind, int64_t elements) const {
    const std::string where =
        fmt::format("attribute '{}' of '{}'", name, object);
    const h5::Array *a = s.attribute(object, name);
    if (!a)
      fail(where + " is missing");
    if (!a->problem.empty())
      fail(where + " " + a->problem);
    if (a->kind != kind)
      fail(fmt::format("{} is {}, expected {}", where, a->typeName(),
                       kind == h5::Array::Kind::Integer ? "an integer"
                       : kind == h5::Array::Kind::Float ? "a float"
                                                        : "a string"));
    const bool scalar = elements < 0;
    if (scalar ? !a->dims.empty()
               : (a->dims.size() != 1 || a->dims[0] != elements))
      fail(scalar ? where + " must be a scalar"
                  : fmt::format("{} must have {} elements", where, elements));
    return *a;
  }
  int64_t integer(const std::string &object, const char *name, int64_t min,
                  int64_t max) const {
    const int64_t v =
        attribute(object, name, h5::Array::Kind::Integer, -1).ints[0];
    if (v < min || v > max)
      fail(fmt::format("attribute '{}' of '{}' is {}, outside [{}, {}]", name,
                       object, v, min, max));
    return v;
  }
  std::vector<int64_t> integers(const std::string &object, const char *name,
                                int64_t elements) const {
    return attribute(object, name, h5::Array::Kind::Integer, elements).ints;
  }
  double number(const std::string &object, const char *name) const {
    return attribute(object, name, h5::Array::Kind::Float, -1).floats[0];
  }
  std::string string(const std::string &object, const char *name) const {
    return attribute(object, name, h5::Array::Kind::String, -1).strings[0];
  }

  bool has(const std::string &path) const { return s.objects.count(path); }
  bool hasAttribute(const std::string &object, const char *name) const {
    return s.attribute(object, name) != nullptr;
  }

  /// The dataset at `path`, present and read.
  const h5::Array &find(const std::string &path) const {
    const h5::Array *a = s.dataset(path);
    if (!a)
      fail("dataset '" + path + "' is missing");
    if (!a->problem.empty())
      fail("dataset '" + path + "' " + a->problem);
    return *a;
  }

  /// An integer dataset of shape `dims` with every value in [min, max].
  std::vector<int64_t> dataset(const std::string &path,
                               const std::vector<int64_t> &dims, int64_t min,
                               int64_t max) const {
    const std::string where = "dataset '" + path + "'";
    const h5::Array *a = &find(path);
    if (a->kind != h5::Array::Kind::Integer)
      fail(fmt::format("{} is {}, expected integers", where, a->typeName()));
    if (a->dims != dims)
      fail(fmt::format("{} has shape [{}], expected [{}]", where,
                       fmt::join(a->dims, ", "), fmt::join(dims, ", ")));
    for (size_t i = 0; i < a->ints.size(); ++i)
      if (a->ints[i] < min || a->ints[i] > max)
        fail(fmt::format("{} holds {} at flat index {}, outside [{}, {}]",
                         where, a->ints[i], i, min, max));
    return a->ints;
  }
  std::vector<std::string> strings(const std::string &path,
                                   int64_t count) const {
    const h5::Array *a = &find(path);
    if (a->kind != h5::Array::Kind::String || a->dims.size() != 1 ||
        a->dims[0] != count)
      fail(fmt::format("dataset '{}' must hold {} strings", path, count));
    return a->strings;
  }
  /// The number of entries of a 1-D or the rows of a 2-D dataset.
  int64_t length(const std::string &path) const {
    const h5::Array *a = &find(path);
    if (a->dims.empty())
      fail("dataset '" + path + "' must not be a scalar");
    return a->dims[0];
  }

private:
  const std::string &path;
  const h5::Snapshot &s;
};

Hardware readHardware(const Reader &r) {
  const std::string g = "/hardware";
  Hardware hw;
  hw.name = r.string(g, "name");
  // Files written before spinnaker2 existed have no target: loihi2's.
  hw.target = r.hasAttribute(g, "target") ? r.string(g, "target")
                                          : hw::kDefaultChipTarget;
  // Files written before the fp32 path existed are fixed point.
  if (r.hasAttribute(g, "arithmetic")) {
    const std::string a = r.string(g, "arithmetic");
    if (!hw::parseArithmetic(a, hw.arithmetic))
      r.fail(fmt::format("attribute 'arithmetic' of '{}' is '{}', not "
                         "\"fixed\" or \"fp32\"",
                         g, a));
  }
  // Integer fields within the ranges every reader of a hardware description
  // uses (HardwareRanges.h), before they are narrowed; the mesh, the
  // exponents' order and the costs are checked by Network::validate().
  auto integer = [&](const char *key) {
    const hw::IntegerRange &range = hw::integerRange(key);
    return r.integer(g, key, range.min, range.max);
  };
  hw.chips = integer("chips");
  std::vector<int64_t> mesh = r.integers(g, "mesh", 2);
  hw.meshX = mesh[0];
  hw.meshY = mesh[1];
  std::vector<int64_t> chipMesh = r.integers(g, "chip_mesh", 2);
  hw.chipMeshX = chipMesh[0];
  hw.chipMeshY = chipMesh[1];
  hw.neuronsPerCore = integer("neurons_per_core");
  hw.synapseBytesPerCore = integer("synapse_bytes_per_core");
  hw.stateBits = static_cast<unsigned>(integer("state_bits"));
  hw.messageBits = static_cast<unsigned>(integer("message_bits"));
  hw.weightBits = static_cast<unsigned>(integer("weight_bits"));
  std::vector<int64_t> exponents = r.integers(g, "weight_exponent", 2);
  if (!hw::exponentsInRange(exponents[0], exponents[1]))
    r.fail(fmt::format("attribute 'weight_exponent' of '{}' is [{}, {}], "
                       "outside [{}, {}]",
                       g, exponents[0], exponents[1], -hw::kMaxExponent,
                       hw::kMaxExponent));
  hw.minExponent = static_cast<int>(exponents[0]);
  hw.maxExponent = static_cast<int>(exponents[1]);
  hw.maxDelay = static_cast<int>(integer("max_delay"));
  hw.dramBytes = r.hasAttribute(g, "dram_bytes") ? integer("dram_bytes") : 0;
  hw.staticPowerMW = r.number(g, "static_power_mw");
  for (auto [name, costs] :
       {std::pair{"energy_pj", &hw.energyPJ}, std::pair{"time_ns", &hw.timeNS}})
    for (const CostField &f : kCostFields)
      if (!f.optional || r.hasAttribute(g + "/" + name, f.key))
        costs->*f.field = r.number(g + "/" + name, f.key);
  return hw;
}

NeuronGroup readGroup(const Reader &r, const std::string &g, int64_t cores,
                      int64_t inputs, const Hardware &hw) {
  NeuronGroup group;
  group.name = r.string(g, "name");
  const std::string model = r.string(g, "model");
  const NeuronModelInfo *found = findNeuronModel(model);
  if (!found)
    r.fail(fmt::format("attribute 'model' of '{}' is '{}', not a neuron "
                       "model the runtime has ({})",
                       g, model, neuronModelNames()));
  group.model = found;
  group.size = r.integer(g, "size", 1, kMaxGroupSize);
  group.core = static_cast<int>(r.integer(g, "core", -1, cores - 1));
  group.input = static_cast<int>(r.integer(g, "input", -1, inputs - 1));
  group.frac = static_cast<int>(r.integer(g, "frac", -64, 64));
  if (const size_t formats = found->paramFormats.size()) {
    for (int64_t f : r.integers(g, "param_frac", formats)) {
      if (f < 0 || f > 62)
        r.fail(fmt::format("attribute 'param_frac' of '{}' holds {}, outside "
                           "[0, 62]",
                           g, f));
      group.paramFrac.push_back(static_cast<int>(f));
    }
  }
  group.payloadBits =
      static_cast<unsigned>(r.integer(g, "payload_bits", 0, 32));
  group.threshold = r.integer(g, "threshold", 0, INT64_MAX);
  for (std::string_view flag : found->flags)
    if (r.integer(g, std::string(flag).c_str(), 0, 1))
      group.setFlag(flag);
  const int64_t valueMax = fixed::maxInt(hw.stateBits),
                valueMin = fixed::minInt(hw.stateBits);
  if (r.has(g + "/bias"))
    group.bias =
        r.dataset(g + "/bias", {group.currentSize()}, valueMin, valueMax);
  for (std::string_view param : found->params) {
    const std::vector<int64_t> values = r.dataset(
        g + "/" + std::string(param), {group.size}, valueMin, valueMax);
    group.params.emplace_back(values.begin(), values.end());
  }
  return group;
}

SynapseTable readTable(const Reader &r, const std::string &t,
                       const std::vector<NeuronGroup> &groups,
                       const Hardware &hw) {
  SynapseTable table;
  const int64_t nGroups = static_cast<int64_t>(groups.size());
  table.name = r.string(t, "name");
  table.target = static_cast<int>(r.integer(t, "target", 0, nGroups - 1));
  const int64_t maxSide = 4 * kMaxGroupSize * std::max<int64_t>(nGroups, 1);
  table.rows = r.integer(t, "rows", 1, 4 * kMaxGroupSize);
  table.cols = r.integer(t, "cols", 1, maxSide);
  table.exponent = static_cast<int>(r.integer(t, "exponent", -64, 64));
  table.delay = static_cast<int>(r.integer(t, "delay", 0, INT32_MAX));
  // (Files written before DRAM existed keep every table on its core.)
  table.dram = r.hasAttribute(t, "dram") && r.integer(t, "dram", 0, 1);
  const int64_t nSources = r.length(t + "/sources");
  std::vector<int64_t> sources =
      r.dataset(t + "/sources", {nSources, 2}, 0, INT64_MAX);
  for (int64_t i = 0; i < nSources; ++i) {
    if (sources[2 * i] >= nGroups)
      r.fail(fmt::format("dataset '{}/sources' names group {}, but the file "
                         "has {}",
                         t, sources[2 * i], nGroups));
    table.sources.push_back(
        {static_cast<int>(sources[2 * i]), sources[2 * i + 1]});
  }
  const int64_t weightMax = fixed::maxInt(hw.weightBits),
                weightMin = fixed::minInt(hw.weightBits);
  const std::string layout = r.string(t, "layout");
  if (layout == "dense") {
    // Network::validate() checks rows x cols against the groups; the data
    // are checked against the stated shape first, before anything else is
    // allocated for them.
    std::vector<int64_t> dense = r.dataset(
        t + "/weights", {table.rows, table.cols}, weightMin, weightMax);
    table.setWeights(dense);
    return table;
  }
  if (layout != "csr")
    r.fail(fmt::format("attribute 'layout' of '{}' is '{}', expected "
                       "'dense' or 'csr'",
                       t, layout));
  const int64_t nonZero = r.length(t + "/weight");
  table.columnStart =
      r.dataset(t + "/column_start", {table.cols + 1}, 0, nonZero);
  std::vector<int64_t> rows =
      r.dataset(t + "/row_index", {nonZero}, 0, table.rows - 1);
  std::vector<int64_t> weights =
      r.dataset(t + "/weight", {nonZero}, weightMin, weightMax);
  // The canonical CSR that SynapseTable::setWeights builds: non-zero
  // weights, rows increasing within a column (so counters match the dense
  // form's).
  if (table.columnStart.front() != 0 || table.columnStart.back() != nonZero ||
      !std::is_sorted(table.columnStart.begin(), table.columnStart.end()))
    r.fail(fmt::format("dataset '{}/column_start' must rise from 0 to {}", t,
                       nonZero));
  for (int64_t c = 0; c < table.cols; ++c)
    for (int64_t k = table.columnStart[c]; k < table.columnStart[c + 1]; ++k) {
      if (weights[k] == 0)
        r.fail(fmt::format("dataset '{}/weight' stores a zero at {}; CSR "
                           "holds non-zero weights only",
                           t, k));
      if (k > table.columnStart[c] && rows[k] <= rows[k - 1])
        r.fail(fmt::format("dataset '{}/row_index': rows must increase "
                           "within a column (entry {})",
                           t, k));
    }
  table.rowIndex.assign(rows.begin(), rows.end());
  table.weight.assign(weights.begin(), weights.end());
  return table;
}
} // namespace

void ssm::rt::neuro::writeNetworkFile(const Network &network,
                                      const std::string &path) {
  h5::Writer w(path, "network file");
  w.attribute(w.root(), "format", std::string(kNetworkFileFormat));
  w.attribute(w.root(), "version", kNetworkFileVersion);
  w.attribute(w.root(), "name", network.name);
  {
    h5::Writer::Group hardware{w.group(w.root(), "hardware")};
    writeHardware(w, hardware.id, network.hardware);
  }
  {
    h5::Writer::Group cores{w.group(w.root(), "cores")};
    std::vector<std::string> names;
    std::vector<int64_t> positions;
    for (const Core &c : network.cores) {
      names.push_back(c.name);
      positions.insert(positions.end(), {c.chip, c.x, c.y});
    }
    w.strings(cores.id, "name", names);
    w.dataset(cores.id, "position", positions, {network.cores.size(), 3},
              H5T_STD_I64LE, H5T_NATIVE_INT64);
  }
  auto indices = [](const std::vector<int> &v) {
    return std::vector<int64_t>(v.begin(), v.end());
  };
  w.dataset(w.root(), "inputs", indices(network.inputs));
  w.dataset(w.root(), "outputs", indices(network.outputs));
  {
    h5::Writer::Group groups{w.group(w.root(), "groups")};
    w.attribute(groups.id, "count", int64_t(network.groups.size()));
    for (size_t i = 0; i < network.groups.size(); ++i) {
      h5::Writer::Group g{w.group(groups.id, std::to_string(i))};
      writeGroup(w, g.id, network.groups[i]);
    }
  }
  {
    h5::Writer::Group tables{w.group(w.root(), "tables")};
    w.attribute(tables.id, "count", int64_t(network.tables.size()));
    for (size_t i = 0; i < network.tables.size(); ++i) {
      h5::Writer::Group t{w.group(tables.id, std::to_string(i))};
      writeTable(w, t.id, network.tables[i], network.hardware.weightBits);
    }
  }
  w.close();
}

Network ssm::rt::neuro::readNetworkFile(const std::string &path,
                                        const h5::ReadLimits &limits) {
  h5::Snapshot snapshot;
  const std::string problem = h5::readIsolated(path, snapshot, limits);
  if (!problem.empty())
    throw std::invalid_argument("network file '" + path + "' " + problem);
  Reader r(path, snapshot);
  const std::string format = r.string("/", "format");
  if (format != kNetworkFileFormat)
    r.fail(fmt::format("attribute 'format' of '/' is '{}', expected '{}' "
                       "(written by ssmc --target=loihi2 -o FILE.h5)",
                       format, kNetworkFileFormat));
  const int64_t version = r.integer("/", "version", INT64_MIN, INT64_MAX);
  if (version != kNetworkFileVersion)
    r.fail(fmt::format("version {}, this ssmc reads version {}", version,
                       kNetworkFileVersion));
  Network net;
  net.name = r.string("/", "name");
  net.hardware = readHardware(r);

  const int64_t nCores = r.length("/cores/position");
  std::vector<std::string> names = r.strings("/cores/name", nCores);
  std::vector<int64_t> positions =
      r.dataset("/cores/position", {nCores, 3}, 0, INT64_MAX);
  for (int64_t c = 0; c < nCores; ++c)
    net.cores.push_back({names[c], positions[3 * c], positions[3 * c + 1],
                         positions[3 * c + 2]});

  const int64_t nGroups = r.integer("/groups", "count", 0, INT32_MAX);
  const int64_t nTables = r.integer("/tables", "count", 0, INT32_MAX);
  const int64_t nInputs = r.length("/inputs");
  for (int64_t i = 0; i < nGroups; ++i) {
    const std::string g = "/groups/" + std::to_string(i);
    if (!r.has(g))
      r.fail(fmt::format("group '{}' is missing ('/groups' counts {})", g,
                         nGroups));
    net.groups.push_back(readGroup(r, g, nCores, nInputs, net.hardware));
  }
  for (int64_t i = 0; i < nTables; ++i) {
    const std::string t = "/tables/" + std::to_string(i);
    if (!r.has(t))
      r.fail(fmt::format("group '{}' is missing ('/tables' counts {})", t,
                         nTables));
    net.tables.push_back(readTable(r, t, net.groups, net.hardware));
  }
  for (int64_t g : r.dataset("/inputs", {nInputs}, 0, nGroups - 1))
    net.inputs.push_back(static_cast<int>(g));
  for (int64_t g :
       r.dataset("/outputs", {r.length("/outputs")}, 0, nGroups - 1))
    net.outputs.push_back(static_cast<int>(g));
  try {
    net.validate();
  } catch (const std::invalid_argument &e) {
    r.fail(e.what());
  }
  return net;
}

std::string ssm::rt::neuro::networkFileChip(const std::string &path) {
  h5::Snapshot snapshot;
  h5::ReadLimits attributesOnly;
  attributesOnly.maxElements = 64; // the datasets are reported, not read
  if (h5::readIsolated(path, snapshot, attributesOnly).empty())
    if (const h5::Array *target = snapshot.attribute("/hardware", "target");
        target && target->problem.empty() &&
        target->kind == h5::Array::Kind::String && target->dims.empty() &&
        hw::isChipTarget(target->strings[0]))
      return target->strings[0];
  return hw::kDefaultChipTarget;
}

bool ssm::rt::neuro::isHDF5File(const std::string &path) {
  static const char kSignature[8] = {'\x89', 'H',  'D',    'F',
                                     '\r',   '\n', '\x1a', '\n'};
  std::ifstream file(path, std::ios::binary);
  char head[8] = {};
  return file.read(head, 8) && std::memcmp(head, kSignature, 8) == 0;
}
