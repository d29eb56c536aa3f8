//===- LI.cpp - the leaky integrator neuron ------------------------------===//
//
// A leaky integrator: the NIR primitive LI (Pedersen et al. 2024, Nature
// Communications, "NIR", Table 1: tau dv/dt = (v_leak - v) + R I), and with
// no leak its I (integrator), discretized per token as Lava's and Loihi's
// neurons are (the time constant as a decay per step, R I folded into the
// synapses before it, v_leak into its bias). For channel h and token t,
// with input x (the synaptic current of this step):
//
//   v_t = (1 - delta_V) v_{t-1} + x_t          voltage
//   y_t = v_t                                 output (no threshold)
//
// One file holds the neuron layer (`li(...)` in the DSL, `ssm.neuron "li"`:
// the float recurrence every target shares) and the event runtime's `li`
// neuron model it lowers to. On the chip the decay is 12-bit (delta_V *
// 4096, as Loihi's dv), the decayed voltage is rounded back to the value
// format and saturated to the state width,
//
//   v' = round(v (4096 - dv) / 2^12) + x,
//
// and the voltage is sent as a graded value on change (Encoding::
// SigmaDelta: a receiver sees every neuron's current voltage).
//
//===----------------------------------------------------------------------===//

#include "../NeuronKernel.h"
#include "ssm/Runtime/NeuronLayer.h"

#include <fmt/format.h>

using namespace ssm::rt;
using namespace ssm::rt::neuro;

namespace {
//===----------------------------------------------------------------------===//
// The neuron layer (float)
//===----------------------------------------------------------------------===//

enum LayerParam { VoltageDecay };

void layerStep(const NeuronLayerView &layer, double *state, const double *in,
               double *out) {
  for (int64_t h = 0; h < layer.channels; ++h) {
    state[h] = (1.0 - layer.param(VoltageDecay, h)) * state[h] + in[h];
    out[h] = state[h];
  }
}

LoweredNeuronParams lower(const NeuronLayerView &layer, int, unsigned) {
  LoweredNeuronParams p;
  p.params.resize(1);
  for (int64_t h = 0; h < layer.channels; ++h)
    p.params[0].push_back(decay::quantize(layer.param(VoltageDecay, h)));
  return p;
}

//===----------------------------------------------------------------------===//
// The neuron model (integer and float evaluation)
//===----------------------------------------------------------------------===//

class LIKernel final : public GroupKernel {
public:
  explicit LIKernel(const NeuronGroup &g) : n(g.size), dv(g.params[0]) {
    reset();
  }
  void reset() override { v.assign(n, 0); }
  Update step(const StepContext &ctx) override {
    const Widths w = ctx.widths;
    Update up;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t x =
          clampCounted(ctx.in.current(k), w.stateLo, w.stateHi, up.overflows);
      const int64_t before = v[k];
      v[k] = clampCounted(
          decay::apply(v[k], dv[k]) + x,
          w.stateLo, w.stateHi, up.overflows);
      up.active += (x | before | v[k]) != 0;
      const int64_t payload =
          clampCounted(v[k], w.payLo, w.payHi, up.overflows);
      ctx.delta[k] = ctx.send(payload, ctx.last[k], up.sent, up.overflows);
    }
    return up;
  }

private:
  int64_t n;
  const std::vector<int32_t> &dv;
  std::vector<int64_t> v;
};

template <typename Real> class LIFloat final : public BasicFloatKernel<Real> {
public:
  explicit LIFloat(const NeuronGroup &g) : v(g.size, 0) {
    for (int32_t d : g.params[0])
      keepV.push_back(decay::keep<Real>(d));
  }
  Update step(const Real *current, int64_t, int64_t, Real *out) override {
    Update u;
    for (size_t k = 0; k < v.size(); ++k) {
      v[k] = keepV[k] * v[k] + current[k];
      out[k] = v[k];
      u.active += v[k] != 0 || current[k] != 0;
    }
    return u;
  }

private:
  std::vector<Real> keepV, v;
};

std::string check(const NeuronGroup &g, const Hardware &) {
  return decay::check(g.params[0], "LI");
}
} // namespace

namespace ssm::rt::neuro::models {
extern const NeuronModelInfo kLI = [] {
  NeuronModelInfo m;
  m.name = "li";
  m.params = {"dv"};
  m.encoding = Encoding::SigmaDelta;
  m.check = check;
  m.makeKernel = makeKernel<LIKernel>;
  setFloatKernels<LIFloat>(m);
  return m;
}();

extern const NeuronLayerInfo kLILayer = [] {
  NeuronLayerInfo l;
  l.kind = "li";
  l.summary = "leaky integrators (NIR's LI; voltage_decay=0: its I)";
  l.params = {
      {"voltage_decay", 0.1, 0.0, 1.0,
       "delta_V: the fraction of the voltage lost per token (dt / tau)"},
  };
  l.stateSize = 1;
  l.step = layerStep;
  l.neuronModel = "li";
  l.lower = lower;
  return l;
}();
} // namespace ssm::rt::neuro::models
