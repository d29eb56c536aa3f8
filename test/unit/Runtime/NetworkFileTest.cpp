//===- NetworkFileTest.cpp - synapse entries and the network file ---------===//
//
// SynapseTable::setEntries builds the same CSR as setWeights from the dense
// matrix; a network written with writeNetworkFile reads back field by field
// (both table layouts), and runs the same.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/Neurocore.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

using namespace ssm::rt::neuro;

namespace {
/// A [rows, cols] matrix with about `density` of its entries non-zero
/// (int8 range).
std::vector<int64_t> randomWeights(int64_t rows, int64_t cols, double density,
                                   unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  std::uniform_int_distribution<int> value(-128, 127);
  std::vector<int64_t> w(rows * cols, 0);
  for (int64_t &v : w)
    if (coin(rng) < density)
      v = value(rng);
  return w;
}

SynapseTable table(int64_t rows, int64_t cols) {
  SynapseTable t;
  t.name = "t";
  t.rows = rows;
  t.cols = cols;
  return t;
}
} // namespace

TEST(SynapseEntries, SameCSRAsTheDenseMatrix) {
  for (double density : {0.0, 0.05, 0.5, 1.0}) {
    const std::vector<int64_t> dense = randomWeights(37, 23, density, 7);
    SynapseTable fromDense = table(37, 23), fromEntries = table(37, 23);
    fromDense.setWeights(dense);
    std::vector<int64_t> index, values;
    for (size_t i = 0; i < dense.size(); ++i)
      if (dense[i] != 0 || i % 5 == 0) { // zeros among entries are dropped
        index.push_back(static_cast<int64_t>(i));
        values.push_back(dense[i]);
      }
    fromEntries.setEntries(index, values);
    EXPECT_EQ(fromDense.columnStart, fromEntries.columnStart) << density;
    EXPECT_EQ(fromDense.rowIndex, fromEntries.rowIndex) << density;
    EXPECT_EQ(fromDense.weight, fromEntries.weight) << density;
  }
}

TEST(SynapseEntries, RefusesOutOfOrderAndOutOfRange) {
  SynapseTable t = table(4, 4);
  EXPECT_THROW(t.setEntries({3, 2}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(t.setEntries({2, 2}, {1, 1}), std::invalid_argument);
  EXPECT_THROW(t.setEntries({16}, {1}), std::invalid_argument);
  EXPECT_THROW(t.setEntries({-1}, {1}), std::invalid_argument);
  EXPECT_THROW(t.setEntries({1}, {1, 2}), std::invalid_argument);
  SynapseTable huge = table(int64_t(1) << 40, int64_t(1) << 40);
  EXPECT_THROW(huge.setEntries({1}, {1}), std::invalid_argument);
}

namespace {
/// input(8) -> sigma_delta(8) through a dense table -> relu(64) through a
/// sparse one -> accumulator(8): both layouts in one network.
Network makeNetwork() {
  Network net;
  net.name = "roundtrip";
  net.hardware.energyPJ.synop = 23.6;
  net.hardware.timeNS.barrier = 465;
  net.hardware.staticPowerMW = 1.5;
  net.cores = {{"core0", 0, 0, 0}, {"core1", 0, 1, 0}};
  NeuronGroup in;
  in.name = "u";
  in.model = &neuronModel("input");
  in.size = 8;
  in.input = 0;
  in.frac = 20;
  NeuronGroup a;
  a.name = "a";
  a.model = &neuronModel("sigma_delta");
  a.size = 8;
  a.core = 0;
  a.frac = 19;
  a.threshold = 3;
  a.bias = {1, -2, 3, -4, 5, -6, 7, -8};
  NeuronGroup r;
  r.name = "r";
  r.model = &neuronModel("sigma_delta_relu");
  r.size = 64;
  r.core = 1;
  r.frac = 18;
  NeuronGroup m;
  m.name = "m";
  m.model = &neuronModel("accumulator");
  m.size = 8;
  m.core = 1;
  m.frac = 17;
  m.setFlag("last");
  net.groups = {in, a, r, m};
  SynapseTable dense = table(8, 8);
  dense.name = "a.from.u";
  dense.sources = {{0, 8}};
  dense.target = 1;
  dense.exponent = -3;
  dense.setWeights(randomWeights(8, 8, 1.0, 1));
  SynapseTable sparse = table(64, 8);
  sparse.name = "r.from.a";
  sparse.sources = {{1, 8}};
  sparse.target = 2;
  sparse.exponent = -2;
  sparse.setWeights(randomWeights(64, 8, 0.05, 2));
  SynapseTable reduce = table(8, 64);
  reduce.name = "m.from.r";
  reduce.sources = {{2, 64}};
  reduce.target = 3;
  reduce.delay = 0;
  reduce.setWeights(randomWeights(8, 64, 0.1, 3));
  net.tables = {dense, sparse, reduce};
  net.inputs = {0};
  net.outputs = {3};
  net.validate();
  return net;
}
} // namespace

TEST(NetworkFile, RoundTripsEveryField) {
  const Network net = makeNetwork();
  const std::string path =
      (std::filesystem::temp_directory_path() / "ssmc-network-test.h5")
          .string();
  writeNetworkFile(net, path);
  EXPECT_TRUE(isHDF5File(path));
  const Network back = readNetworkFile(path);
  std::remove(path.c_str());
  EXPECT_EQ(back.name, net.name);
  EXPECT_EQ(back.hardware.name, net.hardware.name);
  EXPECT_EQ(back.hardware.meshX, net.hardware.meshX);
  EXPECT_EQ(back.hardware.energyPJ.synop, net.hardware.energyPJ.synop);
  EXPECT_EQ(back.hardware.timeNS.barrier, net.hardware.timeNS.barrier);
  EXPECT_EQ(back.hardware.staticPowerMW, net.hardware.staticPowerMW);
  ASSERT_EQ(back.cores.size(), net.cores.size());
  EXPECT_EQ(back.cores[1].x, 1);
  ASSERT_EQ(back.groups.size(), net.groups.size());
  for (size_t g = 0; g < net.groups.size(); ++g) {
    EXPECT_EQ(back.groups[g].name, net.groups[g].name);
    EXPECT_EQ(back.groups[g].model, net.groups[g].model);
    EXPECT_EQ(back.groups[g].frac, net.groups[g].frac);
    EXPECT_EQ(back.groups[g].threshold, net.groups[g].threshold);
    EXPECT_EQ(back.groups[g].bias, net.groups[g].bias);
    EXPECT_EQ(back.groups[g].flags, net.groups[g].flags);
    EXPECT_EQ(back.groups[g].params, net.groups[g].params);
  }
  ASSERT_EQ(back.tables.size(), net.tables.size());
  for (size_t t = 0; t < net.tables.size(); ++t) {
    EXPECT_EQ(back.tables[t].columnStart, net.tables[t].columnStart);
    EXPECT_EQ(back.tables[t].rowIndex, net.tables[t].rowIndex);
    EXPECT_EQ(back.tables[t].weight, net.tables[t].weight);
    EXPECT_EQ(back.tables[t].exponent, net.tables[t].exponent);
  }
  EXPECT_EQ(back.depth, net.depth);

  // And they run the same.
  Session a(net), b(back);
  const std::vector<float> token = {0.5f,  -0.25f, 0.125f, 1.0f,
                                    -1.0f, 0.75f,  0.0f,   0.3f};
  for (int t = 0; t < 5; ++t) {
    const Counters &ca = a.feed(token.data());
    const Counters &cb = b.feed(token.data());
    EXPECT_EQ(ca.synops, cb.synops);
    EXPECT_EQ(ca.messages, cb.messages);
  }
  EXPECT_EQ(a.finish(), b.finish());
}

TEST(NetworkFile, RefusesAFileThatIsNotOne) {
  const std::string path =
      (std::filesystem::temp_directory_path() / "ssmc-not-a-network.h5")
          .string();
  {
    std::FILE *f = std::fopen(path.c_str(), "wb");
    ASSERT_TRUE(f);
    std::fputs("not hdf5\n", f);
    std::fclose(f);
  }
  EXPECT_FALSE(isHDF5File(path));
  try {
    readNetworkFile(path);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument &e) {
    EXPECT_NE(std::string(e.what()).find("is not an HDF5 file"),
              std::string::npos)
        << e.what();
  }
  std::remove(path.c_str());
}
