//===- Neurocore.cpp - the event-driven neurocore runtime -----------------===//
//
// Semantics in Neurocore.h and docs/event-runtime.md; arithmetic in
// FixedPoint.h; the cost model in docs/cost-model.md.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/FixedPoint.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>

using namespace ssm::rt;
using namespace ssm::rt::neuro;
using fixed::saturate;
using fixed::shiftRound;

const char *ssm::rt::neuro::neuronModelName(NeuronModel model) {
  switch (model) {
  case NeuronModel::Input:
    return "input";
  case NeuronModel::S4DMode:
    return "s4d_mode";
  case NeuronModel::SigmaDeltaRelu:
    return "sigma_delta_relu";
  case NeuronModel::SigmaDelta:
    return "sigma_delta";
  case NeuronModel::Accumulator:
    return "accumulator";
  case NeuronModel::EGRUUnit:
    return "egru_unit";
  }
  return "?";
}

void SynapseTable::setWeights(const std::vector<int64_t> &rowMajor) {
  if (static_cast<int64_t>(rowMajor.size()) != rows * cols)
    throw std::invalid_argument(
        fmt::format("synapse table '{}': {} weights for a {} x {} table", name,
                    rowMajor.size(), rows, cols));
  columnStart.assign(cols + 1, 0);
  rowIndex.clear();
  weight.clear();
  for (int64_t c = 0; c < cols; ++c) {
    for (int64_t r = 0; r < rows; ++r)
      if (int64_t w = rowMajor[r * cols + c]) {
        if (w > fixed::maxInt(31) || w < fixed::minInt(31))
          throw std::invalid_argument(fmt::format(
              "synapse table '{}': weight {} does not fit 32 bits", name, w));
        rowIndex.push_back(static_cast<int32_t>(r));
        weight.push_back(static_cast<int32_t>(w));
      }
    columnStart[c + 1] = static_cast<int64_t>(rowIndex.size());
  }
  rowStart.assign(rows + 1, 0);
  columnIndex.clear();
  rowWeight.clear();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      if (int64_t w = rowMajor[r * cols + c]) {
        columnIndex.push_back(static_cast<int32_t>(c));
        rowWeight.push_back(static_cast<int32_t>(w));
      }
    rowStart[r + 1] = static_cast<int64_t>(columnIndex.size());
  }
}

void Counters::add(const Counters &o) {
  steps += o.steps;
  synops += o.synops;
  neuronUpdatesActive += o.neuronUpdatesActive;
  neuronUpdatesInactive += o.neuronUpdatesInactive;
  messages += o.messages;
  spikes += o.spikes;
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

void Network::validate() {
  const Hardware &hw = hardware;
  const int64_t nGroups = static_cast<int64_t>(groups.size());
  if (hw.messageBits < 1 || hw.messageBits > 32 || hw.stateBits < 2 ||
      hw.stateBits > 32 || hw.weightBits < 2 || hw.weightBits > 16)
    invalid(fmt::format("hardware '{}': unsupported widths (state {}, "
                        "message {}, weight bits {})",
                        hw.name, hw.stateBits, hw.messageBits, hw.weightBits));
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
    if (g.size <= 0)
      invalid(where + ": size must be positive");
    if (g.model == NeuronModel::Input) {
      if (g.input < 0)
        invalid(where + ": input group without a stream index");
    } else {
      if (g.core < 0 || g.core >= static_cast<int>(cores.size()))
        invalid(where + ": runs on a core that does not exist");
      perCore[g.core] += g.size;
    }
    if (g.model == NeuronModel::EGRUUnit &&
        static_cast<int64_t>(g.theta.size()) != g.size)
      invalid(fmt::format("{}: theta has {} entries, expected {}", where,
                          g.theta.size(), g.size));
    if (g.payloadBits > hw.messageBits)
      invalid(fmt::format("{}: {}-bit payloads exceed {}'s {}-bit messages",
                          where, g.payloadBits, hw.name, hw.messageBits));
    if (g.frac < -64 || g.frac > 64 ||
        std::any_of(g.paramFrac.begin(), g.paramFrac.end(),
                    [](int f) { return f < 0 || f > 62; }))
      invalid(where + ": fractional bits out of range");
    if (g.threshold < 0)
      invalid(where + ": negative sigma-delta threshold");
    if (!g.bias.empty() &&
        static_cast<int64_t>(g.bias.size()) != g.currentSize())
      invalid(fmt::format("{}: bias has {} entries, expected {}", where,
                          g.bias.size(), g.currentSize()));
    if (g.model == NeuronModel::S4DMode) {
      for (const std::vector<int32_t> *p :
           {&g.s4d.aRe, &g.s4d.aIm, &g.s4d.bRe, &g.s4d.bIm, &g.s4d.cRe,
            &g.s4d.cIm}) {
        if (static_cast<int64_t>(p->size()) != g.size)
          invalid(fmt::format("{}: an S4D parameter has {} entries, "
                              "expected {}",
                              where, p->size(), g.size));
        for (int64_t v : *p)
          if (v > fixed::maxInt(hw.stateBits) || v < fixed::minInt(hw.stateBits))
            invalid(fmt::format("{}: S4D parameter {} does not fit the "
                                "{}-bit registers",
                                where, v, hw.stateBits));
      }
    }
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
    if (target.model == NeuronModel::Input)
      invalid(where + ": feeds an input");
    int64_t cols = 0;
    for (const TableSource &s : table.sources) {
      if (s.group < 0 || s.group >= nGroups)
        invalid(where + ": a source group does not exist (dangling route)");
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
        table.columnStart.back() != static_cast<int64_t>(table.weight.size()))
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
        groups[inputs[i]].model != NeuronModel::Input)
      invalid(fmt::format("input {} is not an input group", i));
  for (int g : outputs)
    if (g < 0 || g >= nGroups)
      invalid("an output names a neuron group that does not exist");
  if (inputs.empty() || outputs.empty())
    invalid("a network needs at least one input and one output");

  // Pipeline depths in topological order of the forward edges (a table from
  // a group into itself is recurrent: it delivers the previous token).
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph graph(groups.size());
  for (const SynapseTable &table : tables)
    for (const TableSource &s : table.sources)
      if (s.group != table.target)
        boost::add_edge(s.group, table.target, graph);
  std::vector<Graph::vertex_descriptor> order;
  try {
    boost::topological_sort(graph, std::back_inserter(order));
  } catch (const boost::not_a_dag &) {
    invalid("the neurocore graph has a cycle through several groups; only "
            "a group's table into itself may be recurrent");
  }
  std::reverse(order.begin(), order.end());
  depth.assign(groups.size(), 0);
  maxDepth = 0;
  for (auto v : order) {
    NeuronGroup &g = groups[v];
    int64_t d = -1;
    std::string first;
    for (int t : g.tables) {
      for (const TableSource &s : tables[t].sources) {
        if (s.group == static_cast<int>(v))
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

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

namespace {
/// The messages a group sent in one step: neuron indices and payloads
/// (changes), preallocated to the group's size.
struct Outbox {
  std::vector<int32_t> neuron;
  std::vector<int64_t> delta;
  int64_t count = 0;
  std::vector<int64_t> dense; // delta per neuron, 0 where none was sent
};

/// A destination core of a group's messages and the route's length.
struct Route {
  int64_t hopsX = 0, hopsY = 0;
};
} // namespace

struct Session::State {
  const Network &net;
  int threads;
  int64_t ring; // outbox slots: max delay + 2
  int64_t fed = 0;
  int64_t sequenceLength = -1; // known once finish() starts
  int64_t stepIndex = 0;

  // Per group.
  std::vector<std::vector<int64_t>> last;   // payload last sent
  std::vector<std::vector<int64_t>> xRe, xIm; // S4D registers
  std::vector<std::vector<int64_t>> sum;    // accumulators
  std::vector<std::vector<int64_t>> prevCurrent;
  std::vector<std::vector<int64_t>> current, value; // this step's
  std::vector<std::vector<Outbox>> outbox;           // [group][slot]
  std::vector<std::vector<Route>> routes;
  // Per table: the sigma of the received deltas, and its sources' deltas
  // side by side for the row-wise product.
  std::vector<std::vector<int64_t>> acc, denseInput;
  // Per core: its groups in depth order, and this step's counters.
  std::vector<std::vector<int>> coreGroups;
  std::vector<Counters> coreCounters;
  std::vector<double> coreTime;
  std::vector<GroupActivity> activity;
  Counters lastCounters, totals;

  State(const Network &n, int t) : net(n), threads(std::max(1, t)) {
    int maxDelay = 0;
    for (const SynapseTable &table : net.tables)
      maxDelay = std::max(maxDelay, table.delay);
    ring = maxDelay + 2;
    const size_t G = net.groups.size();
    last.resize(G);
    xRe.resize(G);
    xIm.resize(G);
    sum.resize(G);
    prevCurrent.resize(G);
    current.resize(G);
    value.resize(G);
    outbox.resize(G);
    routes.resize(G);
    activity.resize(G);
    acc.resize(net.tables.size());
    denseInput.resize(net.tables.size());
    for (size_t t = 0; t < net.tables.size(); ++t)
      denseInput[t].assign(net.tables[t].cols, 0);
    coreGroups.resize(net.cores.size());
    coreCounters.resize(net.cores.size());
    coreTime.resize(net.cores.size());
    std::vector<int> order(G);
    for (size_t g = 0; g < G; ++g)
      order[g] = static_cast<int>(g);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return net.depth[a] < net.depth[b];
    });
    for (int g : order)
      if (net.groups[g].core >= 0)
        coreGroups[net.groups[g].core].push_back(g);
    // Routes: one message per destination core that stores a table reading
    // this group; the host's inputs enter at their destination core.
    for (size_t g = 0; g < G; ++g) {
      std::vector<int> cores;
      for (const SynapseTable &table : net.tables)
        for (const TableSource &s : table.sources)
          if (s.group == static_cast<int>(g))
            cores.push_back(net.groups[table.target].core);
      std::sort(cores.begin(), cores.end());
      cores.erase(std::unique(cores.begin(), cores.end()), cores.end());
      const int from = net.groups[g].core;
      for (int c : cores) {
        Route r;
        if (from >= 0) {
          const Core &a = net.cores[from], &b = net.cores[c];
          r.hopsX = std::abs(a.x - b.x);
          r.hopsY = std::abs(a.y - b.y);
        }
        routes[g].push_back(r);
      }
    }
    reset();
  }

  void reset() {
    for (size_t g = 0; g < net.groups.size(); ++g) {
      const NeuronGroup &group = net.groups[g];
      last[g].assign(group.size, 0);
      prevCurrent[g].assign(group.currentSize(), 0);
      current[g].assign(group.currentSize(), 0);
      value[g].assign(group.size, 0);
      if (group.model == NeuronModel::S4DMode) {
        xRe[g].assign(group.size, 0);
        xIm[g].assign(group.size, 0);
      }
      if (group.model == NeuronModel::Accumulator ||
          group.model == NeuronModel::EGRUUnit)
        sum[g].assign(group.size, 0); // EGRU: the cell state c
      if (group.model == NeuronModel::EGRUUnit)
        xRe[g].assign(group.size, 0); // EGRU: the last event e (0 or 1)
      outbox[g].assign(ring, Outbox{std::vector<int32_t>(group.size),
                                    std::vector<int64_t>(group.size), 0,
                                    std::vector<int64_t>(group.size, 0)});
    }
    for (size_t t = 0; t < net.tables.size(); ++t)
      acc[t].assign(net.tables[t].rows, 0);
    fed = 0;
    sequenceLength = -1;
    stepIndex = 0;
    totals = Counters();
    lastCounters = Counters();
  }

  /// Sends, sigma-delta, the change of each neuron's value since it last
  /// sent, when larger than the threshold; returns the messages sent.
  int64_t send(int g, const int64_t *values, Outbox &out, int64_t &overflows) {
    const NeuronGroup &group = net.groups[g];
    const int64_t threshold = group.threshold;
    const int64_t hi = fixed::maxInt(group.payloadBits),
                  lo = fixed::minInt(group.payloadBits);
    int64_t *prev = last[g].data();
    int32_t *neuron = out.neuron.data();
    int64_t *delta = out.delta.data();
    int64_t *dense = out.dense.data();
    int64_t n = 0;
    // Branch-free compaction: every neuron writes its slot, only senders
    // advance the count (most steps, most S4D modes send; ReLUs rarely).
    for (int64_t i = 0; i < group.size; ++i) {
      const int64_t d = values[i] - prev[i];
      // Masks, min and max instead of branches: whether a neuron sends is
      // data-dependent and would mispredict.
      const int64_t magnitude = std::max(d, -d);
      const int64_t sends = magnitude > threshold;
      const int64_t mask = -sends;
      const int64_t clamped = std::min(std::max(d, lo), hi);
      overflows += sends & (clamped != d); // a jump wider than a payload
      const int64_t sent = clamped & mask;
      prev[i] += sent;
      dense[i] = sent;
      neuron[n] = static_cast<int32_t>(i);
      delta[n] = sent;
      n += sends;
    }
    out.count = n;
    return n;
  }

  /// Delivers the messages due at step s into group g's tables: message by
  /// message when few sources sent, row by row over the dense deltas when
  /// most did (same sums, same synop count).
  int64_t deliver(int g, int64_t s) {
    int64_t synops = 0;
    for (int t : net.groups[g].tables) {
      const SynapseTable &table = net.tables[t];
      const int64_t from = s - 1 - table.delay;
      if (from < 0)
        continue;
      int64_t messages = 0;
      for (const TableSource &src : table.sources)
        messages += outbox[src.group][from % ring].count;
      if (messages == 0)
        continue;
      int64_t *a = acc[t].data();
      const int64_t *start = table.columnStart.data();
      if (4 * messages >= table.cols) {
        int64_t *x = denseInput[t].data();
        int64_t offset = 0;
        for (const TableSource &src : table.sources) {
          const Outbox &in = outbox[src.group][from % ring];
          if (in.count == 0)
            std::fill(x + offset, x + offset + src.size, 0);
          else
            std::copy(in.dense.begin(), in.dense.end(), x + offset);
          for (int64_t m = 0; m < in.count; ++m) {
            const int64_t col = offset + in.neuron[m];
            synops += start[col + 1] - start[col];
          }
          offset += src.size;
        }
        const int64_t *rowStart = table.rowStart.data();
        const int32_t *cols = table.columnIndex.data();
        const int32_t *weights = table.rowWeight.data();
        for (int64_t r = 0; r < table.rows; ++r) {
          int64_t sum = 0;
          for (int64_t k = rowStart[r]; k < rowStart[r + 1]; ++k)
            sum += int64_t(weights[k]) * x[cols[k]];
          a[r] += sum;
        }
        continue;
      }
      const int32_t *rows = table.rowIndex.data();
      const int32_t *weights = table.weight.data();
      int64_t offset = 0;
      for (const TableSource &src : table.sources) {
        const Outbox &in = outbox[src.group][from % ring];
        for (int64_t m = 0; m < in.count; ++m) {
          const int64_t col = offset + in.neuron[m];
          const int64_t d = in.delta[m];
          const int64_t begin = start[col], end = start[col + 1];
          for (int64_t k = begin; k < end; ++k)
            a[rows[k]] += int64_t(weights[k]) * d;
          synops += end - begin;
        }
        offset += src.size;
      }
    }
    return synops;
  }

  /// Token index group g processes at step s, or -1 when it is idle.
  int64_t tokenAt(int g, int64_t s) const {
    const int64_t k = s - net.depth[g];
    const int64_t limit = sequenceLength >= 0 ? sequenceLength : fed;
    return k >= 0 && k < limit ? k : -1;
  }

  void updateGroup(int g, int64_t s, Counters &c) {
    const NeuronGroup &group = net.groups[g];
    const Hardware &hw = net.hardware;
    Outbox &out = outbox[g][s % ring];
    out.count = 0;
    GroupActivity &act = activity[g];
    act = GroupActivity();
    act.synops = deliver(g, s);
    c.synops += act.synops;
    const int64_t k = tokenAt(g, s);
    if (k < 0) {
      c.neuronUpdatesInactive += group.size;
      return;
    }
    const int64_t n = group.size, inputs = group.currentSize();
    // Dendritic input: each table's sigma, rescaled by its exponent, plus
    // the bias, in the state register's width.
    int64_t *cur = current[g].data();
    std::fill(cur, cur + inputs, 0);
    for (int t : group.tables) {
      const int shift = -net.tables[t].exponent;
      const int64_t *a = acc[t].data();
      for (int64_t i = 0; i < inputs; ++i)
        cur[i] += shiftRound(a[i], shift);
    }
    int64_t overflows = 0, active = 0;
    const int64_t stateHi = fixed::maxInt(hw.stateBits),
                  stateLo = fixed::minInt(hw.stateBits);
    const int64_t payHi = fixed::maxInt(group.payloadBits),
                  payLo = fixed::minInt(group.payloadBits);
    // Branch-free saturation (the loops below vectorize); each clamp that
    // changed a value counts as one overflow.
    auto clamp = [&overflows](int64_t v, int64_t lo, int64_t hi) {
      const int64_t c = v < lo ? lo : (v > hi ? hi : v);
      overflows += c != v;
      return c;
    };
    for (int64_t i = 0; i < inputs; ++i)
      cur[i] = clamp(cur[i] + (group.bias.empty() ? 0 : group.bias[i]),
                     stateLo, stateHi);
    int64_t *val = value[g].data();
    bool sends = true;
    switch (group.model) {
    case NeuronModel::S4DMode: {
      // x <- A_bar x + B_bar u ; y = Re(C x), Meyer et al. 2024, Sec. 3.
      // Each product is rounded from its parameter's format back to the
      // value format (at most one LSB of error per register and step).
      const int fa = group.paramFrac[0], fb = group.paramFrac[1],
                fc = group.paramFrac[2];
      int64_t *xr = xRe[g].data(), *xi = xIm[g].data();
      const int32_t *aRe = group.s4d.aRe.data(), *aIm = group.s4d.aIm.data(),
                    *bRe = group.s4d.bRe.data(), *bIm = group.s4d.bIm.data(),
                    *cRe = group.s4d.cRe.data(), *cIm = group.s4d.cIm.data();
      int64_t live = 0;
      for (int64_t i = 0; i < n; ++i) {
        const int64_t u = cur[i];
        const int64_t re = shiftRound(aRe[i] * xr[i] - aIm[i] * xi[i], fa) +
                           shiftRound(bRe[i] * u, fb);
        const int64_t im = shiftRound(aRe[i] * xi[i] + aIm[i] * xr[i], fa) +
                           shiftRound(bIm[i] * u, fb);
        xr[i] = clamp(re, stateLo, stateHi);
        xi[i] = clamp(im, stateLo, stateHi);
        live += (xr[i] | xi[i] | u) != 0;
        val[i] = clamp(shiftRound(cRe[i] * xr[i] - cIm[i] * xi[i], fc), payLo,
                       payHi);
      }
      active = live;
      break;
    }
    case NeuronModel::SigmaDelta:
    case NeuronModel::SigmaDeltaRelu: {
      const bool relu = group.model == NeuronModel::SigmaDeltaRelu;
      int64_t *prev = prevCurrent[g].data();
      for (int64_t i = 0; i < n; ++i) {
        active += cur[i] != prev[i];
        prev[i] = cur[i];
        const int64_t v = clamp(cur[i], payLo, payHi);
        val[i] = relu && v < 0 ? 0 : v;
      }
      break;
    }
    case NeuronModel::Accumulator: {
      // Sums over the sequence in a double-width register; after the last
      // token it sends the mean (or, with `last`, the last input).
      sends = sequenceLength >= 0 && k == sequenceLength - 1;
      int64_t *total = sum[g].data();
      for (int64_t i = 0; i < n; ++i) {
        active += cur[i] != 0;
        bool over = false;
        total[i] = group.last
                       ? cur[i]
                       : saturate(total[i] + cur[i], 2 * hw.stateBits, &over);
        overflows += over;
        if (sends)
          val[i] = clamp(group.last ? total[i]
                                    : fixed::divRound(total[i], sequenceLength),
                         payLo, payHi);
      }
      break;
    }
    case NeuronModel::EGRUUnit: {
      // Subramoney et al. 2023, Sec. 3.1, as the reference interpreter:
      // c = u z + (1 - u) c - theta e_prev; e = [c > theta]; y = c e. The
      // gate nonlinearities read the dequantized current (the chip's lookup
      // tables); c is rounded back to the value format.
      const double lsb = std::ldexp(1.0, -group.frac);
      int64_t *c = sum[g].data(), *e = xRe[g].data();
      for (int64_t i = 0; i < n; ++i) {
        const double u = 1.0 / (1.0 + std::exp(-cur[i] * lsb));
        const double r = 1.0 / (1.0 + std::exp(-cur[n + i] * lsb));
        const double z = std::tanh((cur[2 * n + i] + r * cur[3 * n + i]) * lsb);
        const double next = u * z + (1.0 - u) * (c[i] * lsb) -
                            (e[i] ? group.theta[i] * lsb : 0.0);
        c[i] = clamp(static_cast<int64_t>(std::llround(next / lsb)), stateLo,
                     stateHi);
        e[i] = c[i] > group.theta[i];
        val[i] = e[i] ? clamp(c[i], payLo, payHi) : 0;
      }
      active = n; // every cell evaluates its gates each step
      break;
    }
    case NeuronModel::Input:
      sends = false;
      break;
    }
    const int64_t spikes = sends ? send(g, val, out, overflows) : 0;
    act.spikes = spikes;
    act.active = active;
    act.overflows = overflows;
    c.neuronUpdatesActive += active;
    c.neuronUpdatesInactive += n - active;
    c.overflows += overflows;
    c.spikes += spikes;
    for (const Route &r : routes[g]) {
      c.messages += spikes;
      c.hopsX += spikes * r.hopsX;
      c.hopsY += spikes * r.hopsY;
    }
  }

  void sendInputs(const float *token, int64_t s) {
    int64_t offset = 0;
    for (int g : net.inputs) {
      const NeuronGroup &group = net.groups[g];
      Outbox &out = outbox[g][s % ring];
      out.count = 0;
      activity[g] = GroupActivity();
      if (!token) {
        offset += group.size;
        continue;
      }
      int64_t overflows = 0;
      int64_t *val = value[g].data();
      for (int64_t i = 0; i < group.size; ++i) {
        bool over = false;
        val[i] = fixed::quantize(token[offset + i],
                                 {group.payloadBits, group.frac}, &over);
        overflows += over;
      }
      const int64_t spikes = send(g, val, out, overflows);
      activity[g].spikes = spikes;
      activity[g].overflows = overflows;
      lastCounters.overflows += overflows;
      lastCounters.spikes += spikes;
      // Host messages enter the mesh at their destination cores.
      lastCounters.messages += spikes * static_cast<int64_t>(routes[g].size());
      offset += group.size;
    }
  }
};

Session::Session(const Network &network, int threads)
    : state(std::make_unique<State>(network, threads)) {
  if (network.depth.size() != network.groups.size())
    throw std::invalid_argument("Session: the network was not validated");
}
Session::~Session() = default;
Session::Session(Session &&) noexcept = default;

void Session::reset() { state->reset(); }

void Session::step(const float *token) {
  State &st = *state;
  const Network &net = st.net;
  const Hardware &hw = net.hardware;
  const int64_t s = st.stepIndex;
  st.lastCounters = Counters();
  st.sendInputs(token, s);
  const int64_t nCores = static_cast<int64_t>(net.cores.size());
  auto runCore = [&](int64_t c) {
    Counters &cc = st.coreCounters[c];
    cc = Counters();
    for (int g : st.coreGroups[c])
      st.updateGroup(g, s, cc);
    const OpCosts &t = hw.timeNS;
    st.coreTime[c] = cc.synops * t.synop + cc.neuronUpdatesActive * t.neuronActive +
                     cc.neuronUpdatesInactive * t.neuronInactive +
                     cc.messages * t.message;
  };
  if (st.threads > 1 && nCores > 1) {
    // Each core reads only messages of earlier steps and writes only its
    // own state, so the schedule cannot change any result.
#pragma omp parallel for num_threads(st.threads) schedule(static)
    for (int64_t c = 0; c < nCores; ++c)
      runCore(c);
  } else {
    for (int64_t c = 0; c < nCores; ++c)
      runCore(c);
  }
  // Reduce in core order; the step takes as long as the slowest core, the
  // longest route this step and the barrier.
  Counters &step = st.lastCounters;
  double slowest = 0;
  for (int64_t c = 0; c < nCores; ++c) {
    step.add(st.coreCounters[c]);
    slowest = std::max(slowest, st.coreTime[c]);
  }
  double route = 0;
  for (size_t g = 0; g < net.groups.size(); ++g)
    if (st.activity[g].spikes)
      for (const Route &r : st.routes[g])
        route = std::max(route, r.hopsX * hw.timeNS.hopX + r.hopsY * hw.timeNS.hopY);
  const OpCosts &e = hw.energyPJ;
  step.steps = 1;
  step.timeNS = slowest + route + hw.timeNS.barrier;
  step.energyPJ = step.synops * e.synop + step.neuronUpdatesActive * e.neuronActive +
                  step.neuronUpdatesInactive * e.neuronInactive +
                  step.messages * e.message + step.hopsX * e.hopX +
                  step.hopsY * e.hopY + e.barrier;
  st.totals.add(step);
  ++st.stepIndex;
}

const Counters &Session::feed(const float *token) {
  if (state->sequenceLength >= 0)
    throw std::logic_error("Session::feed after finish(); call reset()");
  ++state->fed;
  step(token);
  return state->lastCounters;
}

std::vector<double>
Session::finish(const std::function<void(int64_t step)> &afterStep) {
  State &st = *state;
  if (st.sequenceLength < 0) {
    st.sequenceLength = st.fed;
    while (st.stepIndex < st.sequenceLength + st.net.maxDepth) {
      step(nullptr);
      if (afterStep)
        afterStep(st.stepIndex - 1);
    }
  }
  return outputs();
}

std::vector<double> Session::outputs() const {
  std::vector<double> y;
  for (int g : state->net.outputs) {
    const NeuronGroup &group = state->net.groups[g];
    for (int64_t v : state->last[g])
      y.push_back(std::ldexp(static_cast<double>(v), -group.frac));
  }
  return y;
}

int64_t Session::outputLatency() const {
  int64_t d = 0;
  for (int g : state->net.outputs)
    d = std::max(d, state->net.depth[g]);
  return d;
}

int64_t Session::tokens() const { return state->fed; }
const Counters &Session::totals() const { return state->totals; }
const std::vector<GroupActivity> &Session::lastStep() const {
  return state->activity;
}
const Network &Session::network() const { return state->net; }

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
  auto real = [](int64_t q, int frac) {
    return std::ldexp(static_cast<double>(q), -frac);
  };
  std::vector<std::vector<double>> value(G), xr(G), xi(G), sum(G);
  for (size_t g = 0; g < G; ++g) {
    value[g].assign(net.groups[g].size, 0.0);
    xr[g] = xi[g] = sum[g] = value[g];
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
      if (group.model == NeuronModel::Input)
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
      std::vector<double> &out = value[g];
      switch (group.model) {
      case NeuronModel::S4DMode:
        for (int64_t i = 0; i < group.size; ++i) {
          const S4DModeRegisters &p = group.s4d;
          const std::complex<double> a(real(p.aRe[i], group.paramFrac[0]),
                                       real(p.aIm[i], group.paramFrac[0]));
          const std::complex<double> b(real(p.bRe[i], group.paramFrac[1]),
                                       real(p.bIm[i], group.paramFrac[1]));
          const std::complex<double> c(real(p.cRe[i], group.paramFrac[2]),
                                       real(p.cIm[i], group.paramFrac[2]));
          const std::complex<double> x =
              a * std::complex<double>(xr[g][i], xi[g][i]) + b * current[i];
          xr[g][i] = x.real();
          xi[g][i] = x.imag();
          out[i] = (c * x).real();
        }
        break;
      case NeuronModel::SigmaDelta:
        out = current;
        break;
      case NeuronModel::SigmaDeltaRelu:
        for (int64_t i = 0; i < group.size; ++i)
          out[i] = std::max(current[i], 0.0);
        break;
      case NeuronModel::Accumulator:
        // Silent until the last token, then the mean (or the last input).
        for (int64_t i = 0; i < group.size; ++i) {
          sum[g][i] = group.last ? current[i] : sum[g][i] + current[i];
          out[i] = t + 1 < length ? 0.0
                   : group.last   ? sum[g][i]
                                  : sum[g][i] / static_cast<double>(length);
        }
        break;
      case NeuronModel::EGRUUnit: {
        const int64_t n = group.size;
        for (int64_t i = 0; i < n; ++i) {
          const double u = 1.0 / (1.0 + std::exp(-current[i]));
          const double r = 1.0 / (1.0 + std::exp(-current[n + i]));
          const double z = std::tanh(current[2 * n + i] + r * current[3 * n + i]);
          const double theta = real(group.theta[i], group.frac);
          const bool event = xi[g][i] != 0; // the last event
          sum[g][i] = u * z + (1.0 - u) * sum[g][i] - (event ? theta : 0.0);
          xi[g][i] = sum[g][i] > theta;
          out[i] = xi[g][i] ? sum[g][i] : 0.0;
        }
        break;
      }
      case NeuronModel::Input:
        break;
      }
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
