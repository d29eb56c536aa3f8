//===- InputFile.h - what every input file must be --------------*- C++ -*-===//
//
// Every file a user names (model, weights, hardware description, data set)
// is checked here before it is opened: it must be a regular file, since a
// FIFO blocks and a device such as /dev/zero never ends, and it must not be
// larger than its reader's limit, so that nothing is allocated for a file
// that cannot be valid. Header-only and MLIR-free, so the compiler's
// readers (frontend, hardware description) and the runtime's (npy, IDX)
// share it.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_INPUTFILE_H
#define SSM_RUNTIME_INPUTFILE_H

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace ssm {

/// Why `path` cannot be read as an input file, or "" when it can. It must
/// exist and be a regular file of at most `maxBytes` bytes; `size` receives
/// its size in bytes. The reason is a phrase to follow the file's name,
/// e.g. "is a FIFO, not a regular file".
inline std::string inputFileProblem(const std::string &path,
                                    uint64_t maxBytes, uint64_t &size) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0)
    return errno == ENOENT ? std::string("not found")
                           : std::string("cannot be read: ") +
                                 std::strerror(errno);
  if (S_ISDIR(info.st_mode))
    return "is a directory, not a regular file";
  if (S_ISFIFO(info.st_mode))
    return "is a FIFO, not a regular file";
  if (S_ISCHR(info.st_mode) || S_ISBLK(info.st_mode))
    return "is a device, not a regular file";
  if (!S_ISREG(info.st_mode))
    return "is not a regular file";
  size = static_cast<uint64_t>(info.st_size);
  if (size > maxBytes)
    return "has " + std::to_string(size) + " bytes, more than the limit of " +
           std::to_string(maxBytes);
  return "";
}

/// Reads the whole of `path` into `bytes` after inputFileProblem's checks,
/// allocating its stat size once. Returns "" or, as inputFileProblem does,
/// the reason it cannot.
inline std::string readInputFile(const std::string &path, uint64_t maxBytes,
                                 std::vector<char> &bytes) {
  uint64_t size = 0;
  std::string problem = inputFileProblem(path, maxBytes, size);
  if (!problem.empty())
    return problem;
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return std::string("cannot be opened: ") + std::strerror(errno);
  bytes.resize(size);
  if (!file.read(bytes.data(), static_cast<std::streamsize>(size)))
    return "could not be read whole (" + std::to_string(file.gcount()) +
           " of " + std::to_string(size) + " bytes)";
  return "";
}

/// The largest model source (.ssm, .mlir) or hardware description read.
constexpr uint64_t kMaxSourceBytes = uint64_t(4) << 30;
/// The largest data file (npy, IDX) read into memory.
constexpr uint64_t kMaxDataBytes = uint64_t(16) << 30;

} // namespace ssm

#endif // SSM_RUNTIME_INPUTFILE_H
