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
#include <complex>
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

/// The leak of LI and LIF: tau = dt / decay and R = tau / dt (so that the
/// import's input gain dt R / tau is 1), v_leak = 0.
void addLeak(NIRNode &node, const std::vector<double> &decay, double dt) {
  std::vector<double> tau = timeConstants(decay, dt), r;
  for (double t : tau)
    r.push_back(t / dt);
  node.add("tau", tau);
  node.add("r", r);
  node.add("v_leak", std::vector<double>(decay.size(), 0.0));
}

/// The spike of IF, LIF and CubaLIF: [v > theta], then v = 0.
void addSpike(NIRNode &node, const std::vector<double> &theta) {
  node.add("v_threshold", theta);
  node.add("v_reset", std::vector<double>(theta.size(), 0.0));
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
    addLeak(node, d, dt);
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
      addSpike(node, theta);
      return "";
    }
    if (!none(dV, 0.0))
      return "its channels mix voltage_decay 0 (NIR's IF) and > 0 (LIF)";
    node.type = "LIF";
    addLeak(node, dV, dt);
    addSpike(node, theta);
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
  node.add("v_leak", std::vector<double>(l.outChannels, 0.0));
  addSpike(node, theta);
  node.add("w_in", wIn);
  return "";
}

/// An S4D layer (Gu et al. 2022, "On the parameterization and
/// initialization of diagonal state space models", Sec. 2: x_t = A_bar
/// x_{t-1} + B_bar u_t, y_t = 2 Re(C x_t) + D u_t per channel and mode) in
/// NIR's primitives, exactly: each complex mode is two integrators (its real
/// and imaginary part) in one `I` node of 2 H N/2 channels whose recurrent
/// Linear is the 2x2 block A_bar - 1 ([[a - 1, -b], [b, a - 1]] for A_bar =
/// a + ib), so v_t = v_{t-1} + (A_bar - 1) v_{t-1} + B_bar u_t. Returns, in
/// order, NAME_in (Linear [2HM, H]: B_bar), NAME (the I node), NAME_rec,
/// NAME_out (Linear [H, 2HM]: 2 Re C, -2 Im C) and, when D is not 0,
/// NAME_skip (Linear, diagonal D).
std::vector<NIRNode> s4dNodes(const Layer &l, double dt,
                              const std::string &name) {
  const int64_t h = l.outChannels, m = l.modes, n = 2 * h * m;
  NIRNode in, modes, rec, out;
  in.name = name + "_in";
  in.type = "Linear";
  modes.name = name;
  modes.type = "I";
  rec.name = name + "_rec";
  rec.type = "Linear";
  out.name = name + "_out";
  out.type = "Linear";
  std::vector<double> b(n * h, 0.0), r(n * n, 0.0), c(h * n, 0.0);
  for (int64_t ch = 0; ch < h; ++ch)
    for (int64_t k = 0; k < m; ++k) {
      const int64_t re = 2 * (ch * m + k), im = re + 1;
      const std::complex<double> a = l.s4d.aBar[ch * m + k];
      const std::complex<double> bb = l.s4d.bBar[ch * m + k];
      const std::complex<double> cc = l.c[ch * m + k];
      b[re * h + ch] = bb.real();
      b[im * h + ch] = bb.imag();
      r[re * n + re] = a.real() - 1.0;
      r[re * n + im] = -a.imag();
      r[im * n + re] = a.imag();
      r[im * n + im] = a.real() - 1.0;
      c[ch * n + re] = 2.0 * cc.real();
      c[ch * n + im] = -2.0 * cc.imag();
    }
  in.add("weight", b, {hsize_t(n), hsize_t(h)});
  modes.add("r", std::vector<double>(n, 1.0 / dt));
  rec.add("weight", r, {hsize_t(n), hsize_t(n)});
  out.add("weight", c, {hsize_t(h), hsize_t(n)});
  std::vector<NIRNode> parts = {in, modes, rec, out};
  if (!all(l.d, 0.0)) {
    NIRNode skip;
    skip.name = name + "_skip";
    skip.type = "Linear";
    std::vector<double> d(h * h, 0.0);
    for (int64_t ch = 0; ch < h; ++ch)
      d[ch * h + ch] = l.d[ch];
    skip.add("weight", d, {hsize_t(h), hsize_t(h)});
    parts.push_back(skip);
  }
  return parts;
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
    case LayerKind::S4D: {
      std::vector<NIRNode> parts = s4dNodes(l, dt, node.name);
      for (size_t k = 0; k < parts.size(); ++k)
        if (k != 1) // the I node has the layer's (reserved) name
          parts[k].name = nodeName(parts[k].name);
      // u -> in -> modes (looping through rec) -> out, and u -> skip.
      connect(l.inputs[0], parts[0].name);
      edges.emplace_back(parts[0].name, parts[1].name);
      edges.emplace_back(parts[1].name, parts[2].name);
      edges.emplace_back(parts[2].name, parts[1].name);
      edges.emplace_back(parts[1].name, parts[3].name);
      sources[i] = {parts[3].name};
      if (parts.size() > 4) {
        connect(l.inputs[0], parts[4].name);
        sources[i].push_back(parts[4].name);
      }
      for (NIRNode &part : parts)
        nodes.push_back(std::move(part));
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
    if (l.kind == LayerKind::Neuron && !l.recurrent.empty()) {
      // Recurrent synapses: a Linear node looping back (NIRImport.cpp's
      // takeLoops reads it back; the node's input gain is 1).
      NIRNode loop;
      loop.name = nodeName(l.name + "_rec");
      loop.type = "Linear";
      loop.add("weight", l.recurrent,
               {hsize_t(l.outChannels), hsize_t(l.outChannels)});
      edges.emplace_back(node.name, loop.name);
      edges.emplace_back(loop.name, node.name);
      nodes.push_back(std::move(node));
      nodes.push_back(std::move(loop));
      continue;
    }
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
