//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes NumPy's .npy format (NEP 1, versions 1.0-3.0): a magic
// string, a Python-literal header with dtype, order and shape, then raw
// little-endian data. Debian ships no C++ library for it. Reading is strict:
// every defect throws DataError naming the file and the byte offset.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_NPY_H
#define SSM_RUNTIME_NPY_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ssm::rt {

/// A malformed or unreadable data file: the message names the file (or data
/// set) and, where it applies, the byte offset.
class DataError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct NpyArray {
  std::vector<int64_t> shape;
  /// NumPy type string without byte order: "f4", "f8", "i8", "u1", ...
  std::string dtype;
  std::vector<char> bytes; // C order, native (little-endian) values

  int64_t numElements() const;
  /// Values converted to double (float and integer dtypes).
  std::vector<double> toDouble() const;
};

/// Reads `path`. Throws DataError on a missing file, bad magic, unsupported
/// dtype (bool, complex, object, big-endian), Fortran order, or a data size
/// that does not match the header's shape.
NpyArray readNpy(const std::string &path);

/// Writes a C-order float32 array (version 1.0 header).
void writeNpy(const std::string &path, const std::vector<int64_t> &shape,
              const float *data);

} // namespace ssm::rt

#endif // SSM_RUNTIME_NPY_H
