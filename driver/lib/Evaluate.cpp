//===- Evaluate.cpp - running and scoring a data set ----------------------===//

#include "ssm/Driver/Evaluate.h"

#include "ssm/Runtime/Dataset.h"

#include <algorithm>
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

Evaluation ssm::driver::evaluate(const Executable &executable,
                                 const rt::Dataset &data, RunOptions options,
                                 bool keepTokenOutputs) {
  Evaluation e;
  const int64_t classes = executable.outputChannels();
  const int64_t perSample = data.length * classes;
  if (keepTokenOutputs) {
    if (data.samples * perSample * 4 > kMaxTokenOutputBytes)
      throw std::length_error(
          "every token's outputs: " + std::to_string(data.samples) +
          " samples x " + std::to_string(data.length) + " tokens x " +
          std::to_string(classes) + " outputs exceed 2 GiB; run fewer samples (ssmc-run: --limit)");
    e.tokenOutputs.resize(data.samples * perSample);
  }
  if (executable.inputVocabulary())
    e.nextWord.emplace(data, classes);
  if (e.nextWord || keepTokenOutputs) {
    // Chained after the caller's own, if any.
    auto outer = options.perToken;
    options.perToken = [&, outer](int64_t sample, int64_t tokens,
                                  const float *y) {
      if (e.nextWord)
        e.nextWord->add(sample, tokens, y);
      if (!e.tokenOutputs.empty())
        std::copy(y, y + tokens * classes,
                  e.tokenOutputs.begin() + sample * perSample);
      if (outer)
        outer(sample, tokens, y);
    };
  }
  e.run = executable.run(data, options);
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
