//===- NetworkValidation.cpp - what a loadable network is -----------------===//
//
// Network::validate (Neurocore.h): every index, size, width and delay
// against the hardware, each neuron model's own checks (NeuronModel.h),
// one encoding per table, and the pipeline depths. The same checks for a
// network from nc, from a network file or built in code.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/FixedPoint.h"
#include "ssm/Runtime/Graph.h"
#include "ssm/Runtime/HardwareRanges.h"
#include "ssm/Runtime/Neurocore.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

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
      {"max_delay", hw.maxDelay},
      {"dram_bytes", hw.dramBytes}};
  for (auto [key, value] : fields) {
    const hw::IntegerRange &range = hw::integerRange(key);
    if (!range.contains(value))
      invalid(fmt::format("hardware '{}': {} is {}, outside [{}, {}]", hw.name,
                          key, value, range.min, range.max));
  }
  if (!hw::isChipTarget(hw.target))
    invalid(fmt::format("hardware '{}': target '{}' is not a chip ssmc "
                        "knows ({})",
                        hw.name, hw.target, hw::chipTargetNames()));
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
  if (std::string problem =
          hw::chipMeshProblem(hw.chips, hw.chipMeshX, hw.chipMeshY);
      !problem.empty())
    invalid(fmt::format("hardware '{}': {}", hw.name, problem));
  for (auto [table, costs] : {std::pair{"energy_pj", &hw.energyPJ},
                              std::pair{"time_ns", &hw.timeNS}})
    for (const CostField &f : kCostFields)
      if (!hw::isValidCost(costs->*f.field))
        invalid(fmt::format("hardware '{}': cost {}.{} is {}, outside [0, {}]",
                            hw.name, table, f.key, costs->*f.field,
                            hw::kMaxCost));
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
      invalid(fmt::format("{}: sets an option model '{}' does not have", where,
                          model.name));
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
  int64_t dramUsed = 0;
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
                            where, groups[s.group].name, groups[s.group].size,
                            s.size));
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
    if (table.dram && hw.dramBytes == 0)
      invalid(fmt::format("{}: stored in DRAM, but hardware '{}' has none",
                          where, hw.name));
    if (table.dram)
      dramUsed += table.bytes(hw.storedWeightBits());
    target.tables.push_back(static_cast<int>(t));
  }
  if (dramUsed > hw.dramBytes && hw.dramBytes > 0)
    invalid(fmt::format("the tables in DRAM need {} bytes, more than the {} "
                        "of {}",
                        dramUsed, hw.dramBytes, hw.name));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i] < 0 || inputs[i] >= nGroups ||
        !groups[inputs[i]].model->hostInput)
      invalid(fmt::format("input {} is not an input group", i));
  for (int g : outputs)
    if (g < 0 || g >= nGroups)
      invalid("an output names a neuron group that does not exist");
  if (inputs.empty() || outputs.empty())
    invalid("a network needs at least one input and one output");

  // Pipeline depths in topological order of the forward edges (a table
  // within a cycle, a group's into itself or between the parts of a split
  // recurrent group, is recurrent: it delivers the previous token).
  std::vector<std::pair<int, int>> edges;
  for (const SynapseTable &table : tables)
    for (const TableSource &s : table.sources)
      edges.emplace_back(s.group, table.target);
  component = recurrentComponents(groups.size(), edges);
  depth.assign(groups.size(), 0);
  maxDepth = 0;
  for (int v : topologicalOrder(groups.size(), edges)) {
    NeuronGroup &g = groups[v];
    int64_t d = -1;
    std::string first;
    for (int t : g.tables) {
      for (const TableSource &s : tables[t].sources) {
        if (component[s.group] == component[v])
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
  if (std::optional<std::pair<int, int>> pair =
          componentAtTwoDepths(component, depth))
    invalid(fmt::format("neuron groups '{}' and '{}' read each other "
                        "(recurrent tables) but lie at pipeline depths {} "
                        "and {}; the groups of a cycle must take the same "
                        "token",
                        groups[pair->first].name, groups[pair->second].name,
                        depth[pair->first], depth[pair->second]));
}
