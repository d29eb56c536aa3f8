//===- Delivery.cpp - messages in flight and their delivery ---------------===//

#include "Delivery.h"

#include "VectorLanes.h"

#include <algorithm>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

Delivery::Delivery(const Network &net)
    : net(net), fp32(net.hardware.arithmetic == hw::Arithmetic::FP32) {
  int maxDelay = 0;
  for (const SynapseTable &table : net.tables)
    maxDelay = std::max(maxDelay, table.delay);
  ring = maxDelay + 2;
  outbox.resize(net.groups.size());
  acc.resize(net.tables.size());
  gathered.resize(net.tables.size());
  if (fp32) {
    acc32.resize(net.tables.size());
    // The real weights rounded once to binary32 (exact for |w| < 2^24
    // unless they underflow).
    for (size_t t = 0; t < net.tables.size(); ++t) {
      const std::vector<double> real = net.realWeights(static_cast<int>(t));
      weight32.emplace_back(real.begin(), real.end());
    }
  }
  for (size_t t = 0; t < net.tables.size(); ++t) {
    // (An fp32 table uses its plan's synapse counts alone.)
    plans.push_back(planTable(net.tables[t]));
    // validate() requires one encoding per table.
    const int source = net.tables[t].sources.front().group;
    spiking.push_back(net.groups[source].model->encoding == Encoding::Spikes);
    if (net.tables[t].sources.size() > 1)
      gathered[t].assign(net.tables[t].cols, 0);
    // A DRAM table's bytes spread evenly over its weights: a synop reads
    // its share (docs/spinnaker2.md).
    const SynapseTable &table = net.tables[t];
    dramPerSynop.push_back(
        table.dram && !table.weight.empty()
            ? double(table.bytes(net.hardware.storedWeightBits())) /
                  table.weight.size()
            : 0.0);
  }
  reset();
}

void Delivery::reset() {
  for (size_t g = 0; g < net.groups.size(); ++g)
    outbox[g].assign(ring,
                     Outbox{LaneVector<int32_t>(net.groups[g].size, 0), 0});
  for (size_t t = 0; t < net.tables.size(); ++t) {
    if (fp32)
      acc32[t].assign(net.tables[t].rows, 0.0f);
    else
      acc[t].assign(net.tables[t].rows, 0);
  }
}

/// Synops of delivering table t's messages from step `from`: each message
/// costs its column's non-zero weights.
int64_t Delivery::countSynops(int t, int64_t from, int64_t messages) const {
  const TablePlan &plan = plans[t];
  if (plan.synapsesPerColumn >= 0)
    return messages * plan.synapsesPerColumn;
  const int32_t *colSynapses = plan.columnSynapses.data();
  int64_t synops = 0;
  for (const TableSource &src : net.tables[t].sources) {
    const int32_t *d = sent(src, from).delta.data();
    for (int64_t i = 0; i < src.size; ++i)
      synops += (d[i] != 0) * int64_t(colSynapses[i]);
    colSynapses += src.size;
  }
  return synops;
}

/// Message by message: an axpy per run of each sender's column.
void Delivery::deliverByMessage(int t, int64_t from) {
  const RunForm &f = plans[t].byColumn;
  int64_t *a = acc[t].data();
  int64_t column = 0;
  for (const TableSource &src : net.tables[t].sources) {
    const Outbox &in = sent(src, from);
    for (int64_t i = 0; in.count && i < src.size; ++i) {
      if (const int32_t change = in.delta[i])
        for (int64_t r = f.start[column + i]; r < f.start[column + i + 1]; ++r)
          axpy(a + f.runs[r].first, f.weight.data() + f.runs[r].offset,
               f.runs[r].length, change);
    }
    column += src.size;
  }
}

/// Row by row: a dot product per run over the senders' changes (one
/// source's outbox in place, several gathered side by side).
void Delivery::deliverByRow(int t, int64_t from) {
  const SynapseTable &table = net.tables[t];
  const int32_t *x;
  if (table.sources.size() == 1) {
    x = sent(table.sources[0], from).delta.data();
  } else {
    int32_t *out = gathered[t].data();
    for (const TableSource &src : table.sources) {
      const LaneVector<int32_t> &d = sent(src, from).delta;
      out = std::copy(d.begin(), d.end(), out);
    }
    x = gathered[t].data();
  }
  const RunForm &f = plans[t].byRow;
  int64_t *a = acc[t].data();
  for (int64_t row = 0; row < table.rows; ++row) {
    int64_t sum = 0;
    for (int64_t r = f.start[row]; r < f.start[row + 1]; ++r)
      sum += dot(f.weight.data() + f.runs[r].offset, x + f.runs[r].first,
                 f.runs[r].length);
    a[row] += sum;
  }
}

/// An fp32 table, message by message in a fixed order (sources, senders,
/// then rows in CSR order: one IEEE rounding per product and per sum, the
/// same for any thread count, as an Arm core adds a received spike's row).
void Delivery::deliverFP32(int t, int64_t from) {
  const SynapseTable &table = net.tables[t];
  float *a = acc32[t].data();
  const float *w = weight32[t].data();
  const int64_t *start = table.columnStart.data();
  const int32_t *row = table.rowIndex.data();
  int64_t column = 0;
  for (const TableSource &src : table.sources) {
    const Outbox &in = sent(src, from);
    for (int64_t i = 0; in.count && i < src.size; ++i)
      if (const int32_t bits = in.delta[i]) {
        const float p = asFloat(bits);
        for (int64_t k = start[column + i]; k < start[column + i + 1]; ++k)
          a[row[k]] += w[k] * p;
      }
    column += src.size;
  }
}

/// Per table, message by message or row by row, whichever touches fewer
/// runs (same integer sums, same count); an fp32 table message by message.
int64_t Delivery::deliver(int g, int64_t s, double &dramBytes) {
  int64_t synops = 0;
  for (int t : net.groups[g].tables) {
    const SynapseTable &table = net.tables[t];
    const int64_t from = s - 1 - table.delay;
    if (spiking[t]) { // spikes count in the step they arrive only
      if (fp32)
        std::fill(acc32[t].begin(), acc32[t].end(), 0.0f);
      else
        std::fill(acc[t].begin(), acc[t].end(), 0);
    }
    if (from < 0)
      continue;
    int64_t messages = 0;
    for (const TableSource &src : table.sources)
      messages += sent(src, from).count;
    if (messages == 0)
      continue;
    const int64_t tableSynops = countSynops(t, from, messages);
    synops += tableSynops;
    dramBytes += tableSynops * dramPerSynop[t];
    const TablePlan &plan = plans[t];
    if (fp32)
      deliverFP32(t, from);
    else if (plan.columnCost * static_cast<double>(messages) / table.cols <=
        plan.rowCost)
      deliverByMessage(t, from);
    else
      deliverByRow(t, from);
  }
  return synops;
}
