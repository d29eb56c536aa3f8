//===- SpiNNaker2.cpp - the spinnaker2 target -----------------------------===//
//
// SpiNNaker 2 processing elements (hardware/spinnaker2.json,
// docs/spinnaker2.md): a chip of the core-graph targets (CoreGraph.h). A
// PE is a core: its neuron groups and the synapse tables that feed them in
// its SRAM, its graded spikes multicast packets on the NoC; the int8 path
// (8-bit weights, fixed-point states) at the PE cycle counts and energies
// of the description.
//
//===----------------------------------------------------------------------===//

#include "CoreGraph.h"

#include "../TargetSupport.h"

const ssm::driver::Target &ssm::driver::spinnaker2Target() {
  static const std::unique_ptr<Target> target = makeChipTarget(
      {"spinnaker2", "SpiNNaker 2 PEs on the event-driven runtime (int8 "
                     "weights, fixed point; SpiNNaker 2 cost estimate)"});
  return *target;
}
