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
//===----------------------------------------------------------------------===//

#include "CostModel.h"
#include "Delivery.h"
#include "NeuronKernel.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

using namespace ssm::rt;
using namespace ssm::rt::neuro;
using fixed::shiftRound;
namespace {
/// A destination core of a group's messages and the route's length.
struct Route {
  int64_t hopsX = 0, hopsY = 0, chipHops = 0;
};
} // namespace

struct Session::State {
  const Network &net;
  int threads;
  int64_t fed = 0;
  int64_t sequenceLength = -1; // known once finish() starts
  int64_t stepIndex = 0;

  Delivery delivery;
  std::vector<int64_t> zeros; // as long as the largest group's current
  // Per group.
  std::vector<LaneVector<int32_t>> last;             // payload last sent
  std::vector<std::unique_ptr<GroupKernel>> kernels; // null for inputs
  std::vector<LaneVector<int64_t>> current;          // dendritic sum, this step
  std::vector<std::vector<Route>> routes;
  // Per core: its groups in depth order, and this step's counters.
  std::vector<std::vector<int>> coreGroups;
  std::vector<Counters> coreCounters;
  std::vector<double> coreTime;
  std::vector<GroupActivity> activity;
  Counters lastCounters, totals;

  State(const Network &n, int t)
      : net(n), threads(std::max(1, t)), delivery(n) {
    const size_t G = net.groups.size();
    last.resize(G);
    for (const NeuronGroup &group : net.groups)
      kernels.push_back(group.model->makeKernel
                            ? group.model->makeKernel(group, net.hardware)
                            : nullptr);
    current.resize(G);
    routes.resize(G);
    activity.resize(G);
    coreGroups.resize(net.cores.size());
    coreCounters.resize(net.cores.size());
    coreTime.resize(net.cores.size());
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
    }
    delivery.reset();
    fed = 0;
    sequenceLength = -1;
    stepIndex = 0;
    totals = Counters();
    lastCounters = Counters();
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
    act.synops = delivery.deliver(g, s);
    c.synops += act.synops;
    const int64_t k = tokenAt(g, s);
    if (k < 0) {
      c.neuronUpdatesInactive += group.size;
      return;
    }
    const StepContext ctx{dendrites(g),
                          widths(group),
                          sigmaDelta(group),
                          k,
                          sequenceLength,
                          net.hardware.stateBits,
                          last[g].data(),
                          out.delta.data()};
    const Update u = kernels[g]->step(ctx);
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
            static_cast<int32_t>(int64_t(1) << group.frac);
        out.count = 1;
        activity[g].spikes = 1;
        activity[g].messages = static_cast<int64_t>(routes[g].size());
        lastCounters.spikes += 1;
        lastCounters.inputSpikes += 1;
        lastCounters.messages += activity[g].messages;
        offset += 1;
        continue;
      }
      const SigmaDelta send = sigmaDelta(group);
      int32_t *prev = last[g].data();
      int64_t sent = 0, overflows = 0;
      for (int64_t i = 0; i < group.size; ++i) {
        bool over = false;
        const int64_t v = fixed::quantize(token[offset + i],
                                          {group.payloadBits, group.frac}, &over);
        overflows += over;
        out.delta[i] = send(v, prev[i], sent, overflows);
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
  state = std::make_unique<State>(network, threads);
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
    st.coreTime[c] = coreTimeNS(hw.timeNS, cc);
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
  costStep(hw, slowest, route, step);
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
  for (int g : state->net.outputs) {
    const NeuronGroup &group = state->net.groups[g];
    for (int32_t v : state->last[g])
      y.push_back(std::ldexp(static_cast<double>(v), -group.frac));
  }
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
      values[i] = std::ldexp(static_cast<double>(out.delta[i]), -group.frac);
    return values;
  }
  for (int64_t i = 0; i < group.size; ++i)
    values[i] =
        std::ldexp(static_cast<double>(state->last[g][i]), -group.frac);
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
