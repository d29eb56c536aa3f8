//===- SynapsePlan.h - synapse tables prepared for delivery -----*- C++ -*-===//
//
// A synapse table (CSR by column, Neurocore.h) stored as runs of
// consecutive weights in both orientations, so that each step the session
// can deliver it message by message (an axpy per run of a sender's
// column) or row by row (a dot product per run over the senders' changes),
// whichever touches fewer runs. Integer sums are exact, so both give the
// same dendritic sums.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_LIB_SYNAPSEPLAN_H
#define SSM_RUNTIME_LIB_SYNAPSEPLAN_H

#include "VectorLanes.h"
#include "ssm/Runtime/Neurocore.h"

#include <cstdint>
#include <vector>

namespace ssm::rt::neuro {

/// Weights [offset, offset + length) of one table line (a column or a row)
/// that connect it to the consecutive indices [first, first + length) of
/// the other side.
struct Run {
  int32_t first = 0, length = 0;
  int64_t offset = 0;
};

/// One orientation of a synapse table as runs: line l owns runs
/// [start[l], start[l + 1]).
struct RunForm {
  std::vector<int64_t> start;
  std::vector<Run> runs;
  LaneVector<int32_t> weight;

  /// Builds the runs of a CSR matrix whose line l has entries
  /// [lineStart[l], lineStart[l + 1]) at `index` (ascending; in
  /// [0, extent)) with `weights`. A gap of fewer than kLanes indices joins
  /// the runs around it, and a run of at least half a vector grows to whole
  /// vectors where the line has room: the padding weights are zero, so
  /// they add nothing (synops count the table's non-zero weights, not
  /// runs).
  void build(const std::vector<int64_t> &lineStart,
             const std::vector<int32_t> &index,
             const std::vector<int32_t> &weights, int64_t extent) {
    const size_t lines = lineStart.size() - 1;
    start.assign(lines + 1, 0);
    runs.clear();
    weight.clear();
    auto close = [&](Run &run) {
      const int64_t whole = (run.length + kLanes - 1) / kLanes * kLanes;
      if (2 * run.length >= kLanes && run.first + whole <= extent) {
        weight.resize(weight.size() + (whole - run.length), 0);
        run.length = static_cast<int32_t>(whole);
      }
    };
    for (size_t l = 0; l < lines; ++l) {
      for (int64_t k = lineStart[l]; k < lineStart[l + 1]; ++k) {
        const int32_t i = index[k];
        if (k > lineStart[l]) {
          Run &run = runs.back();
          const int64_t end = run.first + run.length;
          if (i >= end && i - end < kLanes) {
            weight.resize(weight.size() + (i - end), 0);
            weight.push_back(weights[k]);
            run.length = i - run.first + 1;
            continue;
          }
          close(run);
        }
        runs.push_back(Run{i, 1, static_cast<int64_t>(weight.size())});
        weight.push_back(weights[k]);
      }
      if (lineStart[l + 1] > lineStart[l])
        close(runs.back());
      start[l + 1] = static_cast<int64_t>(runs.size());
    }
  }

  /// Work of one line, in units of a vector instruction: one per run
  /// (setup) plus one per eight weights.
  double cost(size_t l) const {
    double c = 0;
    for (int64_t r = start[l]; r < start[l + 1]; ++r)
      c += 1 + runs[r].length / double(kLanes);
    return c;
  }
};

/// A synapse table prepared for delivery.
struct TablePlan {
  RunForm byColumn, byRow;
  std::vector<int32_t> columnSynapses; // synops per message of a column
  int64_t synapsesPerColumn = -1;      // when the same for every column
  double rowCost = 0;                  // one row-wise delivery
  double columnCost = 0;               // message-wise, every column sending
};

/// Builds both orientations of `table` and their costs.
TablePlan planTable(const SynapseTable &table);

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_LIB_SYNAPSEPLAN_H
