//===- WeightFile.cpp - layer parameters from HDF5 files ------------------===//
//
// libhdf5 1.10 (Debian's) crashes on some corrupt files inside its own code
// (a SEGV iterating a group whose local heap is damaged, found by
// ssmc-fuzz-weights; h5py crashes on the same file), and no check before
// the call can rule that out. So the file is read in a child process: it
// opens the file, lists every object and reads every float dataset, and
// sends that snapshot through a pipe; WeightFile answers from the snapshot.
// A child that crashes, fails or takes longer than kReadTimeoutSeconds
// makes open() fail with a message naming the file, and ssmc carries on.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/WeightFile.h"
#include "ssm/Dialect/SSM/Verification.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"

#include <hdf5.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <set>

using namespace ssm::dsl;

//===----------------------------------------------------------------------===//
// The snapshot and its wire format
//===----------------------------------------------------------------------===//

/// Everything ssmc asks of a weights file, read in one go.
struct WeightFile::Snapshot {
  struct Dataset {
    std::string typeProblem; // "" for float32/float64, else what it is
    size_t typeSize = 0;
    std::vector<int64_t> dims;
    std::string problem; // why the data could not be read, or ""
    std::vector<double> values;
  };
  std::set<std::string> objects; // absolute paths of groups and datasets
  std::map<std::string, Dataset> datasets;
};

namespace {
/// How long the child may take to read a weights file.
constexpr int kReadTimeoutSeconds = 120;
/// The most elements a dataset may have to be read (MLIRGen's limit on a
/// parameter tensor); larger ones are reported, not read.
constexpr uint64_t kMaxDatasetElements = uint64_t(1) << 26;

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Appends values to a byte string and reads them back in the same order:
/// the snapshot's format between the child and the parent (same binary,
/// same machine, so native byte order).
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
};
struct Reader {
  llvm::StringRef bytes;
  bool ok = true;
  uint64_t u64() {
    uint64_t v = 0;
    if (bytes.size() < 8) {
      ok = false;
      return 0;
    }
    std::memcpy(&v, bytes.data(), 8);
    bytes = bytes.drop_front(8);
    return v;
  }
  std::string str() {
    const uint64_t n = u64();
    if (!ok || n > bytes.size()) {
      ok = false;
      return "";
    }
    std::string s = bytes.take_front(n).str();
    bytes = bytes.drop_front(n);
    return s;
  }
  template <typename T> std::vector<T> vec() {
    const uint64_t n = u64();
    if (!ok || n > bytes.size() / sizeof(T)) {
      ok = false;
      return {};
    }
    std::vector<T> v(n);
    if (n > 0) // memcpy's pointers must not be null, even for 0 bytes
      std::memcpy(v.data(), bytes.data(), n * sizeof(T));
    bytes = bytes.drop_front(n * sizeof(T));
    return v;
  }
};

void writeSnapshot(Writer &w, const WeightFile::Snapshot &s) {
  w.u64(s.objects.size());
  for (const std::string &o : s.objects)
    w.str(o);
  w.u64(s.datasets.size());
  for (const auto &[path, d] : s.datasets) {
    w.str(path);
    w.str(d.typeProblem);
    w.u64(d.typeSize);
    w.vec(d.dims);
    w.str(d.problem);
    w.vec(d.values);
  }
}

bool readSnapshot(Reader &r, WeightFile::Snapshot &s) {
  for (uint64_t n = r.u64(); r.ok && n > 0; --n)
    s.objects.insert(r.str());
  for (uint64_t n = r.u64(); r.ok && n > 0; --n) {
    WeightFile::Snapshot::Dataset &d = s.datasets[r.str()];
    d.typeProblem = r.str();
    d.typeSize = r.u64();
    d.dims = r.vec<int64_t>();
    d.problem = r.str();
    d.values = r.vec<double>();
  }
  return r.ok && r.bytes.empty();
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
    return llvm::formatv("stores {0} bytes of data for a shape and type of "
                         "{1} bytes; the file is corrupt",
                         stored, bytes);
  hsize_t fileSize = 0;
  const haddr_t offset = H5Dget_offset(dataset);
  if (layout == H5D_CONTIGUOUS && bytes > 0 &&
      (offset == HADDR_UNDEF || H5Fget_filesize(file, &fileSize) < 0 ||
       offset > fileSize || bytes > fileSize - offset))
    return llvm::formatv("has its data at offset {0}, past the end of the "
                         "{1}-byte file; the file is corrupt",
                         offset, fileSize);
  return "";
}

/// What the dtype of a non-float dataset is, for the error message.
std::string describeType(H5T_class_t typeClass, size_t typeSize) {
  switch (typeClass) {
  case H5T_INTEGER:
    return "int" + std::to_string(8 * typeSize);
  case H5T_FLOAT:
    return "float" + std::to_string(8 * typeSize);
  case H5T_COMPOUND:
    return "a compound type (store complex values as a trailing axis of 2: "
           "real, imaginary)";
  case H5T_STRING:
    return "string";
  default:
    return "a non-numeric type";
  }
}

void readDataset(hid_t file, hid_t dataset, WeightFile::Snapshot::Dataset &d) {
  Handle type{H5Dget_type(dataset), H5Tclose};
  const H5T_class_t typeClass = H5Tget_class(type.id);
  d.typeSize = H5Tget_size(type.id);
  if (typeClass != H5T_FLOAT || (d.typeSize != 4 && d.typeSize != 8))
    d.typeProblem = describeType(typeClass, d.typeSize);
  Handle space{H5Dget_space(dataset), H5Sclose};
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 0 || rank > 32) {
    d.problem = "has an unreadable dataspace";
    return;
  }
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  uint64_t count = 1;
  bool overflow = false;
  for (hsize_t n : dims) {
    d.dims.push_back(static_cast<int64_t>(std::min<hsize_t>(n, INT64_MAX)));
    overflow |= __builtin_mul_overflow(count, uint64_t(n), &count);
  }
  if (!d.typeProblem.empty())
    return;
  if (overflow || count > kMaxDatasetElements) {
    d.problem = llvm::formatv("has more than {0} elements, the most a "
                              "parameter may have",
                              kMaxDatasetElements);
    return;
  }
  d.problem = storageProblem(file, dataset, count * d.typeSize);
  if (!d.problem.empty())
    return;
  d.values.resize(count);
  if (count && H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                       H5P_DEFAULT, d.values.data()) < 0) {
    d.values.clear();
    d.problem = "cannot read the data (corrupt file?)";
  }
}

/// Opens `path` with libhdf5 and reads everything: the snapshot, or why the
/// file cannot be opened (a phrase to follow the file's name).
std::string readWithHDF5(const std::string &path, WeightFile::Snapshot &s) {
  // HDF5 prints its own error stack to stderr by default; ssmc reports
  // errors itself, with the file and dataset.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0)
    return "is not an HDF5 file (or cannot be read)";
  Handle file{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (file.id < 0)
    return "cannot be opened (corrupt or unreadable HDF5)";
  struct Visit {
    hid_t file;
    WeightFile::Snapshot *snapshot;
  } visit{file.id, &s};
  auto visitor = [](hid_t group, const char *name, const H5L_info_t *,
                    void *data) -> herr_t {
    auto *v = static_cast<Visit *>(data);
    Handle object{H5Oopen(group, name, H5P_DEFAULT), H5Oclose};
    if (object.id < 0)
      return 0;
    const std::string path = "/" + std::string(name);
    v->snapshot->objects.insert(path);
    if (H5Iget_type(object.id) == H5I_DATASET)
      readDataset(v->file, object.id, v->snapshot->datasets[path]);
    return 0;
  };
  if (H5Lvisit(file.id, H5_INDEX_NAME, H5_ITER_INC, visitor, &visit) < 0)
    return "cannot be read (its groups are corrupt)";
  return "";
}

/// Runs readWithHDF5 in a child process and returns its answer; a child
/// that dies, fails or times out gives an error instead.
llvm::Expected<WeightFile::Snapshot> readIsolated(const std::string &path) {
  int fds[2];
  if (::pipe(fds) != 0)
    return makeError("weights file '" + path + "': cannot create a pipe: " +
                     std::strerror(errno));
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return makeError("weights file '" + path + "': cannot fork: " +
                     std::strerror(errno));
  }
  if (child == 0) {
    ::close(fds[0]);
    // A crash here is the answer, not a bug of ssmc: die quietly, without
    // LLVM's crash handlers (installed by the tools) and without output.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP})
      ::signal(sig, SIG_DFL);
    if (int null = ::open("/dev/null", O_WRONLY); null >= 0)
      ::dup2(null, STDERR_FILENO);
    WeightFile::Snapshot s;
    Writer w;
    const std::string problem = readWithHDF5(path, s);
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
                        std::chrono::seconds(kReadTimeoutSeconds);
  char buffer[1 << 16];
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
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR)
    ;
  const std::string where = "weights file '" + path + "'";
  if (timedOut)
    return makeError(where + " could not be read in " +
                     std::to_string(kReadTimeoutSeconds) +
                     " s (the HDF5 library did not finish); the file is "
                     "corrupt or too large");
  if (WIFSIGNALED(status))
    return makeError(where + " is corrupt: the HDF5 library crashed reading "
                             "it (signal " +
                     std::to_string(WTERMSIG(status)) + ", " +
                     ::strsignal(WTERMSIG(status)) + ")");
  Reader r{bytes};
  const std::string problem = r.str();
  WeightFile::Snapshot s;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !r.ok)
    return makeError(where + " could not be read (the reader exited with " +
                     std::to_string(WEXITSTATUS(status)) + ")");
  if (!problem.empty())
    return makeError(where + " " + problem);
  if (!readSnapshot(r, s))
    return makeError(where + " could not be read (an incomplete answer from "
                             "the reader)");
  return s;
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

WeightFile::WeightFile(std::string path, Snapshot snapshot)
    : path(std::move(path)),
      snapshot(std::make_unique<Snapshot>(std::move(snapshot))) {}

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
  llvm::Expected<Snapshot> snapshot = readIsolated(path.str());
  if (!snapshot)
    return snapshot.takeError();
  return std::unique_ptr<WeightFile>(
      new WeightFile(path.str(), std::move(*snapshot)));
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
  auto it = snapshot->datasets.find(datasetPath.str());
  if (it == snapshot->datasets.end())
    return fail("is not a dataset");
  const Snapshot::Dataset &d = it->second;
  if (!d.typeProblem.empty())
    return fail("expected dtype float32 or float64, found " + d.typeProblem);
  if (llvm::ArrayRef<int64_t>(d.dims) != shape)
    return fail("expected shape " + ssm::formatShape(shape) + ", found " +
                ssm::formatShape(d.dims));
  if (!d.problem.empty())
    return fail(d.problem);
  for (size_t i = 0; i < d.values.size(); ++i)
    if (!std::isfinite(d.values[i]))
      return fail(llvm::formatv("holds {0} at flat index {1}",
                                std::isnan(d.values[i]) ? "NaN" : "Inf", i));
  return d.values;
}

std::vector<std::string> WeightFile::listDatasets() const {
  std::vector<std::string> datasets;
  for (const auto &entry : snapshot->datasets)
    datasets.push_back(entry.first);
  return datasets; // std::map: sorted
}
