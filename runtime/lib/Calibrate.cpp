//===- Calibrate.cpp - PTQ calibration: running a model on data ---------===//

#include "ssm/Runtime/Calibrate.h"

#include "ssm/Runtime/ConvExecutor.h"
#include "ssm/Runtime/Quantize.h"
#include "ssm/Runtime/Reference.h"

#include <algorithm>
#include <cmath>
#include <optional>

using namespace ssm::rt;
using namespace ssm::rt::quant;

Calibration ssm::rt::quant::calibrate(const Model &model,
                                      const std::vector<const float *> &samples,
                                      int64_t length, int threads,
                                      size_t stateSamples, unsigned messageBits,
                                      size_t sqnrSamples) {
  const size_t layers = model.layers.size();
  Calibration result{std::vector<double>(layers, 0.0), {}, {}};
  const int64_t span = length * model.inputChannels();
  const int64_t batch =
      std::min<int64_t>(64, std::max<size_t>(samples.size(), 1));
  ConvOptions options;
  options.threads = threads;
  ConvExecutor executor(model, length, batch, options);
  for (size_t first = 0; first < samples.size(); first += batch) {
    Batch input;
    input.batch = std::min<int64_t>(batch, samples.size() - first);
    input.length = length;
    input.channels = model.inputChannels();
    for (int64_t b = 0; b < input.batch; ++b)
      input.data.insert(input.data.end(), samples[first + b],
                        samples[first + b] + span);
    executor.run(input, [&](size_t layer, const float *values, int64_t count) {
      double &m = result.outputs[layer];
      for (int64_t j = 0; j < count; ++j)
        m = std::max(m, static_cast<double>(std::abs(values[j])));
    });
  }
  std::optional<SqnrRequest> sqnr;
  if (messageBits > 0) {
    sqnr.emplace();
    sqnr->bits = messageBits;
    sqnr->samples = sqnrSamples;
    for (double maxAbs : result.outputs)
      sqnr->fracs.push_back(activationFrac(maxAbs, messageBits));
  }
  ReferenceRanges ranges = measureReference(
      model, samples, length, stateSamples, sqnr ? &*sqnr : nullptr, threads);
  result.states = std::move(ranges.stateMaxAbs);
  result.sqnrDb = std::move(ranges.sqnrDb);
  return result;
}
