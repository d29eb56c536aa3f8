//===- WeightFileTest.cpp - reading parameters from HDF5 ------------------===//

#include "ssm/Frontend/WeightFile.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>
#include <hdf5.h>

using namespace ssm::dsl;

namespace {
/// Writes float64 dataset `name` of `shape` into a new file at `path`.
void writeDataset(const std::string &path, const char *name,
                  std::vector<hsize_t> shape, const std::vector<double> &data) {
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t links = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(links, 1);
  hid_t space = H5Screate_simple(shape.size(), shape.data(), nullptr);
  hid_t dataset = H5Dcreate2(file, name, H5T_IEEE_F64LE, space, links,
                             H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
           data.data());
  H5Dclose(dataset);
  H5Sclose(space);
  H5Pclose(links);
  H5Fclose(file);
}

class WeightFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    llvm::SmallString<128> dir;
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("ssmc-weights", dir));
    path = (dir + "/w.h5").str();
  }
  std::string path;
};

TEST_F(WeightFileTest, ReadsDatasetsInRowMajorOrder) {
  writeDataset(path, "/block/0/mix/weight", {2, 3}, {1, 2, 3, 4, 5, 6});
  auto file = WeightFile::open(path);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_TRUE((*file)->exists("/block/0/mix"));
  EXPECT_FALSE((*file)->exists("/block/1"));
  auto values = (*file)->read("/block/0/mix/weight", {2, 3});
  ASSERT_TRUE(bool(values)) << llvm::toString(values.takeError());
  EXPECT_EQ(*values, (std::vector<double>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ((*file)->listDatasets(),
            std::vector<std::string>{"/block/0/mix/weight"});
}

TEST_F(WeightFileTest, ShapeMismatchNamesBothShapes) {
  writeDataset(path, "/d/weight", {2, 3}, {1, 2, 3, 4, 5, 6});
  auto file = WeightFile::open(path);
  ASSERT_TRUE(bool(file));
  auto values = (*file)->read("/d/weight", {3, 2});
  ASSERT_FALSE(bool(values));
  std::string message = llvm::toString(values.takeError());
  EXPECT_NE(message.find("dataset '/d/weight': expected shape [3, 2], found "
                         "[2, 3]"),
            std::string::npos)
      << message;
}

TEST_F(WeightFileTest, MissingAndNonHDF5FilesAreErrors) {
  auto missing = WeightFile::open(path + ".nope");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("does not exist"),
            std::string::npos);
}

TEST(LayerGroupPathTest, DotsBecomeGroups) {
  EXPECT_EQ(layerGroupPath("block.0.ssm"), "/block/0/ssm");
  EXPECT_EQ(layerGroupPath("encoder"), "/encoder");
}
} // namespace
