//===- Graph.cpp - topological order of a small directed graph ------------===//

#include "ssm/Runtime/Graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>

std::optional<std::vector<int>>
ssm::rt::topologicalOrder(size_t count,
                          const std::vector<std::pair<int, int>> &edges) {
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph graph(count);
  for (auto [from, to] : edges)
    if (from != to)
      boost::add_edge(from, to, graph);
  std::vector<Graph::vertex_descriptor> reversed;
  try {
    boost::topological_sort(graph, std::back_inserter(reversed));
  } catch (const boost::not_a_dag &) {
    return std::nullopt;
  }
  std::vector<int64_t> level(count, 0);
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
    for (auto [e, end] = boost::out_edges(*it, graph); e != end; ++e)
      level[boost::target(*e, graph)] =
          std::max(level[boost::target(*e, graph)], level[*it] + 1);
  std::vector<int> order(count);
  for (size_t v = 0; v < count; ++v)
    order[v] = static_cast<int>(v);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return level[a] < level[b]; });
  return order;
}
