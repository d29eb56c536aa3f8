//===- NetworkGraph.h - the group graph of an nc.network --------*- C++ -*-===//
//
// What the nc passes ask of a network: its groups (nc.input and nc.neurons,
// in body order), the tables into each, which group each table reads, the
// groups in topological order and their pipeline depths (the hardware's
// limits are NetworkOp::readLimits).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_NC_NETWORKGRAPH_H
#define SSM_NC_NETWORKGRAPH_H

#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/NC/NCOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace ssm::nc {

class NetworkGraph {
public:
  explicit NetworkGraph(NetworkOp network);

  /// nc.input and nc.neurons ops, in body order.
  llvm::ArrayRef<mlir::Operation *> groups() const { return nodes; }
  /// The group whose messages `v` carries (-1 if none).
  int groupOf(mlir::Value v) const {
    auto it = index.find(v);
    return it == index.end() ? -1 : it->second;
  }
  /// The synapse tables into group `g`, in input order (none for inputs).
  llvm::SmallVector<SynapsesOp> tablesOf(int g) const;
  /// The groups a table reads, one entry per input.
  llvm::SmallVector<int> sourcesOf(SynapsesOp table) const;
  /// Whether `table`, which feeds group `g`, reads a group of g's cycle
  /// (itself, or another part of a recurrent group split over cores): a
  /// recurrent table, delivering the previous token (rt::recurrentComponents).
  bool isRecurrent(SynapsesOp table, int g) const;

  /// The cycle each group belongs to (groups of one read each other's
  /// previous token; rt::recurrentComponents).
  const std::vector<int> &components() const { return component; }
  /// Groups in topological order of their tables (recurrent ones ignored).
  std::vector<int> topologicalOrder() const;
  /// Each group's pipeline depth from the tables' delays: 0 for inputs,
  /// else the most, over its tables that are not recurrent, of a source's
  /// depth + 1 + the table's delay.
  std::vector<int64_t> depths() const;

private:
  std::vector<std::pair<int, int>> edges() const;
  llvm::SmallVector<mlir::Operation *> nodes;
  llvm::DenseMap<mlir::Value, int> index;
  std::vector<int> component; // each group's cycle (recurrentComponents)
};

/// A group's symbol and size, for nc.input and nc.neurons alike.
llvm::StringRef groupName(mlir::Operation *group);
int64_t groupSize(mlir::Operation *group);

} // namespace ssm::nc

#endif // SSM_NC_NETWORKGRAPH_H
