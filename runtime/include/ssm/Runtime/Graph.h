//===- Graph.h - topological order of a small directed graph ----*- C++ -*-===//
//
// The one topological sort of ssmc's MLIR-free code (Boost.Graph), used by
// the event runtime's network validation (pipeline depths) and by
// convert-ssm-to-neurocore's placement (the order it places groups in).
// Both graphs carry recurrent self-loops (a group's table into itself),
// which deliver the previous token and order nothing, so they are ignored.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_GRAPH_H
#define SSM_RUNTIME_GRAPH_H

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace ssm::rt {

/// The `count` vertices in topological order of `edges` (from, to), with
/// self-loops ignored, level by level: a vertex's level is the length of the
/// longest path to it from a vertex without incoming edges, and vertices of
/// one level keep their index order (the parts of a split group stay
/// together). std::nullopt when the edges have a cycle through several
/// vertices. Vertices must be in [0, count).
std::optional<std::vector<int>>
topologicalOrder(size_t count, const std::vector<std::pair<int, int>> &edges);

} // namespace ssm::rt

#endif // SSM_RUNTIME_GRAPH_H
