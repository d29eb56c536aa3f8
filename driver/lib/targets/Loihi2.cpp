//===- Loihi2.cpp - the loihi2 target -------------------------------------===//
//
// Intel Loihi 2 neurocores (hardware/loihi2.json, docs/cost-model.md): a
// chip of the core-graph targets (CoreGraph.h).
//
//===----------------------------------------------------------------------===//

#include "CoreGraph.h"

#include "../TargetSupport.h"

const ssm::driver::Target &ssm::driver::loihi2Target() {
  static const std::unique_ptr<Target> target = makeChipTarget(
      {"loihi2", "the event-driven neurocore runtime (fixed point, Loihi 2 "
                 "cost estimate)"});
  return *target;
}
