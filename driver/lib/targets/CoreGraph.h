//===- CoreGraph.h - the targets that run a placed core graph ---*- C++ -*-===//
//
// loihi2 and spinnaker2 compile a model the same way (PTQ, lowering to
// neuron groups and synapse tables, splitting and placement on the chip's
// cores: ChipCompile.h) and run it on the same event runtime; what makes
// them two chips is their hardware description (limits, per-operation
// costs; hardware/NAME.json, built in) and the name a compiled network
// carries. CoreGraph.cpp is the shared target; each chip's file gives its
// Chip.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_LIB_TARGETS_COREGRAPH_H
#define SSM_DRIVER_LIB_TARGETS_COREGRAPH_H

#include "ssm/Driver/Target.h"

#include "llvm/ADT/StringRef.h"

#include <memory>

namespace ssm::driver {

/// One chip of the core-graph targets.
struct Chip {
  /// `--target=NAME`, the `target` of its hardware descriptions
  /// (rt::hw::kChipTargets) and of the networks compiled for it; its
  /// built-in description is hardware/NAME.json.
  llvm::StringLiteral name;
  /// One line for --help.
  llvm::StringLiteral summary;
};

/// The target that compiles for `chip` and runs its networks.
std::unique_ptr<Target> makeChipTarget(const Chip &chip);

} // namespace ssm::driver

#endif // SSM_DRIVER_LIB_TARGETS_COREGRAPH_H
