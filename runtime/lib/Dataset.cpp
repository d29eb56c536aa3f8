//===- Dataset.cpp - data sets for ssmc-run -------------------------------===//

#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/Corpus.h"
#include "ssm/Runtime/InputFile.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace ssm::rt;

/// The largest class index a label may be.
static constexpr int64_t kMaxLabel = INT32_MAX;

Dataset ssm::rt::makeDataset(const std::string &spec,
                             const std::string &inputName,
                             const std::vector<int64_t> &shape,
                             const std::vector<double> &inputs,
                             const std::string &labelName,
                             const std::vector<double> *labels) {
  Dataset data;
  data.spec = spec;
  if (shape.size() != 2 && shape.size() != 3)
    throw DataError(fmt::format("data set '{}': {} has {} dimensions; expected "
                                "[samples, tokens] or [samples, tokens, "
                                "channels]",
                                spec, inputName, shape.size()));
  data.samples = shape[0];
  data.length = shape[1];
  data.channels = shape.size() == 3 ? shape[2] : 1;
  if (data.samples <= 0 || data.length <= 0 || data.channels <= 0)
    throw DataError(fmt::format("data set '{}': {} is empty (shape [{}, {}, "
                                "{}])",
                                spec, inputName, data.samples, data.length,
                                data.channels));
  if (static_cast<int64_t>(inputs.size()) !=
      data.samples * data.length * data.channels)
    throw DataError(fmt::format("data set '{}': {} holds {} values, not the "
                                "{} of its shape [{}, {}, {}]",
                                spec, inputName, inputs.size(),
                                data.samples * data.length * data.channels,
                                data.samples, data.length, data.channels));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!std::isfinite(inputs[i]))
      throw DataError(fmt::format("data set '{}': {} holds a non-finite value "
                                  "at flat index {}",
                                  spec, inputName, i));
  data.inputs.assign(inputs.begin(), inputs.end());
  if (labels) {
    if (static_cast<int64_t>(labels->size()) != data.samples)
      throw DataError(fmt::format("data set '{}': {} has {} labels for {} "
                                  "samples",
                                  spec, labelName, labels->size(),
                                  data.samples));
    for (size_t i = 0; i < labels->size(); ++i) {
      // Class indices; checked against the model's classes by the caller.
      const double v = (*labels)[i];
      if (!(v >= 0 && v <= kMaxLabel) || v != std::floor(v))
        throw DataError(fmt::format("data set '{}': {}: label {} of sample {} "
                                    "is not a class index (0..{})",
                                    spec, labelName, v, i, kMaxLabel));
      data.labels.push_back(static_cast<int64_t>(v));
    }
  }
  return data;
}

namespace {

Dataset loadFiles(const std::string &spec, const std::string &files,
                  std::optional<int64_t> limit) {
  const size_t comma = files.find(',');
  const std::string inputPath = files.substr(0, comma);
  if (inputPath.empty())
    throw DataError(fmt::format("data set '{}': no input file; expected "
                                "file:INPUTS.npy[,LABELS.npy]",
                                spec));
  NpyArray inputs = readNpy(inputPath);
  std::optional<std::vector<double>> labelValues;
  std::string labelPath;
  if (comma != std::string::npos) {
    labelPath = files.substr(comma + 1);
    NpyArray labels = readNpy(labelPath);
    if (labels.dtype[0] == 'f' || labels.shape.size() != 1)
      throw DataError(fmt::format("data set '{}': {} must be a 1-D integer "
                                  "array of labels",
                                  spec, labelPath));
    labelValues = labels.toDouble();
  }
  Dataset data = makeDataset(spec, inputPath, inputs.shape, inputs.toDouble(),
                             labelPath, labelValues ? &*labelValues : nullptr);
  if (limit && *limit < data.samples) {
    data.samples = *limit;
    data.inputs.resize(data.samples * data.length * data.channels);
    if (!data.labels.empty())
      data.labels.resize(data.samples);
  }
  return data;
}
} // namespace

std::vector<int64_t> ssm::rt::pmnistPermutation(int64_t n, uint64_t seed) {
  uint64_t state = seed;
  auto next = [&state] {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  std::vector<int64_t> perm(n);
  for (int64_t i = 0; i < n; ++i)
    perm[i] = i;
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(perm[i], perm[next() % static_cast<uint64_t>(i + 1)]);
  return perm;
}

namespace {
/// $SSMC_DATA/NAME (default data/NAME).
std::string dataFolder(const char *name) {
  const char *env = std::getenv("SSMC_DATA");
  return std::string(env && *env ? env : "data") + "/" + name;
}

/// An IDX file's dimensions and unsigned-byte payload.
struct Idx {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

const char *kFetchHint = "run scripts/fetch-data (or set SSMC_DATA to the "
                         "folder holding mnist/)";

/// Reads an IDX file of unsigned bytes with `rank` dimensions (LeCun et
/// al.'s format: magic 0x0000 08 RANK, big-endian int32 sizes, data).
Idx readIdx(const std::string &spec, const std::string &path, int rank) {
  std::vector<char> bytes;
  const std::string problem = ssm::readInputFile(path, ssm::kMaxDataBytes, bytes);
  if (!problem.empty())
    throw DataError(fmt::format("data set '{}': {} {}; {}", spec, path,
                                problem, kFetchHint));
  auto be32 = [&](size_t offset) {
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data()) + offset;
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) |
           (uint32_t(p[2]) << 8) | uint32_t(p[3]);
  };
  const size_t header = 4 + 4 * static_cast<size_t>(rank);
  const uint32_t expected = 0x0800u | uint32_t(rank);
  if (bytes.size() >= 4 && be32(0) != expected)
    throw DataError(fmt::format("data set '{}': {}: offset 0: magic {:#010x}, "
                                "expected {:#010x} (IDX unsigned bytes, {} "
                                "dimensions); {}",
                                spec, path, be32(0), expected, rank,
                                kFetchHint));
  if (bytes.size() < header)
    throw DataError(fmt::format("data set '{}': {}: offset 0: file of {} "
                                "bytes is too short for an IDX header; {}",
                                spec, path, bytes.size(), kFetchHint));
  Idx idx;
  // Overflow-checked: 256 x 2^28 x 2^28 would wrap to 0 and match an empty
  // payload.
  uint64_t count = 1;
  bool overflow = false;
  for (int d = 0; d < rank; ++d) {
    idx.dims.push_back(be32(4 + 4 * d));
    overflow |= __builtin_mul_overflow(
        count, static_cast<uint64_t>(idx.dims.back()), &count);
  }
  if (overflow || bytes.size() - header != count)
    throw DataError(fmt::format("data set '{}': {}: offset {}: holds {} bytes "
                                "of data, expected {}; the file is truncated "
                                "or corrupt, {}",
                                spec, path, header, bytes.size() - header,
                                overflow ? std::string("more than 2^64")
                                         : std::to_string(count),
                                kFetchHint));
  if (idx.dims[0] == 0)
    throw DataError(fmt::format("data set '{}': {}: offset 4: holds no "
                                "samples; {}",
                                spec, path, kFetchHint));
  idx.data.assign(bytes.begin() + header, bytes.end());
  return idx;
}

Dataset loadMnist(const std::string &spec, bool permuted,
                  const std::string &split, std::optional<int64_t> limit) {
  if (split != "train" && split != "test")
    throw DataError(fmt::format("data set '{}': unknown split '{}'; expected "
                                "train or test",
                                spec, split));
  const std::string dir = dataFolder("mnist") + "/";
  const std::string prefix = split == "train" ? "train" : "t10k";
  Idx images = readIdx(spec, dir + prefix + "-images-idx3-ubyte", 3);
  Idx labels = readIdx(spec, dir + prefix + "-labels-idx1-ubyte", 1);
  if (images.dims[0] != labels.dims[0])
    throw DataError(fmt::format("data set '{}': {} images but {} labels", spec,
                                images.dims[0], labels.dims[0]));
  Dataset data;
  data.spec = spec;
  data.samples = limit ? std::min(*limit, images.dims[0]) : images.dims[0];
  data.length = images.dims[1] * images.dims[2];
  data.channels = 1;
  std::vector<int64_t> order = permuted ? pmnistPermutation(data.length)
                                        : std::vector<int64_t>();
  data.inputs.resize(data.samples * data.length);
  for (int64_t i = 0; i < data.samples; ++i) {
    const uint8_t *image = images.data.data() + i * data.length;
    float *seq = data.inputs.data() + i * data.length;
    for (int64_t k = 0; k < data.length; ++k)
      seq[k] = image[permuted ? order[k] : k] / 255.0f;
    const int64_t label = labels.data[i];
    if (label > 9)
      throw DataError(fmt::format("data set '{}': label {} of sample {} is not "
                                  "a digit",
                                  spec, label, i));
    data.labels.push_back(label);
  }
  return data;
}


Dataset loadBrown(const std::string &spec, const std::string &split,
                  std::optional<int64_t> limit) {
  TokenSplit tokens =
      loadTaggedCorpus(spec, dataFolder("brown"), brownLayout(), split);
  Dataset data;
  data.spec = spec;
  data.channels = 1;
  data.length = static_cast<int64_t>(tokens.ids.size()) / kCorpusStreams;
  data.samples = limit ? std::min(*limit, kCorpusStreams) : kCorpusStreams;
  data.inputs.assign(tokens.ids.begin(),
                     tokens.ids.begin() + data.samples * data.length);
  data.vocabulary = std::move(tokens.vocabulary);
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
  if (colon != std::string::npos && (kind == "mnist" || kind == "pmnist"))
    return loadMnist(spec, kind == "pmnist", spec.substr(colon + 1), limit);
  if (colon != std::string::npos && kind == "brown")
    return loadBrown(spec, spec.substr(colon + 1), limit);
  throw DataError(fmt::format("unknown data spec '{}'; expected "
                              "file:INPUTS.npy[,LABELS.npy], mnist:train|test, "
                              "pmnist:train|test or brown:train|valid|test",
                              spec));
}
