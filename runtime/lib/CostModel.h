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

namespace ssm::rt::neuro {

/// Time (ns) of one core's work in a step, from that core's counters.
inline double coreTimeNS(const OpCosts &t, const Counters &core) {
  return core.synops * t.synop + core.neuronUpdatesActive * t.neuronActive +
         core.neuronUpdatesInactive * t.neuronInactive +
         core.messages * t.message;
}

/// Time (ns) of a route of `hopsX` east-west and `hopsY` north-south hops
/// that crosses `chipHops` chip-to-chip links.
inline double routeTimeNS(const OpCosts &t, int64_t hopsX, int64_t hopsY,
                          int64_t chipHops) {
  return hopsX * t.hopX + hopsY * t.hopY + chipHops * t.chipHop;
}

/// The dynamic energy (pJ) of the operations `c` counts, each at its
/// energy: synaptic operations, neuron updates (active and swept),
/// messages, mesh hops and chip-to-chip links crossed (the barrier apart).
inline double operationsEnergyPJ(const OpCosts &e, const Counters &c) {
  return c.synops * e.synop + c.neuronUpdatesActive * e.neuronActive +
         c.neuronUpdatesInactive * e.neuronInactive + c.messages * e.message +
         c.hopsX * e.hopX + c.hopsY * e.hopY + c.chipHops * e.chipHop;
}

/// Completes a step's counters (summed over cores) with its time and
/// dynamic energy, given its slowest core and longest route.
inline void costStep(const Hardware &hw, double slowestCoreNS, double routeNS,
                     Counters &step) {
  step.steps = 1;
  step.timeNS = slowestCoreNS + routeNS + hw.timeNS.barrier;
  step.energyPJ = operationsEnergyPJ(hw.energyPJ, step) + hw.energyPJ.barrier;
}

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_LIB_COSTMODEL_H
