//===- FuzzFiles.h - fuzz inputs handed to readers that take paths -*- C++ -*-//
//
// ssmc's data, weights and hardware readers take file names (they check the
// file before reading it), so a fuzz target writes its input to files in a
// private temporary folder and calls the reader the tools call. An input
// for two files (inputs and labels, images and labels) is split at a length
// stored in its first 4 bytes, so that libFuzzer's mutations move the split
// too.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_TEST_FUZZ_FUZZFILES_H
#define SSM_TEST_FUZZ_FUZZFILES_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace ssm::fuzz {

/// The folder the target's files live in: created once per process, removed
/// when the process exits normally.
inline const std::string &tempDir() {
  struct Dir {
    std::string path;
    Dir() {
      char name[] = "/tmp/ssmc-fuzz-XXXXXX";
      if (!::mkdtemp(name)) {
        std::perror("mkdtemp");
        std::abort();
      }
      path = name;
    }
    ~Dir() {
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static Dir dir;
  return dir.path;
}

/// Writes `bytes` to `name` (relative to tempDir(), folders created) and
/// returns its path.
inline std::string writeFile(const std::string &name, std::string_view bytes) {
  const std::filesystem::path path = std::filesystem::path(tempDir()) / name;
  std::filesystem::create_directories(path.parent_path());
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file || std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size() ||
      std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path.string();
}

/// An input for two files: a little-endian uint32 n, then the first file's
/// bytes (n modulo what is left) and the second's.
inline std::pair<std::string_view, std::string_view>
splitInput(const uint8_t *data, size_t size) {
  if (size < 4)
    return {{}, {}};
  const uint32_t n = uint32_t(data[0]) | uint32_t(data[1]) << 8 |
                     uint32_t(data[2]) << 16 | uint32_t(data[3]) << 24;
  std::string_view rest(reinterpret_cast<const char *>(data) + 4, size - 4);
  const size_t first = rest.empty() ? 0 : n % (rest.size() + 1);
  return {rest.substr(0, first), rest.substr(first)};
}

} // namespace ssm::fuzz

#endif // SSM_TEST_FUZZ_FUZZFILES_H
