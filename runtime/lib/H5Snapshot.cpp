//===- H5Snapshot.cpp - an HDF5 file read whole, in a child process -------===//

#include "ssm/Runtime/H5Snapshot.h"

#include <fmt/format.h>
#include <hdf5.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

using namespace ssm::rt::h5;

int64_t Array::elements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

std::string Array::typeName() const {
  switch (kind) {
  case Kind::Integer:
    return "int" + std::to_string(8 * typeSize);
  case Kind::Float:
    return "float" + std::to_string(8 * typeSize);
  case Kind::String:
    return "string";
  case Kind::Compound:
    return "compound";
  case Kind::Other:
    break;
  }
  return "a non-numeric type";
}

const Array *Snapshot::dataset(const std::string &path) const {
  auto it = datasets.find(path);
  return it == datasets.end() ? nullptr : &it->second;
}

const Array *Snapshot::attribute(const std::string &object,
                                 const std::string &name) const {
  auto it = attributes.find(object + "@" + name);
  return it == attributes.end() ? nullptr : &it->second;
}

namespace {
//===----------------------------------------------------------------------===//
// The snapshot's wire format between the child and the parent (same
// binary, same machine, so native byte order)
//===----------------------------------------------------------------------===//

struct Writer {
  std::string bytes;
  void u64(uint64_t v) { bytes.append(reinterpret_cast<char *>(&v), 8); }
  void str(const std::string &s) {
    u64(s.size());
    bytes += s;
  }
  template <typename T> void vec(const std::vector<T> &v) {
    u64(v.size());
    if (!v.empty()) // data() may be null when empty
      bytes.append(reinterpret_cast<const char *>(v.data()),
                   v.size() * sizeof(T));
  }
  void array(const Array &a) {
    u64(static_cast<uint64_t>(a.kind));
    u64(a.typeSize);
    vec(a.dims);
    str(a.problem);
    vec(a.ints);
    vec(a.floats);
    u64(a.strings.size());
    for (const std::string &s : a.strings)
      str(s);
  }
};

struct Reader {
  const char *data;
  size_t size;
  bool ok = true;
  uint64_t u64() {
    uint64_t v = 0;
    if (size < 8) {
      ok = false;
      return 0;
    }
    std::memcpy(&v, data, 8);
    data += 8;
    size -= 8;
    return v;
  }
  std::string str() {
    const uint64_t n = u64();
    if (!ok || n > size) {
      ok = false;
      return "";
    }
    std::string s(data, n);
    data += n;
    size -= n;
    return s;
  }
  template <typename T> std::vector<T> vec() {
    const uint64_t n = u64();
    if (!ok || n > size / sizeof(T)) {
      ok = false;
      return {};
    }
    std::vector<T> v(n);
    if (n > 0) // memcpy's pointers must not be null, even for 0 bytes
      std::memcpy(v.data(), data, n * sizeof(T));
    data += n * sizeof(T);
    size -= n * sizeof(T);
    return v;
  }
  Array array() {
    Array a;
    const uint64_t kind = u64();
    if (kind > static_cast<uint64_t>(Array::Kind::Other))
      ok = false;
    a.kind = static_cast<Array::Kind>(kind);
    a.typeSize = u64();
    a.dims = vec<int64_t>();
    a.problem = str();
    a.ints = vec<int64_t>();
    a.floats = vec<double>();
    for (uint64_t n = u64(); ok && n > 0; --n)
      a.strings.push_back(str());
    return a;
  }
};

void writeSnapshot(Writer &w, const Snapshot &s) {
  w.u64(s.objects.size());
  for (const std::string &o : s.objects)
    w.str(o);
  for (const auto *map : {&s.datasets, &s.attributes}) {
    w.u64(map->size());
    for (const auto &[key, array] : *map) {
      w.str(key);
      w.array(array);
    }
  }
}

bool readSnapshot(Reader &r, Snapshot &s) {
  for (uint64_t n = r.u64(); r.ok && n > 0; --n)
    s.objects.insert(r.str());
  for (auto *map : {&s.datasets, &s.attributes})
    for (uint64_t n = r.u64(); r.ok && n > 0; --n) {
      std::string key = r.str();
      (*map)[key] = r.array();
    }
  return r.ok && r.size == 0;
}

//===----------------------------------------------------------------------===//
// Reading with libhdf5 (in the child)
//===----------------------------------------------------------------------===//

/// Closes an HDF5 handle with the matching function when it goes out of scope.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0)
      close(id);
  }
};

/// Why the storage of `dataset`, `bytes` long by its shape and type, cannot
/// be read, or "". libhdf5 trusts a corrupt object header: a compact or
/// contiguous dataset whose stored size does not match its shape, or whose
/// data lies past the end of the file, makes H5Dread copy from nowhere.
/// Chunked data (compressed, or with unallocated chunks) may legitimately
/// be smaller and is left to HDF5.
std::string storageProblem(hid_t file, hid_t dataset, uint64_t bytes) {
  Handle plist{H5Dget_create_plist(dataset), H5Pclose};
  const H5D_layout_t layout = H5Pget_layout(plist.id);
  if (layout != H5D_COMPACT && layout != H5D_CONTIGUOUS)
    return "";
  const hsize_t stored = H5Dget_storage_size(dataset);
  if (stored != bytes)
    return fmt::format("stores {} bytes of data for a shape and type of {} "
                       "bytes; the file is corrupt",
                       stored, bytes);
  hsize_t fileSize = 0;
  const haddr_t offset = H5Dget_offset(dataset);
  if (layout == H5D_CONTIGUOUS && bytes > 0 &&
      (offset == HADDR_UNDEF || H5Fget_filesize(file, &fileSize) < 0 ||
       offset > fileSize || bytes > fileSize - offset))
    return fmt::format("has its data at offset {}, past the end of the "
                       "{}-byte file; the file is corrupt",
                       offset, fileSize);
  return "";
}

/// The kind, element size and shape of a dataset or attribute from its type
/// and dataspace; false (with `a.problem`) when the shape is unreadable or
/// has more than `maxElements` elements.
bool describe(hid_t type, hid_t space, uint64_t maxElements, Array &a) {
  switch (H5Tget_class(type)) {
  case H5T_INTEGER:
    a.kind = Array::Kind::Integer;
    break;
  case H5T_FLOAT:
    a.kind = Array::Kind::Float;
    break;
  case H5T_STRING:
    a.kind = Array::Kind::String;
    break;
  case H5T_COMPOUND:
    a.kind = Array::Kind::Compound;
    break;
  default:
    a.kind = Array::Kind::Other;
  }
  a.typeSize = H5Tget_size(type);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 32) {
    a.problem = "has an unreadable dataspace";
    return false;
  }
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  uint64_t count = 1;
  bool overflow = false;
  for (hsize_t n : dims) {
    a.dims.push_back(static_cast<int64_t>(std::min<hsize_t>(n, INT64_MAX)));
    overflow |= __builtin_mul_overflow(count, uint64_t(n), &count);
  }
  if (overflow || count > maxElements) {
    a.problem = fmt::format("has more than {} elements, the most ssmc reads",
                            maxElements);
    return false;
  }
  return true;
}

/// Reads `count` elements with `read(memoryType, buffer)` into `a` by kind.
template <typename ReadFn>
void readValues(hid_t fileType, uint64_t count, Array &a, ReadFn read) {
  if (count == 0)
    return;
  switch (a.kind) {
  case Array::Kind::Integer:
    a.ints.resize(count);
    if (read(H5T_NATIVE_INT64, a.ints.data()) < 0) {
      a.ints.clear();
      a.problem = "cannot read the data (corrupt file?)";
    }
    return;
  case Array::Kind::Float:
    a.floats.resize(count);
    if (read(H5T_NATIVE_DOUBLE, a.floats.data()) < 0) {
      a.floats.clear();
      a.problem = "cannot read the data (corrupt file?)";
    }
    return;
  case Array::Kind::String: {
    if (H5Tis_variable_str(fileType) > 0) {
      Handle memory{H5Tcopy(H5T_C_S1), H5Tclose};
      H5Tset_size(memory.id, H5T_VARIABLE);
      // HDF5 does not convert between character sets (ASCII, UTF-8).
      H5Tset_cset(memory.id, H5Tget_cset(fileType));
      std::vector<char *> pointers(count, nullptr);
      if (read(memory.id, pointers.data()) < 0) {
        a.problem = "cannot read the strings (corrupt file?)";
        return;
      }
      for (char *p : pointers) {
        a.strings.emplace_back(p ? p : "");
        H5free_memory(p);
      }
      return;
    }
    const size_t size = a.typeSize;
    Handle memory{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(memory.id, size);
    H5Tset_cset(memory.id, H5Tget_cset(fileType));
    std::vector<char> buffer(count * size);
    if (read(memory.id, buffer.data()) < 0) {
      a.problem = "cannot read the strings (corrupt file?)";
      return;
    }
    for (uint64_t i = 0; i < count; ++i) {
      const char *p = buffer.data() + i * size;
      a.strings.emplace_back(p, strnlen(p, size));
    }
    return;
  }
  case Array::Kind::Compound:
  case Array::Kind::Other:
    return; // described, not read
  }
}

void readDataset(hid_t file, hid_t dataset, uint64_t maxElements, Array &a) {
  Handle type{H5Dget_type(dataset), H5Tclose};
  Handle space{H5Dget_space(dataset), H5Sclose};
  if (!describe(type.id, space.id, maxElements, a))
    return;
  const uint64_t count = static_cast<uint64_t>(a.elements());
  if (a.kind != Array::Kind::String || H5Tis_variable_str(type.id) <= 0) {
    a.problem = storageProblem(file, dataset, count * a.typeSize);
    if (!a.problem.empty())
      return;
  }
  readValues(type.id, count, a, [&](hid_t memory, void *buffer) {
    return H5Dread(dataset, memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer);
  });
}

struct Visit {
  hid_t file;
  Snapshot *snapshot;
  uint64_t maxElements;
  std::string object; // the object whose attributes are being read
};

herr_t readAttribute(hid_t object, const char *name, const H5A_info_t *,
                     void *data) {
  auto *v = static_cast<Visit *>(data);
  Array &a = v->snapshot->attributes[v->object + "@" + name];
  Handle attribute{H5Aopen(object, name, H5P_DEFAULT), H5Aclose};
  if (attribute.id < 0) {
    a.problem = "cannot be opened (corrupt file?)";
    return 0;
  }
  Handle type{H5Aget_type(attribute.id), H5Tclose};
  Handle space{H5Aget_space(attribute.id), H5Sclose};
  if (!describe(type.id, space.id, v->maxElements, a))
    return 0;
  readValues(type.id, static_cast<uint64_t>(a.elements()), a,
             [&](hid_t memory, void *buffer) {
               return H5Aread(attribute.id, memory, buffer);
             });
  return 0;
}

void readAttributes(hid_t object, const std::string &path, Visit &v) {
  v.object = path;
  hsize_t index = 0;
  H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, &index, readAttribute, &v);
}

/// Opens `path` with libhdf5 and reads everything: the snapshot, or why the
/// file cannot be opened (a phrase to follow the file's name).
std::string readWithHDF5(const std::string &path, Snapshot &s,
                         uint64_t maxElements) {
  // HDF5 prints its own error stack to stderr by default; ssmc reports
  // errors itself, with the file and dataset.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0)
    return "is not an HDF5 file (or cannot be read)";
  Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0)
    return "cannot be opened (corrupt or unreadable HDF5)";
  Visit visit{file.id, &s, maxElements, ""};
  {
    Handle root{H5Oopen(file.id, "/", H5P_DEFAULT), H5Oclose};
    if (root.id < 0)
      return "cannot be read (its root group is corrupt)";
    s.objects.insert("/");
    readAttributes(root.id, "/", visit);
  }
  auto visitor = [](hid_t group, const char *name, const H5L_info_t *,
                    void *data) -> herr_t {
    auto *v = static_cast<Visit *>(data);
    Handle object{H5Oopen(group, name, H5P_DEFAULT), H5Oclose};
    if (object.id < 0)
      return 0;
    const std::string path = "/" + std::string(name);
    v->snapshot->objects.insert(path);
    if (H5Iget_type(object.id) == H5I_DATASET)
      readDataset(v->file, object.id, v->maxElements,
                  v->snapshot->datasets[path]);
    readAttributes(object.id, path, *v);
    return 0;
  };
  if (H5Lvisit(file.id, H5_INDEX_NAME, H5_ITER_INC, visitor, &visit) < 0)
    return "cannot be read (its groups are corrupt)";
  return "";
}
} // namespace

std::string ssm::rt::h5::readIsolated(const std::string &path,
                                      Snapshot &snapshot,
                                      const ReadLimits &limits) {
  int fds[2];
  if (::pipe(fds) != 0)
    return std::string("cannot be read: cannot create a pipe: ") +
           std::strerror(errno);
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::string("cannot be read: cannot fork: ") + std::strerror(errno);
  }
  if (child == 0) {
    ::close(fds[0]);
    // A crash here is the answer, not a bug of ssmc: die quietly, without
    // the tools' crash handlers and without output.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP})
      ::signal(sig, SIG_DFL);
    if (int null = ::open("/dev/null", O_WRONLY); null >= 0)
      ::dup2(null, STDERR_FILENO);
    Snapshot s;
    Writer w;
    const std::string problem = readWithHDF5(path, s, limits.maxElements);
    w.str(problem);
    if (problem.empty())
      writeSnapshot(w, s);
    const char *p = w.bytes.data();
    size_t left = w.bytes.size();
    while (left > 0) {
      const ssize_t n = ::write(fds[1], p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        ::_exit(2);
      p += n;
      left -= static_cast<size_t>(n);
    }
    // _exit: no destructors or atexit handlers of the parent's state.
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string bytes;
  bool timedOut = false;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(limits.timeoutSeconds);
  std::vector<char> buffer(1 << 16);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fds[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, std::max<int64_t>(left.count(), 0));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0) {
      timedOut = true;
      ::kill(child, SIGKILL);
      break;
    }
    const ssize_t n = ::read(fds[0], buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    bytes.append(buffer.data(), static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  if (timedOut)
    return fmt::format("could not be read in {} s (the HDF5 library did not "
                       "finish); the file is corrupt or too large",
                       limits.timeoutSeconds);
  if (WIFSIGNALED(status))
    return fmt::format("is corrupt: the HDF5 library crashed reading it "
                       "(signal {}, {})",
                       WTERMSIG(status), ::strsignal(WTERMSIG(status)));
  Reader r{bytes.data(), bytes.size()};
  const std::string problem = r.str();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !r.ok)
    return fmt::format("could not be read (the reader exited with {})",
                       WEXITSTATUS(status));
  if (!problem.empty())
    return problem;
  Snapshot s;
  if (!readSnapshot(r, s))
    return "could not be read (an incomplete answer from the reader)";
  snapshot = std::move(s);
  return "";
}
