//===- LayerSpecs.cpp - the layer vocabulary of the model DSL -------------===//

#include "ssm/Frontend/LayerSpecs.h"

#include "llvm/ADT/STLExtras.h"

using namespace ssm::dsl;

namespace {
const ParamSpec kDenseParams[] = {
    {"out", ParamType::PositiveInt, "", "output channels O"},
    {"bias", ParamType::Bool, "true", "add a bias vector"},
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

const LayerSpec kLayerSpecs[] = {
    {"dense", 1, "fully connected layer applied to every token", kDenseParams},
    {"s4d", 1, "diagonal state-space layer (S4D)", kS4DParams},
    {"egru", 1, "event-based gated recurrent unit", kEGRUParams},
    {"relu", 1, "max(x, 0)", {}},
    {"gelu", 1, "x * Phi(x)", {}},
    {"glu", 1, "a * sigmoid(b) over the two channel halves", {}},
    {"add", 2, "channel-wise sum (residual connection)", {}},
    {"readout", 1, "summary of the tokens so far", kReadoutParams},
};
} // namespace

llvm::ArrayRef<LayerSpec> ssm::dsl::getLayerSpecs() { return kLayerSpecs; }

const LayerSpec *ssm::dsl::lookupLayerSpec(llvm::StringRef kind) {
  const LayerSpec *it = llvm::find_if(
      kLayerSpecs, [&](const LayerSpec &spec) { return spec.kind == kind; });
  return it == std::end(kLayerSpecs) ? nullptr : it;
}

llvm::ArrayRef<ParamSpec> ssm::dsl::getConnectionParams() {
  return kConnectionParams;
}
