//===- H5Snapshot.h - HDF5 files read in a child process --------*- C++ -*-===//
//
// libhdf5 1.10 (Debian's) crashes on some corrupt files inside its own code
// (a SEGV iterating a group whose local heap is damaged, found by
// ssmc-fuzz-weights; h5py crashes on the same file), and no check before
// the call can rule that out. So every HDF5 file ssmc reads (weights,
// compiled networks) is read in a child process: it opens the file, lists
// every object, reads every dataset and attribute, and sends that snapshot
// through a pipe. A child that crashes, fails or takes longer than the
// timeout is an error naming the file, and the caller carries on.
//
// MLIR-free (libhdf5 and POSIX); errors are returned as phrases.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_H5SNAPSHOT_H
#define SSM_RUNTIME_H5SNAPSHOT_H

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ssm::rt::h5 {

/// A dataset's or attribute's contents.
struct Array {
  enum class Kind { Integer, Float, String, Compound, Other };
  Kind kind = Kind::Other;
  size_t typeSize = 0;              // bytes per element in the file
  std::vector<int64_t> dims;        // empty for a scalar
  std::string problem;              // why the data could not be read, or ""
  std::vector<int64_t> ints;        // Integer, converted to int64
  std::vector<double> floats;       // Float, converted to float64
  std::vector<std::string> strings; // String

  /// Elements by the shape (1 for a scalar).
  int64_t elements() const;
  /// "int8", "float32", "string", "compound", ... for messages.
  std::string typeName() const;
};

struct Snapshot {
  std::set<std::string> objects;         // absolute paths, groups and datasets
  std::map<std::string, Array> datasets; // by absolute path
  /// Attributes by "OBJECT@NAME", e.g. "/@format", "/tables/0@delay".
  std::map<std::string, Array> attributes;

  const Array *dataset(const std::string &path) const;
  const Array *attribute(const std::string &object,
                         const std::string &name) const;
};

/// Limits of a read: datasets and attributes with more elements are
/// reported (Array::problem), not read.
struct ReadLimits {
  uint64_t maxElements = uint64_t(1) << 26;
  int timeoutSeconds = 120;
};

/// Reads `path` in a child process into `snapshot`. Returns "" or why it
/// could not, as a phrase to follow the file's name ("is not an HDF5 file",
/// "is corrupt: the HDF5 library crashed reading it (signal 11, ...)").
std::string readIsolated(const std::string &path, Snapshot &snapshot,
                         const ReadLimits &limits = {});

} // namespace ssm::rt::h5

#endif // SSM_RUNTIME_H5SNAPSHOT_H
