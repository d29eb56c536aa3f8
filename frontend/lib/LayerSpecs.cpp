//===- LayerSpecs.cpp - the layer vocabulary of the model DSL -------------===//

#include "ssm/Frontend/LayerSpecs.h"

#include "ssm/Runtime/NeuronLayer.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <deque>
#include <string>
#include <vector>

using namespace ssm::dsl;

namespace {
const ParamSpec kDenseParams[] = {
    {"out", ParamType::PositiveInt, "", "output channels O"},
    {"bias", ParamType::Bool, "true", "add a bias vector"},
    {"tied", ParamType::Layer, "none",
     "use the weights of this embedding layer [V, D] (a tied decoder, Press "
     "& Wolf 2017: O = V, I = D); only the bias is the dense layer's own"},
};
const ParamSpec kEmbeddingParams[] = {
    {"out", ParamType::PositiveInt, "", "embedding size D"},
};
const ParamSpec kS4DParams[] = {
    {"state", ParamType::EvenInt, "64",
     "state size N (N/2 complex modes per channel)"},
    {"discretization", ParamType::Choice, "zoh",
     "rule from (A, B, dt) to (A_bar, B_bar)", "zoh|bilinear"},
    {"init", ParamType::Choice, "lin",
     "initialization of A without stored weights (S4D-Lin, S4D-Inv)",
     "lin|inv"},
    {"dt_min", ParamType::PositiveFloat, "0.001",
     "lower bound of the initial step size dt"},
    {"dt_max", ParamType::PositiveFloat, "0.1",
     "upper bound of the initial step size dt"},
};
const ParamSpec kEGRUParams[] = {
    {"hidden", ParamType::PositiveInt, "", "hidden units H"},
    {"theta", ParamType::PositiveFloat, "0.1",
     "initial event threshold of every unit"},
    {"bias", ParamType::Bool, "true", "add gate biases"},
};
const ParamSpec kReadoutParams[] = {
    {"mode", ParamType::Choice, "",
     "running mean of the tokens so far, or the last token", "mean|last"},
};
const ParamSpec kConnectionParams[] = {
    {"sigma_delta", ParamType::NonNegativeFloat, "",
     "send the output sigma-delta encoded with this threshold"},
};

const LayerSpec kFixedLayerSpecs[] = {
    {"dense", 1, "fully connected layer applied to every token", kDenseParams},
    {"embedding", 1, "one vector per token id of a token input",
     kEmbeddingParams},
    {"s4d", 1, "diagonal state-space layer (S4D)", kS4DParams},
    {"egru", 1, "event-based gated recurrent unit", kEGRUParams},
    {"relu", 1, "max(x, 0)", {}},
    {"gelu", 1, "x * Phi(x)", {}},
    {"glu", 1, "a * sigmoid(b) over the two channel halves", {}},
    {"add", 2, "channel-wise sum (residual connection)", {}},
    {"readout", 1, "summary of the tokens so far", kReadoutParams},
};
/// The fixed kinds, then one per neuron layer of the model library: its
/// per-channel parameters as numbers in their ranges (a scalar sets every
/// channel) and its options as booleans, default false.
struct LayerTable {
  std::vector<LayerSpec> specs;
  std::deque<std::vector<ParamSpec>> params; // storage the specs point into
  std::deque<std::string> text;

  LayerTable() {
    specs.assign(std::begin(kFixedLayerSpecs), std::end(kFixedLayerSpecs));
    for (const ssm::rt::NeuronLayerInfo *layer : ssm::rt::neuronLayers()) {
      std::vector<ParamSpec> &list = params.emplace_back();
      for (const ssm::rt::NeuronLayerParam &p : layer->params) {
        ParamSpec spec{p.name, ParamType::RangedFloat,
                       keep(llvm::formatv("{0}", llvm::format("%g", p.defaultValue)).str()),
                       p.doc};
        spec.min = p.min;
        spec.max = p.max;
        list.push_back(spec);
      }
      for (const ssm::rt::NeuronLayerFlag &f : layer->flags)
        list.push_back({f.name, ParamType::Bool, "false", f.doc});
      specs.push_back({layer->kind, 1, layer->summary, list});
    }
  }
  llvm::StringRef keep(std::string s) { return text.emplace_back(std::move(s)); }
};

const LayerTable &layerTable() {
  static const LayerTable table;
  return table;
}
} // namespace

llvm::ArrayRef<LayerSpec> ssm::dsl::getLayerSpecs() {
  return layerTable().specs;
}

const LayerSpec *ssm::dsl::lookupLayerSpec(llvm::StringRef kind) {
  llvm::ArrayRef<LayerSpec> specs = getLayerSpecs();
  const LayerSpec *it = llvm::find_if(
      specs, [&](const LayerSpec &spec) { return spec.kind == kind; });
  return it == specs.end() ? nullptr : it;
}

llvm::ArrayRef<ParamSpec> ssm::dsl::getConnectionParams() {
  return kConnectionParams;
}
