//===- NIRExport.cpp - models as NIR graphs (HDF5) ------------------------===//
//
// The inverse of NIRImport.cpp's mapping (docs/nir.md): a neuron layer's
// decays become time constants tau = dt / decay with R = tau / dt, so that
// the import's input gain dt R / tau is 1 and the weights are written as
// they are. Files are written in NIR's layout (nir/serialization.py) by
// ssmc's HDF5 writer, float32 like the field's exporters.
//
//===----------------------------------------------------------------------===//

#include "ssm/Frontend/NIR.h"
#include "ssm/Runtime/H5Writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

using namespace ssm;
using ssm::rt::Layer;
using ssm::rt::LayerKind;

namespace {
/// A node to write: its NIR type and parameters ([channels] unless shaped).
struct NIRNode {
  std::string name, type;
  struct Param {
    std::string key;
    std::vector<double> values;
    std::vector<hsize_t> dims;
  };
  std::vector<Param> params;
  void add(std::string key, std::vector<double> values,
           std::vector<hsize_t> dims = {}) {
    if (dims.empty())
      dims = {values.size()};
    params.push_back({std::move(key), std::move(values), std::move(dims)});
  }
};

llvm::Error makeError(const std::string &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool all(const std::vector<double> &v, double value) {
  return std::all_of(v.begin(), v.end(), [&](double x) { return x == value; });
}
bool none(const std::vector<double> &v, double value) {
  return std::none_of(v.begin(), v.end(), [&](double x) { return x == value; });
}

/// tau = dt / decay per channel.
std::vector<double> timeConstants(const std::vector<double> &decay, double dt) {
  std::vector<double> tau;
  for (double d : decay)
    tau.push_back(dt / d);
  return tau;
}

/// A neuron layer as its NIR node, or why it cannot be one.
std::string neuronNode(const Layer &l, double dt, NIRNode &node) {
  const std::string kind(l.neuron->kind);
  auto param = [&](const char *name) -> const std::vector<double> & {
    for (size_t p = 0; p < l.neuron->params.size(); ++p)
      if (l.neuron->params[p].name == name)
        return l.neuronParams[p];
    static const std::vector<double> kNone;
    return kNone;
  };
  const std::vector<double> zeros(l.outChannels, 0.0);
  const std::vector<double> ones(l.outChannels, 1.0);
  if (kind == "li") {
    const std::vector<double> &d = param("voltage_decay");
    if (all(d, 0.0)) {
      node.type = "I";
      node.add("r", std::vector<double>(l.outChannels, 1.0 / dt));
      return "";
    }
    if (!none(d, 0.0))
      return "its channels mix voltage_decay 0 (NIR's I) and > 0 (LI)";
    node.type = "LI";
    std::vector<double> tau = timeConstants(d, dt);
    node.add("tau", tau);
    std::vector<double> r;
    for (double t : tau)
      r.push_back(t / dt);
    node.add("r", r);
    node.add("v_leak", zeros);
    return "";
  }
  if (kind != "lif")
    return "NIR has no " + kind + " neuron";
  if (l.neuronFlags)
    return "graded spikes (NIR's spikes are binary)";
  const std::vector<double> &dI = param("current_decay");
  const std::vector<double> &dV = param("voltage_decay");
  const std::vector<double> &theta = param("threshold");
  if (all(dI, 1.0)) {
    if (all(dV, 1.0)) { // v = x each step: a threshold
      node.type = "Threshold";
      node.add("threshold", theta);
      return "";
    }
    if (all(dV, 0.0)) {
      node.type = "IF";
      node.add("r", std::vector<double>(l.outChannels, 1.0 / dt));
      node.add("v_threshold", theta);
      node.add("v_reset", zeros);
      return "";
    }
    if (!none(dV, 0.0))
      return "its channels mix voltage_decay 0 (NIR's IF) and > 0 (LIF)";
    node.type = "LIF";
    std::vector<double> tau = timeConstants(dV, dt), r;
    for (double t : tau)
      r.push_back(t / dt);
    node.add("tau", tau);
    node.add("r", r);
    node.add("v_leak", zeros);
    node.add("v_threshold", theta);
    node.add("v_reset", zeros);
    return "";
  }
  if (!none(dV, 0.0))
    return "a current decay with voltage_decay 0 (CubaLIF needs a finite "
           "tau_mem)";
  if (!none(dI, 0.0))
    return "current_decay 0 (CubaLIF needs a finite tau_syn)";
  node.type = "CubaLIF";
  std::vector<double> tauSyn = timeConstants(dI, dt),
                      tauMem = timeConstants(dV, dt), r, wIn;
  for (int64_t h = 0; h < l.outChannels; ++h) {
    r.push_back(tauMem[h] / dt);
    wIn.push_back(tauSyn[h] / dt);
  }
  node.add("tau_syn", tauSyn);
  node.add("tau_mem", tauMem);
  node.add("r", r);
  node.add("v_leak", zeros);
  node.add("v_threshold", theta);
  node.add("v_reset", zeros);
  node.add("w_in", wIn);
  return "";
}
} // namespace

llvm::Error ssm::dsl::exportNIR(const rt::Model &model, const std::string &path,
                                double dt) {
  if (!(dt > 0 && std::isfinite(dt)))
    return makeError(fmt::format("the NIR step dt must be a positive number of "
                                 "seconds, got {}",
                                 dt));
  std::vector<NIRNode> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  // The NIR nodes whose sum each layer's output is (an add is its inputs').
  std::vector<std::vector<std::string>> sources(model.layers.size());
  std::vector<std::string> refused;
  std::set<std::string> names;
  auto nodeName = [&](const std::string &layer) {
    std::string name = layer;
    std::replace(name.begin(), name.end(), '.', '_');
    while (!names.insert(name).second)
      name += "_";
    return name;
  };
  auto connect = [&](int layer, const std::string &to) {
    for (const std::string &from : sources[layer])
      edges.emplace_back(from, to);
  };
  for (size_t i = 0; i < model.layers.size(); ++i) {
    const Layer &l = model.layers[i];
    NIRNode node;
    node.name = nodeName(l.name);
    switch (l.kind) {
    case LayerKind::Input:
      if (l.vocabulary) {
        refused.push_back(fmt::format("'{}' (token input)", l.name));
        continue;
      }
      node.type = "Input";
      node.add("shape", {double(l.outChannels)});
      break;
    case LayerKind::Dense:
      node.type = "Affine";
      node.add("weight", l.weight,
               {hsize_t(l.outChannels), hsize_t(l.inChannels)});
      node.add("bias", l.bias);
      break;
    case LayerKind::Add: {
      std::vector<std::string> sum = sources[l.inputs[0]];
      for (const std::string &s : sources[l.inputs[1]]) {
        if (std::count(sum.begin(), sum.end(), s)) {
          refused.push_back(fmt::format(
              "'{}' (add: adds '{}' twice, which NIR's summing edges cannot)",
              l.name, s));
          break;
        }
        sum.push_back(s);
      }
      sources[i] = std::move(sum);
      continue;
    }
    case LayerKind::Neuron:
      if (std::string why = neuronNode(l, dt, node); !why.empty()) {
        refused.push_back(fmt::format("'{}' ({}: {})", l.name,
                                      rt::layerKindName(l), why));
        continue;
      }
      break;
    default:
      refused.push_back(
          fmt::format("'{}' ({})", l.name, rt::layerKindName(l)));
      continue;
    }
    for (int in : l.inputs)
      connect(in, node.name);
    sources[i] = {node.name};
    nodes.push_back(std::move(node));
  }
  if (!refused.empty())
    return makeError(fmt::format(
        "model '{}' has layers NIR cannot express: {} (docs/nir.md)",
        model.name, fmt::join(refused, ", ")));
  for (size_t o = 0; o < model.outputs.size(); ++o) {
    NIRNode out;
    out.name = nodeName(model.outputs.size() == 1 ? "output"
                                                  : fmt::format("output{}", o));
    out.type = "Output";
    out.add("shape", {double(model.layers[model.outputs[o]].outChannels)});
    connect(model.outputs[o], out.name);
    nodes.push_back(std::move(out));
  }

  try {
    rt::h5::Writer w(path, "NIR file");
    w.string(w.root(), "version", kNIRVersion);
    rt::h5::Writer::Group graph{w.group(w.root(), "node")};
    w.string(graph.id, "type", "NIRGraph");
    {
      rt::h5::Writer::Group group{w.group(graph.id, "nodes")};
      for (const NIRNode &n : nodes) {
        rt::h5::Writer::Group g{w.group(group.id, n.name)};
        w.string(g.id, "type", n.type);
        for (const NIRNode::Param &p : n.params) {
          // Shapes as int64, everything else float32 (as torch exports).
          if (p.key == "shape")
            w.dataset(g.id, p.key.c_str(),
                      std::vector<int64_t>(p.values.begin(), p.values.end()));
          else
            w.dataset(g.id, p.key.c_str(), p.values, p.dims, H5T_IEEE_F32LE,
                      H5T_NATIVE_DOUBLE);
        }
      }
    }
    std::vector<std::string> ends;
    for (const auto &[from, to] : edges)
      ends.insert(ends.end(), {from, to});
    w.strings(graph.id, "edges", ends, {edges.size(), 2});
    {
      rt::h5::Writer::Group meta{w.group(graph.id, "metadata")};
      w.dataset(meta.id, "dt", std::vector<double>{dt}, {}, H5T_IEEE_F64LE,
                H5T_NATIVE_DOUBLE);
    }
    w.close();
  } catch (const std::exception &e) {
    return makeError(e.what());
  }
  return llvm::Error::success();
}
