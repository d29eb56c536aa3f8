//===- ModelGraph.cpp - a model's layers as plain data --------------------===//

#include "ssm/Driver/ModelGraph.h"

#include "ssm/Dialect/SSM/Weights.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ssm;
using namespace ssm::driver;

namespace {
/// Reads `attr` (real or complex) into `param`; false with a diagnostic.
bool readParam(Operation *op, StringRef name, ElementsAttr attr,
               GraphParam &param) {
  param.name = name.str();
  auto type = cast<ShapedType>(attr.getType());
  param.shape.assign(type.getShape().begin(), type.getShape().end());
  std::string error;
  if (isa<ComplexType>(type.getElementType())) {
    FailureOr<SmallVector<std::complex<double>>> values =
        readComplexElements(attr, &error);
    if (succeeded(values)) {
      param.shape.push_back(2);
      for (std::complex<double> v : *values) {
        param.values.push_back(v.real());
        param.values.push_back(v.imag());
      }
      return true;
    }
  } else {
    FailureOr<SmallVector<double>> values = readRealElements(attr, &error);
    if (succeeded(values)) {
      param.values.assign(values->begin(), values->end());
      return true;
    }
  }
  op->emitOpError() << "cannot read parameter '" << name << "': " << error;
  return false;
}
} // namespace

FailureOr<ModelGraph> ssm::driver::describeModel(ModelOp model) {
  ModelGraph graph;
  graph.name = model.getSymName().str();
  llvm::DenseMap<Value, int> producer;
  // The embeddings' tables, for tied decoders.
  llvm::DenseMap<Attribute, int> tables;
  for (Operation &op : model.getBody().front()) {
    if (auto output = dyn_cast<OutputOp>(op)) {
      for (Value v : output.getOutputs())
        graph.outputs.push_back(producer.lookup(v));
      continue;
    }
    if (op.getNumResults() != 1 || !isa<StreamType>(op.getResult(0).getType()))
      return op.emitOpError() << "is not a layer the model graph describes";
    GraphLayer layer;
    layer.op = op.getName().stripDialect().str();
    layer.channels = cast<StreamType>(op.getResult(0).getType()).getChannels();
    for (Value operand : op.getOperands())
      layer.inputs.push_back(producer.lookup(operand));
    const int index = static_cast<int>(graph.layers.size());
    if (auto dense = dyn_cast<DenseOp>(op))
      if (auto it = tables.find(dense.getWeight()); it != tables.end())
        layer.tiedTo = it->second;
    if (auto embedding = dyn_cast<EmbeddingOp>(op))
      tables.try_emplace(embedding.getWeight(), index);
    // Settings the assembly format carries outside the attribute dictionary.
    if (auto s4d = dyn_cast<S4DOp>(op))
      layer.settings.emplace_back(
          "discretization", stringifyDiscretization(s4d.getDiscretization()));
    if (auto readout = dyn_cast<ReadoutOp>(op))
      layer.settings.emplace_back("mode",
                                  stringifyReadoutMode(readout.getMode()));
    for (NamedAttribute attr : op.getAttrs()) {
      StringRef key = attr.getName().getValue();
      if (key == "discretization" || key == "mode")
        continue; // (enum attributes, spelled above)
      if (key == "name") {
        layer.name = cast<StringAttr>(attr.getValue()).getValue().str();
      } else if (auto elements = dyn_cast<ElementsAttr>(attr.getValue())) {
        if (key == "a_bar" || key == "b_bar" ||
            (key == "weight" && layer.tiedTo >= 0))
          continue;
        GraphParam param;
        if (!readParam(&op, key, elements, param))
          return failure();
        layer.params.push_back(std::move(param));
      } else if (auto integer = dyn_cast<IntegerAttr>(attr.getValue())) {
        layer.settings.emplace_back(key.str(),
                                    std::to_string(integer.getInt()));
      } else if (auto text = dyn_cast<StringAttr>(attr.getValue())) {
        layer.settings.emplace_back(key.str(), text.getValue().str());
      } else if (isa<UnitAttr>(attr.getValue())) {
        layer.settings.emplace_back(key.str(), "true");
      }
    }
    for (Value result : op.getResults())
      producer[result] = index;
    graph.layers.push_back(std::move(layer));
  }
  return graph;
}
