//===- Model.cpp - an MLIR-free description of a model --------------------===//

#include "ssm/Runtime/Model.h"

using namespace ssm::rt;

const char *ssm::rt::layerKindName(LayerKind kind) {
  switch (kind) {
  case LayerKind::Input:
    return "input";
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
  }
  return "layer";
}
