//===- WeightFile.h - layer parameters from HDF5 files ----------*- C++ -*-===//
//
// Reads trained parameters from an HDF5 file through the HDF5 C library.
// Layer `a.b.c`'s parameter `p` is the dataset `/a/b/c/p`; float32 or
// float64, in the shape the layer needs. Every failure is an llvm::Error
// naming the file, the dataset, what was expected and what was found. The
// file is read whole when it is opened, in a child process, so that a
// corrupt file that crashes libhdf5 is an error, not a crash of ssmc
// (ssm/Runtime/H5Snapshot.h).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_FRONTEND_WEIGHTFILE_H
#define SSM_FRONTEND_WEIGHTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ssm::rt::h5 {
struct Snapshot;
} // namespace ssm::rt::h5

namespace ssm::dsl {

class WeightFile {
public:
  /// Opens `path` read-only. Fails when it is missing, unreadable or not an
  /// HDF5 file.
  static llvm::Expected<std::unique_ptr<WeightFile>> open(llvm::StringRef path);
  ~WeightFile();
  WeightFile(const WeightFile &) = delete;
  WeightFile &operator=(const WeightFile &) = delete;

  const std::string &getPath() const { return path; }

  /// Whether an object (group or dataset) exists at the absolute `objectPath`.
  bool exists(llvm::StringRef objectPath) const;

  /// Reads the dataset at `datasetPath` as doubles in row-major order.
  /// Fails when it is missing, not float32/float64, not of `shape`, or
  /// holds NaN or Inf. A matrix (2-D `shape`) may instead be a group
  /// holding it in CSR form, as scipy.sparse and tools/train/lm.py write a
  /// pruned matrix: `data` (float [nnz]), `indices` (int [nnz], the column
  /// of each), `indptr` (int [rows + 1]) and the attribute `shape` (int
  /// [2]); it is read dense, every index checked.
  llvm::Expected<std::vector<double>> read(llvm::StringRef datasetPath,
                                           llvm::ArrayRef<int64_t> shape) const;

  /// The absolute paths of every dataset in the file, sorted.
  std::vector<std::string> listDatasets() const;

private:
  WeightFile(std::string path, rt::h5::Snapshot snapshot);
  /// read()'s CSR form.
  llvm::Expected<std::vector<double>>
  readCSR(llvm::StringRef groupPath, llvm::ArrayRef<int64_t> shape) const;

  std::string path;
  std::unique_ptr<rt::h5::Snapshot> snapshot;
};

/// The HDF5 group of a layer: "block.0.ssm" -> "/block/0/ssm".
std::string layerGroupPath(llvm::StringRef layerName);

} // namespace ssm::dsl

#endif // SSM_FRONTEND_WEIGHTFILE_H
