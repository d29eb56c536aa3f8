//===- Distributed.cpp - ssmc-run over the ranks of an MPI launch ---------===//
//
// With SSMC_HAVE_MPI (CMake found MPI) the collectives are MPI's on
// MPI_COMM_WORLD; without it a Ranks is one process, and a launch of
// several ranks is refused.
//
//===----------------------------------------------------------------------===//

#include "ssm/Driver/Distributed.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <stdexcept>

#if SSMC_HAVE_MPI
#include <mpi.h>
#endif

using namespace ssm;
using namespace ssm::driver;

namespace {
/// The first of `names` set to an integer in the environment, or
/// `fallback`.
int fromEnvironment(std::initializer_list<const char *> names, int fallback) {
  for (const char *name : names)
    if (const char *value = std::getenv(name)) {
      char *end = nullptr;
      const long v = std::strtol(value, &end, 10);
      if (end != value && *end == 0 && v >= 0 && v <= INT_MAX)
        return static_cast<int>(v);
    }
  return fallback;
}

#if SSMC_HAVE_MPI
void check(int code, const char *what) {
  if (code == MPI_SUCCESS)
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI: ") + what + ": " +
                           std::string(text, length));
}

/// MPI counts are ints: a part of more than INT_MAX bytes is refused.
int countOf(size_t bytes, const char *what) {
  if (bytes > static_cast<size_t>(INT_MAX))
    throw std::runtime_error(std::string("MPI: ") + what + ": " +
                             std::to_string(bytes) +
                             " bytes from one rank exceed MPI's int counts; "
                             "run fewer samples per rank (--limit)");
  return static_cast<int>(bytes);
}
#endif
} // namespace

int Ranks::launchRank() {
  return fromEnvironment(
      {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}, 0);
}

int Ranks::launchSize() {
  return std::max(1, fromEnvironment(
                         {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}, 1));
}

bool Ranks::available() {
#if SSMC_HAVE_MPI
  return true;
#else
  return false;
#endif
}

Ranks::Ranks() {
  if (launchSize() <= 1)
    return;
#if SSMC_HAVE_MPI
  int provided = 0;
  // Only the main thread calls MPI (OpenMP threads never do).
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided),
        "MPI_Init_thread");
  started = true;
  // Errors come back as codes (check() turns them into exceptions), not as
  // MPI's default abort without a word of ours.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm local;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_,
                            MPI_INFO_NULL, &local),
        "MPI_Comm_split_type");
  MPI_Comm_size(local, &localSize_);
  MPI_Comm_free(&local);
#else
  throw std::runtime_error(
      "launched as " + std::to_string(launchSize()) +
      " MPI ranks, but this ssmc-run was built without MPI (CMake found "
      "none: install libopenmpi-dev and rebuild; docs/mpi.md)");
#endif
}

Ranks::~Ranks() {
#if SSMC_HAVE_MPI
  if (started)
    MPI_Finalize();
#endif
}

int Ranks::firstDiffering(uint64_t value) {
  if (size_ == 1)
    return -1;
  std::vector<uint64_t> all(size_);
#if SSMC_HAVE_MPI
  check(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T,
                      MPI_COMM_WORLD),
        "MPI_Allgather");
#endif
  for (int r = 1; r < size_; ++r)
    if (all[r] != all[0])
      return r;
  return -1;
}

void Ranks::allGather(const std::vector<char> &mine, std::vector<char> &all,
                      std::vector<int64_t> &offsets) {
  offsets.assign(size_ + 1, 0);
  if (size_ == 1) {
    all = mine;
    offsets[1] = static_cast<int64_t>(mine.size());
    return;
  }
#if SSMC_HAVE_MPI
  const int count = countOf(mine.size(), "step exchange");
  std::vector<int> counts(size_), displacements(size_);
  check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT,
                      MPI_COMM_WORLD),
        "MPI_Allgather");
  for (int r = 0; r < size_; ++r)
    offsets[r + 1] = offsets[r] + counts[r];
  if (offsets[size_] > INT_MAX)
    throw std::runtime_error("MPI: a step exchange of " +
                             std::to_string(offsets[size_]) +
                             " bytes exceeds MPI's int counts");
  for (int r = 0; r < size_; ++r)
    displacements[r] = static_cast<int>(offsets[r]);
  all.resize(offsets[size_]);
  check(MPI_Allgatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(),
                       displacements.data(), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Allgatherv");
#endif
}

std::vector<char> Ranks::gather(const std::vector<char> &mine,
                                std::vector<int64_t> &offsets) {
  offsets.assign(size_ + 1, 0);
  if (size_ == 1) {
    offsets[1] = static_cast<int64_t>(mine.size());
    return mine;
  }
  std::vector<char> all;
#if SSMC_HAVE_MPI
  const int count = countOf(mine.size(), "gathering the samples' results");
  std::vector<int> counts(size_), displacements(size_);
  check(MPI_Gather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, 0,
                   MPI_COMM_WORLD),
        "MPI_Gather");
  if (root()) {
    for (int r = 0; r < size_; ++r)
      offsets[r + 1] = offsets[r] + counts[r];
    if (offsets[size_] > INT_MAX)
      throw std::runtime_error(
          "MPI: the samples' results (" + std::to_string(offsets[size_]) +
          " bytes) exceed MPI's int counts; run fewer samples (--limit)");
    for (int r = 0; r < size_; ++r)
      displacements[r] = static_cast<int>(offsets[r]);
    all.resize(offsets[size_]);
  }
  check(MPI_Gatherv(mine.data(), count, MPI_BYTE, all.data(), counts.data(),
                    displacements.data(), MPI_BYTE, 0, MPI_COMM_WORLD),
        "MPI_Gatherv");
#endif
  return all;
}

void Ranks::abort(int code) {
#if SSMC_HAVE_MPI
  if (started)
    MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

uint64_t ssm::driver::launchFingerprint(llvm::ArrayRef<const char *> arguments) {
  std::string text;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> binary =
      llvm::MemoryBuffer::getFile("/proc/self/exe", /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  text += std::to_string(binary ? llvm::xxh3_64bits((*binary)->getBuffer())
                                : 0);
  for (const char *argument : arguments) {
    text.push_back('\0');
    text += argument;
  }
  return llvm::xxh3_64bits(text);
}

std::vector<int64_t> ssm::driver::sampleBlocks(int64_t samples, int ranks,
                                               int64_t rootSamples) {
  std::vector<int64_t> start(ranks + 1, 0);
  // Rank 0 first: its even share, or the samples it must run.
  const int64_t rootCount = std::min(
      samples, std::max(rootSamples, (samples + ranks - 1) / ranks));
  start[1] = ranks > 1 ? rootCount : samples;
  const int64_t rest = samples - start[1];
  for (int r = 1; r < ranks; ++r)
    start[r + 1] = start[1] + rest * r / (ranks - 1);
  return start;
}
