//===- Place.cpp - place neuron groups on the cores of the mesh -----------===//
//
// nc-place (Passes.td has the contract; Placement.h the algorithm).
//
//===----------------------------------------------------------------------===//

#include "NetworkGraph.h"
#include "Placement.h"

#include "ssm/NC/Passes.h"

#include "mlir/IR/Builders.h"

namespace ssm::nc {
#define GEN_PASS_DEF_NCPLACE
#include "ssm/NC/Passes.h.inc"
} // namespace ssm::nc

using namespace mlir;
using namespace ssm;
using namespace ssm::nc;

namespace {

struct PlacePass : ssm::nc::impl::NCPlaceBase<PlacePass> {
  void runOnOperation() override {
    NetworkOp network = getOperation();
    FailureOr<HardwareLimits> limits = network.readLimits();
    if (failed(limits))
      return signalPassFailure();
    NetworkGraph graph(network);
    // Items: the neuron groups, in body order.
    std::vector<placement::Item> items;
    std::vector<int> itemOf(graph.groups().size(), -1);
    SmallVector<NeuronsOp> groups;
    for (auto [g, op] : llvm::enumerate(graph.groups())) {
      auto group = dyn_cast<NeuronsOp>(op);
      if (!group)
        continue;
      if (group.getCore()) {
        group.emitOpError() << "is already on core @" << *group.getCore()
                            << "; nc-place places networks whose groups "
                               "have no core";
        return signalPassFailure();
      }
      placement::Item item;
      item.name = group.getSymName().str();
      item.neurons = group.getSize();
      for (SynapsesOp table : graph.tablesOf(static_cast<int>(g)))
        item.synapseBytes +=
            table.getCoreMemoryBytes(limits->storedWeightBits());
      itemOf[g] = static_cast<int>(items.size());
      items.push_back(std::move(item));
      groups.push_back(group);
    }
    // Traffic: a table moves at most its source's size in messages a step.
    std::vector<placement::Traffic> traffic;
    for (size_t g = 0; g < graph.groups().size(); ++g)
      for (SynapsesOp table : graph.tablesOf(static_cast<int>(g)))
        for (int source : graph.sourcesOf(table))
          if (source >= 0 && itemOf[source] >= 0)
            traffic.push_back(
                {itemOf[source], itemOf[g],
                 static_cast<double>(groupSize(graph.groups()[source]))});
    placement::Mesh mesh{limits->name,           limits->chips,
                         limits->meshX,          limits->meshY,
                         limits->neuronsPerCore, limits->synapseBytesPerCore};
    std::string error;
    int failedItem = -1;
    std::optional<placement::Placement> placed =
        placement::place(items, traffic, mesh, error, &failedItem);
    if (!placed) {
      if (failedItem >= 0)
        groups[failedItem].emitOpError() << error;
      else
        network.emitOpError() << error;
      return signalPassFailure();
    }
    OpBuilder b = OpBuilder::atBlockBegin(&network.getBody().front());
    SmallVector<FlatSymbolRefAttr> cores;
    for (auto [c, p] : llvm::enumerate(placed->positions)) {
      auto core = b.create<CoreOp>(network.getLoc(), "core" + std::to_string(c),
                                   b.getDenseI64ArrayAttr({p[0], p[1], p[2]}));
      cores.push_back(FlatSymbolRefAttr::get(core.getSymNameAttr()));
    }
    for (auto [item, group] : llvm::enumerate(groups))
      group.setCoreAttr(cores[placed->coreOf[item]]);
  }
};

} // namespace
