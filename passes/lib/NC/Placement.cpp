//===- Placement.cpp - mapping neuron groups onto a core mesh -------------===//

#include "Placement.h"

#include "ssm/Runtime/Graph.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <sstream>

using namespace ssm::placement;

namespace {
/// Items in topological order of the traffic graph, level by level (the
/// parts of a split group share a level and keep their given order; a
/// cycle's items share one).
std::vector<int> topologicalOrder(size_t count,
                                  const std::vector<Traffic> &traffic) {
  std::vector<std::pair<int, int>> edges;
  for (const Traffic &t : traffic)
    edges.emplace_back(t.from, t.to);
  return ssm::rt::topologicalOrder(count, edges);
}
} // namespace

std::optional<Placement>
ssm::placement::place(const std::vector<Item> &items,
                      const std::vector<Traffic> &traffic, const Mesh &mesh,
                      std::string &error, int *failedItem) {
  const int64_t available = mesh.chips * mesh.x * mesh.y;
  const std::vector<int> order = topologicalOrder(items.size(), traffic);
  Placement result;
  result.coreOf.assign(items.size(), -1);

  // Cores: one item each while they last (the most parallel mapping: a
  // step takes as long as its slowest core), else first-fit packing.
  const bool pack = static_cast<int64_t>(items.size()) > available;
  std::vector<int64_t> neurons, bytes;
  for (int item : order) {
    const Item &it = items[item];
    int core = -1;
    if (pack)
      for (size_t c = 0; c < neurons.size() && core < 0; ++c)
        if (neurons[c] + it.neurons <= mesh.neuronsPerCore &&
            bytes[c] + it.synapseBytes <= mesh.synapseBytesPerCore)
          core = static_cast<int>(c);
    if (core < 0) {
      if (static_cast<int64_t>(neurons.size()) == available) {
        // Name the resource that ran out: a core with room for the
        // neurons but not the synapses is a synapse-memory failure.
        int64_t usedNeurons = 0, freeNeurons = 0, freeBytes = 0;
        bool neuronsFit = false;
        for (size_t c = 0; c < neurons.size(); ++c) {
          usedNeurons += neurons[c];
          freeNeurons = std::max(freeNeurons, mesh.neuronsPerCore - neurons[c]);
          freeBytes = std::max(freeBytes, mesh.synapseBytesPerCore - bytes[c]);
          neuronsFit |= neurons[c] + it.neurons <= mesh.neuronsPerCore;
        }
        std::ostringstream os;
        os << "the model does not fit " << mesh.name << ": '" << it.name
           << "' needs a core (" << it.neurons << " neurons, "
           << it.synapseBytes << " bytes of synapses), but all " << available
           << " cores are in use (" << usedNeurons << " of "
           << available * mesh.neuronsPerCore << " neurons placed) and ";
        if (neuronsFit)
          os << "synapse memory ran out: the most any core has left is "
             << freeBytes << " bytes";
        else
          os << "neurons ran out: the most any core has left is " << freeNeurons
             << " neurons";
        os << "; use more chips (--chips) or a hardware description with "
              "more cores (--hw)";
        error = os.str();
        if (failedItem)
          *failedItem = item;
        return std::nullopt;
      }
      core = static_cast<int>(neurons.size());
      neurons.push_back(0);
      bytes.push_back(0);
    }
    neurons[core] += it.neurons;
    bytes[core] += it.synapseBytes;
    result.coreOf[item] = core;
  }

  // Traffic between cores.
  const size_t cores = neurons.size();
  std::map<std::pair<int, int>, double> coreTraffic;
  for (const Traffic &t : traffic) {
    const int a = result.coreOf[t.from], b = result.coreOf[t.to];
    if (a != b)
      coreTraffic[{std::min(a, b), std::max(a, b)}] += t.weight;
  }
  std::vector<std::vector<std::pair<int, double>>> neighbours(cores);
  for (const auto &[pair, weight] : coreTraffic) {
    neighbours[pair.first].push_back({pair.second, weight});
    neighbours[pair.second].push_back({pair.first, weight});
  }
  // Chips: greedy graph growing over the cores, in core order.
  const int64_t perChip = mesh.x * mesh.y;
  std::vector<int64_t> chipOf(cores, 0);
  if (mesh.chips > 1) {
    std::vector<bool> assigned(cores, false);
    std::vector<double> affinity(cores, 0.0); // traffic to the current chip
    int64_t chip = 0, filled = 0;
    for (size_t n = 0; n < cores; ++n) {
      if (filled == perChip) {
        ++chip;
        filled = 0;
        std::fill(affinity.begin(), affinity.end(), 0.0);
      }
      int best = -1;
      for (size_t c = 0; c < cores; ++c)
        if (!assigned[c] && (best < 0 || affinity[c] > affinity[best]))
          best = static_cast<int>(c);
      assigned[best] = true;
      chipOf[best] = chip;
      ++filled;
      for (const auto &[other, weight] : neighbours[best])
        affinity[other] += weight;
    }
  }
  // Positions: within each core's chip, greedy in core order.
  std::vector<bool> taken(static_cast<size_t>(available), false);
  auto positionOf = [&](int64_t slot) -> std::array<int64_t, 3> {
    const int64_t chip = slot / perChip, within = slot % perChip;
    return {chip, within % mesh.x, within / mesh.x};
  };
  result.positions.resize(cores);
  std::vector<bool> placed(cores, false);
  for (size_t c = 0; c < cores; ++c) {
    int64_t best = -1;
    double bestCost = std::numeric_limits<double>::infinity();
    for (int64_t slot = chipOf[c] * perChip; slot < (chipOf[c] + 1) * perChip;
         ++slot) {
      if (taken[slot])
        continue;
      const std::array<int64_t, 3> p = positionOf(slot);
      double cost = 0;
      for (const auto &[other, weight] : neighbours[c]) {
        if (!placed[other] || chipOf[other] != chipOf[c])
          continue;
        const std::array<int64_t, 3> &q = result.positions[other];
        cost += weight * static_cast<double>(std::abs(p[1] - q[1]) +
                                             std::abs(p[2] - q[2]));
      }
      if (cost < bestCost) {
        bestCost = cost;
        best = slot;
      }
    }
    taken[best] = true;
    placed[c] = true;
    result.positions[c] = positionOf(best);
  }
  return result;
}
