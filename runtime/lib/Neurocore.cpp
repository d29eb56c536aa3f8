//===- Neurocore.cpp - the network's tables, counters, float evaluation ---===//
//
// Semantics in Neurocore.h and docs/event-runtime.md; arithmetic in
// FixedPoint.h. The session is Session.cpp, validation
// NetworkValidation.cpp, the cost model CostModel.h/.cpp.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Neurocore.h"
#include "NeuronKernel.h"
#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Model.h"
#include "ssm/Runtime/Quantize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

int64_t SynapseTable::bytes(unsigned weightBits) const {
  return cheaperSynapseTableBytes(rows, cols,
                                  static_cast<int64_t>(weight.size()),
                                  weightBits);
}

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
  chipMessages += o.chipMessages;
  chipHops += o.chipHops;
  overflows += o.overflows;
  dramBytes += o.dramBytes;
  energyPJ += o.energyPJ;
  timeNS += o.timeNS;
  chipTimeNS += o.chipTimeNS;
  dramTimeNS += o.dramTimeNS;
}

int64_t ssm::rt::neuro::synapseTableBytes(int64_t rows, int64_t cols,
                                          int64_t nonZero, unsigned weightBits,
                                          bool sparse) {
  if (!sparse)
    return (rows * cols * weightBits + 7) / 8;
  const unsigned indexBits = static_cast<unsigned>(
      std::ceil(std::log2(static_cast<double>(std::max<int64_t>(cols, 2)))));
  return (nonZero * (weightBits + indexBits) + 7) / 8;
}

int64_t ssm::rt::neuro::cheaperSynapseTableBytes(int64_t rows, int64_t cols,
                                                 int64_t nonZero,
                                                 unsigned weightBits,
                                                 bool *sparse) {
  const int64_t dense =
      synapseTableBytes(rows, cols, nonZero, weightBits, false);
  const int64_t packed =
      synapseTableBytes(rows, cols, nonZero, weightBits, true);
  if (sparse)
    *sparse = packed < dense;
  return std::min(dense, packed);
}

int64_t Network::outputChannels() const {
  int64_t n = 0;
  for (int g : outputs)
    n += groups.at(g).size;
  return n;
}

std::vector<double> Network::realWeights(int t) const {
  const SynapseTable &table = tables.at(t);
  std::vector<double> w(table.weight.size());
  const int fracDst = groups.at(table.target).frac;
  int64_t column = 0;
  for (const TableSource &src : table.sources) {
    const double unit = quant::tableWeightUnit(
        table.exponent, groups.at(src.group).frac, fracDst);
    for (int64_t k = table.columnStart[column];
         k < table.columnStart[column + src.size]; ++k)
      w[k] = table.weight[k] * unit;
    column += src.size;
  }
  return w;
}

int64_t Network::inputChannels() const {
  int64_t n = 0;
  for (int g : inputs)
    n += inputValues(groups.at(g));
  return n;
}

int64_t ssm::rt::neuro::inputValues(const NeuronGroup &group) {
  return group.model->tokenInput ? 1 : group.size;
}

int64_t ssm::rt::neuro::tokenId(const NeuronGroup &group, double value,
                                int64_t token) {
  if (!isTokenId(value, group.size))
    throw std::out_of_range(fmt::format(
        "input '{}': token {} has id {}, not a word of its vocabulary [0, {})",
        group.name, token, value, group.size));
  return static_cast<int64_t>(value);
}

struct QuantizedFloatStream::State {
  const Network &net;
  int64_t length;
  int64_t fed = 0;
  std::vector<int> order; // groups by depth
  std::vector<std::vector<double>> value;
  /// The values at the previous token of the groups a recurrent table
  /// reads (a table within a cycle: rt::recurrentComponents).
  std::vector<std::vector<double>> previous;
  std::vector<char> readRecurrently;
  std::vector<std::unique_ptr<FloatKernel>> kernels;
  std::vector<int64_t> offsets; // of each input stream in a token
  int64_t tokenValues = 0;
  std::vector<double> current;
  std::vector<std::vector<double>> weights; // per table (Network::realWeights)

  State(const Network &n, int64_t length) : net(n), length(length) {
    if (net.depth.size() != net.groups.size())
      throw std::invalid_argument("QuantizedFloatStream: the network was not "
                                  "validated");
    const size_t G = net.groups.size();
    order.resize(G);
    for (size_t g = 0; g < G; ++g)
      order[g] = static_cast<int>(g);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return net.depth[a] < net.depth[b]; });
    value.resize(G);
    previous.resize(G);
    readRecurrently.assign(G, 0);
    for (const SynapseTable &table : net.tables)
      for (const TableSource &src : table.sources)
        if (net.component[src.group] == net.component[table.target])
          readRecurrently[src.group] = 1;
    kernels.resize(G);
    for (size_t t = 0; t < net.tables.size(); ++t)
      weights.push_back(net.realWeights(static_cast<int>(t)));
    for (size_t g = 0; g < G; ++g) {
      const NeuronGroup &group = net.groups[g];
      value[g].assign(group.size, 0.0);
      if (group.model->makeFloat)
        kernels[g] = group.model->makeFloat(group);
    }
    for (int g : net.inputs) {
      offsets.push_back(tokenValues);
      tokenValues += inputValues(net.groups[g]);
    }
  }

  void feed(const float *token, const QuantizedFloatStream::Observer &observer) {
    const int64_t t = fed++;
    for (size_t k = 0; k < net.inputs.size(); ++k) {
      const NeuronGroup &in = net.groups[net.inputs[k]];
      const float *x = token + offsets[k];
      std::vector<double> &v = value[net.inputs[k]];
      if (in.model->tokenInput) {
        std::fill(v.begin(), v.end(), 0.0);
        v[tokenId(in, x[0], t)] = 1.0;
        continue;
      }
      for (int64_t i = 0; i < in.size; ++i)
        v[i] = x[i];
    }
    if (observer)
      for (int g : net.inputs)
        observer(g, value[g].data());
    for (size_t g = 0; g < value.size(); ++g)
      if (readRecurrently[g])
        previous[g] = value[g];
    for (int g : order) {
      const NeuronGroup &group = net.groups[g];
      if (group.model->hostInput)
        continue;
      current.assign(group.currentSize(), 0.0);
      for (int tableIndex : group.tables) {
        const SynapseTable &table = net.tables[tableIndex];
        const std::vector<double> &w = weights[tableIndex];
        int64_t col = 0;
        for (const TableSource &src : table.sources) {
          const std::vector<double> &v =
              net.component[src.group] == net.component[g] ? previous[src.group]
                                                           : value[src.group];
          for (int64_t j = 0; j < src.size; ++j, ++col)
            for (int64_t k = table.columnStart[col];
                 k < table.columnStart[col + 1]; ++k)
              current[table.rowIndex[k]] += w[k] * v[j];
        }
      }
      for (int64_t i = 0; i < group.currentSize(); ++i)
        if (!group.bias.empty())
          current[i] += real(group.bias[i], group.frac);
      kernels[g]->step(current.data(), t, length, value[g].data());
      if (observer)
        observer(g, value[g].data());
    }
  }
};

ssm::rt::neuro::QuantizedFloatStream::QuantizedFloatStream(
    const Network &network, int64_t length)
    : state(std::make_unique<State>(network, length)) {}
ssm::rt::neuro::QuantizedFloatStream::~QuantizedFloatStream() = default;

void ssm::rt::neuro::QuantizedFloatStream::feed(const float *token,
                                                const Observer &observer) {
  if (state->fed >= state->length)
    throw std::logic_error("QuantizedFloatStream: the sequence has " +
                           std::to_string(state->length) + " tokens");
  state->feed(token, observer);
}

std::vector<double> ssm::rt::neuro::QuantizedFloatStream::outputs() const {
  std::vector<double> y;
  for (int g : state->net.outputs)
    y.insert(y.end(), state->value[g].begin(), state->value[g].end());
  return y;
}

std::vector<double> ssm::rt::neuro::evaluateQuantizedFloat(
    const Network &net, const float *tokens, int64_t length) {
  QuantizedFloatStream stream(net, length);
  for (int64_t t = 0; t < length; ++t)
    stream.feed(tokens + t * net.inputChannels());
  return stream.outputs();
}
