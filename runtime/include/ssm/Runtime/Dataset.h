//===- Dataset.h - data sets for ssmc-run -----------------------*- C++ -*-===//
//
// Sequences and labels named by a data spec (docs/ssmc-run.md):
//   file:INPUTS.npy[,LABELS.npy]
//     INPUTS: float or integer [samples, L, H] (or [samples, L] for H = 1);
//     LABELS: integer [samples], optional (no accuracy without them).
//   mnist:train|test    MNIST as 784 tokens of one channel, pixel / 255,
//                       row by row (sequential MNIST)
//   pmnist:train|test   the same with the pixels in a fixed permuted order
//                       (pmnistPermutation)
// MNIST's IDX files are read from $SSMC_DATA/mnist, default data/mnist
// (scripts/fetch-data puts them there).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_DATASET_H
#define SSM_RUNTIME_DATASET_H

#include "ssm/Runtime/Npy.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssm::rt {

struct Dataset {
  std::string spec;
  int64_t samples = 0, length = 0, channels = 0;
  std::vector<float> inputs;   // [samples, length, channels]
  std::vector<int64_t> labels; // [samples], empty when unlabeled

  const float *sample(int64_t i) const {
    return inputs.data() + i * length * channels;
  }
};

/// The fixed psMNIST pixel order: token k is pixel perm[k]. Fisher-Yates over
/// 0..n-1 driven by splitmix64 seeded with `seed` (j = next() mod (i + 1),
/// i from n-1 down to 1), so other languages reproduce it exactly
/// (tools/train/ssmc_data.py).
std::vector<int64_t> pmnistPermutation(int64_t n = 784, uint64_t seed = 0);

/// Loads `spec`, keeping the first `limit` samples when given. Throws
/// DataError naming the spec, the file and what is wrong; an unknown spec
/// kind lists the known ones.
Dataset loadDataset(const std::string &spec,
                    std::optional<int64_t> limit = std::nullopt);

} // namespace ssm::rt

#endif // SSM_RUNTIME_DATASET_H
