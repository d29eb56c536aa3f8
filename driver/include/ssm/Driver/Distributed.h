//===- Distributed.h - ssmc-run over the ranks of an MPI launch -*- C++ -*-===//
//
// `mpirun -np R ssmc-run ...` shares one run among R processes
// (docs/mpi.md) in one of two ways:
//  - samples: each rank runs a contiguous block of the data set's samples
//    and rank 0 gathers every sample's outputs and target record and
//    summarizes them in sample order (Executable::runSamples/summarize);
//  - cores: every sample is one stream whose neurocores are split across
//    the ranks (rt::neuro::splitCores), with one all-gather per step
//    (rt::neuro::StepExchange), as NEST and Arbor exchange spikes.
// Either way rank 0's outputs, traces and counters are bit-identical to one
// process's. MPI is optional at build time (CMake finds it or not); a build
// without it refuses to run under a launcher of several ranks instead of
// running R copies of the whole job.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_DISTRIBUTED_H
#define SSM_DRIVER_DISTRIBUTED_H

#include "ssm/Runtime/Neurocore.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ssm::driver {

/// How the ranks share a run (ssmc-run --distribute).
enum class Distribute { Samples, Cores };

/// The processes of one launch. Constructing it starts MPI when the
/// launcher started more than one rank; destroying it ends MPI. One per
/// process.
class Ranks : public rt::neuro::StepExchange {
public:
  /// This process's rank and the launch's size as the launcher's
  /// environment gives them (Open MPI's OMPI_COMM_WORLD_*, else PMIx's or
  /// PMI's), readable before MPI starts: 0 and 1 without a launcher.
  static int launchRank();
  static int launchSize();
  /// Whether this build runs over MPI.
  static bool available();

  /// Starts MPI when launchSize() > 1. Throws std::runtime_error when this
  /// build has no MPI and a launcher started several ranks.
  Ranks();
  ~Ranks() override;
  Ranks(const Ranks &) = delete;
  Ranks &operator=(const Ranks &) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  /// Ranks on this machine (this one included).
  int localSize() const { return localSize_; }

  /// Collective: the first rank whose `value` (a fingerprint) differs
  /// from rank 0's, the same on every rank; -1 when all agree.
  int firstDiffering(uint64_t value);
  /// Collective: every rank's bytes, concatenated in rank order
  /// (StepExchange). Throws std::runtime_error when MPI fails or a part
  /// exceeds MPI's int counts.
  void allGather(const std::vector<char> &mine, std::vector<char> &all,
                 std::vector<int64_t> &offsets) override;
  /// Collective: every rank's bytes on rank 0, concatenated in rank order
  /// with `offsets` [size + 1]; other ranks get nothing.
  std::vector<char> gather(const std::vector<char> &mine,
                           std::vector<int64_t> &offsets);
  /// Ends every process of the launch with `code`: for an error on one
  /// rank that the others, waiting in a collective, would never learn of.
  [[noreturn]] void abort(int code);

private:
  int rank_ = 0, size_ = 1, localSize_ = 1;
  bool started = false;
};

/// A fingerprint of this process's executable (its bytes, read through
/// /proc/self/exe) and `arguments`: equal on two ranks only when they run
/// the same binary with the same command line.
uint64_t launchFingerprint(llvm::ArrayRef<const char *> arguments);

/// The first sample of each rank's block, [ranks + 1]: contiguous blocks
/// in rank order, as even as possible, rank 0's holding at least
/// `rootSamples` (Executable::rootSamples()).
std::vector<int64_t> sampleBlocks(int64_t samples, int ranks,
                                  int64_t rootSamples);

} // namespace ssm::driver

#endif // SSM_DRIVER_DISTRIBUTED_H
