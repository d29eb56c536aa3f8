//===- Evaluate.cpp - running and scoring a data set ----------------------===//

#include "ssm/Driver/Evaluate.h"

#include "ssm/Runtime/Dataset.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

using namespace ssm;
using namespace ssm::driver;

std::string ssm::driver::dataProblem(const Executable &executable,
                                     const rt::Dataset &data,
                                     const std::string &dataName) {
  const std::string modelName = executable.modelName();
  // A language model (a token input) is scored on its next-word
  // predictions, every token's outputs (docs/ssmc-run.md).
  if (const int64_t vocabulary = executable.inputVocabulary()) {
    std::string problem = checkLanguageModelData(
        data, vocabulary, executable.outputChannels(), modelName);
    if (!problem.empty())
      return problem;
  } else if (data.isTokens()) {
    return "data set '" + dataName + "' is a corpus of words, but model '" +
           modelName + "' has no token input ('input NAME : tokens(V)')";
  }
  if (data.channels != executable.inputChannels())
    return "model '" + modelName + "' takes " +
           std::to_string(executable.inputChannels()) +
           " input channels per token, but data set '" + dataName + "' has " +
           std::to_string(data.channels);
  const int64_t classes = executable.outputChannels();
  for (size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i] < 0 || data.labels[i] >= classes)
      return "data set '" + dataName + "': label " +
             std::to_string(data.labels[i]) + " of sample " +
             std::to_string(i) + " is not a class of model '" + modelName +
             "', which has " + std::to_string(classes) + " outputs";
  return "";
}

namespace {
/// A vector's bytes, and back.
template <typename T> std::vector<char> bytesOf(const std::vector<T> &v) {
  const char *begin = reinterpret_cast<const char *>(v.data());
  return std::vector<char>(begin, begin + v.size() * sizeof(T));
}
template <typename T> std::vector<T> fromBytes(const std::vector<char> &b) {
  std::vector<T> v(b.size() / sizeof(T));
  std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
}
} // namespace

Evaluation ssm::driver::evaluate(const Executable &executable,
                                 const rt::Dataset &data, RunOptions options,
                                 bool keepTokenOutputs,
                                 const Sharing &sharing) {
  Ranks *ranks =
      sharing.ranks && sharing.ranks->size() > 1 ? sharing.ranks : nullptr;
  const bool bySamples = ranks && sharing.mode == Distribute::Samples;
  StreamSplit split;
  if (ranks && sharing.mode == Distribute::Cores) {
    split = StreamSplit{ranks->rank(), ranks->size(), ranks};
    options.split = &split;
    if (!ranks->root()) {
      // Rank 0 holds the outputs and scores them; the others step cores.
      options.root = false;
      options.perToken = nullptr;
      options.progress = nullptr;
      executable.run(data, options);
      return Evaluation();
    }
  }
  // This process's samples: all, or its block.
  int64_t first = 0, count = data.samples;
  if (bySamples) {
    const std::vector<int64_t> blocks = sampleBlocks(
        data.samples, ranks->size(), executable.rootSamples());
    first = blocks[ranks->rank()];
    count = blocks[ranks->rank() + 1] - first;
    options.root = ranks->root();
  }
  Evaluation e;
  const int64_t classes = executable.outputChannels();
  const int64_t perSample = data.length * classes;
  if (keepTokenOutputs) {
    if (data.samples * perSample * 4 > kMaxTokenOutputBytes)
      throw std::length_error(
          "every token's outputs: " + std::to_string(data.samples) +
          " samples x " + std::to_string(data.length) + " tokens x " +
          std::to_string(classes) + " outputs exceed 2 GiB; run fewer samples (ssmc-run: --limit)");
    e.tokenOutputs.resize(count * perSample);
  }
  if (executable.inputVocabulary())
    e.nextWord.emplace(data, classes);
  if (e.nextWord || keepTokenOutputs) {
    // Chained after the caller's own, if any.
    auto outer = options.perToken;
    options.perToken = [&, outer, first](int64_t sample, int64_t tokens,
                                         const float *y) {
      if (e.nextWord)
        e.nextWord->add(sample, tokens, y);
      if (!e.tokenOutputs.empty())
        std::copy(y, y + tokens * classes,
                  e.tokenOutputs.begin() + (sample - first) * perSample);
      if (outer)
        outer(sample, tokens, y);
    };
  }
  if (bySamples) {
    const auto start = std::chrono::steady_clock::now();
    SampleRun mine = executable.runSamples(data, first, count, options);
    // Every rank's results on rank 0, in rank order = sample order.
    std::vector<int64_t> offsets;
    std::vector<char> outputs = ranks->gather(bytesOf(mine.outputs), offsets);
    std::vector<char> records = ranks->gather(mine.records, offsets);
    std::vector<char> scores =
        e.nextWord ? ranks->gather(e.nextWord->sampleRecords(first, count),
                                   offsets)
                   : std::vector<char>();
    std::vector<char> tokens =
        keepTokenOutputs ? ranks->gather(bytesOf(e.tokenOutputs), offsets)
                         : std::vector<char>();
    if (!ranks->root())
      return Evaluation();
    SampleRun all = std::move(mine);
    all.first = 0;
    all.count = data.samples;
    all.outputs = fromBytes<float>(outputs);
    all.records = std::move(records);
    all.seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    if (e.nextWord)
      e.nextWord->setSampleRecords(0, data.samples, scores);
    if (keepTokenOutputs)
      e.tokenOutputs = fromBytes<float>(tokens);
    e.run = executable.summarize(data, std::move(all));
  } else {
    e.run = executable.run(data, options);
  }
  e.predictions.resize(data.samples);
  for (int64_t i = 0; i < data.samples; ++i) {
    const float *row = e.run.outputs.data() + i * e.run.classes;
    e.predictions[i] = std::max_element(row, row + e.run.classes) - row;
  }
  if (!data.labels.empty()) {
    for (size_t i = 0; i < data.labels.size(); ++i)
      e.correct += e.predictions[i] == data.labels[i];
    e.accuracy = double(e.correct) / double(data.samples);
  }
  return e;
}

llvm::json::Object ssm::driver::scoreReport(const Evaluation &e) {
  llvm::json::Object report{
      {"accuracy", e.accuracy ? llvm::json::Value(*e.accuracy)
                              : llvm::json::Value(nullptr)},
      {"predictions", llvm::json::Array(e.predictions)},
  };
  if (e.nextWord) {
    report["perplexity"] = e.nextWord->perplexity();
    report["bits_per_word"] = e.nextWord->bitsPerWord();
    report["next_word_accuracy"] = e.nextWord->accuracy();
    report["next_word_predictions"] = e.nextWord->predictions();
    report["host_softmax_seconds"] = e.nextWord->softmaxSeconds();
  }
  for (const auto &entry : e.run.report)
    report[entry.first] = entry.second;
  return report;
}

llvm::json::Array
ssm::driver::layerErrorReport(const std::vector<LayerError> &errors) {
  llvm::json::Array entries;
  for (const LayerError &e : errors)
    entries.push_back(llvm::json::Object{
        {"layer", e.layer},
        {"values", e.values},
        {"reference_rms", e.referenceRms},
        {"weight_error", e.weightError},
        {"activation_error", e.activationError},
        {"total_error", e.totalError}});
  return entries;
}
