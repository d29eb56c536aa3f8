//===- FromNC.cpp - build an event-runtime network from nc ----------------===//

#include "ssm/Translation/FromNC.h"
#include "ssm/Dialect/NC/Hardware.h"
#include "ssm/Dialect/SSM/Weights.h"
#include "ssm/Runtime/HardwareRanges.h"
#include "ssm/Runtime/NetworkFile.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <stdexcept>

using namespace mlir;
using namespace ssm;
namespace neuro = ssm::rt::neuro;

FailureOr<nc::NetworkOp> ssm::getSingleNetwork(ModuleOp module) {
  auto networks = module.getOps<nc::NetworkOp>();
  if (std::distance(networks.begin(), networks.end()) != 1)
    return module.emitError()
           << "expected exactly one nc.network in the module";
  return *networks.begin();
}

FailureOr<neuro::Hardware> ssm::readHardware(nc::NetworkOp network) {
  DictionaryAttr dict = network.getHardware();
  FailureOr<nc::HardwareLimits> limits = network.readLimits();
  if (failed(limits))
    return failure();
  neuro::Hardware hw;
  hw.name = limits->name;
  // A network written before spinnaker2 existed names no target: loihi2's.
  if (auto target = dict.getAs<StringAttr>("target"))
    hw.target = target.getValue().str();
  if (!rt::hw::isChipTarget(hw.target))
    return network.emitOpError()
           << "hardware 'target' must be one of " << rt::hw::chipTargetNames()
           << ", got '" << hw.target << "'";
  hw.chips = limits->chips;
  hw.meshX = limits->meshX;
  hw.meshY = limits->meshY;
  hw.chipMeshX = limits->chipMeshX;
  hw.chipMeshY = limits->chipMeshY;
  hw.neuronsPerCore = limits->neuronsPerCore;
  hw.synapseBytesPerCore = limits->synapseBytesPerCore;
  hw.stateBits = limits->stateBits;
  hw.messageBits = limits->messageBits;
  hw.weightBits = limits->weightBits;
  hw.minExponent = limits->exponentMin;
  hw.maxExponent = limits->exponentMax;
  hw.maxDelay = static_cast<int>(limits->maxDelay);
  hw.dramBytes = limits->dramBytes;
  hw.arithmetic = limits->arithmetic;
  // Cost tables are optional in hand-written networks (then all costs are
  // zero); when present every key must be a number.
  for (auto [key, table] : {std::pair{"energy_pj", &hw.energyPJ},
                            std::pair{"time_ns", &hw.timeNS}}) {
    auto costs = dict.getAs<DictionaryAttr>(key);
    if (!costs)
      continue;
    for (const rt::neuro::CostField &f : rt::neuro::kCostFields) {
      auto value = costs.getAs<FloatAttr>(f.key);
      if (!value && f.optional && !costs.get(f.key))
        continue;
      if (!value)
        return network.emitOpError() << "hardware cost table '" << key
                                     << "' needs a number '" << f.key << "'";
      // An edited nc file could hold NaN, inf or a negative cost, which
      // would make energy negative or the JSON report invalid; the range is
      // the hardware file's.
      double &field = table->*f.field;
      field = value.getValueAsDouble();
      if (!rt::hw::isValidCost(field))
        return network.emitOpError()
               << "hardware cost '" << key << "." << f.key
               << "' must be a number between 0 and 1e12, got " << field;
    }
  }
  if (auto power = dict.getAs<FloatAttr>("static_power_mw")) {
    hw.staticPowerMW = power.getValueAsDouble();
    if (!rt::hw::isValidCost(hw.staticPowerMW))
      return network.emitOpError()
             << "hardware 'static_power_mw' must be a number between 0 and "
                "1e12, got "
             << hw.staticPowerMW;
  }
  return hw;
}

namespace {
LogicalResult readParam(Operation *op, StringRef name,
                        std::vector<int64_t> &out) {
  auto attr = op->getAttrOfType<ElementsAttr>(name);
  if (!attr)
    return success();
  std::string error;
  FailureOr<SmallVector<int64_t>> values = readIntegerElements(attr, &error);
  if (failed(values))
    return op->emitOpError() << "parameter '" << name << "': " << error;
  out.assign(values->begin(), values->end());
  return success();
}
} // namespace

FailureOr<neuro::Network> ssm::buildNeurocoreNetwork(nc::NetworkOp network) {
  // The op verifier enforces structure and the hardware's limits; run it so
  // a network built in memory gets the same checks as a parsed one.
  if (failed(mlir::verify(network)))
    return failure();
  FailureOr<neuro::Hardware> hw = readHardware(network);
  if (failed(hw))
    return failure();
  neuro::Network net;
  net.name = network.getSymName().str();
  net.hardware = *hw;

  llvm::StringMap<int> coreIndex;
  llvm::DenseMap<Value, int> groupOf;
  for (nc::CoreOp core : network.getBody().getOps<nc::CoreOp>()) {
    coreIndex[core.getSymName()] = static_cast<int>(net.cores.size());
    ArrayRef<int64_t> p = core.getPosition();
    net.cores.push_back({core.getSymName().str(), p[0], p[1], p[2]});
  }
  // Groups first (tables may come before the groups they read: graph region).
  for (Operation &op : network.getBody().front()) {
    if (auto input = dyn_cast<nc::InputOp>(op)) {
      neuro::NeuronGroup g;
      g.model = &neuro::neuronModel(input.getTokens() ? "token_input"
                                                      : "input");
      g.name = input.getName() ? input.getName()->str()
                               : "input" + std::to_string(input.getIndex());
      g.size = input.getOutput().getType().getSize();
      g.payloadBits = input.getOutput().getType().getPayloadBits();
      g.input = static_cast<int>(input.getIndex());
      g.frac = static_cast<int>(input.getFracBits().value_or(0));
      g.threshold = input.getThreshold().value_or(0);
      groupOf[input.getOutput()] = static_cast<int>(net.groups.size());
      if (net.inputs.size() <= input.getIndex())
        net.inputs.resize(input.getIndex() + 1, -1);
      if (net.inputs[input.getIndex()] != -1)
        return input.emitOpError()
               << "input " << input.getIndex() << " is defined twice";
      net.inputs[input.getIndex()] = static_cast<int>(net.groups.size());
      net.groups.push_back(std::move(g));
    } else if (auto group = dyn_cast<nc::NeuronsOp>(op)) {
      neuro::NeuronGroup g;
      g.name = group.getSymName().str();
      g.model = group.getModelInfo(); // the verifier checked it exists
      g.size = group.getSize();
      if (!group.getCore())
        return group.emitOpError()
               << "is not placed on a core; run nc-place (the ssm-to-nc "
                  "pipeline does) before running or saving the network";
      g.core = coreIndex.lookup(*group.getCore());
      g.payloadBits = group.getOutput().getType().getPayloadBits();
      g.frac = static_cast<int>(group.getFracBits().value_or(0));
      if (std::optional<ArrayRef<int64_t>> fracs = group.getParamFracBits())
        for (int64_t f : *fracs)
          g.paramFrac.push_back(static_cast<int>(f));
      g.threshold = group.getThreshold().value_or(0);
      for (std::string_view flag : g.model->flags)
        if (group->hasAttr(StringRef(flag)))
          g.setFlag(flag);
      if (failed(readParam(group, "bias", g.bias)))
        return failure();
      for (std::string_view param : g.model->params) {
        std::vector<int64_t> values;
        if (failed(readParam(group, StringRef(param), values)))
          return failure();
        std::vector<int32_t> &out = g.params.emplace_back();
        for (int64_t v : values) {
          if (v < INT32_MIN || v > INT32_MAX)
            return group.emitOpError()
                   << "parameter '" << StringRef(param) << "' value " << v
                   << " does not fit a 32-bit register";
          out.push_back(static_cast<int32_t>(v));
        }
      }
      groupOf[group.getOutput()] = static_cast<int>(net.groups.size());
      net.groups.push_back(std::move(g));
    }
  }
  for (size_t i = 0; i < net.inputs.size(); ++i)
    if (net.inputs[i] < 0)
      return network.emitOpError() << "input " << i << " is missing";

  for (Operation &op : network.getBody().front()) {
    if (auto out = dyn_cast<nc::OutputOp>(op)) {
      for (Value v : out.getOutputs())
        net.outputs.push_back(groupOf.lookup(v));
      continue;
    }
    auto table = dyn_cast<nc::SynapsesOp>(op);
    if (!table)
      continue;
    neuro::SynapseTable t;
    t.name = table.getName() ? table.getName()->str()
                             : "table" + std::to_string(net.tables.size());
    for (Value v : table.getInputs()) {
      auto it = groupOf.find(v);
      if (it == groupOf.end())
        return table.emitOpError() << "reads a value that no group sends";
      t.sources.push_back({it->second, net.groups[it->second].size});
    }
    auto user = cast<nc::NeuronsOp>(*table->user_begin());
    t.target = groupOf.lookup(user.getOutput());
    t.rows = table.getOutput().getType().getSize();
    t.cols = 0;
    for (const neuro::TableSource &s : t.sources)
      t.cols += s.size;
    t.exponent = static_cast<int>(table.getExponent());
    t.delay = static_cast<int>(table.getDelay());
    t.dram = table.getDram();
    // Read as entries, so a sparse<> table never becomes rows x cols.
    std::string error;
    FailureOr<IntegerEntries> entries = table.readEntries(&error);
    if (failed(entries))
      return table.emitOpError() << "parameter 'weights': " << error;
    try {
      t.setEntries(entries->index, entries->value);
    } catch (const std::exception &e) {
      return table.emitOpError() << e.what();
    }
    net.tables.push_back(std::move(t));
  }
  try {
    net.validate();
  } catch (const std::exception &e) {
    return network.emitOpError() << e.what();
  }
  return net;
}

LogicalResult ssm::writeNetworkFile(nc::NetworkOp network, StringRef path) {
  FailureOr<neuro::Network> built = buildNeurocoreNetwork(network);
  if (failed(built))
    return failure();
  try {
    neuro::writeNetworkFile(*built, path.str());
  } catch (const std::exception &e) {
    return network.emitError() << e.what();
  }
  return success();
}
