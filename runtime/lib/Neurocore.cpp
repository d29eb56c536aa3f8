//===- Neurocore.cpp - the event-driven neurocore runtime -----------------===//
//
// Semantics in Neurocore.h and docs/event-runtime.md; arithmetic in
// FixedPoint.h; the cost model in docs/cost-model.md.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Neurocore.h"
#include "NeuronKernel.h"
#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Graph.h"
#include "ssm/Runtime/HardwareRanges.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

void SynapseTable::setWeights(const std::vector<int64_t> &rowMajor) {
  if (static_cast<int64_t>(rowMajor.size()) != rows * cols)
    throw std::invalid_argument(
        fmt::format("synapse table '{}': {} weights for a {} x {} table", name,
                    rowMajor.size(), rows, cols));
  std::vector<int64_t> index, values;
  for (size_t i = 0; i < rowMajor.size(); ++i)
    if (rowMajor[i] != 0) {
      index.push_back(static_cast<int64_t>(i));
      values.push_back(rowMajor[i]);
    }
  setEntries(index, values);
}

void SynapseTable::setEntries(const std::vector<int64_t> &flatIndex,
                              const std::vector<int64_t> &values) {
  if (flatIndex.size() != values.size())
    throw std::invalid_argument(
        fmt::format("synapse table '{}': {} indices for {} weights", name,
                    flatIndex.size(), values.size()));
  if (rows < 0 || cols < 0 || (cols > 0 && rows > INT64_MAX / cols))
    throw std::invalid_argument(
        fmt::format("synapse table '{}': a {} x {} table is not a shape", name,
                    rows, cols));
  // A counting sort by column: rows stay increasing within a column because
  // the row-major indices increase.
  columnStart.assign(cols + 1, 0);
  int64_t previous = -1;
  for (size_t k = 0; k < flatIndex.size(); ++k) {
    const int64_t i = flatIndex[k];
    if (i <= previous || i >= rows * cols)
      throw std::invalid_argument(fmt::format(
          "synapse table '{}': entry {} at flat index {} is out of order or "
          "outside the {} x {} table",
          name, k, i, rows, cols));
    previous = i;
    if (values[k] > fixed::maxInt(31) || values[k] < fixed::minInt(31))
      throw std::invalid_argument(
          fmt::format("synapse table '{}': weight {} does not fit 32 bits",
                      name, values[k]));
    columnStart[i % cols + 1] += values[k] != 0;
  }
  for (int64_t c = 0; c < cols; ++c)
    columnStart[c + 1] += columnStart[c];
  const int64_t nonZero = columnStart[cols];
  rowIndex.assign(nonZero, 0);
  weight.assign(nonZero, 0);
  std::vector<int64_t> next(columnStart.begin(), columnStart.end() - 1);
  for (size_t k = 0; k < flatIndex.size(); ++k) {
    if (values[k] == 0)
      continue;
    const int64_t c = flatIndex[k] % cols;
    rowIndex[next[c]] = static_cast<int32_t>(flatIndex[k] / cols);
    weight[next[c]++] = static_cast<int32_t>(values[k]);
  }
}

void Counters::add(const Counters &o) {
  steps += o.steps;
  synops += o.synops;
  neuronUpdatesActive += o.neuronUpdatesActive;
  neuronUpdatesInactive += o.neuronUpdatesInactive;
  messages += o.messages;
  spikes += o.spikes;
  inputSpikes += o.inputSpikes;
  hopsX += o.hopsX;
  hopsY += o.hopsY;
  overflows += o.overflows;
  energyPJ += o.energyPJ;
  timeNS += o.timeNS;
}

int64_t Network::outputChannels() const {
  int64_t n = 0;
  for (int g : outputs)
    n += groups.at(g).size;
  return n;
}

int64_t Network::inputChannels() const {
  int64_t n = 0;
  for (int g : inputs)
    n += groups.at(g).size;
  return n;
}

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

namespace {
[[noreturn]] void invalid(const std::string &message) {
  throw std::invalid_argument(message);
}
} // namespace

/// Checks every field of `hw` against the ranges every reader of hardware
/// descriptions uses (HardwareRanges.h).
static void validateHardware(const Hardware &hw) {
  const std::pair<const char *, int64_t> fields[] = {
      {"chips", hw.chips},
      {"neurons_per_core", hw.neuronsPerCore},
      {"synapse_bytes_per_core", hw.synapseBytesPerCore},
      {"state_bits", hw.stateBits},
      {"message_bits", hw.messageBits},
      {"weight_bits", hw.weightBits},
      {"max_delay", hw.maxDelay}};
  for (auto [key, value] : fields) {
    const hw::IntegerRange &range = hw::integerRange(key);
    if (!range.contains(value))
      invalid(fmt::format("hardware '{}': {} is {}, outside [{}, {}]", hw.name,
                          key, value, range.min, range.max));
  }
  if (!hw::meshInRange(hw.meshX, hw.meshY))
    invalid(fmt::format("hardware '{}': mesh [{}, {}] outside sides 1..{}",
                        hw.name, hw.meshX, hw.meshY, hw::kMaxMeshSide));
  if (std::string problem = hw::coresProblem(hw.chips, hw.meshX, hw.meshY);
      !problem.empty())
    invalid(fmt::format("hardware '{}' {}", hw.name, problem));
  if (!hw::exponentsInRange(hw.minExponent, hw.maxExponent) ||
      hw.minExponent > hw.maxExponent)
    invalid(fmt::format("hardware '{}': weight exponents [{}, {}] outside "
                        "[{}, {}]",
                        hw.name, hw.minExponent, hw.maxExponent,
                        -hw::kMaxExponent, hw::kMaxExponent));
  for (const OpCosts *costs : {&hw.energyPJ, &hw.timeNS})
    for (double c : {costs->synop, costs->neuronActive, costs->neuronInactive,
                     costs->message, costs->hopX, costs->hopY, costs->barrier})
      if (!hw::isValidCost(c))
        invalid(fmt::format("hardware '{}': a cost of {} outside [0, {}]",
                            hw.name, c, hw::kMaxCost));
  if (!hw::isValidCost(hw.staticPowerMW))
    invalid(fmt::format("hardware '{}': static power {} mW outside [0, {}]",
                        hw.name, hw.staticPowerMW, hw::kMaxCost));
}

void Network::validate() {
  const Hardware &hw = hardware;
  const int64_t nGroups = static_cast<int64_t>(groups.size());
  validateHardware(hw);
  for (const Core &core : cores)
    if (core.chip < 0 || core.chip >= hw.chips || core.x < 0 ||
        core.x >= hw.meshX || core.y < 0 || core.y >= hw.meshY)
      invalid(fmt::format("core '{}' at [{}, {}, {}] is outside {}'s {} "
                          "chip(s) of {} x {} cores",
                          core.name, core.chip, core.x, core.y, hw.name,
                          hw.chips, hw.meshX, hw.meshY));
  std::vector<int64_t> perCore(cores.size(), 0);
  for (const NeuronGroup &g : groups) {
    const std::string where = fmt::format("neuron group '{}'", g.name);
    if (!g.model)
      invalid(where + ": has no neuron model");
    const NeuronModelInfo &model = *g.model;
    if (g.size <= 0)
      invalid(where + ": size must be positive");
    if (model.hostInput) {
      if (g.input < 0)
        invalid(where + ": input group without a stream index");
    } else {
      if (g.core < 0 || g.core >= static_cast<int>(cores.size()))
        invalid(where + ": runs on a core that does not exist");
      perCore[g.core] += g.size;
    }
    if (g.payloadBits > hw.messageBits)
      invalid(fmt::format("{}: {}-bit payloads exceed {}'s {}-bit messages",
                          where, g.payloadBits, hw.name, hw.messageBits));
    // nc allows binary spikes (bits = 0), which ssmc's lowerings never
    // emit; the runtime's saturation and sigma-delta need a payload width.
    if (g.payloadBits < 1)
      invalid(where + ": binary spikes (0-bit payloads) are not supported "
                      "by the event runtime; it runs graded spikes of 1 to "
                      "32 bits");
    if (g.paramFrac.size() != model.paramFormats.size())
      invalid(fmt::format("{}: model '{}' has {} parameter formats, the "
                          "group gives {}",
                          where, model.name, model.paramFormats.size(),
                          g.paramFrac.size()));
    if (g.frac < -64 || g.frac > 64 ||
        std::any_of(g.paramFrac.begin(), g.paramFrac.end(),
                    [](int f) { return f < 0 || f > 62; }))
      invalid(where + ": fractional bits out of range");
    if (g.threshold < 0)
      invalid(where + ": negative sigma-delta threshold");
    if (model.flags.size() < 32 && (g.flags >> model.flags.size()) != 0)
      invalid(fmt::format("{}: sets an option model '{}' does not have",
                          where, model.name));
    if (!g.bias.empty() &&
        static_cast<int64_t>(g.bias.size()) != g.currentSize())
      invalid(fmt::format("{}: bias has {} entries, expected {}", where,
                          g.bias.size(), g.currentSize()));
    if (g.params.size() != model.params.size())
      invalid(fmt::format("{}: model '{}' has {} parameters, the group "
                          "gives {}",
                          where, model.name, model.params.size(),
                          g.params.size()));
    for (size_t k = 0; k < g.params.size(); ++k) {
      const std::vector<int32_t> &p = g.params[k];
      if (static_cast<int64_t>(p.size()) != g.size)
        invalid(fmt::format("{}: parameter '{}' has {} entries, expected {}",
                            where, model.params[k], p.size(), g.size));
      for (int64_t v : p)
        if (v > fixed::maxInt(hw.stateBits) || v < fixed::minInt(hw.stateBits))
          invalid(fmt::format("{}: parameter '{}' value {} does not fit the "
                              "{}-bit registers",
                              where, model.params[k], v, hw.stateBits));
    }
    if (model.check)
      if (std::string error = model.check(g, hw); !error.empty())
        invalid(where + ": " + error);
  }
  for (size_t c = 0; c < cores.size(); ++c)
    if (perCore[c] > hw.neuronsPerCore)
      invalid(fmt::format("core '{}' holds {} neurons, more than the {} of {}",
                          cores[c].name, perCore[c], hw.neuronsPerCore,
                          hw.name));

  for (NeuronGroup &g : groups)
    g.tables.clear();
  for (size_t t = 0; t < tables.size(); ++t) {
    SynapseTable &table = tables[t];
    const std::string where = fmt::format("synapse table '{}'", table.name);
    if (table.target < 0 || table.target >= nGroups)
      invalid(where + ": feeds a neuron group that does not exist");
    NeuronGroup &target = groups[table.target];
    if (target.model->hostInput)
      invalid(where + ": feeds an input");
    if (table.sources.empty())
      invalid(where + ": has no source");
    int64_t cols = 0;
    for (const TableSource &s : table.sources) {
      if (s.group < 0 || s.group >= nGroups)
        invalid(where + ": a source group does not exist (dangling route)");
      if (groups[s.group].model->encoding !=
          groups[table.sources.front().group].model->encoding)
        invalid(where + ": mixes sources that send spikes with sources "
                        "that send sigma-delta");
      if (s.size != groups[s.group].size)
        invalid(fmt::format("{}: source '{}' has {} neurons, the table "
                            "expects {}",
                            where, groups[s.group].name,
                            groups[s.group].size, s.size));
      cols += s.size;
    }
    if (cols != table.cols || table.rows != target.currentSize())
      invalid(fmt::format("{}: weights are {} x {}, but it connects {} "
                          "source neurons to {} inputs of '{}'",
                          where, table.rows, table.cols, cols,
                          target.currentSize(), target.name));
    if (static_cast<int64_t>(table.columnStart.size()) != table.cols + 1 ||
        table.columnStart.front() != 0 ||
        table.columnStart.back() != static_cast<int64_t>(table.weight.size()) ||
        table.rowIndex.size() != table.weight.size() ||
        !std::is_sorted(table.columnStart.begin(), table.columnStart.end()))
      invalid(where + ": weight storage does not match its shape");
    for (size_t k = 0; k < table.weight.size(); ++k) {
      if (table.rowIndex[k] < 0 || table.rowIndex[k] >= table.rows)
        invalid(where + ": a weight names a row outside the table");
      if (table.weight[k] > fixed::maxInt(hw.weightBits) ||
          table.weight[k] < fixed::minInt(hw.weightBits))
        invalid(fmt::format("{}: weight {} exceeds {}'s {}-bit weights", where,
                            table.weight[k], hw.name, hw.weightBits));
    }
    if (table.exponent < hw.minExponent || table.exponent > hw.maxExponent)
      invalid(fmt::format("{}: exponent {} outside {}'s range [{}, {}]", where,
                          table.exponent, hw.name, hw.minExponent,
                          hw.maxExponent));
    if (table.delay < 0 || table.delay > hw.maxDelay)
      invalid(fmt::format("{}: delay {} outside [0, {}]", where, table.delay,
                          hw.maxDelay));
    target.tables.push_back(static_cast<int>(t));
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i] < 0 || inputs[i] >= nGroups ||
        !groups[inputs[i]].model->hostInput)
      invalid(fmt::format("input {} is not an input group", i));
  for (int g : outputs)
    if (g < 0 || g >= nGroups)
      invalid("an output names a neuron group that does not exist");
  if (inputs.empty() || outputs.empty())
    invalid("a network needs at least one input and one output");

  // Pipeline depths in topological order of the forward edges (a table from
  // a group into itself is recurrent: it delivers the previous token).
  std::vector<std::pair<int, int>> edges;
  for (const SynapseTable &table : tables)
    for (const TableSource &s : table.sources)
      edges.emplace_back(s.group, table.target);
  std::optional<std::vector<int>> order =
      topologicalOrder(groups.size(), edges);
  if (!order)
    invalid("the neurocore graph has a cycle through several groups; only "
            "a group's table into itself may be recurrent");
  depth.assign(groups.size(), 0);
  maxDepth = 0;
  for (int v : *order) {
    NeuronGroup &g = groups[v];
    int64_t d = -1;
    std::string first;
    for (int t : g.tables) {
      for (const TableSource &s : tables[t].sources) {
        if (s.group == v)
          continue;
        const int64_t arrives = depth[s.group] + 1 + tables[t].delay;
        if (d >= 0 && arrives != d)
          invalid(fmt::format(
              "neuron group '{}': its inputs deliver different tokens (table "
              "'{}' at pipeline depth {}, table '{}' at {}); line them up "
              "with synaptic delays",
              g.name, first, d, tables[t].name, arrives));
        d = arrives;
        first = tables[t].name;
      }
    }
    depth[v] = std::max<int64_t>(d, 0);
    maxDepth = std::max(maxDepth, depth[v]);
  }
}

std::vector<double> ssm::rt::neuro::evaluateQuantizedFloat(
    const Network &net, const float *tokens, int64_t length) {
  if (net.depth.size() != net.groups.size())
    throw std::invalid_argument("evaluateQuantizedFloat: the network was not "
                                "validated");
  const size_t G = net.groups.size();
  std::vector<int> order(G);
  for (size_t g = 0; g < G; ++g)
    order[g] = static_cast<int>(g);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return net.depth[a] < net.depth[b]; });
  std::vector<std::vector<double>> value(G);
  std::vector<std::unique_ptr<FloatKernel>> kernels(G);
  for (size_t g = 0; g < G; ++g) {
    const NeuronGroup &group = net.groups[g];
    value[g].assign(group.size, 0.0);
    if (group.model->makeFloat)
      kernels[g] = group.model->makeFloat(group);
  }
  int64_t inputOffset = 0;
  std::vector<int64_t> offsets;
  for (int g : net.inputs) {
    offsets.push_back(inputOffset);
    inputOffset += net.groups[g].size;
  }
  for (int64_t t = 0; t < length; ++t) {
    for (size_t k = 0; k < net.inputs.size(); ++k) {
      const NeuronGroup &in = net.groups[net.inputs[k]];
      for (int64_t i = 0; i < in.size; ++i)
        value[net.inputs[k]][i] = tokens[t * inputOffset + offsets[k] + i];
    }
    for (int g : order) {
      const NeuronGroup &group = net.groups[g];
      if (group.model->hostInput)
        continue;
      std::vector<double> current(group.currentSize(), 0.0);
      for (int tableIndex : group.tables) {
        const SynapseTable &table = net.tables[tableIndex];
        int64_t col = 0;
        for (const TableSource &src : table.sources) {
          // Integer current q p 2^e in the target's format, read as a real
          // number: q v 2^(e + F_src - F_dst) with v the source's value.
          const double scale = std::ldexp(
              1.0, table.exponent + net.groups[src.group].frac - group.frac);
          for (int64_t j = 0; j < src.size; ++j, ++col)
            for (int64_t k = table.columnStart[col];
                 k < table.columnStart[col + 1]; ++k)
              current[table.rowIndex[k]] +=
                  table.weight[k] * scale * value[src.group][j];
        }
      }
      for (int64_t i = 0; i < group.currentSize(); ++i)
        if (!group.bias.empty())
          current[i] += real(group.bias[i], group.frac);
      kernels[g]->step(current.data(), t, length, value[g].data());
    }
  }
  std::vector<double> y;
  for (int g : net.outputs)
    y.insert(y.end(), value[g].begin(), value[g].end());
  return y;
}

CostEstimate ssm::rt::neuro::estimateCost(const Hardware &hw,
                                          const Counters &totals,
                                          int64_t tokens) {
  CostEstimate cost;
  if (tokens <= 0 || totals.steps <= 0)
    return cost;
  // mW x ns = pJ.
  const double staticPJ = hw.staticPowerMW * totals.timeNS;
  cost.energyPerTokenUJ = (totals.energyPJ + staticPJ) * 1e-6 / tokens;
  cost.latencyPerTokenUS = totals.timeNS / totals.steps * 1e-3;
  cost.tokensPerSecond =
      totals.timeNS > 0 ? tokens / (totals.timeNS * 1e-9) : 0;
  return cost;
}
