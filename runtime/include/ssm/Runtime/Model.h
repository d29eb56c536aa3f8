//===- Model.h - an MLIR-free description of a model ------------*- C++ -*-===//
//
// What the executors run: layers in topological order with their parameters
// as plain arrays (float64, row-major). The translation library builds it
// from the ssm dialect (ssm/Translation/FromSSM.h); nothing here depends
// on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_MODEL_H
#define SSM_RUNTIME_MODEL_H

#include "ssm/Runtime/NeuronLayer.h"
#include "ssm/Runtime/S4D.h"

#include <cmath>
#include <complex>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssm::rt {

/// The layer kinds. `Neuron` is every neuron layer (NeuronLayer.h: LIF,
/// ...), told apart by Layer::neuron.
enum class LayerKind {
  Input,
  Embedding,
  Dense,
  S4D,
  EGRU,
  Relu,
  Gelu,
  GLU,
  Add,
  Readout,
  Neuron
};

struct Layer;
/// A short lowercase name ("dense", "s4d", a neuron layer's kind "lif",
/// ...) for messages, reports and calibration files.
const char *layerKindName(const Layer &layer);
/// Whether layers of the kind named `kind` (layerKindName) have a state
/// whose range sizes registers on the chip (S4D and the neuron layers).
bool isStatefulLayerKind(std::string_view kind);

enum class ReadoutMode { Mean, Last };

/// Whether `value` is a token id of a vocabulary of `vocabulary` words: an
/// integer in [0, vocabulary). Every reader of token ids checks with this
/// (ssmc-run before a run; the executors where they look a token up).
inline bool isTokenId(double value, int64_t vocabulary) {
  return value >= 0 && value < static_cast<double>(vocabulary) &&
         value == std::floor(value);
}

struct Layer {
  LayerKind kind = LayerKind::Input;
  std::string name;
  /// Indices of the layers feeding this one (earlier in Model::layers).
  std::vector<int> inputs;
  int64_t inChannels = 0;  // of the first input
  int64_t outChannels = 0;
  /// Sigma-delta threshold of the output connection, if any.
  std::optional<double> threshold;

  // Dense: weight [O, I], bias [O] (zeros if the layer has none).
  // Embedding: weight = E [V, D] (V = vocabulary of its token input).
  // EGRU: weight = W [3H, I], recurrent = R [3H, H], bias [3H],
  // recurrentBias [3H] (zeros if the layer has none), theta [H].
  std::vector<double> weight, recurrent, bias, recurrentBias, theta;

  // S4D (H = inChannels = outChannels, modes = N/2).
  int64_t modes = 0;
  S4DDiscrete s4d;                     // A_bar, B_bar [H, N/2]
  std::vector<std::complex<double>> c; // [H, N/2]
  std::vector<double> d;               // [H]

  ReadoutMode readout = ReadoutMode::Mean;
  int64_t inputIndex = 0; // Input
  /// Input: the vocabulary V of a token input (one channel, a token id in
  /// [0, V) per step); 0 for other inputs.
  int64_t vocabulary = 0;

  // Neuron: the layer's kind and its parameters [P][H] and options;
  // `recurrent` R [H, H] when it has recurrent synapses (else empty).
  const NeuronLayerInfo *neuron = nullptr;
  std::vector<std::vector<double>> neuronParams;
  uint32_t neuronFlags = 0;
  NeuronLayerView neuronView() const {
    return NeuronLayerView{neuron, outChannels, &neuronParams, neuronFlags,
                           recurrent.empty() ? nullptr : &recurrent};
  }
};

struct Model {
  std::string name;
  std::vector<Layer> layers; // topological order
  std::vector<int> inputs;   // layer index of input 0, 1, ...
  std::vector<int> outputs;  // layer indices of the outputs

  int64_t inputChannels(size_t i = 0) const {
    return layers[inputs.at(i)].outChannels;
  }
  int64_t outputChannels(size_t i = 0) const {
    return layers[outputs.at(i)].outChannels;
  }
  /// The vocabulary of input i when it is a token input, else 0.
  int64_t inputVocabulary(size_t i = 0) const {
    return layers[inputs.at(i)].vocabulary;
  }
};

/// A batch of sequences, token-major: data[(b * length + l) * channels + h].
struct Batch {
  int64_t batch = 0, length = 0, channels = 0;
  std::vector<float> data;
};

} // namespace ssm::rt

#endif // SSM_RUNTIME_MODEL_H
