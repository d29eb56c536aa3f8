//===- DatasetTest.cpp - data specs: permutation, IDX, errors -------------===//

#include "ssm/Runtime/Dataset.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ssm::rt;

namespace {
TEST(PMNISTTest, PermutationIsFixedAndComplete) {
  std::vector<int64_t> perm = pmnistPermutation();
  ASSERT_EQ(perm.size(), 784u);
  // The order test/python/test_data.py finds in pmnist:test's pixels.
  std::vector<int64_t> head(perm.begin(), perm.begin() + 12);
  EXPECT_EQ(head, (std::vector<int64_t>{484, 411, 326, 479, 169, 18, 364, 604,
                                        267, 753, 215, 71}));
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 784; ++i)
    ASSERT_EQ(sorted[i], i);
}

/// Writes IDX files for `count` 28x28 images into DIR/mnist with the test
/// split's names; each image's pixel p is (p + image) mod 256.
class MnistFilesTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("ssmc-mnist-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "mnist");
    setenv("SSMC_DATA", dir.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("SSMC_DATA");
    std::filesystem::remove_all(dir);
  }
  void write(const std::string &name, uint32_t magic,
             std::vector<uint32_t> dims, const std::vector<uint8_t> &data) {
    std::ofstream f(dir / "mnist" / name, std::ios::binary);
    auto be32 = [&](uint32_t v) {
      char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
      f.write(b, 4);
    };
    be32(magic);
    for (uint32_t d : dims)
      be32(d);
    f.write(reinterpret_cast<const char *>(data.data()), data.size());
  }
  void writeImages(uint32_t count, size_t dropBytes = 0) {
    std::vector<uint8_t> pixels(count * 784);
    for (size_t i = 0; i < pixels.size(); ++i)
      pixels[i] = static_cast<uint8_t>((i % 784 + i / 784) % 256);
    pixels.resize(pixels.size() - dropBytes);
    write("t10k-images-idx3-ubyte", 0x803, {count, 28, 28}, pixels);
  }
  void writeLabels(std::vector<uint8_t> labels) {
    write("t10k-labels-idx1-ubyte", 0x801,
          {static_cast<uint32_t>(labels.size())}, labels);
  }
  std::string loadError(const std::string &spec) {
    try {
      loadDataset(spec);
    } catch (const DataError &e) {
      return e.what();
    }
    return "";
  }
  std::filesystem::path dir;
};

TEST_F(MnistFilesTest, SequentialAndPermutedOrders) {
  writeImages(3);
  writeLabels({7, 2, 1});
  Dataset seq = loadDataset("mnist:test");
  EXPECT_EQ(seq.samples, 3);
  EXPECT_EQ(seq.length, 784);
  EXPECT_EQ(seq.labels, (std::vector<int64_t>{7, 2, 1}));
  EXPECT_FLOAT_EQ(seq.sample(1)[10], 11 / 255.0f);
  Dataset perm = loadDataset("pmnist:test", 2);
  EXPECT_EQ(perm.samples, 2);
  std::vector<int64_t> order = pmnistPermutation();
  for (int64_t k = 0; k < 784; ++k)
    ASSERT_FLOAT_EQ(perm.sample(1)[k], seq.sample(1)[order[k]]);
}

TEST_F(MnistFilesTest, DefectsAreClearErrors) {
  EXPECT_NE(loadError("mnist:test").find("not found; run scripts/fetch-data"),
            std::string::npos);
  writeImages(2, /*dropBytes=*/100);
  writeLabels({1, 2});
  EXPECT_NE(loadError("mnist:test").find("offset 16: holds 1468 bytes of "
                                         "data, expected 1568"),
            std::string::npos)
      << loadError("mnist:test");
  writeImages(2);
  write("t10k-labels-idx1-ubyte", 0x803, {2}, {1, 2});
  EXPECT_NE(loadError("mnist:test").find("magic 0x00000803, expected "
                                         "0x00000801"),
            std::string::npos)
      << loadError("mnist:test");
  writeLabels({1, 12});
  EXPECT_NE(loadError("mnist:test").find("label 12 of sample 1 is not a digit"),
            std::string::npos);
  writeLabels({1, 2, 3});
  EXPECT_NE(loadError("mnist:test").find("2 images but 3 labels"),
            std::string::npos);
  EXPECT_NE(loadError("mnist:valid").find("unknown split 'valid'"),
            std::string::npos);
}
} // namespace
