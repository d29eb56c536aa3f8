//===- H5Writer.cpp - writing HDF5 files reproducibly ---------------------===//

#include "ssm/Runtime/H5Writer.h"

#include <algorithm>
#include <stdexcept>

using namespace ssm::rt::h5;

namespace {
/// Datasets of at least this many elements are stored compressed.
constexpr hsize_t kCompressAt = 8192;

hid_t stringType() {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}
} // namespace

Writer::Writer(const std::string &path, const std::string &what)
    : path(path), what(what) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  // No modification times in object headers (the root group's included):
  // the same content gives the same file, byte for byte.
  fileList = H5Pcreate(H5P_FILE_CREATE);
  groups = H5Pcreate(H5P_GROUP_CREATE);
  datasets = H5Pcreate(H5P_DATASET_CREATE);
  check(fileList < 0 || groups < 0 || datasets < 0 ? -1 : 0,
        "cannot be created (property lists)");
  for (hid_t list : {fileList, groups, datasets})
    H5Pset_obj_track_times(list, false);
  canCompress = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0 &&
                H5Zfilter_avail(H5Z_FILTER_SHUFFLE) > 0;
  file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fileList, H5P_DEFAULT);
  check(file, "cannot be created");
}

Writer::~Writer() {
  if (file >= 0)
    H5Fclose(file);
  for (hid_t list : {fileList, groups, datasets})
    if (list >= 0)
      H5Pclose(list);
}

void Writer::close() {
  const herr_t status = H5Fclose(file);
  file = -1;
  check(status, "could not be closed (disk full?)");
}

hid_t Writer::group(hid_t parent, const std::string &name) {
  hid_t id = H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, groups, H5P_DEFAULT);
  check(id, "group '" + name + "' cannot be created");
  return id;
}

void Writer::attribute(hid_t object, const char *name, int64_t value) {
  attribute(object, name, std::vector<int64_t>{value}, /*scalar=*/true);
}

void Writer::attribute(hid_t object, const char *name,
                       const std::vector<int64_t> &values, bool scalar) {
  const hsize_t n = values.size();
  hid_t space =
      scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr);
  write(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, space, values.data());
}

void Writer::attribute(hid_t object, const char *name, double value) {
  write(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
        H5Screate(H5S_SCALAR), &value);
}

void Writer::attribute(hid_t object, const char *name,
                       const std::string &value) {
  hid_t type = stringType();
  const char *p = value.c_str();
  write(object, name, type, type, H5Screate(H5S_SCALAR), &p);
  H5Tclose(type);
}

void Writer::dataset(hid_t parent, const char *name,
                     const std::vector<int64_t> &values) {
  dataset(parent, name, values, {values.size()}, H5T_STD_I64LE,
          H5T_NATIVE_INT64);
}

void Writer::strings(hid_t parent, const char *name,
                     const std::vector<std::string> &values,
                     const std::vector<hsize_t> &dims) {
  std::vector<const char *> pointers;
  for (const std::string &s : values)
    pointers.push_back(s.c_str());
  hid_t type = stringType();
  dataset(parent, name, pointers, dims, type, type);
  H5Tclose(type);
}

void Writer::writeDataset(hid_t parent, const char *name, const void *data,
                          const std::vector<hsize_t> &dims, hid_t fileType,
                          hid_t memoryType) {
  hid_t space = dims.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(static_cast<int>(dims.size()),
                                                dims.data(), nullptr);
  check(space, std::string("dataset '") + name + "' cannot be shaped");
  hid_t create = compressed(dims, fileType);
  hid_t id = H5Dcreate2(parent, name, fileType, space, H5P_DEFAULT,
                        create >= 0 ? create : datasets, H5P_DEFAULT);
  if (create >= 0)
    H5Pclose(create);
  H5Sclose(space);
  check(id, std::string("dataset '") + name + "' cannot be created");
  const herr_t status =
      data ? H5Dwrite(id, memoryType, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) : 0;
  H5Dclose(id);
  check(status, std::string("dataset '") + name + "' cannot be written");
}

/// A creation property list that stores a large integer dataset in chunks
/// through HDF5's shuffle and deflate filters (the filters every HDF5
/// reader, h5py included, applies transparently): the bytes of
/// sign-extended registers and of monotone column starts group together and
/// compress, which keeps a network file close to its synapses. -1 (store as
/// is) for small, non-integer or 0-d datasets, or when libhdf5 lacks
/// deflate.
hid_t Writer::compressed(const std::vector<hsize_t> &dims,
                         hid_t fileType) const {
  hsize_t elements = 1;
  for (hsize_t d : dims)
    elements *= d;
  if (!canCompress || dims.empty() || elements < kCompressAt ||
      H5Tget_class(fileType) != H5T_INTEGER)
    return -1;
  // Chunks of about 2^20 elements: whole rows of a 2-D table.
  constexpr hsize_t kChunk = hsize_t(1) << 20;
  std::vector<hsize_t> chunk(dims);
  if (dims.size() == 1) {
    chunk[0] = std::min(dims[0], kChunk);
  } else {
    chunk[1] = std::min(dims[1], kChunk);
    chunk[0] = std::max<hsize_t>(1, std::min(dims[0], kChunk / chunk[1]));
  }
  hid_t list = H5Pcopy(datasets);
  if (list < 0 ||
      H5Pset_chunk(list, static_cast<int>(chunk.size()), chunk.data()) < 0 ||
      H5Pset_shuffle(list) < 0 || H5Pset_deflate(list, 4) < 0) {
    if (list >= 0)
      H5Pclose(list);
    return -1;
  }
  return list;
}

void Writer::check(int64_t status, const std::string &problem) {
  if (status < 0)
    throw std::runtime_error(what + " '" + path + "' " + problem);
}

void Writer::write(hid_t object, const char *name, hid_t fileType,
                   hid_t memoryType, hid_t space, const void *data) {
  hid_t id = H5Acreate2(object, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Sclose(space);
  check(id, std::string("attribute '") + name + "' cannot be created");
  const herr_t status = H5Awrite(id, memoryType, data);
  H5Aclose(id);
  check(status, std::string("attribute '") + name + "' cannot be written");
}
