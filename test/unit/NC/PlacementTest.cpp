//===- PlacementTest.cpp - placement of group parts on a core mesh
//---------===//
//
// nc-place's placement on its own (Placement.h): the
// order it places items in, one item per core while cores last, first-fit
// packing after that, positions that keep heavy traffic close, and the
// errors that name the resource that ran out.
//
//===----------------------------------------------------------------------===//

#include "Placement.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace ssm::placement;

namespace {
Item item(const std::string &name, int64_t neurons, int64_t bytes = 0) {
  return Item{name, neurons, bytes};
}

int64_t hops(const std::array<int64_t, 3> &a, const std::array<int64_t, 3> &b) {
  return std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
}

TEST(PlacementTest, OneItemPerCoreWhileCoresLast) {
  const Mesh mesh{"m", 1, 4, 4, 100, 1000};
  std::string error;
  std::optional<Placement> p =
      place({item("a", 10), item("b", 10), item("c", 10)}, {}, mesh, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->coreOf, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(p->positions.size(), 3u);
}

TEST(PlacementTest, PacksFirstFitInTopologicalOrderWhenItemsOutnumberCores) {
  // Two cores of 10 neurons for four items of 5; traffic c -> a -> d -> b
  // orders them c, a, d, b, so c and a share the first core.
  const Mesh mesh{"m", 1, 2, 1, 10, 1000};
  const std::vector<Traffic> traffic = {{2, 0, 1}, {0, 3, 1}, {3, 1, 1}};
  std::string error;
  std::optional<Placement> p =
      place({item("a", 5), item("b", 5), item("c", 5), item("d", 5)}, traffic,
            mesh, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->coreOf, (std::vector<int>{0, 1, 0, 1}));
}

TEST(PlacementTest, SelfTrafficIsRecurrentAndOrdersNothing) {
  // a feeds itself (recurrent) and b feeds a: b is placed first. Were the
  // self-loop a cycle, the given order (a, b) would be kept.
  const Mesh mesh{"m", 1, 2, 1, 10, 1000};
  std::string error;
  std::optional<Placement> p =
      place({item("a", 3), item("b", 3)}, {{0, 0, 5}, {1, 0, 1}}, mesh, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->coreOf, (std::vector<int>{1, 0}));
}

TEST(PlacementTest, ACycleIsPlacedAsOneLevelBeforeWhatItFeeds) {
  // b and c read each other (the parts of a split recurrent group: one
  // level, in their given order); c feeds a, which comes after them.
  const Mesh mesh{"m", 1, 3, 1, 10, 1000};
  std::string error;
  std::optional<Placement> p =
      place({item("a", 3), item("b", 3), item("c", 3)},
            {{2, 0, 1}, {1, 2, 1}, {2, 1, 1}}, mesh, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(p->coreOf, (std::vector<int>{2, 0, 1}));
}

TEST(PlacementTest, HeavyTrafficEndsUpOnNeighbouringCores) {
  // A chain a -> b -> c with heavy traffic: each next core lands one hop
  // from the one before it.
  const Mesh mesh{"m", 1, 4, 4, 100, 1000};
  std::string error;
  std::optional<Placement> p =
      place({item("a", 10), item("b", 10), item("c", 10)},
            {{0, 1, 100}, {1, 2, 100}}, mesh, error);
  ASSERT_TRUE(p) << error;
  EXPECT_EQ(hops(p->positions[p->coreOf[0]], p->positions[p->coreOf[1]]), 1);
  EXPECT_EQ(hops(p->positions[p->coreOf[1]], p->positions[p->coreOf[2]]), 1);
}

TEST(PlacementTest, FullMeshNamesNeuronsWhenNeuronsRanOut) {
  const Mesh mesh{"two-core", 1, 2, 1, 10, 1000};
  std::string error;
  int failed = -1;
  EXPECT_FALSE(place({item("a", 8), item("b", 8), item("c", 8)}, {}, mesh,
                     error, &failed));
  EXPECT_EQ(failed, 2);
  EXPECT_NE(error.find("the model does not fit two-core: 'c' needs a core "
                       "(8 neurons, 0 bytes of synapses)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("neurons ran out: the most any core has left is 2 "
                       "neurons"),
            std::string::npos)
      << error;
}

TEST(PlacementTest, FullMeshNamesSynapseMemoryWhenItRanOut) {
  const Mesh mesh{"two-core", 1, 2, 1, 100, 1000};
  std::string error;
  EXPECT_FALSE(place({item("a", 1, 900), item("b", 1, 900), item("c", 1, 900)},
                     {}, mesh, error));
  EXPECT_NE(error.find("synapse memory ran out: the most any core has left "
                       "is 100 bytes"),
            std::string::npos)
      << error;
}
} // namespace

TEST(PlacementTest, TightlyConnectedCoresShareAChip) {
  // Two chips of two cores. a-b and c-d exchange much traffic, b-c little;
  // without traffic between the pairs the topological order is a, c, b, d,
  // so placing cores one by one would pair a with c. The chip partition
  // keeps each pair on one chip: inter-chip traffic is only b-c's.
  const Mesh mesh{"m", 2, 2, 1, 10, 1000};
  const std::vector<Traffic> traffic = {{0, 1, 100}, {2, 3, 100}};
  std::string error;
  std::optional<Placement> p = place(
      {item("a", 5), item("b", 5), item("c", 5), item("d", 5)}, traffic, mesh,
      error);
  ASSERT_TRUE(p) << error;
  auto chip = [&](int i) { return p->positions[p->coreOf[i]][0]; };
  EXPECT_EQ(chip(0), chip(1));
  EXPECT_EQ(chip(2), chip(3));
  EXPECT_NE(chip(0), chip(2));
}

TEST(PlacementTest, OneChipUntilItIsFull) {
  // Three items on two chips of four cores: all on chip 0.
  const Mesh mesh{"m", 2, 2, 2, 10, 1000};
  std::string error;
  std::optional<Placement> p =
      place({item("a", 5), item("b", 5), item("c", 5)}, {{0, 1, 1}, {1, 2, 1}},
            mesh, error);
  ASSERT_TRUE(p) << error;
  for (const auto &position : p->positions)
    EXPECT_EQ(position[0], 0);
}
