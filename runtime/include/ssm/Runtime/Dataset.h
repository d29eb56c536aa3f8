//===- Dataset.h - data sets for ssmc-run -----------------------*- C++ -*-===//
//
// Sequences and labels named by a data spec (docs/ssmc-run.md):
//   file:INPUTS.npy[,LABELS.npy]
//     INPUTS: float or integer [samples, L, H] (or [samples, L] for H = 1);
//     LABELS: integer [samples], optional (no accuracy without them).
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

/// Loads `spec`, keeping the first `limit` samples when given. Throws
/// DataError naming the spec, the file and what is wrong; an unknown spec
/// kind lists the known ones.
Dataset loadDataset(const std::string &spec,
                    std::optional<int64_t> limit = std::nullopt);

} // namespace ssm::rt

#endif // SSM_RUNTIME_DATASET_H
