//===- InsertDelays.cpp - line up every group's inputs on one token -------===//
//
// nc-insert-delays (Passes.td has the contract).
//
//===----------------------------------------------------------------------===//

#include "NetworkGraph.h"

#include "ssm/Runtime/Graph.h"

#include "ssm/NC/Passes.h"

#include <algorithm>

namespace ssm::nc {
#define GEN_PASS_DEF_NCINSERTDELAYS
#include "ssm/NC/Passes.h.inc"
} // namespace ssm::nc

using namespace mlir;
using namespace ssm::nc;

namespace {

struct InsertDelaysPass : ssm::nc::impl::NCInsertDelaysBase<InsertDelaysPass> {
  void runOnOperation() override {
    NetworkOp network = getOperation();
    FailureOr<HardwareLimits> limits = network.readLimits();
    if (failed(limits))
      return signalPassFailure();
    NetworkGraph graph(network);
    std::vector<int64_t> depth(graph.groups().size(), 0);
    for (int g : graph.topologicalOrder()) {
      Operation *group = graph.groups()[g];
      // The depth of each table's sources; all inputs of one table share
      // its delay, so they must lie at one depth.
      SmallVector<std::pair<SynapsesOp, int64_t>> feeds;
      for (SynapsesOp table : graph.tablesOf(g)) {
        if (graph.isRecurrent(table, g))
          continue; // the previous token; sets no depth
        std::optional<int64_t> sourceDepth;
        for (int source : graph.sourcesOf(table)) {
          if (sourceDepth && *sourceDepth != depth[source]) {
            table.emitOpError()
                << "reads groups at pipeline depths " << *sourceDepth << " and "
                << depth[source] << "; one delay cannot line them up";
            return signalPassFailure();
          }
          sourceDepth = depth[source];
        }
        if (!sourceDepth)
          continue; // reads nothing
        feeds.push_back({table, *sourceDepth});
        depth[g] = std::max(depth[g], *sourceDepth + 1);
      }
      for (auto [table, sourceDepth] : feeds) {
        const int64_t delay = depth[g] - sourceDepth - 1;
        if (delay > limits->maxDelay) {
          group->emitOpError()
              << "needs a synaptic delay of " << delay << " steps to line "
              << "up its inputs, more than " << limits->name << "'s "
              << limits->maxDelay;
          return signalPassFailure();
        }
        table.setDelay(static_cast<uint64_t>(delay));
      }
    }
    if (std::optional<std::pair<int, int>> pair =
            ssm::rt::componentAtTwoDepths(graph.components(), depth)) {
      auto [a, b] = *pair;
      network.emitOpError()
          << "groups @" << groupName(graph.groups()[a]) << " and @"
          << groupName(graph.groups()[b])
          << " read each other (recurrent tables) but lie at pipeline "
             "depths "
          << depth[a] << " and " << depth[b]
          << "; the groups of a cycle must take the same token";
      return signalPassFailure();
    }
  }
};

} // namespace
