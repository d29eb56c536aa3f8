//===- NeuronLayer.h - a layer of neurons as one unit -----------*- C++ -*-===//
//
// A neuron layer is a layer kind whose H channels are H neurons of one
// model with per-channel parameters and no weights of its own (the
// synapses are the dense layer before it): LIF, and the other neuron
// models of the field (LI, IF, CubaLIF). One descriptor gives every target
// what it needs:
//   - the DSL layer `KIND(x, PARAM=..., ...)` and the `ssm.neuron "KIND"` op
//     (frontend and dialect read the parameter list and its ranges);
//   - the float recurrence of one token, which the reference interpreter
//     calls token by token and both conv executors run as a scan over the
//     sequence (scanNeuronLayer);
//   - the loihi2 lowering: the event runtime's neuron model
//     (NeuronModel.h) and how the float parameters become its integer ones.
// So a neuron layer is one file under runtime/lib/models/ (beside its
// neuron model) and a line in runtime/lib/models/Registry.cpp;
// docs/extending.md walks through LIF.
//
// MLIR-free: std only.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_NEURONLAYER_H
#define SSM_RUNTIME_NEURONLAYER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ssm::rt {

/// A per-channel real parameter of a neuron layer.
struct NeuronLayerParam {
  std::string_view name;
  double defaultValue; // the DSL's default (a model without stored weights)
  double min, max;     // the valid range, inclusive
  std::string_view doc;
};

/// A layer-wide boolean option of a neuron layer.
struct NeuronLayerFlag {
  std::string_view name;
  std::string_view doc;
};

struct NeuronLayerInfo;

/// One layer's parameters: params[p][h] is parameter p of channel h;
/// bit k of `flags` is option info->flags[k].
struct NeuronLayerView {
  const NeuronLayerInfo *info = nullptr;
  int64_t channels = 0;
  const std::vector<std::vector<double>> *params = nullptr;
  uint32_t flags = 0;
  /// Recurrent synapses R [H, H] from the layer's own output, delivered one
  /// token later (ssm.neuron's `recurrent`), or null.
  const std::vector<double> *recurrent = nullptr;

  double param(size_t p, int64_t h) const { return (*params)[p][h]; }
  bool flag(size_t k) const { return flags >> k & 1u; }
};

/// What the loihi2 lowering gives a neuron group: the model's integer
/// parameters ([size] each, in the model's order), their formats, and the
/// options set.
struct LoweredNeuronParams {
  std::vector<std::vector<int64_t>> params;
  std::vector<int64_t> paramFrac;
  std::vector<std::string_view> flags;
};

struct NeuronLayerInfo {
  /// The DSL layer, the ssm.neuron kind, the calibration file's kind.
  std::string_view kind;
  /// One line for `ssmc --help` and the docs.
  std::string_view summary;
  std::vector<NeuronLayerParam> params;
  /// Boolean options, false by default (DSL `OPTION=true`; unit
  /// attributes on ssm.neuron).
  std::vector<NeuronLayerFlag> flags;
  /// Float state variables per channel (the step's `state` holds
  /// stateSize x H values, variable-major).
  int64_t stateSize = 1;
  /// One token of the float recurrence: reads `in` [H], updates `state`
  /// [stateSize x H] (zero before the first token) and writes `out` [H].
  void (*step)(const NeuronLayerView &layer, double *state, const double *in,
               double *out) = nullptr;
  /// The event runtime's neuron model of the loihi2 lowering.
  std::string_view neuronModel;
  /// The model's integer parameters for channels whose values (current,
  /// state, payload) are q * 2^-frac in `stateBits`-bit registers.
  LoweredNeuronParams (*lower)(const NeuronLayerView &layer, int frac,
                               unsigned stateBits) = nullptr;

  /// Index of parameter `name`, or -1; bit of option `name`, or -1.
  int paramIndex(std::string_view name) const;
  int flagBit(std::string_view name) const;
};

/// Every neuron layer, in a fixed order.
const std::vector<const NeuronLayerInfo *> &neuronLayers();

/// The neuron layer of kind `kind`, or null.
const NeuronLayerInfo *findNeuronLayer(std::string_view kind);

/// The neuron layers' kinds, comma-separated (for error messages).
std::string neuronLayerNames();

/// One token of `layer` (its kind's `step`) with its recurrent synapses:
/// the neurons' input is in + R previous, where `previous` is the layer's
/// output at the token before (zeros at the first) and `x` is scratch [H].
/// Every executor steps a neuron layer through this.
void stepNeuronLayer(const NeuronLayerView &layer, double *state,
                     const double *in, const double *previous, double *x,
                     double *out);

/// Runs `layer` over `batch` sequences of `length` tokens (token-major,
/// [batch, length, H]) as a scan: the conv targets' form of a recurrence
/// that has no convolution kernel. float in and out (the conv targets'
/// activations), the recurrence in float64 as the reference runs it.
void scanNeuronLayer(const NeuronLayerView &layer, const float *in, float *out,
                     int64_t batch, int64_t length, int threads = 1);

} // namespace ssm::rt

#endif // SSM_RUNTIME_NEURONLAYER_H
