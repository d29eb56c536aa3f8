//===- Placement.h - mapping neuron groups onto a core mesh -----*- C++ -*-===//
//
// What nc-place computes, free of MLIR so it can be read (and tested) on
// its own. docs/loihi2-compile.md describes the
// algorithm.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_NC_PLACEMENT_H
#define SSM_NC_PLACEMENT_H

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssm::placement {

/// One neuron group (or part of one) that needs a place on a core.
struct Item {
  std::string name;
  int64_t neurons = 0;
  int64_t synapseBytes = 0;
};

/// Messages per step (an upper bound: the source's size) from one item to
/// another.
struct Traffic {
  int from = 0, to = 0;
  double weight = 0;
};

struct Mesh {
  std::string name;
  int64_t chips = 1, x = 1, y = 1;
  int64_t neuronsPerCore = 0, synapseBytesPerCore = 0;
};

struct Placement {
  std::vector<int> coreOf;                       // per item
  std::vector<std::array<int64_t, 3>> positions; // per core: chip, x, y
};

/// Places `items` (each must fit one core) on the mesh: items in topological
/// order of the traffic graph, one per core while cores last, otherwise
/// packed first-fit in that order. On several chips the cores are then
/// split into chips by greedy graph growing (each chip, in order, takes the
/// core with the most traffic to the cores it already holds, the first
/// core left when none has any), which keeps tightly connected cores on
/// one chip: inter-chip traffic is cut first. Then each core, in order, at
/// the free position of its chip with the least traffic-weighted Manhattan
/// distance to the cores of that chip placed before it (mesh hops second). Returns std::nullopt when the mesh is full, with
/// `error` naming the item, what it needs and what is left, and
/// `failedItem` (when given) its index.
std::optional<Placement> place(const std::vector<Item> &items,
                               const std::vector<Traffic> &traffic,
                               const Mesh &mesh, std::string &error,
                               int *failedItem = nullptr);

} // namespace ssm::placement

#endif // SSM_NC_PLACEMENT_H
