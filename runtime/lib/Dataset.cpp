//===- Dataset.cpp - data sets for ssmc-run -------------------------------===//

#include "ssm/Runtime/Dataset.h"

#include <fmt/format.h>

#include <cmath>

using namespace ssm::rt;

namespace {
Dataset loadFiles(const std::string &spec, const std::string &files,
                  std::optional<int64_t> limit) {
  Dataset data;
  data.spec = spec;
  const size_t comma = files.find(',');
  const std::string inputPath = files.substr(0, comma);
  if (inputPath.empty())
    throw DataError(fmt::format("data set '{}': no input file; expected "
                                "file:INPUTS.npy[,LABELS.npy]",
                                spec));
  NpyArray inputs = readNpy(inputPath);
  if (inputs.shape.size() != 2 && inputs.shape.size() != 3)
    throw DataError(fmt::format("data set '{}': {} has {} dimensions; expected "
                                "[samples, tokens] or [samples, tokens, "
                                "channels]",
                                spec, inputPath, inputs.shape.size()));
  data.samples = inputs.shape[0];
  data.length = inputs.shape[1];
  data.channels = inputs.shape.size() == 3 ? inputs.shape[2] : 1;
  if (data.samples == 0 || data.length == 0 || data.channels == 0)
    throw DataError(fmt::format("data set '{}': {} is empty (shape [{}, {}, "
                                "{}])",
                                spec, inputPath, data.samples, data.length,
                                data.channels));
  std::vector<double> values = inputs.toDouble();
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw DataError(fmt::format("data set '{}': {} holds a non-finite value "
                                  "at flat index {}",
                                  spec, inputPath, i));
  data.inputs.assign(values.begin(), values.end());

  if (comma != std::string::npos) {
    const std::string labelPath = files.substr(comma + 1);
    NpyArray labels = readNpy(labelPath);
    if (labels.dtype[0] == 'f' || labels.shape.size() != 1)
      throw DataError(fmt::format("data set '{}': {} must be a 1-D integer "
                                  "array of labels",
                                  spec, labelPath));
    if (labels.shape[0] != data.samples)
      throw DataError(fmt::format("data set '{}': {} has {} labels for {} "
                                  "samples",
                                  spec, labelPath, labels.shape[0],
                                  data.samples));
    for (double label : labels.toDouble())
      data.labels.push_back(static_cast<int64_t>(label));
  }
  if (limit && *limit < data.samples) {
    data.samples = *limit;
    data.inputs.resize(data.samples * data.length * data.channels);
    if (!data.labels.empty())
      data.labels.resize(data.samples);
  }
  return data;
}
} // namespace

Dataset ssm::rt::loadDataset(const std::string &spec,
                             std::optional<int64_t> limit) {
  if (limit && *limit < 1)
    throw DataError(fmt::format("data set '{}': --limit must be at least 1",
                                spec));
  const size_t colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  if (colon != std::string::npos && kind == "file")
    return loadFiles(spec, spec.substr(colon + 1), limit);
  throw DataError(fmt::format("unknown data spec '{}'; expected "
                              "file:INPUTS.npy[,LABELS.npy]",
                              spec));
}
