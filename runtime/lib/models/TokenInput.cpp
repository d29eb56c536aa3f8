//===- TokenInput.cpp - a host input of words -----------------------------===//
//
// A language model's input on the chip (Nazeer et al. 2024, Sec. 3): a group
// of V host neurons, one per token id of the vocabulary. Each step the host
// reads one value, the token id t (Session::feed), and sends one message:
// from neuron t, with a payload of 1 in the group's format (a one-hot
// vector). Spikes encoding, so the tables it feeds see only this step's
// message: an embedding of D channels costs D synaptic operations per token.
// Not a neuron on a core, so the model has no kernel.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/NeuronModel.h"

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kTokenInput = [] {
  NeuronModelInfo m;
  m.name = "token_input";
  m.hostInput = true;
  m.tokenInput = true;
  m.encoding = Encoding::Spikes;
  return m;
}();
} // namespace ssm::rt::neuro::models
