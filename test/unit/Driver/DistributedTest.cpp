//===- DistributedTest.cpp - sharing a run among MPI ranks ----------------===//
//
// What does not need a launcher: how samples are blocked among ranks, and a
// Ranks of one process (no mpirun), whose collectives pass data through.
// test/Tools/mpi.test runs the launches.
//
//===----------------------------------------------------------------------===//

#include "ssm/Driver/Distributed.h"

#include <gtest/gtest.h>

using namespace ssm::driver;

namespace {
/// Checks that `blocks` cuts [0, samples) into `ranks` contiguous blocks in
/// rank order.
void expectBlocks(const std::vector<int64_t> &blocks, int64_t samples,
                  int ranks) {
  ASSERT_EQ(blocks.size(), static_cast<size_t>(ranks + 1));
  EXPECT_EQ(blocks.front(), 0);
  EXPECT_EQ(blocks.back(), samples);
  for (int r = 0; r < ranks; ++r)
    EXPECT_LE(blocks[r], blocks[r + 1]);
}
} // namespace

TEST(SampleBlocks, EvenContiguousAndRankZeroFirst) {
  EXPECT_EQ(sampleBlocks(10, 1, 0), (std::vector<int64_t>{0, 10}));
  EXPECT_EQ(sampleBlocks(10, 2, 0), (std::vector<int64_t>{0, 5, 10}));
  // 10 over 4: rank 0 its ceiling share, the rest as evenly as they go.
  EXPECT_EQ(sampleBlocks(10, 4, 0), (std::vector<int64_t>{0, 3, 5, 7, 10}));
  for (int64_t samples : {0, 1, 3, 7, 100, 10001})
    for (int ranks : {1, 2, 3, 4, 16}) {
      SCOPED_TRACE(std::to_string(samples) + " samples, " +
                   std::to_string(ranks) + " ranks");
      const std::vector<int64_t> blocks = sampleBlocks(samples, ranks, 0);
      expectBlocks(blocks, samples, ranks);
      for (int r = 0; r < ranks; ++r) // no block more than one larger
        EXPECT_LE(blocks[r + 1] - blocks[r],
                  (samples + ranks - 1) / ranks);
    }
}

TEST(SampleBlocks, RankZeroRunsTheSamplesItMust) {
  // loihi2's traced samples (Executable::rootSamples) all on rank 0.
  std::vector<int64_t> blocks = sampleBlocks(10, 4, 7);
  expectBlocks(blocks, 10, 4);
  EXPECT_EQ(blocks[1], 7);
  // More than there are: all of them.
  blocks = sampleBlocks(5, 3, 9);
  expectBlocks(blocks, 5, 3);
  EXPECT_EQ(blocks[1], 5);
}

TEST(Ranks, OneProcessWithoutALauncher) {
  ASSERT_EQ(Ranks::launchSize(), 1) << "run the unit tests without mpirun";
  Ranks ranks;
  EXPECT_EQ(ranks.size(), 1);
  EXPECT_TRUE(ranks.root());
  EXPECT_EQ(ranks.firstDiffering(42), -1);
  const std::vector<char> mine = {'a', 'b', 'c'};
  std::vector<char> all;
  std::vector<int64_t> offsets;
  ranks.allGather(mine, all, offsets);
  EXPECT_EQ(all, mine);
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(ranks.gather(mine, offsets), mine);
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 3}));
}

TEST(LaunchFingerprint, DiffersWithTheArguments) {
  const char *a[] = {"model.h5", "--target=loihi2"};
  const char *b[] = {"model.h5", "--target=conv"};
  const char *c[] = {"model.h5--target=loihi2"};
  EXPECT_EQ(launchFingerprint(a), launchFingerprint(a));
  EXPECT_NE(launchFingerprint(a), launchFingerprint(b));
  EXPECT_NE(launchFingerprint(a), launchFingerprint(c)); // not concatenated
}
