//===- CostModel.cpp - the cost model per token ---------------------------===//
//
// Per token, from counters summed over steps; per step in CostModel.h.
//
//===----------------------------------------------------------------------===//

#include "CostModel.h"

using namespace ssm::rt::neuro;

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
  if (totals.energyPJ > 0)
    cost.interChipEnergyShare =
        totals.chipHops * hw.energyPJ.chipHop / totals.energyPJ;
  if (totals.timeNS > 0)
    cost.interChipLatencyShare = totals.chipTimeNS / totals.timeNS;
  if (totals.energyPJ > 0)
    cost.dramEnergyShare = totals.dramBytes * hw.energyPJ.dramByte /
                           totals.energyPJ;
  if (totals.timeNS > 0)
    cost.dramLatencyShare = totals.dramTimeNS / totals.timeNS;
  return cost;
}

double ssm::rt::neuro::groupEnergyPJ(const Hardware &hw,
                                     const NeuronGroup &group,
                                     const GroupActivity &a) {
  // The group's share of a step's counters (a host input updates no
  // neurons).
  Counters c;
  c.synops = a.synops;
  if (!group.model->hostInput) {
    c.neuronUpdatesActive = a.active;
    c.neuronUpdatesInactive = group.size - a.active;
  }
  c.messages = a.messages;
  c.hopsX = a.hopsX;
  c.hopsY = a.hopsY;
  c.chipHops = a.chipHops;
  c.dramBytes = a.dramBytes;
  return operationsEnergyPJ(hw.energyPJ, c);
}
