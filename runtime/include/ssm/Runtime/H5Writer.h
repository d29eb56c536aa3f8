//===- H5Writer.h - writing HDF5 files reproducibly -------------*- C++ -*-===//
//
// The one HDF5 writer of ssmc: compiled networks (NetworkFile.h) and NIR
// graphs (ssm/Frontend/NIR.h). Files are reproducible (no modification
// times in object headers: the same content gives the same bytes), large
// integer datasets are stored through the shuffle and deflate filters that
// every HDF5 reader applies, and every failure is a std::runtime_error
// naming the file and the object ("network file 'x.h5' dataset 'bias'
// cannot be written").
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_H5WRITER_H
#define SSM_RUNTIME_H5WRITER_H

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ssm::rt::h5 {

class Writer {
public:
  /// Creates (truncates) `path`; `what` names the kind of file in errors
  /// ("network file", "NIR file").
  Writer(const std::string &path, const std::string &what);
  ~Writer();
  Writer(const Writer &) = delete;
  Writer &operator=(const Writer &) = delete;

  /// Flushes and closes the file; errors are reported, not lost.
  void close();
  hid_t root() const { return file; }

  /// A group made by group(), closed when this goes out of scope.
  struct Group {
    hid_t id;
    ~Group() { H5Gclose(id); }
  };
  /// A new group `name` under `parent` (close it through Group).
  hid_t group(hid_t parent, const std::string &name);

  void attribute(hid_t object, const char *name, int64_t value);
  void attribute(hid_t object, const char *name,
                 const std::vector<int64_t> &values, bool scalar = false);
  void attribute(hid_t object, const char *name, double value);
  void attribute(hid_t object, const char *name, const std::string &value);

  /// A dataset of shape `dims` (empty: a scalar) from `values` (row-major,
  /// of HDF5 type `memoryType`), stored as `fileType`.
  template <typename T>
  void dataset(hid_t parent, const char *name, const std::vector<T> &values,
               const std::vector<hsize_t> &dims, hid_t fileType,
               hid_t memoryType) {
    writeDataset(parent, name, values.empty() ? nullptr : values.data(), dims,
                 fileType, memoryType);
  }
  /// A 1-D int64 dataset.
  void dataset(hid_t parent, const char *name,
               const std::vector<int64_t> &values);
  /// A dataset of variable-length UTF-8 strings of shape `dims` (h5py
  /// reads them as str objects).
  void strings(hid_t parent, const char *name,
               const std::vector<std::string> &values,
               const std::vector<hsize_t> &dims);
  /// A 1-D dataset of strings.
  void strings(hid_t parent, const char *name,
               const std::vector<std::string> &values) {
    strings(parent, name, values, {values.size()});
  }
  /// A scalar string dataset (as h5py writes a Python str).
  void string(hid_t parent, const char *name, const std::string &value) {
    strings(parent, name, {value}, {});
  }

private:
  std::string path, what;
  hid_t file = -1;
  hid_t fileList = -1, groups = -1, datasets = -1; // creation property lists
  bool canCompress = false; // libhdf5 has the shuffle and deflate filters

  void writeDataset(hid_t parent, const char *name, const void *data,
                    const std::vector<hsize_t> &dims, hid_t fileType,
                    hid_t memoryType);
  hid_t compressed(const std::vector<hsize_t> &dims, hid_t fileType) const;
  void check(int64_t status, const std::string &problem);
  void write(hid_t object, const char *name, hid_t fileType, hid_t memoryType,
             hid_t space, const void *data);
};

} // namespace ssm::rt::h5

#endif // SSM_RUNTIME_H5WRITER_H
