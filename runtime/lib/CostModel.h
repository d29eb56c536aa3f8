//===- CostModel.h - the event runtime's cost model, per step ---*- C++ -*-===//
//
// What a step costs (docs/cost-model.md gives the model and the sources of
// its numbers): a core's time is its work at the per-operation times, the
// step takes as long as the slowest core plus the longest route that
// carried a message plus the barrier, and its dynamic energy is every
// counted operation at its energy. Per token (static power included) in
// estimateCost (Neurocore.h, CostModel.cpp). Inline: Session.cpp evaluates
// these in its own translation unit, every step.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_LIB_COSTMODEL_H
#define SSM_RUNTIME_LIB_COSTMODEL_H

#include "ssm/Runtime/Neurocore.h"

#include <algorithm>

namespace ssm::rt::neuro {

/// Time (ns) of one core's work in a step, from that core's counters.
inline double coreTimeNS(const OpCosts &t, const Counters &core) {
  return core.synops * t.synop + core.neuronUpdatesActive * t.neuronActive +
         core.neuronUpdatesInactive * t.neuronInactive +
         core.messages * t.message;
}

/// Time (ns) a chip's DRAM takes to read `bytes` (its bandwidth).
inline double dramTimeNS(const OpCosts &t, double bytes) {
  return bytes * t.dramByte;
}

/// Time (ns) of a route of `hopsX` east-west and `hopsY` north-south hops
/// that crosses `chipHops` chip-to-chip links.
inline double routeTimeNS(const OpCosts &t, int64_t hopsX, int64_t hopsY,
                          int64_t chipHops) {
  return hopsX * t.hopX + hopsY * t.hopY + chipHops * t.chipHop;
}

/// The dynamic energy (pJ) of the operations `c` counts, each at its
/// energy: synaptic operations, neuron updates (active and swept),
/// messages, mesh hops, chip-to-chip links crossed and bytes read from
/// DRAM (the barrier apart).
inline double operationsEnergyPJ(const OpCosts &e, const Counters &c) {
  return c.synops * e.synop + c.neuronUpdatesActive * e.neuronActive +
         c.neuronUpdatesInactive * e.neuronInactive + c.messages * e.message +
         c.hopsX * e.hopX + c.hopsY * e.hopY + c.chipHops * e.chipHop +
         c.dramBytes * e.dramByte;
}

/// Completes a step's counters (summed over cores) with its time and
/// dynamic energy, given its slowest core, its busiest chip's DRAM time
/// (the cores wait for their synapses: the step computes for the longer
/// of the two) and its longest route.
inline void costStep(const Hardware &hw, double slowestCoreNS, double dramNS,
                     double routeNS, Counters &step) {
  step.steps = 1;
  const double computeNS = std::max(slowestCoreNS, dramNS);
  step.timeNS = computeNS + routeNS + hw.timeNS.barrier;
  step.dramTimeNS = computeNS - slowestCoreNS;
  step.energyPJ = operationsEnergyPJ(hw.energyPJ, step) + hw.energyPJ.barrier;
}

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_LIB_COSTMODEL_H
