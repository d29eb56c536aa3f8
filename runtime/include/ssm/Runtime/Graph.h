//===- Graph.h - order and cycles of a small directed graph -----*- C++ -*-===//
//
// The one topological sort of ssmc's MLIR-free code (Boost.Graph), used by
// the event runtime's network validation (pipeline depths), the nc passes
// (delays, placement order) and convert-ssm-to-neurocore's placement. Both
// graphs carry recurrent edges: a group's table into itself, or between
// the parts of a recurrent group split over several cores
// (nc-split-groups). Every edge inside a strongly connected component is
// recurrent: it delivers the previous token and orders nothing.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_GRAPH_H
#define SSM_RUNTIME_GRAPH_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace ssm::rt {

/// The strongly connected component of each of `count` vertices under
/// `edges` (from, to), numbered from 0: an edge between two vertices of one
/// component (a self-loop included) closes a cycle and is recurrent.
/// Vertices must be in [0, count).
std::vector<int>
recurrentComponents(size_t count, const std::vector<std::pair<int, int>> &edges);

/// Two vertices of one component that lie at different `depth`s (the
/// component's first vertex and the first that differs from it, by index),
/// or std::nullopt when each component lies at one depth: the groups of a
/// cycle read each other's previous token, so they must take the same
/// token at each step (the runtime's validation and nc-insert-delays).
std::optional<std::pair<int, int>>
componentAtTwoDepths(const std::vector<int> &component,
                     const std::vector<int64_t> &depth);

/// The `count` vertices in topological order of the edges between
/// components (recurrent edges ignored), level by level: a vertex's level
/// is the length of the longest path to its component from a component
/// without incoming edges, and vertices of one level keep their index
/// order (the parts of a split group stay together).
std::vector<int>
topologicalOrder(size_t count, const std::vector<std::pair<int, int>> &edges);

} // namespace ssm::rt

#endif // SSM_RUNTIME_GRAPH_H
