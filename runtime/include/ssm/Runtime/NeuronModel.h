//===- NeuronModel.h - a neuron model as one unit ---------------*- C++ -*-===//
//
// Everything ssmc asks of a neuron model, in one descriptor: its name, the
// shape of its input current, its per-neuron parameters and options, how
// it sends (sigma-delta or spikes), and its two executions (the event
// runtime's integer step and the float evaluation). The nc dialect's
// verifier, the IR -> network translation, the network file and the event
// runtime all read the descriptor instead of switching over models, so a
// model is one file under runtime/lib/models/ plus one line in
// runtime/lib/models/Registry.cpp (docs/extending.md walks through LIF).
//
// MLIR-free: std only.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_RUNTIME_NEURONMODEL_H
#define SSM_RUNTIME_NEURONMODEL_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ssm::rt::neuro {

struct Hardware;
struct NeuronGroup;
class GroupKernel;
template <typename Real> class BasicFloatKernel;
using FloatKernel = BasicFloatKernel<double>;
using Float32Kernel = BasicFloatKernel<float>;

/// How a model's neurons talk to the synapse tables they feed.
enum class Encoding {
  /// Graded spikes sent sigma-delta (Loihi 2's sigma-delta neurons): a
  /// neuron sends the change of its value since it last sent when larger
  /// than its threshold; the table's accumulator holds the sum of the
  /// changes (the sigma), so a receiver sees each sender's current value.
  SigmaDelta,
  /// Spikes: a neuron sends its payload in the steps it fires and nothing
  /// otherwise; a table fed by spikes sees only this step's payloads (its
  /// accumulator starts from zero every step, as a dendritic accumulator
  /// does for spiking neurons on Loihi).
  Spikes,
};

/// A neuron model. Instances are immutable globals, one per model file,
/// listed by neuronModels().
struct NeuronModelInfo {
  /// The name in nc, network files and traces ("s4d_mode").
  std::string_view name;
  /// Entries of the input current per neuron (an EGRU unit takes its 4
  /// gate pre-activations), stacked by entry: entry k of neuron i is
  /// current k * size + i (nc-split-groups splits groups by that layout).
  int64_t currentPerNeuron = 1;
  /// Per-neuron integer parameters, [size] each, in the order of
  /// NeuronGroup::params (nc: si32 tensor attributes of these names).
  std::vector<std::string_view> params;
  /// The parameter formats (fractional bits) the model reads, in the order
  /// of NeuronGroup::paramFrac (nc: `param_frac_bits`); empty when the
  /// parameters are in the group's value format.
  std::vector<std::string_view> paramFormats;
  /// Boolean options, bit k of NeuronGroup::flags (nc: unit attributes).
  std::vector<std::string_view> flags;
  Encoding encoding = Encoding::SigmaDelta;
  /// A host input stream (no core, no kernel: the session quantizes and
  /// sends the tokens itself).
  bool hostInput = false;
  /// A host input of token ids: the session reads one value per step, the
  /// id t, and sends a payload of 1 from neuron t alone (one-hot).
  bool tokenInput = false;
  /// Checks beyond the shared ones (parameter counts, register widths);
  /// returns an error message, or an empty string. May be null.
  std::string (*check)(const NeuronGroup &group,
                       const Hardware &hardware) = nullptr;
  /// The event runtime's state and integer step for one group.
  std::unique_ptr<GroupKernel> (*makeKernel)(
      const NeuronGroup &group, const Hardware &hardware) = nullptr;
  /// The float evaluation for one group (evaluateQuantizedFloat).
  std::unique_ptr<FloatKernel> (*makeFloat)(const NeuronGroup &group) = nullptr;
  /// The same evaluation in IEEE binary32, the event session's step of
  /// one group of an fp32 network (Hardware::Arithmetic::FP32).
  std::unique_ptr<Float32Kernel> (*makeFloat32)(const NeuronGroup &group) =
      nullptr;

  /// Index of parameter `param` in `params`, or -1.
  int paramIndex(std::string_view param) const;
  /// Bit of option `flag` in `flags`, or -1.
  int flagBit(std::string_view flag) const;
};

/// Every model the runtime has, in a fixed order.
const std::vector<const NeuronModelInfo *> &neuronModels();

/// The model named `name`, or null.
const NeuronModelInfo *findNeuronModel(std::string_view name);

/// The model named `name`; throws std::invalid_argument listing the known
/// models when there is none.
const NeuronModelInfo &neuronModel(std::string_view name);

/// The known models' names, comma-separated (for error messages).
std::string neuronModelNames();

} // namespace ssm::rt::neuro

#endif // SSM_RUNTIME_NEURONMODEL_H
