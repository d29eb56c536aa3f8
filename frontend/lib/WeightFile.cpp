//===- WeightFile.cpp - layer parameters from HDF5 files ------------------===//
//
// The file is read whole, in a child process, by ssm/Runtime/H5Snapshot.h
// (libhdf5 crashes on some corrupt files); WeightFile answers from the
// snapshot.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/WeightFile.h"
#include "ssm/Dialect/SSM/Verification.h"

#include "ssm/Runtime/H5Snapshot.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>

using namespace ssm::dsl;

namespace {
/// The most elements a dataset may have to be read (MLIRGen's limit on a
/// parameter tensor); larger ones are reported, not read.
constexpr uint64_t kMaxDatasetElements = uint64_t(1) << 26;

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// What the dtype of a non-float dataset is, for the error message.
std::string describeType(const ssm::rt::h5::Array &d) {
  if (d.kind == ssm::rt::h5::Array::Kind::Compound)
    return "a compound type (store complex values as a trailing axis of 2: "
           "real, imaginary)";
  return d.typeName();
}
} // namespace

//===----------------------------------------------------------------------===//
// WeightFile
//===----------------------------------------------------------------------===//

std::string ssm::dsl::layerGroupPath(llvm::StringRef layerName) {
  std::string path = "/" + layerName.str();
  std::replace(path.begin(), path.end(), '.', '/');
  return path;
}

WeightFile::WeightFile(std::string path, rt::h5::Snapshot snapshot)
    : path(std::move(path)),
      snapshot(std::make_unique<rt::h5::Snapshot>(std::move(snapshot))) {}

WeightFile::~WeightFile() = default;

llvm::Expected<std::unique_ptr<WeightFile>>
WeightFile::open(llvm::StringRef path) {
  if (!llvm::sys::fs::exists(path))
    return makeError("weights file '" + path + "' does not exist");
  if (llvm::sys::fs::is_directory(path))
    return makeError("weights file '" + path + "' is a directory");
  // A FIFO or device (e.g. /dev/stdin) could block or never end.
  if (!llvm::sys::fs::is_regular_file(path))
    return makeError("weights file '" + path + "' is not a regular file");
  rt::h5::Snapshot snapshot;
  rt::h5::ReadLimits limits;
  limits.maxElements = kMaxDatasetElements;
  const std::string problem =
      rt::h5::readIsolated(path.str(), snapshot, limits);
  if (!problem.empty())
    return makeError("weights file '" + path + "' " + problem);
  return std::unique_ptr<WeightFile>(
      new WeightFile(path.str(), std::move(snapshot)));
}

bool WeightFile::exists(llvm::StringRef objectPath) const {
  return snapshot->objects.count(objectPath.str()) != 0;
}

llvm::Expected<std::vector<double>>
WeightFile::read(llvm::StringRef datasetPath,
                 llvm::ArrayRef<int64_t> shape) const {
  auto fail = [&](const llvm::Twine &what) {
    return makeError("weights file '" + path + "', dataset '" + datasetPath +
                     "': " + what);
  };
  if (!exists(datasetPath))
    return fail("missing (expected shape " + ssm::formatShape(shape) + ")");
  const rt::h5::Array *d = snapshot->dataset(datasetPath.str());
  if (!d && shape.size() == 2)
    return readCSR(datasetPath, shape);
  if (!d)
    return fail("is not a dataset");
  if (d->kind != rt::h5::Array::Kind::Float ||
      (d->typeSize != 4 && d->typeSize != 8))
    return fail("expected dtype float32 or float64, found " + describeType(*d));
  if (llvm::ArrayRef<int64_t>(d->dims) != shape)
    return fail("expected shape " + ssm::formatShape(shape) + ", found " +
                ssm::formatShape(d->dims));
  if (!d->problem.empty())
    return fail(d->problem);
  for (size_t i = 0; i < d->floats.size(); ++i)
    if (!std::isfinite(d->floats[i]))
      return fail(llvm::formatv("holds {0} at flat index {1}",
                                std::isnan(d->floats[i]) ? "NaN" : "Inf", i));
  return d->floats;
}

llvm::Expected<std::vector<double>>
WeightFile::readCSR(llvm::StringRef groupPath,
                    llvm::ArrayRef<int64_t> shape) const {
  auto fail = [&](const llvm::Twine &what) {
    return makeError("weights file '" + path + "', sparse matrix '" +
                     groupPath + "' (CSR: data, indices, indptr, shape): " +
                     what);
  };
  const std::string base = groupPath.str();
  const rt::h5::Array *shapeAttr = snapshot->attribute(base, "shape");
  const rt::h5::Array *data = snapshot->dataset(base + "/data");
  const rt::h5::Array *indices = snapshot->dataset(base + "/indices");
  const rt::h5::Array *indptr = snapshot->dataset(base + "/indptr");
  if (!shapeAttr || !data || !indices || !indptr)
    return fail("is a group, but not a CSR matrix (expected shape " +
                ssm::formatShape(shape) + ")");
  if (shapeAttr->kind != rt::h5::Array::Kind::Integer ||
      shapeAttr->ints != std::vector<int64_t>(shape.begin(), shape.end()))
    return fail("attribute 'shape' must be the integers " +
                ssm::formatShape(shape));
  for (const rt::h5::Array *a : {data, indices, indptr})
    if (!a->problem.empty())
      return fail(a->problem);
  if (data->kind != rt::h5::Array::Kind::Float || data->dims.size() != 1)
    return fail("'data' must be a 1-D float array, found " +
                describeType(*data));
  if (indices->kind != rt::h5::Array::Kind::Integer ||
      indices->dims.size() != 1 || indptr->kind != rt::h5::Array::Kind::Integer ||
      indptr->dims.size() != 1)
    return fail("'indices' and 'indptr' must be 1-D integer arrays");
  const int64_t rows = shape[0], cols = shape[1];
  const int64_t nnz = data->dims[0];
  if (indices->dims[0] != nnz)
    return fail(llvm::formatv("'indices' has {0} entries for {1} in 'data'",
                              indices->dims[0], nnz));
  if (indptr->dims[0] != rows + 1)
    return fail(llvm::formatv("'indptr' has {0} entries, expected rows + 1 "
                              "= {1}",
                              indptr->dims[0], rows + 1));
  const std::vector<int64_t> &start = indptr->ints;
  if (start[0] != 0 || start[rows] != nnz)
    return fail(llvm::formatv("'indptr' must run from 0 to {0}", nnz));
  std::vector<double> dense(static_cast<size_t>(rows * cols), 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    if (start[r + 1] < start[r])
      return fail(llvm::formatv("'indptr' decreases at row {0}", r));
    for (int64_t k = start[r]; k < start[r + 1]; ++k) {
      const int64_t c = indices->ints[k];
      if (c < 0 || c >= cols)
        return fail(llvm::formatv("entry {0}: column {1} is outside [0, {2})",
                                  k, c, cols));
      if (!std::isfinite(data->floats[k]))
        return fail(llvm::formatv("entry {0} is not finite", k));
      dense[r * cols + c] = data->floats[k];
    }
  }
  return dense;
}

std::vector<std::string> WeightFile::listDatasets() const {
  std::vector<std::string> datasets;
  for (const auto &entry : snapshot->datasets)
    datasets.push_back(entry.first);
  return datasets; // std::map: sorted
}
