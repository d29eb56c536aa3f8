//===- NetworkGraph.cpp - the group graph of an nc.network ----------------===//

#include "NetworkGraph.h"

#include "ssm/Runtime/Graph.h"

#include <algorithm>

using namespace mlir;
using namespace ssm;
using namespace ssm::nc;

NetworkGraph::NetworkGraph(NetworkOp network) {
  for (Operation &op : network.getBody().front())
    if (isa<InputOp, NeuronsOp>(op)) {
      index[op.getResult(0)] = static_cast<int>(nodes.size());
      nodes.push_back(&op);
    }
  component = rt::recurrentComponents(nodes.size(), edges());
}

SmallVector<SynapsesOp> NetworkGraph::tablesOf(int g) const {
  SmallVector<SynapsesOp> tables;
  if (auto group = dyn_cast<NeuronsOp>(nodes[g]))
    for (Value input : group.getInputs())
      if (auto table = input.getDefiningOp<SynapsesOp>())
        tables.push_back(table);
  return tables;
}

SmallVector<int> NetworkGraph::sourcesOf(SynapsesOp table) const {
  SmallVector<int> sources;
  for (Value input : table.getInputs())
    sources.push_back(groupOf(input));
  return sources;
}

bool NetworkGraph::isRecurrent(SynapsesOp table, int g) const {
  return llvm::any_of(sourcesOf(table), [&](int source) {
    return source >= 0 && component[source] == component[g];
  });
}

std::vector<std::pair<int, int>> NetworkGraph::edges() const {
  std::vector<std::pair<int, int>> edges;
  for (size_t g = 0; g < nodes.size(); ++g)
    for (SynapsesOp table : tablesOf(static_cast<int>(g)))
      for (int source : sourcesOf(table))
        if (source >= 0)
          edges.emplace_back(source, static_cast<int>(g));
  return edges;
}

std::vector<int> NetworkGraph::topologicalOrder() const {
  return rt::topologicalOrder(nodes.size(), edges());
}

std::vector<int64_t> NetworkGraph::depths() const {
  std::vector<int64_t> depth(nodes.size(), 0);
  for (int g : topologicalOrder())
    for (SynapsesOp table : tablesOf(g)) {
      if (isRecurrent(table, g))
        continue;
      for (int source : sourcesOf(table))
        if (source >= 0)
          depth[g] =
              std::max(depth[g], depth[source] + 1 +
                                     static_cast<int64_t>(table.getDelay()));
    }
  return depth;
}

StringRef ssm::nc::groupName(Operation *group) {
  if (auto neurons = dyn_cast<NeuronsOp>(group))
    return neurons.getSymName();
  auto input = cast<InputOp>(group);
  return input.getName() ? *input.getName() : StringRef("input");
}

int64_t ssm::nc::groupSize(Operation *group) {
  return cast<SpikesType>(group->getResult(0).getType()).getSize();
}
