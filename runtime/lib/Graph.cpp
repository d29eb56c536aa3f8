//===- Graph.cpp - order and cycles of a small directed graph -------------===//

#include "ssm/Runtime/Graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
} // namespace

std::vector<int> ssm::rt::recurrentComponents(
    size_t count, const std::vector<std::pair<int, int>> &edges) {
  Graph graph(count);
  for (auto [from, to] : edges)
    boost::add_edge(from, to, graph);
  std::vector<int> component(count, 0);
  if (count)
    boost::strong_components(graph, component.data());
  return component;
}

std::optional<std::pair<int, int>>
ssm::rt::componentAtTwoDepths(const std::vector<int> &component,
                              const std::vector<int64_t> &depth) {
  std::vector<int> firstOf(component.size(), -1); // component -> first vertex
  for (size_t v = 0; v < component.size(); ++v) {
    int &first = firstOf[component[v]];
    if (first < 0)
      first = static_cast<int>(v);
    else if (depth[first] != depth[v])
      return std::pair<int, int>(first, static_cast<int>(v));
  }
  return std::nullopt;
}

std::vector<int>
ssm::rt::topologicalOrder(size_t count,
                          const std::vector<std::pair<int, int>> &edges) {
  // The condensation: one vertex per component, the edges between them.
  const std::vector<int> component = recurrentComponents(count, edges);
  const size_t components =
      count ? *std::max_element(component.begin(), component.end()) + 1 : 0;
  Graph condensed(components);
  for (auto [from, to] : edges)
    if (component[from] != component[to])
      boost::add_edge(component[from], component[to], condensed);
  std::vector<Graph::vertex_descriptor> reversed;
  boost::topological_sort(condensed, std::back_inserter(reversed));
  std::vector<int64_t> level(components, 0);
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
    for (auto [e, end] = boost::out_edges(*it, condensed); e != end; ++e)
      level[boost::target(*e, condensed)] =
          std::max(level[boost::target(*e, condensed)], level[*it] + 1);
  std::vector<int> order(count);
  for (size_t v = 0; v < count; ++v)
    order[v] = static_cast<int>(v);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return level[component[a]] < level[component[b]];
  });
  return order;
}
