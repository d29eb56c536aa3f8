//===- LanguageModel.cpp - scoring a language model's predictions ---------===//

#include "ssm/Driver/LanguageModel.h"

#include "ssm/Driver/Target.h"
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Model.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>
#include <sstream>
#include <unordered_map>

using namespace ssm;
using namespace ssm::driver;

std::string ssm::driver::checkLanguageModelData(const rt::Dataset &data,
                                                int64_t vocabulary,
                                                int64_t classes,
                                                const std::string &modelName) {
  if (classes != vocabulary)
    return fmt::format("model '{}' reads words of a vocabulary of {} but has "
                       "{} outputs; a language model predicts the next word "
                       "(its decoder has one output per word)",
                       modelName, vocabulary, classes);
  if (data.channels != 1)
    return fmt::format("model '{}' reads one token id per step, but data set "
                       "'{}' has {} channels",
                       modelName, data.spec, data.channels);
  if (data.isTokens() &&
      static_cast<int64_t>(data.vocabulary.size()) != vocabulary)
    return fmt::format("model '{}' has a vocabulary of {} words, but data "
                       "set '{}' has {}: the model was built for another "
                       "vocabulary",
                       modelName, vocabulary, data.spec,
                       data.vocabulary.size());
  for (int64_t i = 0; i < data.samples; ++i) {
    const float *x = data.sample(i);
    for (int64_t t = 0; t < data.length; ++t)
      if (!rt::isTokenId(x[t], vocabulary))
        return fmt::format("data set '{}': sample {}, token {}: id {} is not "
                           "a word of model '{}' (vocabulary of {})",
                           data.spec, i, t, x[t], modelName, vocabulary);
  }
  if (data.length < 2)
    return fmt::format("data set '{}' has {} token per sample; a next-word "
                       "prediction needs at least 2",
                       data.spec, data.length);
  return "";
}

NextWordScore::NextWordScore(const rt::Dataset &data, int64_t classes)
    : data(data), classes(classes), samples(data.samples) {}

void NextWordScore::add(int64_t sample, int64_t tokens, const float *logits) {
  const auto start = std::chrono::steady_clock::now();
  const float *ids = data.sample(sample);
  Sample &s = samples[sample];
  for (int64_t t = 0; t + 1 < tokens; ++t) {
    // log-softmax of the logits at token t, read at the next word.
    const float *x = logits + t * classes;
    const int64_t next = static_cast<int64_t>(ids[t + 1]);
    double largest = x[0];
    int64_t best = 0;
    for (int64_t v = 1; v < classes; ++v)
      if (x[v] > largest) {
        largest = x[v];
        best = v;
      }
    double sum = 0;
    for (int64_t v = 0; v < classes; ++v)
      sum += std::exp(static_cast<double>(x[v]) - largest);
    s.nll += largest + std::log(sum) - static_cast<double>(x[next]);
    s.correct += best == next;
    ++s.count;
  }
  s.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                             start)
                   .count();
}

int64_t NextWordScore::predictions() const {
  int64_t n = 0;
  for (const Sample &s : samples)
    n += s.count;
  return n;
}

double NextWordScore::meanNll() const {
  double nll = 0;
  for (const Sample &s : samples)
    nll += s.nll;
  return nll / static_cast<double>(std::max<int64_t>(predictions(), 1));
}

double NextWordScore::perplexity() const { return std::exp(meanNll()); }
double NextWordScore::bitsPerWord() const { return meanNll() / std::log(2.0); }

double NextWordScore::accuracy() const {
  int64_t correct = 0;
  for (const Sample &s : samples)
    correct += s.correct;
  return static_cast<double>(correct) /
         static_cast<double>(std::max<int64_t>(predictions(), 1));
}

double NextWordScore::softmaxSeconds() const {
  double seconds = 0;
  for (const Sample &s : samples)
    seconds += s.seconds;
  return seconds;
}

std::vector<char> NextWordScore::sampleRecords(int64_t first,
                                               int64_t count) const {
  if (first < 0 || count < 0 ||
      first + count > static_cast<int64_t>(samples.size()))
    throw std::out_of_range("NextWordScore: samples " + std::to_string(first) +
                            " + " + std::to_string(count) +
                            " are not all in the data set");
  const char *begin = reinterpret_cast<const char *>(samples.data() + first);
  return std::vector<char>(begin, begin + count * sizeof(Sample));
}

void NextWordScore::setSampleRecords(int64_t first, int64_t count,
                                     const std::vector<char> &bytes) {
  if (first < 0 || count < 0 ||
      first + count > static_cast<int64_t>(samples.size()) ||
      bytes.size() != count * sizeof(Sample))
    throw std::out_of_range("NextWordScore: " + std::to_string(bytes.size()) +
                            " bytes are not the sums of samples " +
                            std::to_string(first) + " + " +
                            std::to_string(count));
  std::memcpy(samples.data() + first, bytes.data(), bytes.size());
}

std::vector<GeneratedWord>
ssm::driver::generateWords(const Executable &executable,
                           const std::vector<std::string> &vocabulary,
                           const std::string &prompt, int64_t count,
                           uint64_t seed, int threads) {
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < vocabulary.size(); ++i)
    index.emplace(vocabulary[i], static_cast<int64_t>(i));
  rt::Dataset sequence;
  sequence.spec = "the prompt";
  sequence.samples = 1;
  sequence.channels = 1;
  std::istringstream words(prompt);
  for (std::string word; words >> word;) {
    auto it = index.find(word);
    sequence.inputs.push_back(static_cast<float>(it == index.end() ? 0 : it->second));
  }
  if (sequence.inputs.empty())
    return {}; // the caller checks that the prompt has words
  std::mt19937_64 rng(seed);
  RunOptions options;
  options.threads = threads;
  std::vector<GeneratedWord> out;
  for (int64_t n = 0; n < count; ++n) {
    sequence.length = static_cast<int64_t>(sequence.inputs.size());
    RunResult result = executable.run(sequence, options);
    // softmax(logits) of the last token, sampled by inverting its sum.
    const std::vector<float> &logits = result.outputs;
    const double largest = *std::max_element(logits.begin(), logits.end());
    std::vector<double> cumulative(logits.size());
    double sum = 0;
    for (size_t v = 0; v < logits.size(); ++v)
      cumulative[v] = sum += std::exp(static_cast<double>(logits[v]) - largest);
    const double u = static_cast<double>(rng() >> 11) * 0x1p-53 * sum;
    const int64_t id =
        std::min<int64_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) -
                              cumulative.begin(),
                          static_cast<int64_t>(logits.size()) - 1);
    GeneratedWord word;
    word.id = id;
    word.word = id < static_cast<int64_t>(vocabulary.size()) ? vocabulary[id] : "?";
    if (const llvm::json::Value *energy = result.report.get("energy_per_token_uJ"))
      word.energyPerTokenUJ = energy->getAsNumber().value_or(-1);
    out.push_back(word);
    sequence.inputs.push_back(static_cast<float>(id));
  }
  return out;
}
