//===- Input.cpp - a host input stream ------------------------------------===//
//
// Not a neuron on a core: the host quantizes each token's values to the
// group's format and sends them sigma-delta (Session::feed does), so the
// model has no kernel.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/NeuronModel.h"

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kInput = [] {
  NeuronModelInfo m;
  m.name = "input";
  m.hostInput = true;
  return m;
}();
} // namespace ssm::rt::neuro::models
