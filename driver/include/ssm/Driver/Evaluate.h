//===- Evaluate.h - running and scoring a data set --------------*- C++ -*-===//
//
// What ssmc-run and the Python module's run() do with a data set, in one
// place: check it against the model (channels, labels, a language model's
// vocabulary), run it on the target, and score it: accuracy of the last
// token's outputs when the data set has labels, next-word perplexity for a
// language model (LanguageModel.h).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_EVALUATE_H
#define SSM_DRIVER_EVALUATE_H

#include "ssm/Driver/Distributed.h"
#include "ssm/Driver/LanguageModel.h"
#include "ssm/Driver/Target.h"

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>
#include <vector>

namespace ssm::rt {
struct Dataset;
} // namespace ssm::rt

namespace ssm::driver {

/// Why `executable` cannot run `data` (named `dataName` in the message),
/// or "": its channels differ from the model's inputs, a label is not one
/// of its classes, a corpus goes to a model without a token input, or a
/// language model's data do not fit it (checkLanguageModelData).
std::string dataProblem(const Executable &executable, const rt::Dataset &data,
                        const std::string &dataName);

/// A data set run and scored.
struct Evaluation {
  RunResult run;
  /// The class of each sample's last-token outputs (argmax).
  std::vector<int64_t> predictions;
  /// Predictions equal to the labels, and their fraction (data with
  /// labels).
  int64_t correct = 0;
  std::optional<double> accuracy;
  /// Next-word scores (a language model).
  std::optional<NextWordScore> nextWord;
  /// Every token's outputs, [samples, tokens, classes] float32, when asked.
  std::vector<float> tokenOutputs;
};

/// The most bytes of token outputs evaluate() keeps: they are held in
/// memory.
constexpr int64_t kMaxTokenOutputBytes = int64_t(1) << 31;

/// How the processes of an MPI launch share evaluate()'s run
/// (Distributed.h).
struct Sharing {
  Ranks *ranks = nullptr;
  Distribute mode = Distribute::Samples;
};

/// Runs `data` (which dataProblem() accepted; `data` must outlive the
/// result, which scores its words) with `options` and scores it; keeps
/// every token's outputs with `keepTokenOutputs` (an error beyond
/// kMaxTokenOutputBytes). Runtime errors are exceptions.
///
/// Shared among `sharing`'s ranks (every rank calls it with the same
/// executable and data): by samples, each rank runs its block
/// (sampleBlocks) and rank 0 gathers every sample's outputs, target record,
/// next-word sums and (kept) token outputs and summarizes them in sample
/// order; by cores, every rank steps its part of each sample's stream. On
/// rank 0 the result is the same as evaluate()'s in one process, wall time
/// aside; on the other ranks it is empty. Errors are exceptions on the rank
/// that has them (the caller aborts the launch).
Evaluation evaluate(const Executable &executable, const rt::Dataset &data,
                    RunOptions options, bool keepTokenOutputs,
                    const Sharing &sharing = Sharing());

/// The scores as report entries: accuracy and predictions, and for a
/// language model perplexity, bits_per_word, next_word_accuracy,
/// next_word_predictions and host_softmax_seconds (docs/ssmc-run.md), then
/// the target's own entries.
llvm::json::Object scoreReport(const Evaluation &evaluation);

/// Per-layer errors (Executable::compareWithFloat) as report entries:
/// [{layer, values, reference_rms, weight_error, activation_error,
/// total_error}].
llvm::json::Array layerErrorReport(const std::vector<LayerError> &errors);

} // namespace ssm::driver

#endif // SSM_DRIVER_EVALUATE_H
