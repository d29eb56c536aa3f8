//===- CoreReport.cpp - the per-core resource table of a network ----------===//
//
// nc-core-report (Passes.td has the contract).
//
//===----------------------------------------------------------------------===//

#include "NetworkGraph.h"

#include "ssm/NC/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <set>

namespace ssm::nc {
#define GEN_PASS_DEF_NCCOREREPORT
#include "ssm/NC/Passes.h.inc"
} // namespace ssm::nc

using namespace mlir;
using namespace ssm;
using namespace ssm::nc;

namespace {

void writeReport(NetworkOp network, const HardwareLimits &limits,
                 llvm::raw_ostream &os) {
  struct Row {
    ArrayRef<int64_t> position;
    int64_t neurons = 0, bytes = 0;
    std::string groups;
  };
  std::vector<Row> rows;
  llvm::StringMap<size_t> rowOf;
  for (CoreOp core : network.getBody().getOps<CoreOp>()) {
    rowOf[core.getSymName()] = rows.size();
    rows.push_back({core.getPosition()});
  }
  NetworkGraph graph(network);
  int64_t dramBytes = 0, dramTables = 0;
  for (auto [g, op] : llvm::enumerate(graph.groups())) {
    auto group = dyn_cast<NeuronsOp>(op);
    if (!group || !group.getCore())
      continue;
    Row &row = rows[rowOf.lookup(*group.getCore())];
    row.neurons += group.getSize();
    for (SynapsesOp table : graph.tablesOf(static_cast<int>(g))) {
      row.bytes += table.getCoreMemoryBytes(limits.storedWeightBits());
      if (table.getDram()) {
        dramBytes += table.getMemoryBytes(limits.storedWeightBits());
        ++dramTables;
      }
    }
    if (!row.groups.empty())
      row.groups += ", ";
    row.groups += group.getSymName().str();
  }
  const size_t cores = rows.size();
  os << llvm::formatv("nc.network @{0} on {1}: {2} of {3} cores",
                      network.getSymName(), limits.name, cores,
                      limits.chips * limits.meshX * limits.meshY);
  if (limits.chips > 1) {
    std::set<int64_t> chips;
    for (const Row &row : rows)
      chips.insert(row.position[0]);
    os << llvm::formatv(" on {0} of {1} chips", chips.size(), limits.chips);
  }
  os << "\n";
  os << llvm::formatv("{0,-7} {1,-12} {2,8} {3,7} {4,14} {5,7}  {6}\n", "core",
                      "[chip,x,y]", "neurons", "util", "synapse bytes", "util",
                      "groups");
  int64_t totalNeurons = 0, totalBytes = 0;
  for (size_t c = 0; c < cores; ++c) {
    const Row &row = rows[c];
    const ArrayRef<int64_t> p = row.position;
    os << llvm::formatv(
        "{0,-7} {1,-12} {2,8} {3,6:f1}% {4,14} {5,6:f1}%  {6}\n",
        "core" + std::to_string(c),
        llvm::formatv("[{0},{1},{2}]", p[0], p[1], p[2]).str(), row.neurons,
        100.0 * row.neurons / limits.neuronsPerCore, row.bytes,
        100.0 * row.bytes / limits.synapseBytesPerCore, row.groups);
    totalNeurons += row.neurons;
    totalBytes += row.bytes;
  }
  const std::vector<int64_t> depths = graph.depths();
  const std::string depth = std::to_string(
      depths.empty() ? 0 : *std::max_element(depths.begin(), depths.end()));
  os << llvm::formatv(
      "total   {0,-12} {1,8} {2,6:f1}% {3,14} {4,6:f1}%  "
      "pipeline depth {5} steps\n",
      "", totalNeurons, 100.0 * totalNeurons / (cores * limits.neuronsPerCore),
      totalBytes, 100.0 * totalBytes / (cores * limits.synapseBytesPerCore),
      depth);
  if (dramTables)
    os << llvm::formatv("dram    {0} tables, {1} bytes of synapses ({2:f1}% of "
                        "{3} bytes)\n",
                        dramTables, dramBytes,
                        100.0 * dramBytes / limits.dramBytes, limits.dramBytes);
}

struct CoreReportPass : ssm::nc::impl::NCCoreReportBase<CoreReportPass> {
  using Base::Base;

  void runOnOperation() override {
    NetworkOp network = getOperation();
    FailureOr<HardwareLimits> limits = network.readLimits();
    if (failed(limits))
      return signalPassFailure();
    markAllAnalysesPreserved();
    if (file == "-") {
      writeReport(network, *limits, llvm::outs());
      return;
    }
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    if (ec) {
      network.emitError() << "cannot write report '" << file
                          << "': " << ec.message();
      return signalPassFailure();
    }
    writeReport(network, *limits, os);
  }
};

} // namespace
