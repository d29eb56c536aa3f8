//===- NetworkFileFuzzer.cpp - fuzz target for compiled network files -----===//
//
// libFuzzer entry point: the input is a compiled network file (HDF5, as
// `ssmc --target=loihi2 -o net.h5` writes it), read as ssmc-run reads it
// (ssm/Runtime/NetworkFile.h, in a child process) and, when it loads, run
// for three tokens on the event runtime. An error is the expected answer to
// bad input; crashes, hangs, leaks and sanitizer reports are findings.
//
//===----------------------------------------------------------------------===//

#include "FuzzFiles.h"

#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/Neurocore.h"

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace {
/// Networks with more neurons than this are loaded but not run, so that
/// one input takes milliseconds.
constexpr int64_t kMaxRunNeurons = 1 << 14;
/// The reader's child process gets this long (the tools give it 120 s):
/// libhdf5 can spin on a corrupt file, and the fuzzer's own per-input
/// timeout (-timeout=20 in readers.test) must not fire first.
constexpr int kReadTimeoutSeconds = 5;
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string path = ssm::fuzz::writeFile(
      "net.h5", std::string_view(reinterpret_cast<const char *>(data), size));
  ssm::rt::neuro::Network network;
  try {
    ssm::rt::h5::ReadLimits limits;
    limits.timeoutSeconds = kReadTimeoutSeconds;
    network = ssm::rt::neuro::readNetworkFile(path, limits);
  } catch (const std::invalid_argument &) {
    return 0;
  }
  int64_t neurons = 0;
  for (const ssm::rt::neuro::NeuronGroup &group : network.groups)
    neurons += group.size;
  if (neurons > kMaxRunNeurons)
    return 0;
  ssm::rt::neuro::Session session(network);
  const std::vector<float> token(network.inputChannels(), 0.5f);
  for (int t = 0; t < 3; ++t)
    session.feed(token.data());
  (void)session.finish();
  return 0;
}
