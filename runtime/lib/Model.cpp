//===- Model.cpp - an MLIR-free description of a model --------------------===//

#include "ssm/Runtime/Model.h"

using namespace ssm::rt;

const char *ssm::rt::layerKindName(const Layer &layer) {
  switch (layer.kind) {
  case LayerKind::Input:
    return "input";
  case LayerKind::Embedding:
    return "embedding";
  case LayerKind::Dense:
    return "dense";
  case LayerKind::S4D:
    return "s4d";
  case LayerKind::EGRU:
    return "egru";
  case LayerKind::Relu:
    return "relu";
  case LayerKind::Gelu:
    return "gelu";
  case LayerKind::GLU:
    return "glu";
  case LayerKind::Add:
    return "add";
  case LayerKind::Readout:
    return "readout";
  case LayerKind::Neuron:
    // Kinds are string literals (models/*.cpp), so data() ends in a NUL.
    return layer.neuron ? layer.neuron->kind.data() : "neuron";
  }
  return "layer";
}

bool ssm::rt::isStatefulLayerKind(std::string_view kind) {
  return kind == "s4d" || findNeuronLayer(kind);
}
