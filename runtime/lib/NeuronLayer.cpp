//===- NeuronLayer.cpp - what every neuron layer shares -------------------===//
//
// Lookups and the conv targets' scan (NeuronLayer.h); the layers themselves
// are in models/, listed in models/Registry.cpp.
//
//===----------------------------------------------------------------------===//

#include "ssm/Runtime/NeuronLayer.h"

#include <algorithm>

using namespace ssm::rt;

const NeuronLayerInfo *ssm::rt::findNeuronLayer(std::string_view kind) {
  for (const NeuronLayerInfo *l : neuronLayers())
    if (l->kind == kind)
      return l;
  return nullptr;
}

std::string ssm::rt::neuronLayerNames() {
  std::string names;
  for (const NeuronLayerInfo *l : neuronLayers())
    names += (names.empty() ? "" : ", ") + std::string(l->kind);
  return names;
}

int NeuronLayerInfo::paramIndex(std::string_view name) const {
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i].name == name)
      return static_cast<int>(i);
  return -1;
}

int NeuronLayerInfo::flagBit(std::string_view name) const {
  for (size_t i = 0; i < flags.size(); ++i)
    if (flags[i].name == name)
      return static_cast<int>(i);
  return -1;
}

void ssm::rt::stepNeuronLayer(const NeuronLayerView &layer, double *state,
                              const double *in, const double *previous,
                              double *x, double *out) {
  const int64_t H = layer.channels;
  if (!layer.recurrent) {
    layer.info->step(layer, state, in, out);
    return;
  }
  const std::vector<double> &r = *layer.recurrent;
  for (int64_t h = 0; h < H; ++h) {
    double sum = in[h];
    for (int64_t j = 0; j < H; ++j)
      sum += r[h * H + j] * previous[j];
    x[h] = sum;
  }
  layer.info->step(layer, state, x, out);
}

void ssm::rt::scanNeuronLayer(const NeuronLayerView &layer, const float *in,
                              float *out, int64_t batch, int64_t length,
                              int threads) {
  const int64_t H = layer.channels;
  // Sequences are independent; each runs the recurrence token by token.
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t b = 0; b < batch; ++b) {
    // y holds the previous token's output until the step overwrites it.
    std::vector<double> state(layer.info->stateSize * H, 0.0), x(H), y(H),
        scratch(H);
    for (int64_t t = 0; t < length; ++t) {
      const int64_t offset = (b * length + t) * H;
      std::copy(in + offset, in + offset + H, x.begin());
      stepNeuronLayer(layer, state.data(), x.data(), y.data(), scratch.data(),
                      y.data());
      std::transform(y.begin(), y.end(), out + offset,
                     [](double v) { return static_cast<float>(v); });
    }
  }
}
