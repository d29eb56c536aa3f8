//===- Registry.cpp - the neuron models and neuron layers ssmc has --------===//
//
// The one list of neuron models (NeuronModel.h) and of neuron layers
// (NeuronLayer.h). A new model is a file beside this one defining its
// NeuronModelInfo (and, for a layer kind, its NeuronLayerInfo), and its
// names in the declarations and lists below.
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"
#include "ssm/Runtime/NeuronLayer.h"

#include <fmt/format.h>

#include <stdexcept>

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kInput, kS4DMode, kSigmaDeltaRelu, kSigmaDelta,
    kAccumulator, kEGRUUnit, kLIF, kLI, kTokenInput;
extern const ssm::rt::NeuronLayerInfo kLIFLayer, kLILayer;
} // namespace ssm::rt::neuro::models

using namespace ssm::rt::neuro;

const std::vector<const NeuronModelInfo *> &ssm::rt::neuro::neuronModels() {
  using namespace models;
  static const std::vector<const NeuronModelInfo *> all = {
      &kInput,    &kS4DMode, &kSigmaDeltaRelu, &kSigmaDelta, &kAccumulator,
      &kEGRUUnit, &kLIF,    &kLI,             &kTokenInput};
  return all;
}

const std::vector<const ssm::rt::NeuronLayerInfo *> &ssm::rt::neuronLayers() {
  using namespace neuro::models;
  static const std::vector<const NeuronLayerInfo *> all = {&kLIFLayer,
                                                           &kLILayer};
  return all;
}

const NeuronModelInfo *ssm::rt::neuro::findNeuronModel(std::string_view name) {
  for (const NeuronModelInfo *m : neuronModels())
    if (m->name == name)
      return m;
  return nullptr;
}

std::string ssm::rt::neuro::neuronModelNames() {
  std::string names;
  for (const NeuronModelInfo *m : neuronModels())
    names += (names.empty() ? "" : ", ") + std::string(m->name);
  return names;
}

const NeuronModelInfo &ssm::rt::neuro::neuronModel(std::string_view name) {
  if (const NeuronModelInfo *m = findNeuronModel(name))
    return *m;
  throw std::invalid_argument("unknown neuron model '" + std::string(name) +
                              "'; the runtime has " + neuronModelNames());
}

int NeuronModelInfo::paramIndex(std::string_view param) const {
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i] == param)
      return static_cast<int>(i);
  return -1;
}

int NeuronModelInfo::flagBit(std::string_view flag) const {
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i] == flag)
      return static_cast<int>(i);
  return -1;
}

const std::vector<int32_t> &NeuronGroup::param(std::string_view name) const {
  const int i = model ? model->paramIndex(name) : -1;
  if (i < 0 || static_cast<size_t>(i) >= params.size())
    throw std::out_of_range("neuron group '" + this->name +
                            "' has no parameter '" + std::string(name) + "'");
  return params[i];
}

bool NeuronGroup::hasFlag(std::string_view flag) const {
  const int bit = model ? model->flagBit(flag) : -1;
  return bit >= 0 && (flags >> bit & 1u);
}

void NeuronGroup::setFlag(std::string_view flag) {
  const int bit = model ? model->flagBit(flag) : -1;
  if (bit < 0)
    throw std::invalid_argument("neuron group '" + name +
                                "': model has no "
                                "option '" +
                                std::string(flag) + "'");
  flags |= 1u << bit;
}

std::string ssm::rt::neuro::decay::check(const std::vector<int32_t> &d,
                                         std::string_view model) {
  for (int32_t v : d)
    if (v < 0 || v > kOne)
      return fmt::format("{} decay {} outside [0, {}] ({}-bit)", model, v,
                         kOne, kBits);
  return "";
}
