//===- DataFuzzer.cpp - fuzz target for the npy and IDX data readers ------===//
//
// libFuzzer entry point: the input, split in two (FuzzFiles.h), becomes
//  - INPUTS.npy and LABELS.npy of a `file:` data spec, and
//  - the MNIST test images and labels (IDX) of `mnist:test` and
//    `pmnist:test`, read from $SSMC_DATA,
// each loaded as ssmc-run loads data (rt::loadDataset). A DataError is the
// expected answer to a bad file; crashes, hangs, leaks, sanitizer reports
// and other exceptions are findings.
//
//===----------------------------------------------------------------------===//

#include "FuzzFiles.h"

#include "ssm/Runtime/Dataset.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace ssm;

namespace {
void load(const std::string &spec) {
  try {
    rt::Dataset data = rt::loadDataset(spec, 64);
    // What ssmc-run relies on once a set has loaded.
    if (data.samples < 1 || data.length < 1 || data.channels < 1 ||
        data.inputs.size() !=
            static_cast<size_t>(data.samples * data.length * data.channels) ||
        (!data.labels.empty() &&
         data.labels.size() != static_cast<size_t>(data.samples)))
      std::abort();
  } catch (const rt::DataError &) {
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto [first, second] = fuzz::splitInput(data, size);
  const std::string inputs = fuzz::writeFile("inputs.npy", first);
  const std::string labels = fuzz::writeFile("labels.npy", second);
  load("file:" + inputs);
  load("file:" + inputs + "," + labels);

  fuzz::writeFile("mnist/t10k-images-idx3-ubyte", first);
  fuzz::writeFile("mnist/t10k-labels-idx1-ubyte", second);
  ::setenv("SSMC_DATA", fuzz::tempDir().c_str(), 1);
  load("mnist:test");
  load("pmnist:test");
  return 0;
}
