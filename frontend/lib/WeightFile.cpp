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

std::vector<std::string> WeightFile::listDatasets() const {
  std::vector<std::string> datasets;
  for (const auto &entry : snapshot->datasets)
    datasets.push_back(entry.first);
  return datasets; // std::map: sorted
}
