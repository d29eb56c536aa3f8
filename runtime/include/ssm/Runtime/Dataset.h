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
//   brown:train|valid|test  the Brown corpus's split as word ids (Corpus.h),
//                       cut into kCorpusStreams contiguous streams of equal
//                       length (the remainder, fewer than kCorpusStreams
//                       words, is dropped): a language model's data
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
  /// A token data set (a language model's corpus): the word of each id
  /// that `inputs` holds (one channel); empty for other data sets.
  std::vector<std::string> vocabulary;

  bool isTokens() const { return !vocabulary.empty(); }

  const float *sample(int64_t i) const {
    return inputs.data() + i * length * channels;
  }
};

/// Streams a corpus split is cut into: the evaluation protocol of
/// tools/train/lm.py (--eval-streams), so that ssmc's perplexities and
/// PyTorch's are over the same predictions; each stream is one sample,
/// its state carried over all its tokens.
constexpr int64_t kCorpusStreams = 50;

/// The fixed psMNIST pixel order: token k is pixel perm[k]. Fisher-Yates over
/// 0..n-1 driven by splitmix64 seeded with `seed` (j = next() mod (i + 1),
/// i from n-1 down to 1), so other languages reproduce it exactly
/// (tools/train/ssmc_data.py).
std::vector<int64_t> pmnistPermutation(int64_t n = 784, uint64_t seed = 0);

/// A data set from values in memory: `inputs` (row-major, of `shape`
/// [samples, tokens] or [samples, tokens, channels]) named `inputName` in
/// errors, and, when given, one label per sample named `labelName`. Throws
/// DataError naming the spec and the array for a wrong rank, an empty or
/// mis-sized array, a non-finite value (with its flat index), or a label
/// that is not a class index. The file: spec reads its .npy files into
/// this; the Python module its NumPy arrays.
Dataset makeDataset(const std::string &spec, const std::string &inputName,
                    const std::vector<int64_t> &shape,
                    const std::vector<double> &inputs,
                    const std::string &labelName = "",
                    const std::vector<double> *labels = nullptr);

/// Loads `spec`, keeping the first `limit` samples when given. Throws
/// DataError naming the spec, the file and what is wrong; an unknown spec
/// kind lists the known ones.
Dataset loadDataset(const std::string &spec,
                    std::optional<int64_t> limit = std::nullopt);

} // namespace ssm::rt

#endif // SSM_RUNTIME_DATASET_H
