//===- ModelGraph.h - a model's layers as plain data ------------*- C++ -*-===//
//
// The layers of an ssm.model with their parameters, named as the weight
// file names them (layer `a.b`'s parameter `p` is the dataset `/a/b/p`,
// docs/dsl.md): what the Python module gives ssmc.torch to build a PyTorch
// module of any model whose exported weights bind back by name.
//
//===----------------------------------------------------------------------===//

#ifndef SSM_DRIVER_MODELGRAPH_H
#define SSM_DRIVER_MODELGRAPH_H

#include "ssm/Dialect/SSM/SSMOps.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ssm::driver {

/// One parameter tensor of a layer.
struct GraphParam {
  /// The attribute's (and the weight file's dataset's) name: "weight".
  std::string name;
  /// Its shape; a complex tensor has a trailing axis of 2 (real, imaginary),
  /// as in the weight file.
  std::vector<int64_t> shape;
  /// Row-major float64 values.
  std::vector<double> values;
};

/// One layer (an op of the model's body, in order).
struct GraphLayer {
  /// The op's name without "ssm.": input, dense, embedding, s4d, egru,
  /// neuron, relu, gelu, glu, add, readout.
  std::string op;
  /// The layer's path ("block.0.ssm"); empty for an unnamed one.
  std::string name;
  /// The layers it reads (indices into ModelGraph::layers), in operand
  /// order.
  std::vector<int> inputs;
  /// Output channels per token.
  int64_t channels = 0;
  /// Its settings as text, e.g. {"discretization", "zoh"}, {"state_size",
  /// "64"}, {"kind", "lif"}, {"graded", "true"}, {"vocabulary", "20"}.
  std::vector<std::pair<std::string, std::string>> settings;
  /// Its parameters (derived ones, a_bar and b_bar, left out).
  std::vector<GraphParam> params;
  /// For a decoder tied to an embedding (its weight is the embedding's
  /// table): that embedding's index; else -1. Its weight is not listed.
  int tiedTo = -1;
};

struct ModelGraph {
  std::string name;
  std::vector<GraphLayer> layers;
  /// The output layers, in order.
  std::vector<int> outputs;
};

/// The layers of `model`; fails with a diagnostic on an op it does not know
/// or a parameter it cannot read.
mlir::FailureOr<ModelGraph> describeModel(ModelOp model);

} // namespace ssm::driver

#endif // SSM_DRIVER_MODELGRAPH_H
