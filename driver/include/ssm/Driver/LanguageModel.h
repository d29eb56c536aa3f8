//===- LanguageModel.h - scoring a language model's predictions -*- C++ -*-===//
//
// A language model predicts the next word after every word: its outputs at
// token t are logits over the vocabulary for token t + 1. Perplexity is
// exp of the mean negative log-likelihood of the words that follow, with
// the log-softmax on the host in float64 (Bengio et al. 2003, Sec. 4; the
// same as PyTorch's cross entropy in tools/train/lm.py); bits per word is
// that mean over ln 2. The host's softmax is timed apart: on a chip it is
// the host's work, not the chip's.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_LANGUAGEMODEL_H
#define SSM_DRIVER_LANGUAGEMODEL_H

#include <cstdint>
#include <string>
#include <vector>

namespace ssm::rt {
struct Dataset;
} // namespace ssm::rt

namespace ssm::driver {

/// Why a model whose input is a token input of `vocabulary` words and whose
/// outputs are `classes` logits cannot be scored on `data`, or "": the data
/// set must be a corpus of that vocabulary (or hold only ids in [0, V),
/// each checked with its sample and token), and the model must predict a
/// word (classes == V).
std::string checkLanguageModelData(const rt::Dataset &data, int64_t vocabulary,
                                   int64_t classes,
                                   const std::string &modelName);

/// Next-word scores, summed per sample (add() may run on several threads
/// for different samples) and totalled in sample order, so they do not
/// depend on the thread count.
class NextWordScore {
public:
  /// Scores `data`'s words from outputs of `classes` logits per token.
  NextWordScore(const rt::Dataset &data, int64_t classes);
  /// The outputs [tokens, classes] of sample `sample`
  /// (RunOptions::perToken).
  void add(int64_t sample, int64_t tokens, const float *logits);

  int64_t predictions() const;
  double meanNll() const; // nats
  double perplexity() const;
  double bitsPerWord() const;
  /// Fraction of predictions whose largest logit is the next word.
  double accuracy() const;
  /// Host time spent in the softmax, summed over threads (seconds).
  double softmaxSeconds() const;

  /// The sums of samples [first, first + count) as plain bytes, and back
  /// (MPI ranks that share a data set gather them on rank 0; Evaluate.h).
  /// Throws std::out_of_range for samples the data set does not have or
  /// bytes of another length.
  std::vector<char> sampleRecords(int64_t first, int64_t count) const;
  void setSampleRecords(int64_t first, int64_t count,
                        const std::vector<char> &bytes);

private:
  const rt::Dataset &data;
  int64_t classes;
  struct Sample {
    double nll = 0, seconds = 0;
    int64_t count = 0, correct = 0;
  };
  std::vector<Sample> samples;
};

class Executable;

/// One word of generated text.
struct GeneratedWord {
  int64_t id = 0;
  std::string word;
  /// The target's energy estimate per token over the sequence so far (µJ;
  /// loihi2), or a negative number when the target has none.
  double energyPerTokenUJ = -1;
};

/// Samples `count` words after `prompt` (words split on whitespace, each
/// looked up in `vocabulary`, "<unk>" when absent) from the model's
/// next-word distribution (softmax of its logits, temperature 1), word by
/// word: each new word is appended and the sequence run again from the
/// start, so every target generates the same way (a recurrent model's
/// state is a function of the prefix). The draws come from mt19937_64
/// seeded with `seed` (fully specified by C++), so a seed gives the same
/// text on any machine whose logits agree. An empty prompt gives no words.
std::vector<GeneratedWord>
generateWords(const Executable &executable,
              const std::vector<std::string> &vocabulary,
              const std::string &prompt, int64_t count, uint64_t seed,
              int threads);

} // namespace ssm::driver

#endif // SSM_DRIVER_LANGUAGEMODEL_H
