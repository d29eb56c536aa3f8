//===- WeightFile.cpp - layer parameters from HDF5 files ------------------===//

#include "ssm/Frontend/WeightFile.h"
#include "ssm/Dialect/SSM/Verification.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>

using namespace ssm::dsl;

namespace {
/// HDF5 prints its own error stack to stderr by default; ssmc reports errors
/// itself, with the file and dataset, so silence it once.
void silenceHDF5() {
  static bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Closes an HDF5 handle with the matching function when it goes out of scope.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0)
      close(id);
  }
};
} // namespace

std::string ssm::dsl::layerGroupPath(llvm::StringRef layerName) {
  std::string path = "/" + layerName.str();
  std::replace(path.begin(), path.end(), '.', '/');
  return path;
}

llvm::Expected<std::unique_ptr<WeightFile>>
WeightFile::open(llvm::StringRef path) {
  silenceHDF5();
  if (!llvm::sys::fs::exists(path))
    return makeError("weights file '" + path + "' does not exist");
  if (llvm::sys::fs::is_directory(path))
    return makeError("weights file '" + path + "' is a directory");
  // A FIFO or device (e.g. /dev/stdin) could block or never end.
  if (!llvm::sys::fs::is_regular_file(path))
    return makeError("weights file '" + path + "' is not a regular file");
  std::string pathStr = path.str();
  htri_t isHDF5 = H5Fis_hdf5(pathStr.c_str());
  if (isHDF5 <= 0)
    return makeError("weights file '" + path +
                     "' is not an HDF5 file (or cannot be read)");
  hid_t file = H5Fopen(pathStr.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    return makeError("cannot open weights file '" + path +
                     "' (corrupt or unreadable HDF5)");
  return std::unique_ptr<WeightFile>(new WeightFile(pathStr, file));
}

WeightFile::~WeightFile() { H5Fclose(handle); }

bool WeightFile::exists(llvm::StringRef objectPath) const {
  // H5Lexists needs every intermediate link to exist: check prefixes.
  llvm::SmallVector<llvm::StringRef> parts;
  objectPath.split(parts, '/', -1, /*KeepEmpty=*/false);
  std::string prefix;
  for (llvm::StringRef part : parts) {
    prefix += "/" + part.str();
    if (H5Lexists(handle, prefix.c_str(), H5P_DEFAULT) <= 0)
      return false;
  }
  return !parts.empty();
}

/// Why the storage of `dataset`, `bytes` long by its shape and type, cannot
/// be read, or "". libhdf5 1.10 trusts a corrupt object header: a compact
/// or contiguous dataset whose stored size does not match its shape, or
/// whose data lies past the end of the file, makes H5Dread copy from
/// nowhere (a SEGV found by fuzzing). Chunked data (compressed, or with
/// unallocated chunks) may legitimately be smaller and is left to HDF5.
std::string WeightFile::storageProblem(int64_t dataset, uint64_t bytes) const {
  Handle plist{H5Dget_create_plist(dataset), H5Pclose};
  const H5D_layout_t layout = H5Pget_layout(plist.id);
  if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS)
    return "";
  const hsize_t stored = H5Dget_storage_size(dataset);
  if (stored != bytes)
    return llvm::formatv("stores {0} bytes of data for a shape and type of "
                         "{1} bytes",
                         stored, bytes);
  hsize_t fileSize = 0;
  const haddr_t offset = H5Dget_offset(dataset);
  if (layout == H5D_CONTIGUOUS && bytes > 0 &&
      (offset == HADDR_UNDEF || H5Fget_filesize(handle, &fileSize) < 0 ||
       offset > fileSize || bytes > fileSize - offset))
    return llvm::formatv("has its data at offset {0}, past the end of the "
                         "{1}-byte file",
                         offset, fileSize);
  return "";
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
  std::string pathStr = datasetPath.str();
  Handle dataset{H5Dopen2(handle, pathStr.c_str(), H5P_DEFAULT), H5Dclose};
  if (dataset.id < 0)
    return fail("is not a dataset");
  Handle type{H5Dget_type(dataset.id), H5Tclose};
  size_t typeSize = H5Tget_size(type.id);
  if (H5Tget_class(type.id) != H5T_FLOAT || (typeSize != 4 && typeSize != 8))
    return fail("expected dtype float32 or float64, found " +
                [&]() -> std::string {
                  switch (H5Tget_class(type.id)) {
                  case H5T_INTEGER:
                    return "int" + std::to_string(8 * typeSize);
                  case H5T_FLOAT:
                    return "float" + std::to_string(8 * typeSize);
                  case H5T_COMPOUND:
                    return "a compound type (store complex values as a "
                           "trailing axis of 2: real, imaginary)";
                  case H5T_STRING:
                    return "string";
                  default:
                    return "a non-numeric type";
                  }
                }());
  Handle space{H5Dget_space(dataset.id), H5Sclose};
  int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0)
    return fail("has an unreadable dataspace");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  std::vector<int64_t> found(dims.begin(), dims.end());
  if (llvm::ArrayRef<int64_t>(found) != shape)
    return fail("expected shape " + ssm::formatShape(shape) + ", found " +
                ssm::formatShape(found));
  size_t count = 1;
  for (int64_t d : shape)
    count *= static_cast<size_t>(d);
  if (std::string problem = storageProblem(dataset.id, count * typeSize);
      !problem.empty())
    return fail(problem + "; the file is corrupt");
  std::vector<double> values(count);
  if (count && H5Dread(dataset.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                       H5P_DEFAULT, values.data()) < 0)
    return fail("cannot read the data (corrupt file?)");
  for (size_t i = 0; i < count; ++i)
    if (!std::isfinite(values[i]))
      return fail(llvm::formatv("holds {0} at flat index {1}",
                                std::isnan(values[i]) ? "NaN" : "Inf", i));
  return values;
}

std::vector<std::string> WeightFile::listDatasets() const {
  std::vector<std::string> datasets;
  auto visit = [](hid_t group, const char *name, const H5L_info_t *,
                  void *data) -> herr_t {
    hid_t object = H5Oopen(group, name, H5P_DEFAULT);
    if (object < 0)
      return 0;
    if (H5Iget_type(object) == H5I_DATASET)
      static_cast<std::vector<std::string> *>(data)->push_back(
          "/" + std::string(name));
    H5Oclose(object);
    return 0;
  };
  H5Lvisit(handle, H5_INDEX_NAME, H5_ITER_INC, visit, &datasets);
  std::sort(datasets.begin(), datasets.end());
  return datasets;
}
