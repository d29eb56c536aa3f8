// Streams sequences through a compiled network (ssmc --target=loihi2
// -o net.h5) token by token on ssmc's event runtime, and writes each
// sequence's outputs after its last token as [samples, outputs] float32.
//
//   stream NET.h5 INPUTS.npy OUTPUTS.npy
//
// INPUTS.npy is [samples, tokens, channels] float32 (or [samples, tokens]).
#include "ssm/Runtime/Dataset.h"
#include "ssm/Runtime/NetworkFile.h"
#include "ssm/Runtime/Neurocore.h"
#include "ssm/Runtime/Npy.h"

#include <cstdio>
#include <exception>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: stream NET.h5 INPUTS.npy OUTPUTS.npy\n");
    return 2;
  }
  try {
    using namespace ssm::rt;
    const neuro::Network net = neuro::readNetworkFile(argv[1]);
    const Dataset data = loadDataset(std::string("file:") + argv[2]);
    neuro::Session session(net);
    std::vector<float> outputs;
    neuro::Counters totals; // spikes, synops, hops... over every sequence
    for (int64_t i = 0; i < data.samples; ++i) {
      session.reset();
      for (int64_t t = 0; t < data.length; ++t)
        session.feed(data.sample(i) + t * data.channels); // one token
      for (double y : session.finish())
        outputs.push_back(static_cast<float>(y));
      totals.add(session.totals());
    }
    writeNpy(argv[3], {data.samples, net.outputChannels()}, outputs.data());
    std::printf(
        "%lld sequences of %lld tokens through '%s': %.3f uJ/token "
        "(Loihi 2 estimate)\n",
        static_cast<long long>(data.samples),
        static_cast<long long>(data.length), net.name.c_str(),
        neuro::estimateCost(net.hardware, totals, data.samples * data.length)
            .energyPerTokenUJ);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "stream: %s\n", e.what());
    return 1;
  }
  return 0;
}
