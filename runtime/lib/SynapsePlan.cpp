//===- SynapsePlan.cpp - synapse tables prepared for delivery -------------===//

#include "SynapsePlan.h"

#include <algorithm>

using namespace ssm::rt::neuro;

TablePlan ssm::rt::neuro::planTable(const SynapseTable &table) {
  TablePlan plan;
  plan.byColumn.build(table.columnStart, table.rowIndex, table.weight,
                      table.rows);
  // The transpose, row by row (columns ascending within a row).
  std::vector<int64_t> rowStart(table.rows + 1, 0);
  for (int32_t r : table.rowIndex)
    ++rowStart[r + 1];
  for (int64_t r = 0; r < table.rows; ++r)
    rowStart[r + 1] += rowStart[r];
  std::vector<int32_t> column(table.rowIndex.size()), weight(column.size());
  std::vector<int64_t> fill(rowStart.begin(), rowStart.end() - 1);
  for (int64_t c = 0; c < table.cols; ++c)
    for (int64_t k = table.columnStart[c]; k < table.columnStart[c + 1]; ++k) {
      const int64_t at = fill[table.rowIndex[k]]++;
      column[at] = static_cast<int32_t>(c);
      weight[at] = table.weight[k];
    }
  plan.byRow.build(rowStart, column, weight, table.cols);
  plan.columnSynapses.resize(table.cols);
  for (int64_t c = 0; c < table.cols; ++c) {
    plan.columnSynapses[c] =
        static_cast<int32_t>(table.columnStart[c + 1] - table.columnStart[c]);
    plan.columnCost += plan.byColumn.cost(c);
  }
  for (int64_t r = 0; r < table.rows; ++r)
    plan.rowCost += plan.byRow.cost(r);
  const auto &counts = plan.columnSynapses;
  if (!counts.empty() &&
      std::all_of(counts.begin(), counts.end(),
                  [&](int32_t n) { return n == counts.front(); }))
    plan.synapsesPerColumn = counts.front();
  return plan;
}
