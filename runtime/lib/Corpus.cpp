//===- Corpus.cpp - word-level language-model corpora ---------------------===//

#include "ssm/Runtime/Corpus.h"
#include "ssm/Runtime/InputFile.h"
#include "ssm/Runtime/Npy.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

using namespace ssm::rt;

namespace {
const char *kFetchHint = "run scripts/fetch-data (it checks every file's "
                         "SHA-256), or set SSMC_DATA to the folder holding "
                         "brown/";

/// The most bytes one corpus file may have (the largest Brown file has
/// 26 kB).
constexpr uint64_t kMaxCorpusFileBytes = uint64_t(1) << 24;

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}
} // namespace

const CorpusLayout &ssm::rt::brownLayout() {
  static const CorpusLayout layout = [] {
    CorpusLayout l;
    l.name = "the Brown corpus";
    // Files per genre (A press: reportage ... R humor), as the corpus's
    // CONTENTS lists them.
    const std::pair<char, int> genres[] = {
        {'a', 44}, {'b', 27}, {'c', 17}, {'d', 17}, {'e', 36},
        {'f', 48}, {'g', 75}, {'h', 30}, {'j', 80}, {'k', 29},
        {'l', 24}, {'m', 6},  {'n', 29}, {'p', 29}, {'r', 9}};
    for (auto [genre, count] : genres)
      for (int i = 1; i <= count; ++i)
        l.files.push_back(fmt::format("c{}{:02d}", genre, i));
    l.tokens = 1161192;
    l.trainEnd = 800000;
    l.validEnd = 1000000;
    l.minCount = 4;
    return l;
  }();
  return layout;
}

TokenSplit ssm::rt::loadTaggedCorpus(const std::string &spec,
                                     const std::string &folder,
                                     const CorpusLayout &layout,
                                     const std::string &split) {
  if (split != "train" && split != "valid" && split != "test")
    throw DataError(fmt::format("data set '{}': unknown split '{}'; expected "
                                "train, valid or test",
                                spec, split));
  // Every file is checked before any is read, so a missing one is named
  // rather than found after minutes.
  for (const std::string &name : layout.files) {
    uint64_t size = 0;
    const std::string path = folder + "/" + name;
    const std::string problem =
        inputFileProblem(path, kMaxCorpusFileBytes, size);
    if (!problem.empty())
      throw DataError(fmt::format("data set '{}': {} {} ({} has {} files); {}",
                                  spec, path, problem, layout.name,
                                  layout.files.size(), kFetchHint));
  }
  std::vector<std::string> words;
  words.reserve(layout.tokens);
  for (const std::string &name : layout.files) {
    const std::string path = folder + "/" + name;
    std::vector<char> bytes;
    std::string problem = readInputFile(path, kMaxCorpusFileBytes, bytes);
    if (!problem.empty())
      throw DataError(fmt::format("data set '{}': {} {}; {}", spec, path,
                                  problem, kFetchHint));
    int64_t line = 1, lineStart = 0;
    for (size_t i = 0; i < bytes.size();) {
      if (isSpace(bytes[i])) {
        if (bytes[i] == '\n') {
          ++line;
          lineStart = static_cast<int64_t>(i) + 1;
        }
        ++i;
        continue;
      }
      size_t end = i;
      while (end < bytes.size() && !isSpace(bytes[end]))
        ++end;
      const std::string token(bytes.begin() + i, bytes.begin() + end);
      const size_t slash = token.rfind('/');
      if (slash == std::string::npos || slash == 0)
        throw DataError(fmt::format(
            "data set '{}': {}:{}:{}: token '{}' is not word/tag; {}", spec,
            path, line, static_cast<int64_t>(i) - lineStart + 1,
            token.substr(0, 40), kFetchHint));
      if (static_cast<int64_t>(words.size()) == layout.tokens)
        throw DataError(fmt::format(
            "data set '{}': {} holds more than the {} tokens of {} (at "
            "{}:{}); a file was altered; {}",
            spec, folder, layout.tokens, layout.name, path, line, kFetchHint));
      words.push_back(token.substr(0, slash));
      i = end;
    }
  }
  if (static_cast<int64_t>(words.size()) != layout.tokens)
    throw DataError(fmt::format("data set '{}': {} holds {} tokens, but {} "
                                "has {}: a file is truncated or altered; {}",
                                spec, folder, words.size(), layout.name,
                                layout.tokens, kFetchHint));

  // The vocabulary: words of train seen at least minCount times, by falling
  // count, ties by byte order (std::string's <), after "<unk>".
  std::unordered_map<std::string, int64_t> counts;
  for (int64_t i = 0; i < layout.trainEnd; ++i)
    ++counts[words[i]];
  TokenSplit out;
  out.vocabulary.push_back("<unk>");
  for (const auto &[word, count] : counts)
    if (count >= layout.minCount)
      out.vocabulary.push_back(word);
  std::sort(out.vocabulary.begin() + 1, out.vocabulary.end(),
            [&](const std::string &a, const std::string &b) {
              const int64_t ca = counts.at(a), cb = counts.at(b);
              return ca != cb ? ca > cb : a < b;
            });
  std::unordered_map<std::string, int64_t> index;
  for (size_t i = 0; i < out.vocabulary.size(); ++i)
    index.emplace(out.vocabulary[i], static_cast<int64_t>(i));

  const int64_t begin = split == "train"   ? 0
                        : split == "valid" ? layout.trainEnd
                                           : layout.validEnd;
  const int64_t end = split == "train"   ? layout.trainEnd
                      : split == "valid" ? layout.validEnd
                                         : layout.tokens;
  if (end <= begin)
    throw DataError(fmt::format("data set '{}': the {} split of {} is empty",
                                spec, split, layout.name));
  out.ids.reserve(end - begin);
  for (int64_t i = begin; i < end; ++i) {
    auto it = index.find(words[i]);
    out.ids.push_back(it == index.end() ? 0 : it->second);
  }
  return out;
}
