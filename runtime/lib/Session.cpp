//===- Session.cpp - the event runtime's execution engine -----------------===//
//
// Runs a validated Network step by step (semantics in Neurocore.h and
// docs/event-runtime.md; arithmetic in FixedPoint.h; counters in
// docs/cost-model.md).
//
// How it is made fast without changing a single bit of the results:
//  - Registers, parameters, payloads and messages are 32-bit values (the
//    hardware's widths are at most 32 bits; validate() checks), products
//    and dendritic sums 64-bit: every product is a widening 32 x 32 -> 64
//    multiply. Messages are stored in 32 bits; S4D registers and
//    parameters sign-extended in 64-bit lanes, which the AVX-512 mode loop
//    reads without a conversion per load (it is bound by vector
//    instructions, not by memory).
//  - Each group's update is its neuron model's kernel (models/*.cpp, one
//    virtual call per group and step): one branch-free loop that reads the
//    dendritic sums, updates the neurons and sends in the same pass (an S4D
//    layer has thousands of modes; a pass over them costs more than the
//    arithmetic).
//  - A message carries its change in a dense per-group vector (0 where a
//    neuron sent nothing). Synapse tables are stored as runs of
//    consecutive weights, by column and by row; each step a table is
//    delivered whichever way touches fewer runs: message by message (an
//    axpy per run of the sender's column: S4D expand, few senders) or row
//    by row (a dot product per run over the senders' changes: S4D reduce,
//    many senders; Delivery.h, SynapsePlan.h, VectorLanes.h). Integer sums
//    are exact, so both give the same dendritic sums, and synops are
//    counted per message either way.
//
// An fp32 network (Hardware::arithmetic) takes the same schedule with each
// model's binary32 kernel (stepFP32) and Delivery's binary32 tables,
// delivered message by message in a fixed order; its messages are the 32
// bits of binary32 values in the same arrays, so what follows holds for it
// unchanged.
//
// A stream split across processes (CoreSplit, StepExchange): each rank
// updates its own cores, then one all-gather per step gives every rank the
// others' messages (non-zero entries only, and only of groups a table on
// another rank reads), counters and changed output values, after which
// every rank reduces the step exactly as one process does.
//
//===----------------------------------------------------------------------===//

#include "CostModel.h"
#include "Delivery.h"
#include "NeuronKernel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <set>
#include <stdexcept>
#include <type_traits>

using namespace ssm::rt;
using namespace ssm::rt::neuro;
using fixed::shiftRound;
namespace {
/// A destination core of a group's messages and the route's length.
struct Route {
  int64_t hopsX = 0, hopsY = 0, chipHops = 0;
};

/// Appends / reads plain values in an exchange buffer. The ranks run the
/// same binary (the driver checks), so the layout is the same everywhere.
template <typename T> void put(std::vector<char> &buffer, const T &value) {
  static_assert(std::is_trivially_copyable_v<T>);
  const char *bytes = reinterpret_cast<const char *>(&value);
  buffer.insert(buffer.end(), bytes, bytes + sizeof(T));
}
template <typename T> T take(const char *&at, const char *end) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (end - at < static_cast<std::ptrdiff_t>(sizeof(T)))
    throw std::runtime_error("Session: a rank's step exchange is shorter "
                             "than its cores and groups need");
  T value;
  std::memcpy(&value, at, sizeof(T));
  at += sizeof(T);
  return value;
}

/// Appends the entries of `values` [size] that differ from `previous`
/// (zeros when null), as (index, value) pairs or, when that is no
/// smaller, all of them; takeEntries() reads either back into a copy of
/// `previous`.
void putEntries(std::vector<char> &buffer, const int32_t *values,
                const int32_t *previous, int64_t size) {
  int64_t changed = 0;
  for (int64_t i = 0; i < size; ++i)
    changed += values[i] != (previous ? previous[i] : 0);
  const bool dense = changed * 2 >= size;
  put(buffer, dense ? int64_t(-1) : changed);
  if (dense) {
    const char *bytes = reinterpret_cast<const char *>(values);
    buffer.insert(buffer.end(), bytes, bytes + size * sizeof(int32_t));
    return;
  }
  for (int64_t i = 0; i < size; ++i)
    if (values[i] != (previous ? previous[i] : 0)) {
      put(buffer, static_cast<int32_t>(i));
      put(buffer, values[i]);
    }
}
void takeEntries(const char *&at, const char *end, int32_t *values,
                 int64_t size, int rank) {
  const int64_t changed = take<int64_t>(at, end);
  if (changed == -1) {
    if (end - at < static_cast<std::ptrdiff_t>(size * sizeof(int32_t)))
      throw std::runtime_error("Session: rank " + std::to_string(rank) +
                               " sent a step exchange shorter than its "
                               "groups need");
    std::memcpy(values, at, size * sizeof(int32_t));
    at += size * sizeof(int32_t);
    return;
  }
  if (changed < 0 || changed > size)
    throw std::runtime_error("Session: rank " + std::to_string(rank) +
                             " sent a malformed step exchange");
  for (int64_t k = 0; k < changed; ++k) {
    const int32_t i = take<int32_t>(at, end);
    const int32_t v = take<int32_t>(at, end);
    if (i < 0 || i >= size)
      throw std::runtime_error("Session: rank " + std::to_string(rank) +
                               " sent a value of a neuron its group does "
                               "not have");
    values[i] = v;
  }
}

/// Per group: whether a table on another rank than the group's reads its
/// messages, with `rankOfCore` [cores] the split (host inputs, on no core,
/// never: every rank sends them itself).
std::vector<char> readOnOtherRanks(const Network &net,
                                   const std::vector<int> &rankOfCore) {
  std::vector<char> crosses(net.groups.size(), 0);
  for (const SynapseTable &table : net.tables)
    for (const TableSource &src : table.sources) {
      const int from = net.groups[src.group].core;
      const int to = net.groups[table.target].core;
      if (from >= 0 && rankOfCore[from] != rankOfCore[to])
        crosses[src.group] = 1;
    }
  return crosses;
}

/// Longest processing time first: the heaviest unit to the least loaded
/// rank (ties: the lower unit, the lower rank); within 4/3 of the best
/// largest load (Graham 1969).
std::vector<int> heaviestFirst(const std::vector<int64_t> &unitWork,
                               int ranks) {
  std::vector<int64_t> order(unitWork.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
    return unitWork[a] > unitWork[b];
  });
  std::vector<int64_t> load(ranks, 0);
  std::vector<int> rankOfUnit(unitWork.size(), 0);
  for (int64_t u : order) {
    const int r = static_cast<int>(std::min_element(load.begin(), load.end()) -
                                   load.begin());
    rankOfUnit[u] = r;
    load[r] += unitWork[u];
  }
  return rankOfUnit;
}

/// Consecutive units per rank with the smallest largest load (bisection on
/// that load, each rank filled in turn): one cut between ranks per rank,
/// so a pipeline's traffic crosses ranks only at the cuts.
std::vector<int> inOrder(const std::vector<int64_t> &unitWork, int ranks) {
  auto partsFor = [&](int64_t cap) {
    int parts = 1;
    int64_t load = 0;
    for (int64_t w : unitWork) {
      if (load > 0 && load + w > cap) {
        ++parts;
        load = 0;
      }
      load += w;
    }
    return parts;
  };
  int64_t lo = 0, hi = 0;
  for (int64_t w : unitWork) {
    lo = std::max(lo, w);
    hi += w;
  }
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (partsFor(mid) <= ranks)
      hi = mid;
    else
      lo = mid + 1;
  }
  std::vector<int> rankOfUnit(unitWork.size(), 0);
  int part = 0;
  int64_t load = 0;
  for (size_t u = 0; u < unitWork.size(); ++u) {
    if (load > 0 && load + unitWork[u] > lo && part + 1 < ranks) {
      ++part;
      load = 0;
    }
    load += unitWork[u];
    rankOfUnit[u] = part;
  }
  return rankOfUnit;
}
} // namespace

CoreSplit ssm::rt::neuro::splitCores(
    const Network &net, int ranks, int rank,
    const std::vector<int64_t> &coreWork,
    const std::vector<double> &groupMessages) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw std::invalid_argument("splitCores: rank " + std::to_string(rank) +
                                " of " + std::to_string(ranks) +
                                " ranks is not a rank");
  const size_t C = net.cores.size();
  if (!coreWork.empty() && coreWork.size() != C)
    throw std::invalid_argument("splitCores: work of " +
                                std::to_string(coreWork.size()) +
                                " cores for a network of " + std::to_string(C));
  if (!groupMessages.empty() && groupMessages.size() != net.groups.size())
    throw std::invalid_argument(
        "splitCores: messages of " + std::to_string(groupMessages.size()) +
        " groups for a network of " + std::to_string(net.groups.size()));
  // Without measured work: neurons updated and weights stored per core.
  std::vector<int64_t> work = coreWork;
  if (work.empty()) {
    work.assign(C, 0);
    for (const NeuronGroup &g : net.groups) {
      if (g.core < 0)
        continue;
      work[g.core] += g.size;
      for (int t : g.tables)
        work[g.core] += static_cast<int64_t>(net.tables[t].weight.size());
    }
  }
  // Units: whole chips when there are enough of them, else cores.
  std::set<int64_t> chips;
  for (const Core &c : net.cores)
    chips.insert(c.chip);
  const bool byChip = static_cast<int64_t>(chips.size()) >= ranks;
  std::vector<int64_t> unitOfCore(C);
  std::vector<int64_t> unitWork;
  std::vector<int64_t> chipUnit; // (chips are numbered 0 .. chips - 1)
  for (size_t c = 0; c < C; ++c) {
    int64_t unit = static_cast<int64_t>(c);
    if (byChip) {
      const int64_t chip = net.cores[c].chip;
      if (chip >= static_cast<int64_t>(chipUnit.size()))
        chipUnit.resize(chip + 1, -1);
      if (chipUnit[chip] < 0) {
        chipUnit[chip] = static_cast<int64_t>(unitWork.size());
        unitWork.push_back(0);
      }
      unit = chipUnit[chip];
    } else {
      unitWork.push_back(0);
    }
    unitOfCore[c] = unit;
    unitWork[unit] += work[c] + 1; // + 1: an idle core still takes a step
  }
  // Two candidates, the heaviest-first balance and the best in-order one;
  // with the groups' messages, the one of lower estimated cost: its
  // largest load plus the bytes it exchanges over the same steps (a
  // message crossing ranks costs 8 B; kWorkPerExchangedByte).
  std::vector<int> rankOfUnit = heaviestFirst(unitWork, ranks);
  bool ordered = false;
  if (!groupMessages.empty() && ranks > 1) {
    auto cost = [&](const std::vector<int> &ranksOf) {
      std::vector<int64_t> load(ranks, 0);
      for (size_t u = 0; u < unitWork.size(); ++u)
        load[ranksOf[u]] += unitWork[u];
      std::vector<int> rankOfCore(C);
      for (size_t c = 0; c < C; ++c)
        rankOfCore[c] = ranksOf[unitOfCore[c]];
      const std::vector<char> crosses = readOnOtherRanks(net, rankOfCore);
      double bytes = 0;
      for (size_t g = 0; g < net.groups.size(); ++g)
        if (crosses[g])
          bytes += 8.0 * groupMessages[g];
      return static_cast<double>(*std::max_element(load.begin(), load.end())) +
             kWorkPerExchangedByte * bytes;
    };
    const std::vector<int> consecutive = inOrder(unitWork, ranks);
    if (cost(consecutive) < cost(rankOfUnit)) {
      rankOfUnit = consecutive;
      ordered = true;
    }
  }
  CoreSplit split;
  split.ranks = ranks;
  split.rank = rank;
  split.rankOfCore.resize(C);
  split.byChip = byChip;
  split.inOrder = ordered;
  for (size_t c = 0; c < C; ++c)
    split.rankOfCore[c] = rankOfUnit[unitOfCore[c]];
  return split;
}

struct Session::State {
  const Network &net;
  int threads;
  int64_t fed = 0;
  int64_t sequenceLength = -1; // known once finish() starts
  int64_t stepIndex = 0;

  Delivery delivery;
  std::vector<int64_t> zeros; // as long as the largest group's current
  // An fp32 network (Hardware::arithmetic): per group its binary32 kernel,
  // current, output values, bias and threshold (real units). Its messages
  // and last-sent values are binary32 bits in the integer path's arrays.
  bool fp32;
  std::vector<std::unique_ptr<Float32Kernel>> kernels32;
  std::vector<std::vector<float>> current32, out32, bias32;
  std::vector<float> threshold32;
  // Per group.
  std::vector<LaneVector<int32_t>> last;             // payload last sent
  std::vector<std::unique_ptr<GroupKernel>> kernels; // null for inputs
  std::vector<LaneVector<int64_t>> current;          // dendritic sum, this step
  std::vector<std::vector<Route>> routes;
  // Per core: its groups in depth order, and this step's counters.
  std::vector<std::vector<int>> coreGroups;
  std::vector<Counters> coreCounters;
  std::vector<double> coreTime;
  /// Each chip's DRAM bytes in the step (empty without DRAM).
  std::vector<double> chipDramBytes;
  std::vector<GroupActivity> activity;
  Counters lastCounters, totals;
  // The cores this process steps (all of them unless split), and for a
  // split stream each rank's cores and groups, in index order.
  std::vector<int> ownCores;
  StepExchange *exchange = nullptr;
  CoreSplit split;
  std::vector<std::vector<int>> rankCores, rankGroups;
  std::vector<char> isOutput;
  // Per group of a split stream: whether a table on another rank reads its
  // messages (else they need not travel), and an output's values as last
  // exchanged.
  std::vector<char> readElsewhere;
  std::vector<std::vector<int32_t>> lastShared;
  std::vector<Counters> coreTotals; // per core, since reset()
  std::vector<char> sendBuffer, gathered;
  std::vector<int64_t> offsets;
  int64_t exchangedBytes = 0;

  State(const Network &n, int t, CoreSplit s, StepExchange *e)
      : net(n), threads(std::max(1, t)), delivery(n),
        fp32(n.hardware.arithmetic == hw::Arithmetic::FP32), exchange(e),
        split(std::move(s)) {
    if (exchange &&
        split.rankOfCore.size() != static_cast<size_t>(net.cores.size()))
      throw std::invalid_argument("Session: the core split has " +
                                  std::to_string(split.rankOfCore.size()) +
                                  " cores, the network " +
                                  std::to_string(net.cores.size()));
    isOutput.assign(net.groups.size(), 0);
    for (int g : net.outputs)
      isOutput[g] = 1;
    lastShared.resize(net.groups.size());
    coreTotals.resize(net.cores.size());
    if (exchange) {
      rankCores.resize(split.ranks);
      rankGroups.resize(split.ranks);
      for (size_t c = 0; c < net.cores.size(); ++c)
        rankCores.at(split.rankOfCore[c]).push_back(static_cast<int>(c));
      for (size_t g = 0; g < net.groups.size(); ++g)
        if (net.groups[g].core >= 0)
          rankGroups[split.rankOfCore[net.groups[g].core]].push_back(
              static_cast<int>(g));
      ownCores = rankCores[split.rank];
      readElsewhere = readOnOtherRanks(net, split.rankOfCore);
    } else {
      ownCores.resize(net.cores.size());
      std::iota(ownCores.begin(), ownCores.end(), 0);
    }
    const size_t G = net.groups.size();
    last.resize(G);
    for (const NeuronGroup &group : net.groups) {
      if (fp32) {
        if (!group.model->hostInput && !group.model->makeFloat32)
          throw std::invalid_argument(
              "group '" + group.name + "': neuron model '" +
              std::string(group.model->name) + "' has no fp32 kernel");
        kernels32.push_back(group.model->makeFloat32
                                ? group.model->makeFloat32(group)
                                : nullptr);
        current32.emplace_back(group.currentSize());
        out32.emplace_back(group.size);
        std::vector<float> &bias = bias32.emplace_back();
        for (int64_t b : group.bias)
          bias.push_back(real<float>(b, group.frac));
        threshold32.push_back(real<float>(group.threshold, group.frac));
        kernels.push_back(nullptr);
        continue;
      }
      kernels.push_back(group.model->makeKernel
                            ? group.model->makeKernel(group, net.hardware)
                            : nullptr);
    }
    current.resize(G);
    routes.resize(G);
    activity.resize(G);
    coreGroups.resize(net.cores.size());
    coreCounters.resize(net.cores.size());
    coreTime.resize(net.cores.size());
    if (net.hardware.dramBytes > 0)
      chipDramBytes.resize(net.hardware.chips);
    std::vector<int> order(G);
    for (size_t g = 0; g < G; ++g) {
      order[g] = static_cast<int>(g);
      zeros.resize(std::max<size_t>(zeros.size(), net.groups[g].currentSize()));
    }
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
          r.chipHops = net.hardware.chipHops(a.chip, b.chip);
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
      current[g].assign(group.currentSize(), 0);
      if (kernels[g])
        kernels[g]->reset();
      else if (fp32 && kernels32[g])
        kernels32[g] = group.model->makeFloat32(group); // its initial state
    }
    delivery.reset();
    fed = 0;
    sequenceLength = -1;
    stepIndex = 0;
    totals = Counters();
    lastCounters = Counters();
    exchangedBytes = 0;
    for (size_t g = 0; g < net.groups.size(); ++g)
      lastShared[g].assign(isOutput[g] ? net.groups[g].size : 0, 0);
    std::fill(coreTotals.begin(), coreTotals.end(), Counters());
  }

  /// After this rank's updates of step s: sends its cores' counters and
  /// times and its groups' activity, messages and (outputs) values, and
  /// takes in every other rank's.
  void exchangeStep(int64_t s) {
    std::vector<char> &out = sendBuffer;
    out.clear();
    put(out, s);
    for (int c : ownCores) {
      put(out, coreCounters[c]);
      put(out, coreTime[c]);
    }
    for (int g : rankGroups[split.rank]) {
      const Outbox &box = delivery.outboxOf(g, s);
      const int64_t size = net.groups[g].size;
      put(out, activity[g]);
      put(out, box.count);
      if (readElsewhere[g])
        putEntries(out, box.delta.data(), nullptr, size);
      if (isOutput[g]) {
        putEntries(out, last[g].data(), lastShared[g].data(), size);
        std::copy(last[g].begin(), last[g].end(), lastShared[g].begin());
      }
    }
    exchange->allGather(out, gathered, offsets);
    exchangedBytes += static_cast<int64_t>(gathered.size());
    for (int r = 0; r < split.ranks; ++r) {
      if (r == split.rank)
        continue;
      const char *at = gathered.data() + offsets[r];
      const char *end = gathered.data() + offsets[r + 1];
      if (take<int64_t>(at, end) != s)
        throw std::runtime_error("Session: rank " + std::to_string(r) +
                                 " is at another step than rank " +
                                 std::to_string(split.rank));
      for (int c : rankCores[r]) {
        coreCounters[c] = take<Counters>(at, end);
        coreTime[c] = take<double>(at, end);
      }
      for (int g : rankGroups[r]) {
        const int64_t size = net.groups[g].size;
        activity[g] = take<GroupActivity>(at, end);
        const int64_t count = take<int64_t>(at, end);
        // Only messages some table here may read fill the outbox (a group
        // read nowhere but on its own rank sends none, and no table here
        // reads it).
        if (readElsewhere[g]) {
          Outbox &box = delivery.open(g, s);
          // (open() clears a slot that counted messages; a model may leave
          // non-zero entries it did not count, so clear it whatever it
          // held.)
          std::fill(box.delta.begin(), box.delta.end(), 0);
          box.count = count;
          takeEntries(at, end, box.delta.data(), size, r);
        }
        if (isOutput[g])
          takeEntries(at, end, last[g].data(), size, r);
      }
      if (at != end)
        throw std::runtime_error("Session: rank " + std::to_string(r) +
                                 " sent more than its cores and groups");
    }
  }

  /// A payload or last-sent value of group g as a real number: q 2^-frac,
  /// or the binary32 it holds in an fp32 network.
  double valueOf(int g, int32_t v) const {
    return fp32 ? asFloat(v)
                : std::ldexp(static_cast<double>(v), -net.groups[g].frac);
  }

  /// The group's bias, or zeros (a load the neuron loops can vectorize).
  const int64_t *biasOf(int g) const {
    const NeuronGroup &group = net.groups[g];
    return group.bias.empty() ? zeros.data() : group.bias.data();
  }

  SigmaDelta sigmaDelta(const NeuronGroup &group) const {
    return SigmaDelta{group.threshold, fixed::minInt(group.payloadBits),
                      fixed::maxInt(group.payloadBits)};
  }

  /// Group g's dendritic input: its one table's sigma read in place, or
  /// the tables' rescaled sigmas summed into current[g].
  Dendrite dendrites(int g) {
    const NeuronGroup &group = net.groups[g];
    const int64_t *bias = biasOf(g);
    if (group.tables.size() == 1) {
      const int t = group.tables[0];
      return Dendrite{delivery.sum(t), -net.tables[t].exponent, bias};
    }
    int64_t *cur = current[g].data();
    const int64_t inputs = group.currentSize();
    std::fill(cur, cur + inputs, 0);
    for (int t : group.tables) {
      const int shift = -net.tables[t].exponent;
      const int64_t *a = delivery.sum(t);
      for (int64_t i = 0; i < inputs; ++i)
        cur[i] += shiftRound(a[i], shift);
    }
    return Dendrite{cur, 0, bias};
  }

  /// Token index group g processes at step s, or -1 when it is idle.
  int64_t tokenAt(int g, int64_t s) const {
    const int64_t k = s - net.depth[g];
    const int64_t limit = sequenceLength >= 0 ? sequenceLength : fed;
    return k >= 0 && k < limit ? k : -1;
  }

  /// The widths group's updates saturate to.
  Widths widths(const NeuronGroup &group) const {
    const unsigned state = net.hardware.stateBits;
    return Widths{fixed::minInt(state), fixed::maxInt(state),
                  fixed::minInt(group.payloadBits),
                  fixed::maxInt(group.payloadBits)};
  }

  void updateGroup(int g, int64_t s, Counters &c) {
    const NeuronGroup &group = net.groups[g];
    Outbox &out = delivery.open(g, s);
    GroupActivity &act = activity[g];
    act = GroupActivity();
    act.synops = delivery.deliver(g, s, act.dramBytes);
    c.dramBytes += act.dramBytes;
    c.synops += act.synops;
    const int64_t k = tokenAt(g, s);
    if (k < 0) {
      c.neuronUpdatesInactive += group.size;
      return;
    }
    const Update u = fp32 ? stepFP32(g, k, out) : stepFixed(g, k, out);
    out.count = u.sent;
    act.spikes = u.sent;
    act.active = u.active;
    act.events = u.events;
    act.overflows = u.overflows;
    c.neuronUpdatesActive += u.active;
    c.neuronUpdatesInactive += group.size - u.active;
    c.overflows += u.overflows;
    c.spikes += u.sent;
    for (const Route &r : routes[g]) {
      act.messages += u.sent;
      act.hopsX += u.sent * r.hopsX;
      act.hopsY += u.sent * r.hopsY;
      act.chipMessages += r.chipHops ? u.sent : 0;
      act.chipHops += u.sent * r.chipHops;
    }
    c.messages += act.messages;
    c.hopsX += act.hopsX;
    c.hopsY += act.hopsY;
    c.chipMessages += act.chipMessages;
    c.chipHops += act.chipHops;
  }

  /// Group g's integer step for token k (its kernel sends).
  Update stepFixed(int g, int64_t k, Outbox &out) {
    const NeuronGroup &group = net.groups[g];
    const StepContext ctx{dendrites(g),
                          widths(group),
                          sigmaDelta(group),
                          k,
                          sequenceLength,
                          net.hardware.stateBits,
                          last[g].data(),
                          out.delta.data()};
    return kernels[g]->step(ctx);
  }

  /// Group g's binary32 step for token k: the tables' sums in table order
  /// plus the bias, the model's fp32 kernel, then the sends (sigma-delta:
  /// the change since the value last sent when larger than the threshold;
  /// spikes: each non-zero output). A value that is not finite counts as an
  /// overflow and is sent as it is.
  Update stepFP32(int g, int64_t k, Outbox &out) {
    const NeuronGroup &group = net.groups[g];
    float *cur = current32[g].data();
    const int64_t inputs = group.currentSize();
    std::fill(cur, cur + inputs, 0.0f);
    for (int t : group.tables) {
      const float *a = delivery.sum32(t);
      for (int64_t i = 0; i < inputs; ++i)
        cur[i] += a[i];
    }
    for (size_t i = 0; i < bias32[g].size(); ++i)
      cur[i] += bias32[g][i];
    float *y = out32[g].data();
    Update u = kernels32[g]->step(
        cur, k, sequenceLength >= 0 ? sequenceLength : kUnknownLength, y);
    int32_t *lastBits = last[g].data();
    int32_t *delta = out.delta.data();
    const SigmaDelta32 send{threshold32[g]};
    const bool spikes = group.model->encoding == Encoding::Spikes;
    for (int64_t i = 0; i < group.size; ++i) {
      u.overflows += !std::isfinite(y[i]);
      if (spikes) {
        delta[i] = y[i] != 0 ? bitsOf(y[i]) : 0;
        lastBits[i] = delta[i];
      } else {
        delta[i] = send(y[i], lastBits[i]);
      }
      u.sent += delta[i] != 0;
    }
    return u;
  }

  void sendInputs(const float *token, int64_t s) {
    int64_t offset = 0;
    for (int g : net.inputs) {
      const NeuronGroup &group = net.groups[g];
      Outbox &out = delivery.open(g, s);
      activity[g] = GroupActivity();
      if (!token) {
        offset += inputValues(group);
        continue;
      }
      if (group.model->tokenInput) {
        // One-hot: a payload of 1 from the token's neuron (Spikes: the
        // outbox holds this step's payloads only).
        std::fill(out.delta.begin(), out.delta.end(), 0);
        out.delta[tokenId(group, token[offset], fed - 1)] =
            fp32 ? bitsOf(1.0f)
                 : static_cast<int32_t>(int64_t(1) << group.frac);
        out.count = 1;
        activity[g].spikes = 1;
        activity[g].messages = static_cast<int64_t>(routes[g].size());
        lastCounters.spikes += 1;
        lastCounters.inputSpikes += 1;
        lastCounters.messages += activity[g].messages;
        offset += 1;
        continue;
      }
      int32_t *prev = last[g].data();
      int64_t sent = 0, overflows = 0;
      if (fp32) {
        // An fp32 network's host sends its values as they are.
        const SigmaDelta32 send32{threshold32[g]};
        for (int64_t i = 0; i < group.size; ++i) {
          out.delta[i] = send32(token[offset + i], prev[i]);
          sent += out.delta[i] != 0;
        }
      } else {
        const SigmaDelta send = sigmaDelta(group);
        for (int64_t i = 0; i < group.size; ++i) {
          bool over = false;
          const int64_t v = fixed::quantize(
              token[offset + i], {group.payloadBits, group.frac}, &over);
          overflows += over;
          out.delta[i] = send(v, prev[i], sent, overflows);
        }
      }
      out.count = sent;
      activity[g].spikes = sent;
      activity[g].overflows = overflows;
      lastCounters.overflows += overflows;
      lastCounters.spikes += sent;
      lastCounters.inputSpikes += sent;
      // Host messages enter the mesh at their destination cores.
      activity[g].messages = sent * static_cast<int64_t>(routes[g].size());
      lastCounters.messages += activity[g].messages;
      offset += group.size;
    }
  }
};

Session::Session(const Network &network, int threads) {
  if (network.depth.size() != network.groups.size())
    throw std::invalid_argument("Session: the network was not validated");
  state = std::make_unique<State>(network, threads, CoreSplit(), nullptr);
}

Session::Session(const Network &network, int threads, CoreSplit split,
                 StepExchange &exchange) {
  if (network.depth.size() != network.groups.size())
    throw std::invalid_argument("Session: the network was not validated");
  state = std::make_unique<State>(network, threads, std::move(split),
                                  &exchange);
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
  const int64_t nOwn = static_cast<int64_t>(st.ownCores.size());
  auto runCore = [&](int64_t c) {
    Counters &cc = st.coreCounters[c];
    cc = Counters();
    for (int g : st.coreGroups[c])
      st.updateGroup(g, s, cc);
    st.coreTime[c] = coreTimeNS(hw.timeNS, cc);
  };
  if (st.threads > 1 && nOwn > 1) {
    // Each core reads only messages of earlier steps and writes only its
    // own state, so the schedule cannot change any result.
#pragma omp parallel for num_threads(st.threads) schedule(static)
    for (int64_t k = 0; k < nOwn; ++k)
      runCore(st.ownCores[k]);
  } else {
    for (int64_t k = 0; k < nOwn; ++k)
      runCore(st.ownCores[k]);
  }
  if (st.exchange)
    st.exchangeStep(s);
  // Reduce in core order; the step takes as long as the slowest core, the
  // longest route this step and the barrier.
  Counters &step = st.lastCounters;
  double slowest = 0;
  const bool dram = hw.dramBytes > 0;
  if (dram)
    std::fill(st.chipDramBytes.begin(), st.chipDramBytes.end(), 0.0);
  for (int64_t c = 0; c < nCores; ++c) {
    step.add(st.coreCounters[c]);
    st.coreTotals[c].add(st.coreCounters[c]);
    slowest = std::max(slowest, st.coreTime[c]);
    if (dram)
      st.chipDramBytes[net.cores[c].chip] += st.coreCounters[c].dramBytes;
  }
  // Each chip's DRAM serves its cores' reads at its bandwidth.
  double dramTime = 0;
  for (double bytes : st.chipDramBytes)
    dramTime = std::max(dramTime, dramTimeNS(hw.timeNS, bytes));
  double route = 0, routeChips = 0;
  for (size_t g = 0; g < net.groups.size(); ++g)
    if (st.activity[g].spikes)
      for (const Route &r : st.routes[g])
        if (const double t =
                routeTimeNS(hw.timeNS, r.hopsX, r.hopsY, r.chipHops);
            t > route) {
          route = t;
          routeChips = r.chipHops * hw.timeNS.chipHop;
        }
  costStep(hw, slowest, dramTime, route, step);
  step.chipTimeNS = routeChips;
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
  for (int g : state->net.outputs)
    for (int32_t v : state->last[g])
      y.push_back(state->valueOf(g, v));
  return y;
}

int64_t Session::groupToken(int g) const {
  return state->stepIndex > 0 ? state->tokenAt(g, state->stepIndex - 1) : -1;
}

std::vector<double> Session::groupValues(int g) const {
  const NeuronGroup &group = state->net.groups.at(g);
  std::vector<double> values(group.size, 0.0);
  if (group.model->encoding == Encoding::Spikes) {
    if (state->stepIndex == 0)
      return values;
    const Outbox &out =
        state->delivery.outboxOf(g, state->stepIndex - 1);
    for (int64_t i = 0; i < group.size; ++i)
      values[i] = state->valueOf(g, out.delta[i]);
    return values;
  }
  for (int64_t i = 0; i < group.size; ++i)
    values[i] = state->valueOf(g, state->last[g][i]);
  return values;
}

std::vector<uint8_t> Session::groupSent(int g) const {
  const NeuronGroup &group = state->net.groups.at(g);
  std::vector<uint8_t> sent(group.size, 0);
  if (state->stepIndex == 0)
    return sent;
  const Outbox &out =
      state->delivery.outboxOf(g, state->stepIndex - 1);
  for (int64_t i = 0; i < group.size; ++i)
    sent[i] = out.delta[i] != 0;
  return sent;
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
int64_t Session::exchangedBytes() const { return state->exchangedBytes; }
const std::vector<Counters> &Session::coreTotals() const {
  return state->coreTotals;
}
