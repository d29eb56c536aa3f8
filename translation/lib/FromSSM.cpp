//===- FromSSM.cpp - build a runtime model from the ssm dialect -----------===//
//
// Walks an ssm.model's graph region in topological order and copies every
// layer's parameters into plain float64 arrays. Handles the ssm form and the
// conv form (conv.s4d_kernel + conv.causal_conv become one S4D layer).
//
//===----------------------------------------------------------------------===//

#include "ssm/Translation/FromSSM.h"
#include "ssm/Dialect/Conv/ConvOps.h"
#include "ssm/Dialect/SSM/Weights.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace ssm;

namespace {
/// Reads a real parameter or reports on `op`.
FailureOr<std::vector<double>> real(Operation *op, StringRef name,
                                    ElementsAttr attr) {
  std::string error;
  FailureOr<SmallVector<double>> values = readRealElements(attr, &error);
  if (failed(values))
    return op->emitOpError()
           << "cannot read parameter '" << name << "': " << error;
  return std::vector<double>(values->begin(), values->end());
}

FailureOr<std::vector<std::complex<double>>>
complexParam(Operation *op, StringRef name, ElementsAttr attr) {
  std::string error;
  FailureOr<SmallVector<std::complex<double>>> values =
      readComplexElements(attr, &error);
  if (failed(values))
    return op->emitOpError()
           << "cannot read parameter '" << name << "': " << error;
  return std::vector<std::complex<double>>(values->begin(), values->end());
}

int64_t channelsOf(Value value) {
  return cast<StreamType>(value.getType()).getChannels();
}

/// Fills the discrete S4D fields of `layer` from A_bar, B_bar and C.
LogicalResult fillS4D(Operation *op, rt::Layer &layer, ElementsAttr aBar,
                      ElementsAttr bBar, ElementsAttr c, ElementsAttr d) {
  auto a = complexParam(op, "a_bar", aBar);
  auto b = complexParam(op, "b_bar", bBar);
  auto cv = complexParam(op, "c", c);
  auto dv = real(op, "d", d);
  if (failed(a) || failed(b) || failed(cv) || failed(dv))
    return failure();
  layer.kind = rt::LayerKind::S4D;
  layer.modes = cast<ShapedType>(c.getType()).getDimSize(1);
  layer.s4d.aBar = std::move(*a);
  layer.s4d.bBar = std::move(*b);
  layer.c = std::move(*cv);
  layer.d = std::move(*dv);
  return success();
}
} // namespace

FailureOr<rt::S4DContinuous> ssm::readS4DContinuous(S4DOp op) {
  rt::S4DContinuous p;
  p.channels = op.getInput().getType().getChannels();
  p.modes = op.getStateSize() / 2;
  auto logDt = real(op, "log_dt", op.getLogDt());
  auto logAReal = real(op, "log_a_real", op.getLogAReal());
  auto aImag = real(op, "a_imag", op.getAImag());
  auto b = complexParam(op, "b", op.getB());
  if (failed(logDt) || failed(logAReal) || failed(aImag) || failed(b))
    return failure();
  p.logDt = std::move(*logDt);
  p.logAReal = std::move(*logAReal);
  p.aImag = std::move(*aImag);
  p.b = std::move(*b);
  return p;
}

int64_t ssm::countParameters(ModelOp model) {
  int64_t count = 0;
  model.walk([&](Operation *op) {
    for (NamedAttribute attr : op->getAttrs()) {
      auto elements = dyn_cast<ElementsAttr>(attr.getValue());
      if (!elements || attr.getName() == "a_bar" || attr.getName() == "b_bar")
        continue;
      count += elements.getNumElements() *
               (isa<ComplexType>(elements.getElementType()) ? 2 : 1);
    }
  });
  return count;
}

FailureOr<ModelOp> ssm::getSingleModel(ModuleOp module) {
  auto models = module.getOps<ModelOp>();
  if (models.empty())
    return module.emitError() << "the input holds no 'ssm.model'";
  if (std::next(models.begin()) != models.end())
    return module.emitError() << "the input holds several models; ssmc runs "
                                 "one at a time";
  return *models.begin();
}

FailureOr<rt::Model>
ssm::buildRuntimeModel(ModelOp modelOp,
                       SmallVectorImpl<Operation *> *layerOps) {
  rt::Model model;
  model.name = modelOp.getSymName().str();

  SmallVector<Operation *> ops;
  for (Operation &op : modelOp.getBody().front())
    ops.push_back(&op);
  if (!computeTopologicalSorting(ops))
    return modelOp.emitOpError() << "has a cycle; cannot be executed";

  DenseMap<Value, int> layerOf;
  auto inputIndex = [&](Value v) { return layerOf.lookup(v); };

  for (Operation *op : ops) {
    if (isa<conv::S4DKernelOp>(op))
      continue; // consumed with its conv.causal_conv
    if (auto output = dyn_cast<OutputOp>(op)) {
      for (Value v : output.getOutputs())
        model.outputs.push_back(inputIndex(v));
      continue;
    }
    rt::Layer layer;
    if (auto name = op->getAttrOfType<StringAttr>("name"))
      layer.name = name.str();
    if (op->getNumResults() != 1 ||
        !isa<StreamType>(op->getResult(0).getType()))
      return op->emitOpError() << "is not supported by the ssmc executors";
    layer.outChannels = channelsOf(op->getResult(0));
    if (std::optional<double> threshold =
            cast<StreamType>(op->getResult(0).getType()).getThresholdValue())
      layer.threshold = *threshold;
    for (Value operand : op->getOperands())
      if (isa<StreamType>(operand.getType()))
        layer.inputs.push_back(inputIndex(operand));
    if (!layer.inputs.empty())
      layer.inChannels = channelsOf(op->getOperand(0));

    LogicalResult built =
        llvm::TypeSwitch<Operation *, LogicalResult>(op)
            .Case([&](InputOp input) {
              layer.kind = rt::LayerKind::Input;
              layer.inputIndex = input.getIndex();
              layer.vocabulary = input.getVocabulary().value_or(0);
              if (layer.name.empty())
                layer.name = "input" + std::to_string(input.getIndex());
              return success();
            })
            .Case([&](EmbeddingOp embedding) -> LogicalResult {
              layer.kind = rt::LayerKind::Embedding;
              auto w = real(op, "weight", embedding.getWeight());
              if (failed(w))
                return failure();
              layer.weight = std::move(*w);
              return success();
            })
            .Case([&](DenseOp dense) -> LogicalResult {
              layer.kind = rt::LayerKind::Dense;
              auto w = real(op, "weight", dense.getWeight());
              if (failed(w))
                return failure();
              layer.weight = std::move(*w);
              layer.bias.assign(layer.outChannels, 0.0);
              if (ElementsAttr biasAttr = dense.getBiasAttr()) {
                auto b = real(op, "bias", biasAttr);
                if (failed(b))
                  return failure();
                layer.bias = std::move(*b);
              }
              return success();
            })
            .Case([&](S4DOp s4d) -> LogicalResult {
              if (s4d.getABarAttr())
                return fillS4D(op, layer, s4d.getABarAttr(), s4d.getBBarAttr(),
                               s4d.getC(), s4d.getD());
              // Not discretized in the IR: use the shared formulas in
              // float64 (the same function ssm-discretize calls).
              FailureOr<rt::S4DContinuous> p = readS4DContinuous(s4d);
              auto c = complexParam(op, "c", s4d.getC());
              auto d = real(op, "d", s4d.getD());
              if (failed(p) || failed(c) || failed(d))
                return failure();
              layer.kind = rt::LayerKind::S4D;
              layer.modes = p->modes;
              layer.s4d = rt::discretize(*p, s4d.getDiscretization() ==
                                                     Discretization::Bilinear
                                                 ? rt::Discretization::Bilinear
                                                 : rt::Discretization::ZOH);
              layer.c = std::move(*c);
              layer.d = std::move(*d);
              return success();
            })
            .Case([&](conv::CausalConvOp convOp) -> LogicalResult {
              auto kernel =
                  convOp.getKernel().getDefiningOp<conv::S4DKernelOp>();
              if (!kernel)
                return op->emitOpError()
                       << "kernel must come from conv.s4d_kernel";
              layer.inputs.resize(1); // the kernel is not a stream input
              return fillS4D(op, layer, kernel.getABar(), kernel.getBBar(),
                             kernel.getC(), convOp.getD());
            })
            .Case([&](EGRUOp egru) -> LogicalResult {
              layer.kind = rt::LayerKind::EGRU;
              auto w = real(op, "w", egru.getW());
              auto r = real(op, "r", egru.getR());
              auto theta = real(op, "theta", egru.getTheta());
              if (failed(w) || failed(r) || failed(theta))
                return failure();
              layer.weight = std::move(*w);
              layer.recurrent = std::move(*r);
              layer.theta = std::move(*theta);
              layer.bias.assign(3 * layer.outChannels, 0.0);
              layer.recurrentBias.assign(3 * layer.outChannels, 0.0);
              if (ElementsAttr biasAttr = egru.getBiasAttr()) {
                auto b = real(op, "bias", biasAttr);
                if (failed(b))
                  return failure();
                layer.bias = std::move(*b);
              }
              if (ElementsAttr biasAttr = egru.getRecurrentBiasAttr()) {
                auto b = real(op, "recurrent_bias", biasAttr);
                if (failed(b))
                  return failure();
                layer.recurrentBias = std::move(*b);
              }
              return success();
            })
            .Case([&](NeuronOp neuron) -> LogicalResult {
              layer.kind = rt::LayerKind::Neuron;
              layer.neuron = neuron.getLayerInfo(); // the verifier checked it
              std::string error;
              auto params = neuron.readParams(&error);
              if (failed(params))
                return neuron.emitOpError() << error;
              layer.neuronParams = std::move(*params);
              layer.neuronFlags = neuron.getFlagBits();
              if (ElementsAttr r = neuron.getRecurrentAttr()) {
                auto values = real(op, "recurrent", r);
                if (failed(values))
                  return failure();
                layer.recurrent = std::move(*values);
              }
              return success();
            })
            .Case([&](ReluOp) {
              layer.kind = rt::LayerKind::Relu;
              return success();
            })
            .Case([&](GeluOp) {
              layer.kind = rt::LayerKind::Gelu;
              return success();
            })
            .Case([&](GLUOp) {
              layer.kind = rt::LayerKind::GLU;
              return success();
            })
            .Case([&](AddOp) {
              layer.kind = rt::LayerKind::Add;
              return success();
            })
            .Case([&](ReadoutOp readout) {
              layer.kind = rt::LayerKind::Readout;
              layer.readout = readout.getMode() == ReadoutMode::Last
                                  ? rt::ReadoutMode::Last
                                  : rt::ReadoutMode::Mean;
              return success();
            })
            .Default([&](Operation *other) {
              return other->emitOpError()
                     << "is not supported by the ssmc executors";
            });
    if (failed(built))
      return failure();
    if (layer.kind == rt::LayerKind::Input) {
      if (model.inputs.size() <= static_cast<size_t>(layer.inputIndex))
        model.inputs.resize(layer.inputIndex + 1, -1);
      model.inputs[layer.inputIndex] = model.layers.size();
    }
    layerOf[op->getResult(0)] = model.layers.size();
    model.layers.push_back(std::move(layer));
    if (layerOps)
      layerOps->push_back(op);
  }
  return model;
}
